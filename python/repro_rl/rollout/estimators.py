"""Batched estimators with the RePro process term over [B, T] tensors in verl's layout:
GRPO (repro-method.md §9) and GAE / REINFORCE++ on the §11 token rewards."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import torch

from ..advantages import group_normalize
from ..token_rewards import gae_advantages, reinforce_pp_advantages


def verl_outcome_advantages(rewards: Sequence[float], eps: float = 1e-6, norm_adv_by_std_in_grpo: bool = True):
    """A^out of one group exactly as verl 0.5's compute_grpo_outcome_advantage: (R − mean) / (std + ε),
    std Bessel-corrected; without norm_adv_by_std_in_grpo R − mean (Dr. GRPO); a group of ONE response
    has mean 0 and std 1 there, so R / (1 + ε) (or R). (The tab's §9 gives a lone response 0.)"""
    R = [float(r) for r in rewards]
    if len(R) == 1:
        return [R[0] / (1.0 + eps)] if norm_adv_by_std_in_grpo else [R[0]]
    if norm_adv_by_std_in_grpo:
        return group_normalize(R, eps, "rewards")
    m = sum(R) / len(R)
    return [r - m for r in R]


def repro_grpo_advantages(token_level_rewards: torch.Tensor, response_mask: torch.Tensor, index: Sequence,
                          process_rewards: torch.Tensor, process_mask: torch.Tensor, alpha: float, eps: float = 1e-6,
                          norm_adv_by_std_in_grpo: bool = True):
    """§9: A_{i,t} = A^out_i + α Σ_{j: end(k_j) ≥ t} r̃_{i,j}; R_i = Σ_t token_level_rewards and A^out
    as verl's GRPO (verl_outcome_advantages: its group of one and its norm_adv_by_std_in_grpo), r̃
    normalised over every process reward of the group (positions where process_mask) as §9 says,
    whatever the flag: the flag is verl's, about the outcome term (this project's reading)."""
    m = response_mask.to(torch.float64)
    B, T = m.shape
    R = token_level_rewards.to(torch.float64).sum(-1).tolist()
    groups = defaultdict(list)
    for i, g in enumerate(index):
        groups[g].append(i)
    adv = torch.zeros(B, T, dtype=torch.float64)
    for members in groups.values():
        a_out = verl_outcome_advantages([R[i] for i in members], eps, norm_adv_by_std_in_grpo)
        flat = [process_rewards[i][process_mask[i]].tolist() for i in members]
        norm = group_normalize([x for f in flat for x in f], eps, "processRewards(flattened)") if alpha > 0 else []
        at = 0
        for m_i, i in enumerate(members):
            row = torch.full((T,), a_out[m_i], dtype=torch.float64)
            if alpha > 0 and flat[m_i]:
                placed = torch.zeros(T, dtype=torch.float64)
                placed[process_mask[i]] = torch.tensor(norm[at:at + len(flat[m_i])], dtype=torch.float64)
                proc = torch.flip(torch.cumsum(torch.flip(placed, [0]), 0), [0])  # return-to-go
                row = row + alpha * proc
            at += len(flat[m_i])
            adv[i] = row
    adv = adv * m
    return adv, adv


def with_process_term(token_level_rewards: torch.Tensor, process_rewards: torch.Tensor, alpha: float,
                      norm: str = "none", process_mask: torch.Tensor = None, index: Sequence = None,
                      eps: float = 1e-6) -> torch.Tensor:
    """§11 token rewards: the (outcome, KL) rewards verl computed plus α · r_j at segment ends.
    norm "group" (process_reward_norm; this project's option, the paper is silent): each r_j first
    normalised over all process rewards of its group (same `index`, positions where process_mask),
    as §9 does for GRPO — src/rl/estimators/stepEstimates.ts does the same."""
    r = token_level_rewards.to(torch.float64)
    if alpha == 0:
        return r
    p = process_rewards.to(torch.float64)
    if norm == "group":
        if process_mask is None or index is None:
            raise ValueError("process_reward_norm 'group' needs the process mask and the group index")
        groups = defaultdict(list)
        for i, g in enumerate(index):
            groups[g].append(i)
        p = torch.zeros_like(p)
        for members in groups.values():
            flat = [process_rewards[i][process_mask[i]].tolist() for i in members]
            normed = group_normalize([x for f in flat for x in f], eps, "processRewards(flattened)")
            at = 0
            for i, f in zip(members, flat):
                p[i][process_mask[i]] = torch.tensor(normed[at:at + len(f)], dtype=torch.float64)
                at += len(f)
    elif norm != "none":
        raise ValueError(f"process_reward_norm must be 'none' or 'group' (got {norm!r})")
    return r + alpha * p


def repro_gae_advantages(token_level_rewards, values, response_mask, process_rewards, alpha, gamma=1.0, lam=1.0,
                         norm="none", process_mask=None, index=None, eps=1e-6):
    return gae_advantages(with_process_term(token_level_rewards, process_rewards, alpha, norm, process_mask, index, eps),
                          values, response_mask, gamma, lam)


def repro_reinforce_pp_advantages(token_level_rewards, response_mask, process_rewards, alpha, gamma=1.0,
                                  norm="none", process_mask=None, index=None, eps=1e-6):
    return reinforce_pp_advantages(with_process_term(token_level_rewards, process_rewards, alpha, norm, process_mask, index, eps),
                                   response_mask, gamma)
