"""RePro on a batch of RL rollouts, framework-free (torch tensors in verl's layout): which CoT
segments to probe, the probe batch for an actor's log-prob pass, J → process rewards, and the
batched §9 / §11 estimators. repro_rl.verl only wires these into verl."""
