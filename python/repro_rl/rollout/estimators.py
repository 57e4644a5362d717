"""Batched estimators with the RePro process term over [B, T] tensors in verl's layout:
GRPO (repro-method.md §9) and GAE / REINFORCE++ on the §11 token rewards."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import torch

from ..advantages import group_normalize
from ..token_rewards import gae_advantages, reinforce_pp_advantages


def repro_grpo_advantages(token_level_rewards: torch.Tensor, response_mask: torch.Tensor, index: Sequence,
                          process_rewards: torch.Tensor, process_mask: torch.Tensor, alpha: float, eps: float = 1e-6):
    """§9: A_{i,t} = A^out_i + α Σ_{j: end(k_j) ≥ t} r̃_{i,j}; R_i = Σ_t token_level_rewards (as verl's
    GRPO), r̃ normalised over every process reward of the group (positions where process_mask)."""
    m = response_mask.to(torch.float64)
    B, T = m.shape
    R = token_level_rewards.to(torch.float64).sum(-1).tolist()
    groups = defaultdict(list)
    for i, g in enumerate(index):
        groups[g].append(i)
    adv = torch.zeros(B, T, dtype=torch.float64)
    for members in groups.values():
        a_out = group_normalize([R[i] for i in members], eps, "rewards")
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


def with_process_term(token_level_rewards: torch.Tensor, process_rewards: torch.Tensor, alpha: float) -> torch.Tensor:
    """§11 token rewards: the (outcome, KL) rewards verl computed plus α · r_j at segment ends."""
    r = token_level_rewards.to(torch.float64)
    return r if alpha == 0 else r + alpha * process_rewards.to(torch.float64)


def repro_gae_advantages(token_level_rewards, values, response_mask, process_rewards, alpha, gamma=1.0, lam=1.0):
    return gae_advantages(with_process_term(token_level_rewards, process_rewards, alpha), values, response_mask, gamma, lam)


def repro_reinforce_pp_advantages(token_level_rewards, response_mask, process_rewards, alpha, gamma=1.0):
    return reinforce_pp_advantages(with_process_term(token_level_rewards, process_rewards, alpha), response_mask, gamma)
