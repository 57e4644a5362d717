"""One RePro scoring step over a batch of rollouts, independent of the RL framework: plan the probes,
get the answer log-probs of the probe batch from `log_prob_fn` (in verl: the actor worker group's
compute_log_prob), and return the token-level process rewards (repro-method.md §3, §7, §8)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

import torch

from ..scorer_tokens import probe_and_answer_ids
from ..settings import ReproSettings
from .plan import RolloutPlan, plan_rollout
from .probe_batch import build_probe_rows, j_from_log_probs, process_token_rewards

LogProbFn = Callable[[Dict[str, torch.Tensor]], torch.Tensor]


@dataclass
class ReproStepResult:
    plans: List[RolloutPlan]
    J: List[List[float]]
    rewards: List[List[float]]
    #: [B, T] raw r_j at the last token of each kept segment, and where they are
    process_rewards: torch.Tensor
    process_mask: torch.Tensor
    probe_rows: int


def repro_step(prompts: Sequence[List[int]], responses: Sequence[List[int]], entropys: torch.Tensor,
               answers: Sequence[str], encode: Callable[[str], List[int]], decode: Callable[[List[int]], str],
               settings: ReproSettings, log_prob_fn: LogProbFn, response_length: int, pad_id: int) -> ReproStepResult:
    """`prompts[i]` / `responses[i]` unpadded token ids, `entropys` [B, T] of the rollout's own
    old-log-prob pass, `answers[i]` the ground-truth answer string of rollout i's prompt."""
    plans = [plan_rollout(list(p), list(r), entropys[i].tolist(), decode, settings) for i, (p, r) in enumerate(zip(prompts, responses))]
    cache: Dict[str, tuple] = {}
    probe_ids, answer_ids = [], []
    for a in answers:
        if a not in cache:
            cache[a] = probe_and_answer_ids(encode, decode, settings.probe, a)
        probe_ids.append(cache[a][0])
        answer_ids.append(cache[a][1])
    rows = build_probe_rows(prompts, responses, plans, probe_ids, answer_ids, pad_id)
    lp = log_prob_fn(rows.tensors)
    J = j_from_log_probs(rows, lp, len(plans))
    pr, where, per = process_token_rewards(plans, J, response_length, settings.process_weight_w, settings.score_eps)
    return ReproStepResult(plans, J, per, pr, where, len(rows.owner))
