"""One RePro scoring step over a batch of rollouts, independent of the RL framework: plan the probes,
get the answer log-probs of the probe batch from `log_prob_fn` (in verl: the actor worker group's
compute_log_prob), and return the token-level process rewards (repro-method.md §3, §7, §8).
With `max_probe_len` (verl's dynamic-batching limit) a kept segment whose probe row would be longer
is not probed (as src/rl/scoring.ts drops boundaries beyond the model's block), a rollout whose J_0
row is already too long gets no process reward, and the rows go out in batches no wider than it."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from typing import Callable, Dict, List, Optional, Sequence

import torch

from ..scorer_tokens import probe_and_answer_ids
from ..settings import ReproSettings
from .plan import RolloutPlan, plan_rollout
from .probe_batch import build_probe_rows, concat_log_probs, j_from_log_probs, process_token_rewards, split_probe_rows

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
    #: log-prob calls made (more than 1 when the rows were split to fit max_probe_len)
    probe_calls: int = 1
    #: kept segments not probed because their row exceeds max_probe_len
    unfit_boundaries: int = 0
    #: rollouts with no probe at all (prompt + probe + answer exceed max_probe_len)
    unprobed: int = 0


def repro_step(prompts: Sequence[List[int]], responses: Sequence[List[int]], entropys: torch.Tensor,
               answers: Sequence[str], encode: Callable[[str], List[int]], decode: Callable[[List[int]], str],
               settings: ReproSettings, log_prob_fn: LogProbFn, response_length: int, pad_id: int,
               max_probe_len: Optional[int] = None) -> ReproStepResult:
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
    probed = [True] * len(plans)
    unfit = 0
    if max_probe_len is not None:
        for i, plan in enumerate(plans):
            base = len(prompts[i]) + len(probe_ids[i]) + len(answer_ids[i])
            fits = [base + e <= max_probe_len for e in plan.segment_ends]
            unfit += fits.count(False)
            if base > max_probe_len:
                probed[i] = False
            plans[i] = replace(plan, kept=[k for k, f in zip(plan.kept, fits) if f and probed[i]],
                               segment_ends=[e for e, f in zip(plan.segment_ends, fits) if f and probed[i]])
    rows = build_probe_rows(prompts, responses, plans, probe_ids, answer_ids, pad_id, probed)
    batches = [rows] if max_probe_len is None or not rows.owner else split_probe_rows(rows, max_probe_len, pad_id)
    lp = concat_log_probs([log_prob_fn(b.tensors) for b in batches if b.owner], rows.answer_lengths)
    J = j_from_log_probs(rows, lp, len(plans))
    pr, where, per = process_token_rewards(plans, J, response_length, settings.process_weight_w, settings.score_eps)
    return ReproStepResult(plans, J, per, pr, where, len(rows.owner), len(batches), unfit, probed.count(False))
