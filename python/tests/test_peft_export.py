"""Our PEFT export read with torch (fixtures written by test/unit/python/peftFixture.test.ts from
src/engine/lora/peftExport.ts and mergeLora.ts, and lora-run-*/ by test/gpu/lora/lora-run-host.test.ts:
the export of a LoRA GRPO + RePro run through the training worker; no peft installed here):

- adapter_model.safetensors holds exactly the keys and shapes PEFT's LoraModel gives a model of
  that config (the injection reproduced below from peft/tuners/lora: every nn.Linear whose name
  ends with a target gets lora_A = Linear(in, r, bias=False), lora_B = Linear(r, out, bias=False)
  under the adapter name "default"; PeftModel prefixes base_model.model., save_pretrained drops
  the adapter name), and adapter_config.json says what PEFT needs to rebuild them;
- the merged model's weights are base + B·A·scaling (scaling lora_alpha / r, or / √r with
  use_rslora) rounded to the base's dtype, the other tensors untouched;
- the merged folder's logits equal the base's with the adapter applied, in float64.
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from repro_rl.llama_ref import LlamaRef
from repro_rl.llama_ref.model import forward
from repro_rl.safetensors_io import read_safetensors

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "peft"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def load(case):
    d = FIXTURES / case
    cfg = json.loads((d / "base" / "config.json").read_text())
    adapter_cfg = json.loads((d / "adapter" / "adapter_config.json").read_text())
    dtypes = {}
    adapter, meta = read_safetensors(str(d / "adapter" / "adapter_model.safetensors"), dtypes)
    return d, cfg, adapter_cfg, adapter, dtypes, meta


class _LlamaSkeleton(nn.Module):
    """The module tree of LlamaForCausalLM / Qwen2 / Qwen3 (names and nn.Linear shapes only)."""

    def __init__(self, c):
        super().__init__()
        C, I, NH = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"]
        HD = c.get("head_dim") or C // NH
        QD, KVD = NH * HD, c["num_key_value_heads"] * HD
        qkv_bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
        self.model = nn.Module()
        self.model.embed_tokens = nn.Embedding(c["vocab_size"], C)
        self.model.layers = nn.ModuleList()
        for _ in range(c["num_hidden_layers"]):
            layer = nn.Module()
            layer.self_attn = nn.Module()
            layer.self_attn.q_proj = nn.Linear(C, QD, bias=qkv_bias)
            layer.self_attn.k_proj = nn.Linear(C, KVD, bias=qkv_bias)
            layer.self_attn.v_proj = nn.Linear(C, KVD, bias=qkv_bias)
            layer.self_attn.o_proj = nn.Linear(QD, C, bias=False)
            layer.mlp = nn.Module()
            layer.mlp.gate_proj = nn.Linear(C, I, bias=False)
            layer.mlp.up_proj = nn.Linear(C, I, bias=False)
            layer.mlp.down_proj = nn.Linear(I, C, bias=False)
            self.model.layers.append(layer)
        self.lm_head = nn.Linear(C, c["vocab_size"], bias=False)


def peft_saved_shapes(config, adapter_cfg):
    """{key: shape} of what PeftModel.save_pretrained writes for this LoraConfig on this model."""
    model = _LlamaSkeleton(config).to("meta")
    r, targets = adapter_cfg["r"], adapter_cfg["target_modules"]
    state = {}
    for name, module in list(model.named_modules()):
        # LoRA's _check_target_module_exists for a list: the name ends with ".<target>" (or is it)
        if not isinstance(module, nn.Linear) or not any(name == t or name.endswith("." + t) for t in targets):
            continue
        module.lora_A = nn.ModuleDict({"default": nn.Linear(module.in_features, r, bias=False, device="meta")})
        module.lora_B = nn.ModuleDict({"default": nn.Linear(r, module.out_features, bias=False, device="meta")})
    for key, value in model.state_dict().items():
        if ".lora_" in key:
            state[("base_model.model." + key).replace(".default.", ".")] = tuple(value.shape)
    return state


@pytest.mark.parametrize("case", CASES)
def test_adapter_keys_shapes_and_config_are_peft_s(case):
    d, config, adapter_cfg, adapter, dtypes, meta = load(case)
    want = peft_saved_shapes(config, adapter_cfg)
    assert len(want) == 2 * config["num_hidden_layers"] * len(adapter_cfg["target_modules"])
    assert {k: tuple(v.shape) for k, v in adapter.items()} == want
    assert set(dtypes.values()) == {"F32"}
    assert meta == {"format": "pt"}
    assert adapter_cfg["peft_type"] == "LORA" and adapter_cfg["task_type"] == "CAUSAL_LM"
    assert adapter_cfg["bias"] == "none" and adapter_cfg["lora_dropout"] == 0
    assert adapter_cfg["fan_in_fan_out"] is False and adapter_cfg["use_dora"] is False
    assert adapter_cfg["modules_to_save"] is None and adapter_cfg["rank_pattern"] == {} and adapter_cfg["alpha_pattern"] == {}
    text = (d / "adapter" / "adapter_config.json").read_text()
    assert text == json.dumps(adapter_cfg, indent=2, sort_keys=True)  # what PeftConfig.save_pretrained writes


def scaling(adapter_cfg):
    r, alpha = adapter_cfg["r"], adapter_cfg["lora_alpha"]
    return alpha / math.sqrt(r) if adapter_cfg.get("use_rslora") else alpha / r


def effective_weights(base, adapter, adapter_cfg):
    """{base weight name: W + s·B·A in float64} for every adapted weight."""
    s = scaling(adapter_cfg)
    out = {}
    for key, a in adapter.items():
        if ".lora_A." not in key:
            continue
        b = adapter[key.replace(".lora_A.", ".lora_B.")]
        name = key.removeprefix("base_model.model.").replace(".lora_A.weight", ".weight")
        out[name] = torch.from_numpy(base[name]).double() + s * (torch.from_numpy(b).double() @ torch.from_numpy(a).double())
    return out


@pytest.mark.parametrize("case", CASES)
def test_merged_weights_are_base_plus_scaled_BA(case):
    d, config, adapter_cfg, adapter, _, _ = load(case)
    base_dt, merged_dt = {}, {}
    base, _ = read_safetensors(str(d / "base" / "model.safetensors"), base_dt)
    merged, _ = read_safetensors(str(d / "merged" / "model.safetensors"), merged_dt)
    assert merged_dt == base_dt and list(merged) == list(base)
    eff = effective_weights(base, adapter, adapter_cfg)
    assert len(eff) == len(adapter) // 2
    dtype = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[next(iter(base_dt.values()))]
    exact = total = 0
    for name in base:
        got = torch.from_numpy(merged[name])
        if name not in eff:
            assert torch.equal(got, torch.from_numpy(base[name])), name
            continue
        want = eff[name].float().to(dtype).float()  # torch's rounding: f64 → f32 → dtype, to nearest even
        # one unit in the last place of the dtype, at most, where a rounding tie lands differently
        ulp = torch.finfo(dtype).eps * torch.clamp(want.abs(), min=torch.finfo(dtype).tiny)
        assert torch.all((got - want).abs() <= ulp), name
        exact += int((got == want).sum())
        total += got.numel()
        # and the update is real: most elements moved by more than their rounding (a trained
        # adapter's update is small next to the largest weights, so per element, not vs the max)
        moved = ((got - torch.from_numpy(base[name])).abs() > ulp).double().mean().item()
        assert moved > 0.5, (name, moved)
    assert exact / total > 0.99, f"{exact} of {total} exact"


@pytest.mark.parametrize("case", CASES)
def test_merged_folder_logits_equal_base_with_adapter(case):
    d, config, adapter_cfg, adapter, dtypes, _ = load(case)
    base = LlamaRef.from_folder(str(d / "base"), dtype=torch.float64)
    merged = LlamaRef.from_folder(str(d / "merged"), dtype=torch.float64)
    raw, _ = read_safetensors(str(d / "base" / "model.safetensors"))
    with_adapter = dict(base.params)
    with_adapter.update(effective_weights(raw, adapter, adapter_cfg))
    ids = torch.tensor([1, 50, 100, 200, 7, 7, 33, 2, 150])
    want = forward(with_adapter, base.cfg, ids)
    got = merged.forward(ids)
    moved = (want - base.forward(ids)).abs().max().item()
    err = (got - want).abs().max().item()
    f32 = base.file_dtypes and set(base.file_dtypes.values()) == {"F32"}
    # F32: merged weights rounded to f32 only; BF16: to bf16 (8 significant bits) — error scales with that
    assert err < (1e-4 if f32 else 0.05 * moved), (err, moved)
    assert moved > 0.5, "the adapter must change the logits for this check to mean anything"
