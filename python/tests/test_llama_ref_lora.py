"""LoRA on the reference (repro_rl.llama_ref.lora): adapter gradients against central finite
differences in float64 and against the chain rule through the merged weight (W_eff = W + s·B·A:
dB = s·dW_eff·Aᵀ, dA = s·Bᵀ·dW_eff, with dW_eff from the plain model's autograd); B = 0 leaves the
base exactly; the merged model's forward equals base + adapters; the CLI's "lora" request."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from llama_models import STANDARD, random_weights
from repro_rl.llama_ref import LlamaRef, LoraAdapters, forward, lora_grads, parse_config, weighted_logprob_grads, write_folder

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
ITEMS = [([5, 1, 33, 20, 20, 7], [0.5, -1.0, 2.0, 0.25, 1.5]), ([9, 2, 14, 3], [1.0, -0.5, 0.75])]


def model_of(name, dtype=torch.float64):
    config = STANDARD[name]
    return LlamaRef(parse_config(config), {k: torch.from_numpy(v).to(dtype) for k, v in random_weights(config, 8).items()}, config)


def adapters_of(model, r, seed, targets=TARGETS):
    """Random A and B (B ≠ 0, so every gradient carries signal), by PEFT key."""
    gen = torch.Generator().manual_seed(seed)
    out = {}
    for l in range(model.cfg.num_layers):
        for t in targets:
            module = f"model.layers.{l}.{'mlp' if t in ('gate_proj', 'up_proj', 'down_proj') else 'self_attn'}.{t}"
            out_f, in_f = model.params[module + ".weight"].shape
            out[f"base_model.model.{module}.lora_A.weight"] = 0.3 * (2 * torch.rand(r, in_f, generator=gen, dtype=model.dtype) - 1)
            out[f"base_model.model.{module}.lora_B.weight"] = 0.3 * (2 * torch.rand(out_f, r, generator=gen, dtype=model.dtype) - 1)
    return out


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_lora_gradients_match_central_differences_and_the_merged_chain_rule(name):
    model = model_of(name)
    r, alpha = 3, 5.0
    ad = adapters_of(model, r, 1)
    value, grads, _ = lora_grads(model, ad, r, alpha, False, ITEMS)
    assert set(grads) == set(ad)
    s = alpha / r
    # the chain rule through the merged weights, from the plain model's autograd (a different graph)
    merged = LlamaRef(model.cfg, LoraAdapters(ad, r, alpha).merged(model.params), model.raw_config)
    dW = {}
    for ids, w in ITEMS:
        _, g = weighted_logprob_grads(merged, ids, w)
        for k, v in g.items():
            dW[k] = dW.get(k, 0) + v
    for k in ad:
        if not k.endswith(".lora_A.weight"):
            continue
        module = k[len("base_model.model."):-len(".lora_A.weight")]
        A, B = ad[k], ad[f"base_model.model.{module}.lora_B.weight"]
        g = dW[module + ".weight"]
        assert torch.allclose(grads[k], s * B.T @ g, rtol=1e-9, atol=1e-12), k
        assert torch.allclose(grads[f"base_model.model.{module}.lora_B.weight"], s * g @ A.T, rtol=1e-9, atol=1e-12), k
    # central differences on a few elements of every matrix
    rng = np.random.default_rng(2)
    h = 1e-6
    for k, t in ad.items():
        for i in rng.choice(t.numel(), size=3, replace=False):
            def at(delta):
                moved = dict(ad)
                m = t.clone().reshape(-1)
                m[i] += delta
                moved[k] = m.reshape(t.shape)
                return lora_grads(model, moved, r, alpha, False, ITEMS)[0]
            fd = (at(h) - at(-h)) / (2 * h)
            assert abs(fd - float(grads[k].reshape(-1)[i])) <= 1e-6 * max(1.0, abs(fd)), (k, int(i), fd)
    # base + adapters = the merged model
    ids = torch.as_tensor(ITEMS[0][0])
    assert torch.allclose(forward(model.params, model.cfg, ids, lora=LoraAdapters(ad, r, alpha)), merged.forward(ids.tolist()), atol=1e-10)
    assert abs(value) > 0


def test_zero_b_is_the_base_and_rslora_scales_by_root_r():
    model = model_of("qwen3-qknorm")
    ad = adapters_of(model, 4, 3)
    zero_b = {k: (torch.zeros_like(v) if k.endswith("lora_B.weight") else v) for k, v in ad.items()}
    ids = torch.as_tensor(ITEMS[0][0])
    assert torch.equal(forward(model.params, model.cfg, ids, lora=LoraAdapters(zero_b, 4, 8.0)), model.forward(ids.tolist()))
    assert LoraAdapters(ad, 4, 8.0).scaling == 2.0 and LoraAdapters(ad, 4, 8.0, use_rslora=True).scaling == 4.0
    with pytest.raises(ValueError, match="not rank 3"):
        LoraAdapters(ad, 3, 8.0)


def test_cli_lora_request(tmp_path):
    config = STANDARD["llama-gqa"]
    write_folder(str(tmp_path / "m"), config, random_weights(config, 4), "BF16")
    model = LlamaRef.from_folder(str(tmp_path / "m"), torch.float64)
    ad = adapters_of(model, 2, 5, ["q_proj", "down_proj"])
    req = {"lora": [{"r": 2, "alpha": 4, "items": [{"ids": i, "weights": w} for i, w in ITEMS],
                     "adapters": {k: {"shape": list(v.shape), "values": v.reshape(-1).tolist()} for k, v in ad.items()}}]}
    (tmp_path / "req.json").write_text(json.dumps(req))
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), ".."))
    r = subprocess.run([sys.executable, "-m", "repro_rl.llama_ref", str(tmp_path / "m"), "--float64", "--ids", str(tmp_path / "req.json"),
                        "--out", str(tmp_path / "out.json")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads((tmp_path / "out.json").read_text())["lora"][0]
    value, grads, logprobs = lora_grads(model, ad, 2, 4.0, False, ITEMS)
    assert out["value"] == value and [len(x) for x in out["logprobs"]] == [5, 3]
    for k, g in grads.items():
        assert out["grads"][k]["shape"] == list(g.shape) and np.allclose(out["grads"][k]["values"], g.reshape(-1).tolist(), rtol=0, atol=0)
