"""Tiny random Llama-family models for the reference's own tests: HF config.json dicts of the four
standard configurations (issue #21 §4) and seeded weights scaled so logits and attention are far
from uniform. The TypeScript writer (test/util/tinyLlama.ts) is separate; this one keeps the Python
tests self-contained."""
from __future__ import annotations

import numpy as np

from repro_rl.llama_ref import expected_shapes, parse_config


def hf_config(family: str, **over) -> dict:
    base = {
        "model_type": family, "architectures": [{"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM"}[family]],
        "vocab_size": 40, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "max_position_embeddings": 128, "hidden_act": "silu", "tie_word_embeddings": False,
    }
    base.update(over)
    return base


# The standard configurations, small.
STANDARD = {
    "llama-gqa": hf_config("llama"),
    "qwen2-bias-tied": hf_config("qwen2", num_key_value_heads=2, tie_word_embeddings=True),
    "qwen3-qknorm": hf_config("qwen3", head_dim=6, num_key_value_heads=2),  # 4 · 6 ≠ 16
    # HD 8, θ 5e5: wavelengths 6.3, 167, 4443, 1.2e5 fall in all three bands of L = 200.
    "llama3-rope": hf_config("llama", num_attention_heads=2, num_key_value_heads=1, rope_theta=500000.0, rope_scaling={
        "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
        "original_max_position_embeddings": 200}, max_position_embeddings=1600),
}


def random_weights(config: dict, seed: int = 0) -> dict:
    """float32 weights by hub name: linear rows ~ N(0, (gain / √in)²), norms ~ 1 + N(0, 0.2²), biases ~ N(0, 0.3²)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in expected_shapes(parse_config(config)).items():
        if name.endswith("norm.weight") or "layernorm" in name:
            w = 1.0 + 0.2 * rng.standard_normal(shape)
        elif name.endswith(".bias"):
            w = 0.3 * rng.standard_normal(shape)
        elif name == "model.embed_tokens.weight":
            w = rng.standard_normal(shape)
        else:
            gain = 2.0 if ("q_proj" in name or "k_proj" in name or name == "lm_head.weight") else 1.0
            w = gain / np.sqrt(shape[1]) * rng.standard_normal(shape)
        out[name] = w.astype(np.float32)
    if config.get("tie_word_embeddings"):
        # It is the LM head too: rows ~ N(0, (2.5 / √C)²) spread the logits over a few nats.
        out["model.embed_tokens.weight"] *= 2.5 / np.sqrt(config["hidden_size"])
    return out
