"""The probe batch in verl's DataProto layout and J from its log-probs (repro-method.md §3).

Row (i, b): "prompt" = prompt_i + response_i[:boundary_b] + probe, left-padded; "response" = the
answer tokens, right-padded; the actor's compute_log_prob returns log p of the response tokens
(old_log_probs [N, answer length]), and J_b is their mean over the answer's real tokens.
With a width limit (verl's dynamic batching asserts padded width ≤ log_prob_max_token_len_per_gpu)
the rows are split, in order, into batches each padded to its own width ≤ the limit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import torch

from ..scores import objective_j, process_rewards
from .plan import RolloutPlan


@dataclass
class ProbeRows:
    #: (rollout index, boundary index b) of every row; b = 0 is the baseline J_0
    owner: List[Tuple[int, int]]
    tensors: Dict[str, torch.Tensor]
    answer_lengths: List[int]


def build_probe_rows(prompts: Sequence[List[int]], responses: Sequence[List[int]], plans: Sequence[RolloutPlan],
                     probe_ids: Sequence[List[int]], answer_ids: Sequence[List[int]], pad_id: int,
                     probed: Sequence[bool] = ()) -> ProbeRows:
    """One batch of every row; `probed[i]` False: rollout i has no rows (its J_0 row did not fit)."""
    ctx, ans, owner = [], [], []
    for i, plan in enumerate(plans):
        if probed and not probed[i]:
            continue
        for b, end in enumerate([0] + plan.segment_ends):
            ctx.append(list(prompts[i]) + list(responses[i][:end]) + list(probe_ids[i]))
            ans.append(list(answer_ids[i]))
            owner.append((i, b))
    return _pack(ctx, ans, owner, pad_id)


def _pack(ctx: List[List[int]], ans: List[List[int]], owner: List[Tuple[int, int]], pad_id: int) -> ProbeRows:
    N = len(ctx)
    if N == 0:
        empty = torch.zeros(0, 0, dtype=torch.long)
        return ProbeRows([], {k: empty for k in ("input_ids", "attention_mask", "position_ids", "responses", "response_mask")}, [])
    Lp = max(len(c) for c in ctx)
    La = max(len(a) for a in ans)
    input_ids = torch.full((N, Lp + La), pad_id, dtype=torch.long)
    mask = torch.zeros(N, Lp + La, dtype=torch.long)
    responses_t = torch.full((N, La), pad_id, dtype=torch.long)
    for r, (c, a) in enumerate(zip(ctx, ans)):
        input_ids[r, Lp - len(c):Lp] = torch.tensor(c)
        input_ids[r, Lp:Lp + len(a)] = torch.tensor(a)
        mask[r, Lp - len(c):Lp + len(a)] = 1
        responses_t[r, :len(a)] = torch.tensor(a)
    position_ids = (torch.cumsum(mask, dim=1) - 1).clamp(min=0)
    tensors = {"input_ids": input_ids, "attention_mask": mask, "position_ids": position_ids,
               "responses": responses_t, "response_mask": mask[:, Lp:].clone()}
    return ProbeRows(owner, tensors, [len(a) for a in ans])


def split_probe_rows(rows: ProbeRows, max_width: int, pad_id: int) -> List[ProbeRows]:
    """The rows in order, cut into batches whose padded width (longest context + longest answer of the
    batch) is ≤ max_width; every row must fit on its own."""
    ids, mask = rows.tensors["input_ids"], rows.tensors["attention_mask"]
    La_all = rows.tensors["responses"].shape[1]
    ctx = [ids[r, :ids.shape[1] - La_all][mask[r, :ids.shape[1] - La_all].bool()].tolist() for r in range(len(rows.owner))]
    ans = [rows.tensors["responses"][r, :rows.answer_lengths[r]].tolist() for r in range(len(rows.owner))]
    out: List[ProbeRows] = []
    start = 0
    while start < len(ctx):
        if len(ctx[start]) + len(ans[start]) > max_width:
            raise ValueError(f"probe row {rows.owner[start]} has {len(ctx[start]) + len(ans[start])} tokens > {max_width}: plan it out first")
        end, wc, wa = start, 0, 0
        while end < len(ctx) and max(wc, len(ctx[end])) + max(wa, len(ans[end])) <= max_width:
            wc, wa = max(wc, len(ctx[end])), max(wa, len(ans[end]))
            end += 1
        out.append(_pack(ctx[start:end], ans[start:end], rows.owner[start:end], pad_id))
        start = end
    return out


def concat_log_probs(parts: Sequence[torch.Tensor], answer_lengths: Sequence[int]) -> torch.Tensor:
    """Per-batch answer log-probs [n_b, La_b] → one [N, max La] (right-padded with 0) in row order."""
    La = max((int(p.shape[1]) for p in parts), default=0)
    out = torch.zeros(sum(int(p.shape[0]) for p in parts), La, dtype=torch.float64)
    at = 0
    for p in parts:
        out[at:at + p.shape[0], :p.shape[1]] = p.detach().to(torch.float64).cpu()
        at += p.shape[0]
    assert at == len(answer_lengths)
    return out


def j_from_log_probs(rows: ProbeRows, old_log_probs: torch.Tensor, n_rollouts: int) -> List[List[float]]:
    """(J_0, J_{k_1}, …, J_{k_M}) per rollout from the probe rows' answer log-probs."""
    J: List[List[float]] = [[] for _ in range(n_rollouts)]
    lp = old_log_probs.detach().to(torch.float64).cpu()
    for r, (i, b) in enumerate(rows.owner):
        assert len(J[i]) == b, "probe rows must come in boundary order"
        J[i].append(objective_j(lp[r, :rows.answer_lengths[r]].tolist()))
    return J


def process_token_rewards(plans: Sequence[RolloutPlan], J: Sequence[List[float]], response_length: int,
                          w: float, eps: float):
    """[B, T] raw r_j (§8) at the last token of kept segment k_j, and the mask of those positions
    (a reward may be exactly 0, so the positions travel separately)."""
    B = len(plans)
    rewards = torch.zeros(B, response_length, dtype=torch.float64)
    where = torch.zeros(B, response_length, dtype=torch.bool)
    per_rollout = []
    for i, plan in enumerate(plans):
        r = process_rewards(J[i], w=w, eps=eps) if J[i] else []  # not probed: no process reward
        per_rollout.append(r)
        for rj, end in zip(r, plan.segment_ends):
            rewards[i, end - 1] = rj
            where[i, end - 1] = True
    return rewards, where, per_rollout
