"""§11 token rewards, GAE and REINFORCE++ against hand-computed cases and brute-force references.
(The TS §11 is not on main yet, so there is no TS fixture for these; see docs/scale-out.md.)"""
import itertools
import math

import pytest
import torch

from repro_rl.token_rewards import gae_advantages, masked_whiten, reinforce_pp_advantages, token_level_rewards


def mask_of(lengths, T):
    return torch.tensor([[1 if t < n else 0 for t in range(T)] for n in lengths])


def test_token_reward_placement():
    m = mask_of([5, 3, 0], 6)
    r = token_level_rewards(m, [1.0, 0.0, 1.0], process_rewards=[[0.2, -0.1], [0.5], []], segment_ends=[[2, 5], [3], []], alpha=0.5)
    want = torch.zeros(3, 6, dtype=torch.float64)
    want[0, 1] = 0.5 * 0.2
    want[0, 4] = 1.0 + 0.5 * -0.1  # the last kept segment ends at the last token: R and α·r add
    want[1, 2] = 0.0 + 0.5 * 0.5
    # response 2 has no tokens: nothing to reward
    assert torch.equal(r, want)


def test_alpha_zero_is_exactly_the_outcome_only_rewards():
    m = mask_of([4, 2], 5)
    plain = token_level_rewards(m, [1.0, 0.0])
    same = token_level_rewards(m, [1.0, 0.0], process_rewards=[[0.3], [0.1]], segment_ends=[[2], [1]], alpha=0.0)
    assert torch.equal(plain, same)
    assert plain[0, 3] == 1.0 and plain.sum() == 1.0


def test_k1_kl_penalty_in_the_reward():
    m = mask_of([3], 3)
    lp = torch.tensor([[-1.0, -2.0, -0.5]])
    ref = torch.tensor([[-1.5, -2.0, -0.25]])
    r = token_level_rewards(m, [1.0], log_probs=lp, ref_log_probs=ref, kl_coef=0.1)
    assert torch.allclose(r, torch.tensor([[-0.05, 0.0, 1.0 + 0.025]], dtype=torch.float64))


def test_bad_segment_ends_are_rejected():
    m = mask_of([3], 4)
    with pytest.raises(ValueError):
        token_level_rewards(m, [1.0], process_rewards=[[0.1]], segment_ends=[[4]], alpha=1.0)
    with pytest.raises(ValueError):
        token_level_rewards(m, [1.0], process_rewards=[[0.1, 0.2]], segment_ends=[[2, 2]], alpha=1.0)
    with pytest.raises(ValueError):
        token_level_rewards(m, [1.0], alpha=1.0)


def brute_gae(r, v, gamma, lam):
    """A_t = Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γ V_{t+1} − V_t, V past the end = 0 (one response)."""
    T = len(r)
    delta = [r[t] + gamma * (v[t + 1] if t + 1 < T else 0.0) - v[t] for t in range(T)]
    return [sum((gamma * lam) ** l * delta[t + l] for l in range(T - t)) for t in range(T)]


def test_gae_hand_computed():
    r = torch.tensor([[0.0, 0.0, 1.0]])
    v = torch.tensor([[0.5, 0.25, 0.75]])
    adv, ret = gae_advantages(r, v, torch.ones(1, 3), gamma=0.9, lam=0.5, whiten=False)
    # δ = [0 + .9·.25 − .5, 0 + .9·.75 − .25, 1 − .75] = [−.275, .425, .25]
    d = [-0.275, 0.425, 0.25]
    a2 = d[2]
    a1 = d[1] + 0.45 * a2
    a0 = d[0] + 0.45 * a1
    assert torch.allclose(adv[0], torch.tensor([a0, a1, a2], dtype=torch.float64), atol=1e-15)
    assert torch.allclose(ret[0], torch.tensor([a0 + 0.5, a1 + 0.25, a2 + 0.75], dtype=torch.float64), atol=1e-15)


@pytest.mark.parametrize("gamma,lam", list(itertools.product([0.0, 0.5, 1.0], [0.0, 0.95, 1.0])))
def test_gae_brute_force_with_padding(gamma, lam):
    g = torch.Generator().manual_seed(3)
    lengths = [6, 3, 1]
    T = 7
    m = mask_of(lengths, T)
    r = torch.randn(3, T, generator=g, dtype=torch.float64) * m
    v = torch.randn(3, T, generator=g, dtype=torch.float64)
    adv, ret = gae_advantages(r, v, m, gamma=gamma, lam=lam, whiten=False)
    for i, n in enumerate(lengths):
        want = brute_gae(r[i, :n].tolist(), v[i, :n].tolist(), gamma, lam)
        assert torch.allclose(adv[i, :n], torch.tensor(want, dtype=torch.float64), atol=1e-12)
        assert torch.allclose(ret[i, :n], torch.tensor(want, dtype=torch.float64) + v[i, :n], atol=1e-12)
        assert torch.all(adv[i, n:] == 0)
    if lam == 1.0 and gamma == 1.0:
        # λ = 1: A_t + V_t is the undiscounted return-to-go (Monte Carlo).
        assert torch.allclose(ret[0, :6], torch.flip(torch.cumsum(torch.flip(r[0, :6], [0]), 0), [0]), atol=1e-12)
    whitened, _ = gae_advantages(r, v, m, gamma=gamma, lam=lam)
    sel = whitened[m > 0]
    assert abs(sel.mean().item()) < 1e-12 and abs(sel.std().item() - 1) < 1e-6


def test_reinforce_pp_returns_and_batch_whitening():
    m = mask_of([3, 2], 3)
    r = torch.tensor([[0.0, 0.2, 1.0], [0.5, 0.0, 0.0]], dtype=torch.float64)
    adv, ret = reinforce_pp_advantages(r, m, gamma=0.5)
    want = torch.tensor([[0.1 + 0.25, 0.2 + 0.5, 1.0], [0.5, 0.0, 0.0]], dtype=torch.float64)
    assert torch.allclose(ret, want, atol=1e-15)
    vals = torch.tensor([0.35, 0.7, 1.0, 0.5, 0.0], dtype=torch.float64)
    z = (vals - vals.mean()) / math.sqrt(vals.var(unbiased=True).item() + 1e-8)
    assert torch.allclose(adv[m > 0], z, atol=1e-12)  # over the whole batch, not per group
    assert torch.all(adv[m == 0] == 0)


def test_zero_variance_gives_zero_not_nan():
    m = mask_of([2, 2], 2)
    r = torch.tensor([[0.0, 1.0], [0.0, 1.0]], dtype=torch.float64)
    adv, _ = reinforce_pp_advantages(r, m, gamma=0.0)  # returns [0, 1, 0, 1]: not constant
    assert torch.isfinite(adv).all()
    same = torch.full((2, 2), 0.3, dtype=torch.float64)
    assert torch.equal(masked_whiten(same, m), torch.zeros(2, 2, dtype=torch.float64))
    adv2, _ = reinforce_pp_advantages(torch.zeros(2, 2, dtype=torch.float64), m)
    assert torch.equal(adv2, torch.zeros(2, 2, dtype=torch.float64))
