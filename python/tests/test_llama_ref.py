"""The torch reference of the Llama family (repro_rl.llama_ref) against properties an independent
reader can check: a naive scalar forward, a hand-computed case, GQA = MHA with repeated K/V,
repeat_kv's grouping, rotary's relative-position invariance, Llama-3's inv_freq bands, half-precision
files against the F32 file, sharded = single file, and the loader's refusals."""
import json
import math

import numpy as np
import pytest
import torch

from llama_models import STANDARD, hf_config, random_weights
from llama_scalar import scalar_logits
from repro_rl.llama_ref import (
    Llama3Scaling, LlamaRef, apply_rotary, default_inv_freq, forward, llama3_inv_freq, parse_config, repeat_kv,
    rotary_cos_sin, write_folder,
)
from repro_rl.safetensors_io import encode_safetensors, read_safetensors, to_bf16_bits

IDS = [3, 17, 0, 25, 39, 8, 8, 12, 30]


def model_of(config, weights, dtype=torch.float64):
    return LlamaRef(parse_config(config), {k: torch.from_numpy(v).to(dtype) for k, v in weights.items()}, config)


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_matches_the_naive_scalar_forward(name):
    config = STANDARD[name]
    w = random_weights(config, seed=1)
    got = model_of(config, w).forward(IDS)
    want = torch.tensor(scalar_logits(config, {k: v.astype(np.float64).tolist() for k, v in w.items()}, IDS), dtype=torch.float64)
    assert got.shape == (len(IDS), config["vocab_size"])
    assert torch.allclose(got, want, rtol=0, atol=1e-10), float((got - want).abs().max())
    # Not degenerate: logits spread over a few nats and every position's argmax is not the same token.
    assert float(got.std()) > 0.5
    assert len(set(got.argmax(-1).tolist())) > 1


def test_hand_computed_one_layer_case():
    # 1 layer whose attention and MLP outputs are zero (o_proj, down_proj = 0): logits = head · (g ⊙ x / rms(x)).
    # Embedding row of token 1 is x = [3, 4]: rms = √((9 + 16) / 2) = √12.5 = 3.5355339; x / rms = [0.8485281, 1.1313708];
    # final norm g = [1, 2] → [0.8485281, 2.2627417]; head rows [1, 0], [0, 1], [1, 1] → [0.8485281, 2.2627417, 3.1112698].
    config = hf_config("llama", vocab_size=3, hidden_size=2, intermediate_size=1, num_hidden_layers=1,
                       num_attention_heads=1, num_key_value_heads=1, rms_norm_eps=0.0)
    w = {k: np.zeros(v.shape, np.float32) for k, v in random_weights(config).items()}
    w["model.embed_tokens.weight"][1] = [3, 4]
    w["model.layers.0.input_layernorm.weight"][:] = 1
    w["model.layers.0.post_attention_layernorm.weight"][:] = 1
    w["model.norm.weight"][:] = [1, 2]
    w["lm_head.weight"][:] = [[1, 0], [0, 1], [1, 1]]
    got = model_of(config, w).forward([1])[0]
    assert torch.allclose(got, torch.tensor([0.8485281, 2.2627417, 3.1112698], dtype=torch.float64), atol=1e-7)
    # Two positions, one head, HD = 2: at position 1 the attention averages v over both tokens with
    # weights softmax(q·k / √2). With q = k = 0 (zero q/k weights) the weights are ½, ½: the output is the mean of v.
    w["model.embed_tokens.weight"][2] = [1, -1]
    w["model.layers.0.self_attn.v_proj.weight"][:] = np.eye(2)
    w["model.layers.0.self_attn.o_proj.weight"][:] = np.eye(2)
    h = model_of(config, w).forward([1, 2])
    # residual x2 = [1, -1] + mean(rmsnorm([3, 4]), rmsnorm([1, -1])) = [1, -1] + ½([0.8485281, 1.1313708] + [1, -1])
    x2 = np.array([1 + (0.8485281 + 1) / 2, -1 + (1.1313708 - 1) / 2])
    n = x2 / math.sqrt((x2 ** 2).mean()) * [1, 2]
    assert torch.allclose(h[1], torch.tensor([n[0], n[1], n[0] + n[1]], dtype=torch.float64), atol=1e-6)


