"""J, magnitude, stability, process score, top-k selection, process rewards (repro-method.md §3-§8).

Plain Python floats in the same order of operations as the TypeScript, so results agree to the
last few ulps (the fixtures check 1e-9 relative).
"""
from __future__ import annotations

import math
from typing import Any, List, Sequence

from .validate import (
    J_POSITIVE_TOLERANCE, check_eps, check_finite_array, check_j, check_weight, describe_value, is_integer, js_num,
)

#: ε of repro-method.md §4.
DEFAULT_EPS = 1e-6
#: w of repro-method.md §6.
DEFAULT_W = 0.5
#: topK of repro-method.md §7.
DEFAULT_TOP_K = 8
#: Entropies are >= 0; this much float noise below 0 is allowed (GPU reductions).
ENTROPY_NEGATIVE_TOLERANCE = 1e-6


def objective_j(answer_log_probs: Sequence[float]) -> float:
    """J = mean natural-log probability of the answer tokens (repro-method.md §3)."""
    lps = check_finite_array(answer_log_probs, "answerLogProbs")
    if len(lps) == 0:
        raise ValueError("answerLogProbs must hold at least one answer token (got an empty array)")
    total = 0.0
    for i, lp in enumerate(lps):
        if lp > J_POSITIVE_TOLERANCE:
            raise ValueError(f"answerLogProbs[{i}] = {js_num(lp)} is a log-probability and must be ≤ 0")
        total += lp
    return total / len(lps)


def magnitude_score(J: Sequence[float], eps: float = DEFAULT_EPS) -> List[float]:
    """S_magn(k) = tanh((J_k − J_0) / (|J_0| + ε)), k = 0 … M (repro-method.md §4)."""
    j = check_j(J)
    e = check_eps(eps, "opts.eps")
    scale = abs(j[0]) + e
    return [math.tanh((v - j[0]) / scale) for v in j]


def stability_score(J: Sequence[float]) -> List[float]:
    """S_stab(k) = Kendall τ_b((J_0 … J_k), (0 … k)) for every prefix (repro-method.md §5)."""
    j = check_j(J)
    out = [0.0] * len(j)
    concordant = discordant = tied = 0
    for k in range(1, len(j)):
        jk = j[k]
        for i in range(k):
            if jk > j[i]:
                concordant += 1
            elif jk < j[i]:
                discordant += 1
            else:
                tied += 1
        n0 = k * (k + 1) / 2
        denom = math.sqrt(n0 * (n0 - tied))
        out[k] = 0.0 if denom == 0 else (concordant - discordant) / denom
    return out


def process_score(J: Sequence[float], w: float = DEFAULT_W, eps: float = DEFAULT_EPS) -> List[float]:
    """S(k) = w · S_magn(k) + (1 − w) · S_stab(k) (repro-method.md §6)."""
    wv = check_weight(w, "opts.w")
    magn = magnitude_score(J, eps=eps)
    stab = stability_score(J)
    return [wv * m + (1 - wv) * s for m, s in zip(magn, stab)]


def process_rewards(J: Sequence[float], w: float = DEFAULT_W, eps: float = DEFAULT_EPS) -> List[float]:
    """r_j = S(j) − S(j − 1), j = 1 … M (repro-method.md §8); length len(J) − 1."""
    S = process_score(J, w=w, eps=eps)
    return [S[i] - S[i - 1] for i in range(1, len(S))]


def select_top_k_by_entropy(first_token_entropy: Sequence[float], top_k: int = DEFAULT_TOP_K) -> List[int]:
    """The top_k segments with the largest first-token entropy, ties → earlier, ascending (§7)."""
    H = check_finite_array(first_token_entropy, "firstTokenEntropy")
    if not is_integer(top_k) or top_k < 1:
        raise ValueError(f"topK must be a positive integer (got {describe_value(top_k)})")
    for k, h in enumerate(H):
        if h < -ENTROPY_NEGATIVE_TOLERANCE:
            raise ValueError(f"firstTokenEntropy[{k}] = {js_num(h)} is an entropy and must be ≥ 0")
    K = len(H)
    if int(top_k) >= K:
        return list(range(K))
    order = sorted(range(K), key=lambda k: (-H[k], k))
    return sorted(order[: int(top_k)])


def filtered_trajectory(J: Sequence[float], kept_segments: Sequence[Any]) -> List[float]:
    """(J_0, J_{k_1}, …, J_{k_M}) re-indexed 0 … M; 0-based segment s maps to J[s + 1] (§7)."""
    j = check_j(J)
    if not isinstance(kept_segments, (list, tuple)):
        raise TypeError("keptSegments must be an array of segment indices")
    K = len(j) - 1
    out = [j[0]]
    for n, s in enumerate(kept_segments):
        if not is_integer(s) or s < 0 or s >= K:
            raise ValueError(f"keptSegments[{n}] = {s} must be an integer segment index in [0, {K})")
        if n > 0 and s <= kept_segments[n - 1]:
            raise ValueError(f"keptSegments[{n}] = {s} must be greater than keptSegments[{n - 1}] = {kept_segments[n - 1]}")
        out.append(j[int(s) + 1])
    return out
