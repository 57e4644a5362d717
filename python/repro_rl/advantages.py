"""Outcome and process advantages of GRPO groups (repro-method.md §9), as src/rl/advantages.ts.

"std" is the Bessel-corrected sample standard deviation (torch.std in TRL's and verl's GRPO). A
group whose values are all equal (or has one value) gets advantage 0 exactly, never NaN.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence

from .validate import is_integer, is_number

#: ε of §9 when the caller gives none.
DEFAULT_ADVANTAGE_EPS = 1e-6


def _check_eps(eps: Any) -> float:
    if not is_number(eps) or not math.isfinite(float(eps)) or float(eps) <= 0:
        raise ValueError(f"eps must be a finite number > 0 (got {eps})")
    return float(eps)


def _finite_list(values: Any, name: str) -> List[float]:
    if hasattr(values, "tolist"):
        values = values.tolist()
    out = []
    for i, v in enumerate(values):
        if not is_number(v) or not math.isfinite(float(v)):
            raise ValueError(f"{name}[{i}] must be a finite number (got {v})")
        out.append(float(v))
    return out


def group_normalize(values: Sequence[float], eps: float = DEFAULT_ADVANTAGE_EPS, name: str = "values") -> List[float]:
    """(x_i − mean) / (std + ε) over all of `values`; zero variance → all 0."""
    e = _check_eps(eps)
    x = _finite_list(values, name)
    n = len(x)
    out = [0.0] * n
    if n < 2 or all(v == x[0] for v in x):
        return out
    mean = 0.0
    for v in x:
        mean += v
    mean /= n
    ss = 0.0
    for v in x:
        ss += (v - mean) ** 2
    std = math.sqrt(ss / (n - 1))
    return [(v - mean) / (std + e) for v in x]


def outcome_advantages(rewards: Sequence[float], eps: float = DEFAULT_ADVANTAGE_EPS) -> List[float]:
    """A^out_i = (R_i − mean(R)) / (std(R) + ε) for one group of G rewards (§9)."""
    return group_normalize(rewards, eps, "rewards")


def normalize_process_rewards(rewards: Sequence[Sequence[float]], eps: float = DEFAULT_ADVANTAGE_EPS) -> List[List[float]]:
    """r̃_{i,j}: a group's process rewards normalised over ALL of them, every j of every i (§9)."""
    if not isinstance(rewards, (list, tuple)):
        raise TypeError("processRewards must be an array of arrays (one per response)")
    flat: List[float] = []
    lengths = []
    for i, r in enumerate(rewards):
        if r is None or isinstance(r, (str, dict)) or not hasattr(r, "__len__"):
            raise TypeError(f"processRewards[{i}] must be an array of numbers")
        vals = r.tolist() if hasattr(r, "tolist") else list(r)
        for j, v in enumerate(vals):
            if not is_number(v) or not math.isfinite(float(v)):
                raise ValueError(f"processRewards[{i}][{j}] must be a finite number (got {v})")
            flat.append(float(v))
        lengths.append(len(vals))
    norm = group_normalize(flat, eps, "processRewards(flattened)")
    out, at = [], 0
    for n in lengths:
        out.append(norm[at:at + n])
        at += n
    return out


def process_advantages(normalized_rewards: Sequence[float], segment_ends: Sequence[int], length: int) -> List[float]:
    """A^proc_t = Σ_{j : end(k_j) ≥ t} r̃_j over `length` tokens (return-to-go, §9).

    `segment_ends[j]` is the exclusive token end of the j-th kept segment (its last token is
    segment_ends[j] − 1); tokens after the last kept segment get 0.
    """
    if not is_integer(length) or length < 0:
        raise ValueError(f"length must be an integer ≥ 0 (got {length})")
    length = int(length)
    if len(normalized_rewards) != len(segment_ends):
        raise ValueError(
            f"normalizedRewards ({len(normalized_rewards)}) and segmentEnds ({len(segment_ends)}) must have the same length"
        )
    ends = list(segment_ends)
    for j, e in enumerate(ends):
        if not is_integer(e) or e < 1 or e > length:
            raise ValueError(f"segmentEnds[{j}] must be an integer in [1, {length}] (got {e})")
        if j > 0 and e <= ends[j - 1]:
            raise ValueError(f"segmentEnds[{j}] = {e} must be greater than segmentEnds[{j - 1}] = {ends[j - 1]}")
        if not is_number(normalized_rewards[j]) or not math.isfinite(float(normalized_rewards[j])):
            raise ValueError(f"normalizedRewards[{j}] must be finite (got {normalized_rewards[j]})")
    out = [0.0] * length
    acc = 0.0
    t = length - 1
    for j in range(len(ends) - 1, -1, -1):
        while t >= ends[j]:
            out[t] = acc
            t -= 1
        acc += float(normalized_rewards[j])
    while t >= 0:
        out[t] = acc
        t -= 1
    return out


def combine_advantages(outcome: float, process_adv: Sequence[float], alpha: float) -> List[float]:
    """A_{i,t} = A^out_i + α · A^proc_{i,t} (§9); α = 0 → exactly A^out_i."""
    if not is_number(outcome) or not math.isfinite(float(outcome)):
        raise ValueError(f"outcome advantage must be finite (got {outcome})")
    if not is_number(alpha) or not (float(alpha) >= 0) or not math.isfinite(float(alpha)):
        raise ValueError(f"alpha must be a finite number ≥ 0 (got {alpha})")
    o, a = float(outcome), float(alpha)
    return [o if a == 0 else o + a * float(p) for p in process_adv]


def grpo_step_advantages(
    rewards: Sequence[float],
    groups: Sequence[Any],
    lengths: Sequence[int],
    process_rewards: Optional[Sequence[Sequence[float]]] = None,
    segment_ends: Optional[Sequence[Sequence[int]]] = None,
    alpha: float = 0.1,
    eps: float = DEFAULT_ADVANTAGE_EPS,
) -> List[List[float]]:
    """A_{i,t} for every token of every response of a step, group by group (stepAdvantages in TS).

    Responses with the same `groups[i]` (prompt uid) form one GRPO group. `process_rewards[i]` are
    the raw r_{i,j} of response i's kept segments and `segment_ends[i]` their exclusive token ends;
    both may be None when alpha = 0.
    """
    n = len(rewards)
    if len(groups) != n or len(lengths) != n:
        raise ValueError(f"rewards ({n}), groups ({len(groups)}) and lengths ({len(lengths)}) must have the same length")
    if alpha > 0 and (process_rewards is None or segment_ends is None):
        raise ValueError("process_rewards and segment_ends are required when alpha > 0")
    if process_rewards is not None and (len(process_rewards) != n or segment_ends is None or len(segment_ends) != n):
        raise ValueError(f"process_rewards and segment_ends must hold one entry per response ({n})")
    members: Dict[Any, List[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    out: List[List[float]] = [[] for _ in range(n)]
    for idx in members.values():
        a_out = outcome_advantages([rewards[i] for i in idx], eps)
        r_tilde = normalize_process_rewards([process_rewards[i] for i in idx], eps) if alpha > 0 else None
        for m, i in enumerate(idx):
            L = int(lengths[i])
            a_proc = process_advantages(r_tilde[m], segment_ends[i], L) if r_tilde is not None else [0.0] * L
            out[i] = combine_advantages(a_out[m], a_proc, alpha)
    return out