def test_gqa_equals_multi_head_attention_with_each_kv_head_repeated():
    config = STANDARD["llama-gqa"]  # NH 4, NKV 2
    w = random_weights(config, seed=2)
    mha_config = dict(config, num_key_value_heads=4)
    HD = config["hidden_size"] // config["num_attention_heads"]
    mha = dict(w)
    for l in range(config["num_hidden_layers"]):
        for part in ("k_proj", "v_proj"):
            name = f"model.layers.{l}.self_attn.{part}.weight"
            heads = w[name].reshape(2, HD, -1)
            mha[name] = np.repeat(heads, 2, axis=0).reshape(4 * HD, -1)  # query heads 0,1 → kv 0; 2,3 → kv 1
    a = model_of(config, w).forward(IDS)
    b = model_of(mha_config, mha).forward(IDS)
    assert torch.allclose(a, b, rtol=0, atol=1e-12)
    # NKV = NH is plain multi-head attention: the scalar forward with group size 1 agrees.
    want = scalar_logits(mha_config, {k: v.astype(np.float64).tolist() for k, v in mha.items()}, IDS)
    assert torch.allclose(b, torch.tensor(want, dtype=torch.float64), atol=1e-10)


def test_repeat_kv_groups_consecutive_query_heads_on_one_kv_head():
    x = torch.arange(2 * 3 * 5 * 4, dtype=torch.float64).reshape(2, 3, 5, 4)
    r = repeat_kv(x, 4)
    assert r.shape == (2, 12, 5, 4)
    for h in range(12):
        assert torch.equal(r[:, h], x[:, h // 4])
    assert torch.equal(r, torch.repeat_interleave(x, 4, dim=1))
    assert repeat_kv(x, 1) is x or torch.equal(repeat_kv(x, 1), x)


def test_rotary_scores_depend_only_on_the_position_difference():
    torch.manual_seed(0)
    HD = 16
    inv = default_inv_freq(HD, 10000.0, torch.float64)
    q, k = torch.randn(HD, dtype=torch.float64), torch.randn(HD, dtype=torch.float64)

    def rot(v, p):
        cos, sin = rotary_cos_sin(inv, torch.tensor([p]))
        return apply_rotary(v, cos[0], sin[0])

    for m, n in [(5, 2), (40, 37), (1003, 1000)]:
        assert abs(float(rot(q, m) @ rot(k, n)) - float(rot(q, 3) @ rot(k, 0))) < 1e-9
    assert abs(float(rot(q, 7).norm()) - float(q.norm())) < 1e-12  # a rotation
    assert abs(float(rot(q, 0) @ rot(k, 0)) - float(q @ k)) < 1e-12
    assert abs(float(rot(q, 4) @ rot(k, 0)) - float(q @ k)) > 1e-3  # and not the identity


@pytest.mark.parametrize("name", ["llama-gqa", "qwen3-qknorm", "llama3-rope"])
def test_whole_model_is_invariant_to_shifting_every_position(name):
    config = STANDARD[name]
    m = model_of(config, random_weights(config, seed=3))
    base = m.forward(IDS)
    shifted = forward(m.params, m.cfg, torch.tensor(IDS), torch.arange(len(IDS)) + 777)
    assert torch.allclose(base, shifted, rtol=0, atol=1e-9)


def test_llama3_inv_freq_follows_each_band():
    # Llama-3.2's own rope_scaling: θ 5e5, HD 64, factor 32, low 1, high 4, original 8192.
    s = Llama3Scaling(32.0, 1.0, 4.0, 8192)
    base = default_inv_freq(64, 500000.0, torch.float64)
    got = llama3_inv_freq(base, s)
    bands = {"high": 0, "mid": 0, "low": 0}
    for i in range(32):
        f = 500000.0 ** (-2 * i / 64)
        lam = 2 * math.pi / f
        if lam < 8192 / 4:  # short wavelengths: kept
            want, band = f, "high"
        elif lam > 8192 / 1:  # long wavelengths: slowed by the factor
            want, band = f / 32, "low"
        else:  # between: t = (8192/λ − 1) / 3, f · ((1 − t) / 32 + t)
            t = (8192 / lam - 1) / 3
            want, band = f * ((1 - t) / 32 + t), "mid"
        bands[band] += 1
        assert math.isclose(float(got[i]), want, rel_tol=1e-12), (i, band)
    assert all(bands.values()), bands  # every band is exercised
    # Continuous at both edges: exactly at λ = L / high the blend is f, at λ = L / low it is f / factor.
    edge = torch.tensor([2 * math.pi / (8192 / 4), 2 * math.pi / 8192], dtype=torch.float64)
    e = llama3_inv_freq(edge, s)
    assert math.isclose(float(e[0]), float(edge[0]), rel_tol=1e-12)
    assert math.isclose(float(e[1]), float(edge[1]) / 32, rel_tol=1e-12)


def test_bf16_encoding_matches_torch_rounding():
    x = np.random.default_rng(4).standard_normal(10000).astype(np.float32) * 100
    x[:4] = [0.0, -0.0, 1e-40, 3.0e38]
    ours = to_bf16_bits(x)
    theirs = torch.from_numpy(x).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_half_files_give_the_f32_logits_within_half_precision(name, tmp_path):
    config = STANDARD[name]
    w = random_weights(config, seed=5)
    logits = {}
    for dtype in ("F32", "F16", "BF16"):
        write_folder(str(tmp_path / dtype), config, w, dtype)
        m = LlamaRef.from_folder(str(tmp_path / dtype))
        assert set(m.file_dtypes.values()) == {dtype}
        logits[dtype] = m.forward(IDS)
    # Decoded exactly: F16 weights are numpy's float16 rounding of the F32 values.
    f16 = LlamaRef.from_folder(str(tmp_path / "F16")).params["model.layers.0.mlp.up_proj.weight"]
    assert torch.equal(f16, torch.from_numpy(w["model.layers.0.mlp.up_proj.weight"].astype(np.float16).astype(np.float32)))
    assert torch.equal(logits["F32"], model_of(config, w, torch.float32).forward(IDS))
    # Weight rounding (unit roundoff u: 2^-11 for F16, 2^-8 for BF16) moves these logits (|z| ≲ 6) by
    # 10–35 u in 2 random layers; 64 u bounds it, and BF16, 3 bits coarser, moves them more.
    d = {dt: float((logits[dt] - logits["F32"]).abs().max()) for dt in ("F16", "BF16")}
    assert 0 < d["F16"] < 64 * 2 ** -11 and d["F16"] < d["BF16"] < 64 * 2 ** -8, d


def test_sharded_equals_single_file_exactly(tmp_path):
    config = STANDARD["qwen2-bias-tied"]
    w = random_weights(config, seed=6)
    write_folder(str(tmp_path / "one"), config, w, "BF16")
    write_folder(str(tmp_path / "three"), config, w, "BF16", shards=3)
    index = json.loads((tmp_path / "three" / "model.safetensors.index.json").read_text())
    assert len(set(index["weight_map"].values())) == 3
    a, b = LlamaRef.from_folder(str(tmp_path / "one")), LlamaRef.from_folder(str(tmp_path / "three"))
    assert torch.equal(a.forward(IDS), b.forward(IDS))


def test_loader_refusals_name_the_problem(tmp_path):
    config = STANDARD["llama-gqa"]
    w = random_weights(config, seed=7)
    cases = {
        "missing": ({k: v for k, v in w.items() if k != "model.layers.1.mlp.up_proj.weight"}, config, 1,
                    r'"model.layers.1.mlp.up_proj.weight" is missing'),
        "shape": ({**w, "model.norm.weight": np.ones(15, np.float32)}, config, 1, r'"model.norm.weight" has shape \[15\], config.json implies \[16\]'),
        "extra": ({**w, "model.layers.0.mlp.up_proj.bias": np.ones(24, np.float32)}, config, 1, r"not part of the llama architecture"),
        "rope": (w, dict(config, rope_scaling={"rope_type": "yarn", "factor": 4.0}), 1, r"rope_scaling type 'yarn' is not supported"),
        "arch": (w, dict(config, model_type="gemma"), 1, r"model_type 'gemma' is not in the Llama family"),
        "field": (w, {k: v for k, v in config.items() if k != "hidden_size"}, 1, r'no "hidden_size"'),
    }
    for name, (tensors, cfg, shards, msg) in cases.items():
        write_folder(str(tmp_path / name), cfg, tensors, "F32", shards)
        with pytest.raises(ValueError, match=msg):
            LlamaRef.from_folder(str(tmp_path / name))
    write_folder(str(tmp_path / "shard"), config, w, "F32", shards=2)
    (tmp_path / "shard" / "model-00002-of-00002.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="model-00002-of-00002.safetensors is missing"):
        LlamaRef.from_folder(str(tmp_path / "shard"))


def test_safetensors_writer_round_trips_through_the_reader():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    dtypes = {}
    got, meta = read_safetensors(encode_safetensors({"a": (arr, "F32"), "b": (arr, "F16"), "c": (arr, "BF16")}, {"k": "v"}), dtypes)
    assert dtypes == {"a": "F32", "b": "F16", "c": "BF16"} and meta == {"k": "v"}
    assert np.array_equal(got["a"], arr)
    assert np.array_equal(got["b"], arr.astype(np.float16))
    assert np.abs(got["c"] - arr).max() <= np.abs(arr).max() * 2 ** -8
