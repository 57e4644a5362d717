"""Token-level rewards and the PPO / REINFORCE++ estimators (repro-method.md §11), in torch.

Batched over [B, T] response tensors with a response mask, named and laid out as verl's
core_algos (token_level_rewards, values, response_mask, gamma, lam), so the verl glue is a call.

Choices (the paper leaves them open; written into repro-method.md §11 by the ppo branch):
- the outcome reward R_i sits at the last response token (verl's reward managers put it there);
- the raw process reward r_j of kept segment k_j (§8), times α, sits at the last token of that
  segment; a segment that ends at the last token shares it with R (the two add);
- the optional k1 KL penalty −β_kl · (log π − log π_ref) is added at every response token, as
  verl's apply_kl_penalty with kl_penalty="kl" (use_kl_in_reward);
- batch whitening as verl's masked_whiten (mean and Bessel-corrected variance over every masked
  token of the batch, (x − mean) / sqrt(var + 1e-8)), except that a batch whose values are all
  equal gets exactly 0 (never float noise, never NaN).
α = 0 gives exactly the outcome-only rewards (the process term is not even added).
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch

WHITEN_EPS = 1e-8


def token_level_rewards(
    response_mask: torch.Tensor,
    outcome_rewards: Sequence[float] | torch.Tensor,
    process_rewards: Optional[Sequence[Sequence[float]]] = None,
    segment_ends: Optional[Sequence[Sequence[int]]] = None,
    alpha: float = 0.0,
    log_probs: Optional[torch.Tensor] = None,
    ref_log_probs: Optional[torch.Tensor] = None,
    kl_coef: float = 0.0,
) -> torch.Tensor:
    """[B, T] rewards of §11. `segment_ends[i][j]` is the exclusive token end of kept segment j of
    response i (its last token is segment_ends[i][j] − 1, counted from the first response token);
    `process_rewards[i][j]` its raw r_j. A response with no tokens gets no reward."""
    mask = response_mask.to(torch.float64)
    B, T = mask.shape
    out = torch.zeros(B, T, dtype=torch.float64)
    R = torch.as_tensor(outcome_rewards, dtype=torch.float64).reshape(-1)
    if R.shape[0] != B:
        raise ValueError(f"outcome_rewards has {R.shape[0]} entries for {B} responses")
    if not (alpha >= 0) or alpha != alpha:
        raise ValueError(f"alpha must be a finite number ≥ 0 (got {alpha})")
    lengths = mask.sum(dim=1).to(torch.int64)
    for i in range(B):
        n = int(lengths[i])
        if n > 0:
            out[i, n - 1] += R[i]
    if alpha > 0:
        if process_rewards is None or segment_ends is None:
            raise ValueError("process_rewards and segment_ends are required when alpha > 0")
        if len(process_rewards) != B or len(segment_ends) != B:
            raise ValueError(f"process_rewards and segment_ends must hold one entry per response ({B})")
        for i in range(B):
            r, ends = list(process_rewards[i]), list(segment_ends[i])
            if len(r) != len(ends):
                raise ValueError(f"response {i}: {len(r)} process rewards for {len(ends)} segment ends")
            n = int(lengths[i])
            for j, e in enumerate(ends):
                if int(e) != e or e < 1 or e > n or (j > 0 and e <= ends[j - 1]):
                    raise ValueError(f"segment_ends[{i}][{j}] = {e} must be ascending integers in [1, {n}]")
                out[i, int(e) - 1] += alpha * float(r[j])
    if kl_coef != 0:
        if log_probs is None or ref_log_probs is None:
            raise ValueError("log_probs and ref_log_probs are required when kl_coef ≠ 0")
        out = out - kl_coef * (log_probs.to(torch.float64) - ref_log_probs.to(torch.float64))
    return out * mask


def masked_whiten(values: torch.Tensor, mask: torch.Tensor, eps: float = WHITEN_EPS) -> torch.Tensor:
    """(x − mean) / sqrt(var + eps) over the masked entries of the whole batch (verl masked_whiten,
    Bessel-corrected variance); all-equal masked values (or fewer than two) → 0."""
    m = mask.to(values.dtype)
    count = m.sum()
    sel = values[m > 0]
    if count < 2 or bool((sel == sel[0]).all()):
        return torch.zeros_like(values)
    mean = (values * m).sum() / count
    var = (((values - mean) ** 2) * m).sum() / count * (count / (count - 1))
    return (values - mean) * torch.rsqrt(var + eps)


def gae_advantages(
    token_rewards: torch.Tensor, values: torch.Tensor, response_mask: torch.Tensor,
    gamma: float = 1.0, lam: float = 1.0, whiten: bool = True,
):
    """GAE (γ, λ) with verl's masking, returns = advantages + values; advantages whitened over the
    batch. Defaults γ = λ = 1 as verl's PPO recipe (algorithm.gamma, algorithm.lam)."""
    r = token_rewards.to(torch.float64)
    v = values.to(torch.float64)
    m = response_mask.to(torch.float64)
    B, T = r.shape
    adv = torch.zeros(B, T, dtype=torch.float64)
    next_value = torch.zeros(B, dtype=torch.float64)
    last = torch.zeros(B, dtype=torch.float64)
    for t in range(T - 1, -1, -1):
        delta = r[:, t] + gamma * next_value - v[:, t]
        cand = delta + gamma * lam * last
        next_value = v[:, t] * m[:, t] + (1 - m[:, t]) * next_value
        last = cand * m[:, t] + (1 - m[:, t]) * last
        adv[:, t] = last
    returns = adv + v
    if whiten:
        adv = masked_whiten(adv, m)
    return adv * m, returns * m


def reinforce_pp_advantages(token_rewards: torch.Tensor, response_mask: torch.Tensor, gamma: float = 1.0):
    """REINFORCE++: discounted return-to-go of the token rewards, whitened over the whole batch
    (not per group); returns (advantages, returns) as verl's reinforce_plus_plus."""
    r = token_rewards.to(torch.float64)
    m = response_mask.to(torch.float64)
    B, T = r.shape
    returns = torch.zeros(B, T, dtype=torch.float64)
    running = torch.zeros(B, dtype=torch.float64)
    for t in range(T - 1, -1, -1):
        running = r[:, t] + gamma * running
        returns[:, t] = running
        running = running * m[:, t]
    adv = masked_whiten(returns, m) * m
    return adv, returns * m
