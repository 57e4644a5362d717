"""The framework-free RePro step used by the verl glue, end to end on the toy model: the probe batch
in verl's padded layout, scored by an actor-like log-prob pass, gives the J of the Python scorer on
the same rollouts, and the batched §9 estimator equals the per-group reference."""
import random

import pytest
import torch

from conftest import REPO
import repro_rl as rr
from repro_rl.probe import score_tokens
from repro_rl.rollout.estimators import repro_grpo_advantages, repro_reinforce_pp_advantages
from repro_rl.rollout.offsets import fast_token_char_offsets, token_char_offsets
from repro_rl.rollout.plan import cot_of
from repro_rl.rollout.step import repro_step
from repro_rl.scorer_tokens import scorer_tokens
from repro_rl.settings import ReproSettings
from repro_rl.token_rewards import reinforce_pp_advantages, token_level_rewards
from repro_rl.toy_model import ToyGPT
from repro_rl.toy_tokenizer import ToyTokenizer

TOY = REPO / "public" / "models" / "toy-reasoner"


@pytest.fixture(scope="module")
def toy():
    return ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)


def actor_log_probs(model):
    """What verl's actor compute_log_prob returns: log p of each `responses` token given everything before it."""
    def fn(t):
        La = t["responses"].shape[1]
        logits = model(t["input_ids"], attention_mask=t["attention_mask"], position_ids=t["position_ids"]).logits
        lp = logits[:, -La - 1:-1].log_softmax(-1)
        return lp.gather(-1, t["responses"][..., None])[..., 0]
    return fn


ROLLOUTS = [
    ("12+34=?", "2+4=6\n\n1+3=4\n\nAnswer: 46<eos>", "46"),
    ("57+68=?", "7+8=15\n\nwait, 7+8=15 ok\n\n5+6+1=12\n\nAnswer: 125<eos>", "125"),
    ("57+68=?", "7+8=15\n\n5+6+1=12\n\nAnswer: 124<eos>", "125"),
    ("57+68=?", "Answer: 125<eos>", "125"),  # no CoT at all
]


def test_offsets_fast_equal_exact(toy):
    _, tok = toy
    rng = random.Random(0)
    ids = [rng.randrange(4, 50) for _ in range(300)]
    text = tok.decode(ids)
    assert fast_token_char_offsets(tok.decode, [1], ids, text, chunk=16) == token_char_offsets(tok.decode, [1], ids, text)
    # A SentencePiece-like decode that drops a leading space: chunks disagree and are recomputed exactly.
    sp = lambda xs: tok.decode(xs).lstrip(" ")
    ids2 = [5, 24, 5, 25] * 40
    assert fast_token_char_offsets(sp, [], ids2, sp(ids2), chunk=8) == token_char_offsets(sp, [], ids2, sp(ids2))


def test_cot_of():
    assert cot_of("a\n\nb</think>The answer", ["</think>"]) == "a\n\nb"
    assert cot_of("no marker", ["</think>"]) == "no marker"
    assert cot_of("x Answer: 4 </think>", ["</think>", "Answer: "]) == "x "


def test_step_matches_the_scorer_and_the_group_reference(toy):
    model, tok = toy
    s = ReproSettings(probe="Answer: ", cot_end=["Answer: "], entropy_top_k=2, process_reward_coef=0.5)
    prompts = [tok.encode(tok.format_prompt(q)) for q, _, _ in ROLLOUTS]
    responses = [tok.encode(r) for _, r, _ in ROLLOUTS]
    T = max(len(r) for r in responses)
    # Entropies of the rollout pass (verl: the old-log-prob pass), token t's producing distribution.
    ent = torch.zeros(len(ROLLOUTS), T, dtype=torch.float64)
    for i, (p, r) in enumerate(zip(prompts, responses)):
        lp = model(torch.tensor([p + r])).logits[0, len(p) - 1:-1].log_softmax(-1)
        ent[i, :len(r)] = -(lp.exp() * lp).sum(-1)
    res = repro_step(prompts, responses, ent, [a for _, _, a in ROLLOUTS], tok.encode, tok.decode, s,
                     actor_log_probs(model), response_length=T, pad_id=0)
    assert res.probe_rows == sum(1 + len(p.kept) for p in res.plans)
    for i, (q, r, a) in enumerate(ROLLOUTS):
        cot = cot_of(r, ["Answer: "])
        t = scorer_tokens(tok.encode, tok.decode, tok.format_prompt(q), cot, a, "Answer: ")
        assert res.plans[i].token_spans == t.token_spans and res.plans[i].cot_tokens == len(t.cot_tokens)
        ref = score_tokens(model, t, segments_to_probe=res.plans[i].kept)
        # left padding and position ids of the probe batch change nothing
        assert res.J[i] == pytest.approx(ref.J, rel=1e-9, abs=1e-9)
        assert res.plans[i].first_token_entropy == pytest.approx(ref.first_token_entropy, abs=1e-9)
        assert res.rewards[i] == pytest.approx(rr.process_rewards(res.J[i]), abs=1e-12)
    assert len(res.plans[1].kept) == 2 and res.plans[3].kept == []

    mask = torch.tensor([[1 if t < len(r) else 0 for t in range(T)] for r in responses])
    outcome = [1.0, 1.0, 0.0, 1.0]
    tlr = token_level_rewards(mask, outcome)
    index = ["a", "b", "b", "b"]
    adv, _ = repro_grpo_advantages(tlr, mask, index, res.process_rewards, res.process_mask, alpha=0.5)
    ref = rr.grpo_step_advantages(outcome, index, [len(r) for r in responses], res.rewards,
                                  [p.segment_ends for p in res.plans], alpha=0.5)
    # group "a" has one response: the tab's §9 gives its outcome term 0, verl's GRPO R / (1 + ε) (matched)
    lone = [1.0 / (1.0 + 1e-6), 0.0, 0.0, 0.0]
    for i, r in enumerate(responses):
        assert adv[i, :len(r)].tolist() == pytest.approx([x + lone[i] for x in ref[i]], abs=1e-12)
        assert torch.all(adv[i, len(r):] == 0)
    plain, _ = repro_grpo_advantages(tlr, mask, index, res.process_rewards, res.process_mask, alpha=0.0)
    assert torch.equal(plain, repro_grpo_advantages(tlr, mask, index, res.process_rewards * 0, res.process_mask, alpha=0.0)[0])
    # REINFORCE++ with the process term = REINFORCE++ on the §11 token rewards.
    a1, _ = repro_reinforce_pp_advantages(tlr, mask, res.process_rewards, 0.5)
    a2, _ = reinforce_pp_advantages(token_level_rewards(mask, outcome, res.rewards, [p.segment_ends for p in res.plans], 0.5), mask)
    assert torch.allclose(a1, a2, atol=1e-12)


def test_settings_validation():
    with pytest.raises(ValueError):
        ReproSettings.from_config({"process_weight_w": 2})
    with pytest.raises(ValueError):
        ReproSettings.from_config({"nonsense": 1})
    with pytest.raises(ValueError):
        ReproSettings.from_config({"estimator": "ppo"})
