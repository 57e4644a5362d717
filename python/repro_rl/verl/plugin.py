"""verl extension points for RePro (see repro_rl/verl/__init__.py for the targeted version and
what was not run). Imported in verl's TaskRunner process; `install()` is idempotent."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np
import torch

from ..rollout.estimators import repro_gae_advantages, repro_grpo_advantages, repro_reinforce_pp_advantages
from ..rollout.step import repro_step
from ..settings import ReproSettings

_STATE: dict = {"trainer": None, "entropys": None, "installed": False}
ESTIMATOR_NAMES = {"grpo": "repro_grpo", "gae": "repro_gae", "reinforce_plus_plus": "repro_reinforce_plus_plus"}


def _alpha(config) -> float:
    return float(config.get("process_reward_coef", 0.0))


def repro_grpo(token_level_rewards, response_mask, index=None, config=None, repro_process_rewards=None,
               repro_process_mask=None, repro=None, norm_adv_by_std_in_grpo=True, **kwargs):
    s: ReproSettings = repro
    return repro_grpo_advantages(token_level_rewards, response_mask, index, repro_process_rewards, repro_process_mask,
                                 s.process_reward_coef, s.advantage_eps, norm_adv_by_std_in_grpo)


def repro_gae(token_level_rewards, response_mask, values=None, gamma=1.0, lam=1.0, repro_process_rewards=None,
              repro_process_mask=None, index=None, repro=None, **kwargs):
    return repro_gae_advantages(token_level_rewards, values, response_mask, repro_process_rewards,
                                repro.process_reward_coef, gamma, lam, repro.process_reward_norm, repro_process_mask, index,
                                repro.advantage_eps)


def repro_reinforce_plus_plus(token_level_rewards, response_mask, config=None, gamma=1.0, repro_process_rewards=None,
                              repro_process_mask=None, index=None, repro=None, **kwargs):
    return repro_reinforce_pp_advantages(token_level_rewards, response_mask, repro_process_rewards,
                                         repro.process_reward_coef, gamma, repro.process_reward_norm, repro_process_mask, index,
                                         repro.advantage_eps)


def _unpadded(ids: torch.Tensor, mask: torch.Tensor):
    return [row[m.bool()].tolist() for row, m in zip(ids, mask)]


def probe_token_limit(config) -> Optional[int]:
    """The longest row the actor's compute_log_prob accepts: with rollout.log_prob_use_dynamic_bsz, verl's
    rearrange_micro_batches asserts the batch's padded width ≤ log_prob_max_token_len_per_gpu × the actor's
    ulysses_sequence_parallel_size (verl 0.5 dp_actor); without dynamic batching there is no such limit."""
    aro = config.get("actor_rollout_ref", {}) or {}
    rollout = aro.get("rollout", {}) or {}
    if not rollout.get("log_prob_use_dynamic_bsz", False):
        return None
    sp = (aro.get("actor", {}) or {}).get("ulysses_sequence_parallel_size", 1) or 1
    return int(rollout.get("log_prob_max_token_len_per_gpu")) * int(sp)


def process_step(data, trainer, settings: ReproSettings, entropys: torch.Tensor, max_probe_len: Optional[int] = None) -> None:
    """Probe the rollouts through the actor and write the token-level process rewards into `data`.
    `max_probe_len` (probe_token_limit): no probe row longer, no probe call wider (repro_step)."""
    from verl import DataProto
    from verl.protocol import pad_dataproto_to_divisor, unpad_dataproto

    responses = data.batch["responses"]
    T = responses.shape[1]
    prompt_len = data.batch["input_ids"].shape[1] - T
    prompts = _unpadded(data.batch["input_ids"][:, :prompt_len], data.batch["attention_mask"][:, :prompt_len])
    resp = _unpadded(responses, data.batch["response_mask"])
    answers = [str(rm["ground_truth"]) for rm in data.non_tensor_batch["reward_model"]]
    tok = trainer.tokenizer
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    wg = trainer.actor_rollout_wg

    def log_probs(tensors):
        probe = DataProto.from_dict(tensors=tensors, meta_info={"temperature": 1.0})
        padded, pad = pad_dataproto_to_divisor(probe, wg.world_size)
        out = unpad_dataproto(wg.compute_log_prob(padded), pad_size=pad)
        return out.batch["old_log_probs"]

    res = repro_step(prompts, resp, entropys, answers, lambda s: tok.encode(s, add_special_tokens=False),
                     lambda ids: tok.decode(ids, skip_special_tokens=False), settings, log_probs, T, pad_id,
                     max_probe_len=max_probe_len)
    data.batch["repro_process_rewards"] = res.process_rewards.to(torch.float32)
    data.batch["repro_process_mask"] = res.process_mask
    data.meta_info.setdefault("repro_metrics", {}).update({
        "repro/probe_rows": res.probe_rows,
        "repro/probe_calls": res.probe_calls,
        # boundaries whose probe row would exceed max_probe_len are not probed (as the tab's scorer
        # drops those beyond its block), and rollouts whose J_0 row does not fit get no process reward
        "repro/unfit_boundaries": res.unfit_boundaries,
        "repro/unprobed_rollouts": res.unprobed,
        "repro/mean_kept_segments": float(np.mean([len(p.kept) for p in res.plans])),
        "repro/mean_J_final": float(np.mean([j[-1] for j in res.J if j])) if any(res.J) else float("nan"),
    })


def install() -> None:
    """Register the estimators and wrap the trainer's advantage step (once per process)."""
    if _STATE["installed"]:
        return
    from verl.trainer.ppo import core_algos, ray_trainer

    for fn in (repro_grpo, repro_gae, repro_reinforce_plus_plus):
        core_algos.register_adv_est(fn.__name__)(fn)
    original_compute_advantage = ray_trainer.compute_advantage
    original_init_workers = ray_trainer.RayPPOTrainer.init_workers

    def init_workers(self, *args, **kwargs):
        original_init_workers(self, *args, **kwargs)
        _STATE["trainer"] = self
        wg = self.actor_rollout_wg
        inner = wg.compute_log_prob

        def compute_log_prob(data, *a, **k):
            out = inner(data, *a, **k)
            if "entropys" in out.batch.keys():  # the rollout pass: keep §7's entropies before fit drops them
                _STATE["entropys"] = out.batch["entropys"].detach().clone()
            return out

        wg.compute_log_prob = compute_log_prob
        if float(self.config.actor_rollout_ref.rollout.get("temperature", 1.0)) != 1.0:
            warnings.warn("repro: rollout.temperature != 1: verl's compute_log_prob divides the logits by it, so "
                          "J and the entropies are measured at that temperature, not at the model's own (the tab's T = 1)")

    def compute_advantage(data, adv_estimator, gamma: float = 1.0, lam: float = 1.0, num_repeat: int = 1,
                          norm_adv_by_std_in_grpo: bool = True, config: Optional[Any] = None, **extra):
        # **extra: verl 0.4.1's fit also passes multi_turn=… (0.5 dropped it); everything goes on by keyword,
        # so either version's original gets what it expects.
        trainer = _STATE["trainer"]
        repro_cfg = trainer.config.get("repro", None) if trainer is not None else None
        name = getattr(adv_estimator, "value", adv_estimator)
        if repro_cfg is None or name not in ESTIMATOR_NAMES:
            return original_compute_advantage(data, adv_estimator, gamma=gamma, lam=lam, num_repeat=num_repeat,
                                              norm_adv_by_std_in_grpo=norm_adv_by_std_in_grpo, config=config, **extra)
        if extra.get("multi_turn", False):
            raise NotImplementedError("repro: multi-turn rollouts (verl 0.4 multi_turn=True) are not supported: the "
                                      "process reward segments one response's chain of thought")
        settings = ReproSettings.from_config(dict(repro_cfg))
        if "response_mask" not in data.batch.keys():
            data.batch["response_mask"] = data.batch["attention_mask"][:, -data.batch["responses"].shape[1]:]
        if settings.process_reward_coef > 0:
            process_step(data, trainer, settings, _STATE["entropys"], probe_token_limit(trainer.config))
        else:
            data.batch["repro_process_rewards"] = torch.zeros_like(data.batch["token_level_rewards"])
            data.batch["repro_process_mask"] = torch.zeros_like(data.batch["response_mask"], dtype=torch.bool)
        fn = core_algos.get_adv_estimator_fn(ESTIMATOR_NAMES[name])
        adv, ret = fn(token_level_rewards=data.batch["token_level_rewards"], response_mask=data.batch["response_mask"],
                      index=data.non_tensor_batch.get("uid"), values=data.batch["values"] if "values" in data.batch.keys() else None, gamma=gamma, lam=lam,
                      config=config, repro_process_rewards=data.batch["repro_process_rewards"],
                      repro_process_mask=data.batch["repro_process_mask"], repro=settings,
                      norm_adv_by_std_in_grpo=norm_adv_by_std_in_grpo)
        data.batch["advantages"] = adv.to(data.batch["token_level_rewards"].dtype)
        data.batch["returns"] = ret.to(data.batch["token_level_rewards"].dtype)
        return data

    ray_trainer.RayPPOTrainer.init_workers = init_workers
    ray_trainer.compute_advantage = compute_advantage
    _STATE["installed"] = True
