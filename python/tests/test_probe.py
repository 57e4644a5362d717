"""J probing in torch against the TS scorer: fixtures/toy_j.json was scored by src/repro/scorer.ts
over the toy model's ONNX export in onnxruntime-node; here the torch port of the same model, loaded
from model.safetensors by repro_rl's reader, must give the same J trajectories within float32
precision relative to each value's size (conftest.assert_float32_close; measured: 12.5 ε32 at most)."""
import pytest
import torch

from conftest import REPO, assert_float32_close, load_fixture
from repro_rl import select_top_k_by_entropy
from repro_rl.probe import score_trajectory
from repro_rl.safetensors_io import read_safetensors
from repro_rl.toy_model import ToyGPT
from repro_rl.toy_tokenizer import ToyTokenizer

TOY = REPO / "public" / "models" / "toy-reasoner"


@pytest.fixture(scope="module")
def toy():
    return ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)


@pytest.fixture(scope="module")
def fixture():
    return load_fixture("toy_j.json")


def close(a, b, what):
    assert_float32_close(a, b, what)


def test_safetensors_reader_reads_the_checkpoint_layout():
    tensors, meta = read_safetensors(TOY / "model.safetensors")
    assert meta["format"] == "repro-toy-gpt2/1"
    assert tensors["qkvw"].shape == (2, 192, 64) and tensors["wte"].shape == (50, 64)
    with pytest.raises(ValueError):
        read_safetensors(b"\x01\x00")


@pytest.mark.parametrize("mode", ["auto", "cache", "reencode"])
def test_j_trajectories_match_the_ts_scorer(toy, fixture, mode):
    model, tok = toy
    assert len(fixture["cases"]) >= 10
    for c in fixture["cases"]:
        inp = c["input"]
        assert tok.format_prompt(inp["question"]) == inp["prompt"]
        t = score_trajectory(model, tok.encode, tok.decode, inp["prompt"], inp["cot"], inp["answer"], inp["probe"],
                             delimiter=inp.get("delimiter"), mode=mode)
        # Tokenization and spans exactly as the TS.
        assert t.cot_tokens == c["cotTokens"]
        assert t.token_offsets == c["tokenOffsets"]
        assert [list(s) for s in t.segments] == c["segments"]
        assert [list(s) for s in t.token_spans] == c["tokenSpans"]
        assert len(t.J) == len(c["segments"]) + 1
        close(t.J, c["J"], "J")
        for got, want in zip(t.answer_log_probs, c["answerLogProbs"]):
            close(got, want, "answer log-probs")
        close(t.token_entropy, c["tokenEntropy"], "token entropy")
        close(t.first_token_entropy, c["firstTokenEntropy"], "first-token entropy")


def test_top_k_probes_only_the_kept_boundaries(toy, fixture):
    model, tok = toy
    c = max(fixture["cases"], key=lambda c: len(c["segments"]))
    inp = c["input"]
    kept = select_top_k_by_entropy(c["firstTokenEntropy"], 2)
    t = score_trajectory(model, tok.encode, tok.decode, inp["prompt"], inp["cot"], inp["answer"], inp["probe"],
                         segments_to_probe=kept)
    assert t.boundaries == [0] + [k + 1 for k in kept]
    close(t.J, [c["J"][0]] + [c["J"][k + 1] for k in kept], "filtered J")


def test_batched_cache_probes_equal_one_forward_per_boundary(toy):
    # Independent of the fixture: a probe branched from the masked cache equals a fresh forward.
    model, tok = toy
    ids = tok.encode("<bos>12+34=?\n2+4=6\n\n1+3=4\n\nAnswer: 46")
    full = model(torch.tensor([ids])).logits[0].log_softmax(-1)
    cut = 9 + 7  # the prompt and the first segment
    feed = ids[cut + 7:]  # skip the second segment: a branch from position `cut`
    out = model(torch.tensor([ids[:cut] + feed])).logits[0].log_softmax(-1)
    from repro_rl.probe import probe_log_probs_cached
    cache = model(torch.tensor([ids])).past_key_values
    lp = probe_log_probs_cached(model, cache, [cut, len(ids)], feed)
    assert torch.allclose(lp[0], out[cut:], atol=1e-10)
    assert not torch.allclose(lp[0][-1], full[-1], atol=1e-3)  # the branch really saw less context


class PositionsFromPastLength(torch.nn.Module):
    """A causal LM that ignores position_ids and numbers positions from the past length (as some
    exported graphs do): its cache cannot branch from a masked prefix."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, use_cache=True):
        return self.inner(input_ids, attention_mask=attention_mask, past_key_values=past_key_values, use_cache=use_cache)


class CacheObject:
    """A stand-in for transformers' Cache classes: the model only accepts this, not a tuple."""

    def __init__(self, legacy):
        self.legacy = tuple(legacy)

    def to_legacy_cache(self):
        return self.legacy


class WantsCacheObject(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None, use_cache=True):
        assert past_key_values is None or isinstance(past_key_values, CacheObject)
        out = self.inner(input_ids, attention_mask=attention_mask, position_ids=position_ids,
                         past_key_values=past_key_values.legacy if past_key_values is not None else None)
        out.past_key_values = CacheObject(out.past_key_values)
        return out


def test_auto_mode_catches_a_cache_that_cannot_branch(toy, fixture):
    model, tok = toy
    odd = PositionsFromPastLength(model)
    c = max(fixture["cases"], key=lambda c: len(c["segments"]))
    inp = c["input"]
    args = (tok.encode, tok.decode, inp["prompt"], inp["cot"], inp["answer"], inp["probe"])
    wrong = score_trajectory(odd, *args, mode="cache")
    assert max(abs(a - b) for a, b in zip(wrong.J, c["J"])) > 1e-2  # the masked branch is wrong for this model
    right = score_trajectory(odd, *args, mode="auto")
    close(right.J, c["J"], "J after the fallback")


def test_models_with_cache_objects(toy, fixture):
    model, tok = toy
    wrapped = WantsCacheObject(model)
    c = fixture["cases"][1]
    inp = c["input"]
    t = score_trajectory(wrapped, tok.encode, tok.decode, inp["prompt"], inp["cot"], inp["answer"], inp["probe"],
                         mode="cache", cache_from_legacy=CacheObject)
    close(t.J, c["J"], "J")
    assert t.answer == inp["answer"] and t.prompt == inp["prompt"]
