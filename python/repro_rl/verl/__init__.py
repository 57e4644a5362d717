"""RePro in verl: the thin glue over repro_rl.rollout (everything testable lives there).

Targets verl 0.5.x (github.com/volcengine/verl, read at tag v0.5.0): `verl.trainer.ppo.core_algos.
register_adv_est`, `verl.trainer.ppo.ray_trainer.compute_advantage` / `RayPPOTrainer.init_workers`,
`verl.DataProto` with `verl.protocol.pad_dataproto_to_divisor` / `unpad_dataproto`, the actor worker
group's `compute_log_prob` (returns `old_log_probs` and `entropys`; with
`rollout.log_prob_use_dynamic_bsz` it asserts every batch's padded width ≤
`log_prob_max_token_len_per_gpu` × the actor's sequence-parallel size), and
`custom_reward_function.path`. verl 0.4.1 has the same points except that its `fit` also passes
`multi_turn=` to `compute_advantage`: the wrapper takes it (and hands it on), single-turn only.
Parity with v0.5.0 (python/tests/test_verl_glue.py): GRPO's outcome term is verl's
`compute_grpo_outcome_advantage` (copied into the test stand-in) — a group of one gets R / (1 + ε),
`norm_adv_by_std_in_grpo=false` drops the std.

How it plugs in (docs/scale-out.md): `python -m verl.trainer.main_ppo` with
`custom_reward_function.path=<repo>/python/repro_rl/verl/reward.py`; verl imports that file in its
TaskRunner process, which runs `plugin.install()`:
- registers `repro_grpo`, `repro_gae`, `repro_reinforce_plus_plus` with @register_adv_est;
- wraps `RayPPOTrainer.init_workers` to keep the trainer and tap the `entropys` of the rollout's
  old-log-prob pass (the first-token entropies of §7);
- wraps `ray_trainer.compute_advantage`: with `repro.process_reward_coef` > 0 it builds the probe
  batch from the rollouts, gets its log-probs from `actor_rollout_wg.compute_log_prob`, writes the
  token-level process rewards into the batch (`repro_process_rewards`, `repro_process_mask`) and
  computes the advantages with the registered RePro estimator for `algorithm.adv_estimator`.

NOT RUN HERE: verl, Ray and vLLM cannot be installed in this repository's CI. The glue is exercised
in python/tests/test_verl_glue.py against small stand-ins of the verl API it calls (the registry,
DataProto's batch/non_tensor_batch, a worker group whose compute_log_prob runs the toy model); no
real verl run, no GPU, no FSDP sharding has been tried.
"""
VERL_VERSION = "0.5.x"
