"""config.json of a Llama-family model (model_type llama / qwen2 / qwen3) as the reference reads it.
Defaults are transformers' LlamaConfig / Qwen2Config / Qwen3Config defaults for the fields that change
the forward; anything the reference does not implement is refused by name rather than ignored."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

FAMILIES = ("llama", "qwen2", "qwen3")


@dataclass(frozen=True)
class Llama3Scaling:
    factor: float
    low_freq_factor: float
    high_freq_factor: float
    original_max_position_embeddings: int


@dataclass(frozen=True)
class RefConfig:
    family: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    rms_norm_eps: float
    rope_theta: float
    rope_scaling: Optional[Llama3Scaling]
    qkv_bias: bool
    o_bias: bool
    mlp_bias: bool
    qk_norm: bool
    tie_word_embeddings: bool
    max_position_embeddings: int


def _get(cfg: dict, key: str, default=None, required=False):
    if key in cfg and cfg[key] is not None:
        return cfg[key]
    if required:
        raise ValueError(f'config.json has no "{key}", which the {cfg.get("model_type")} architecture needs')
    return default


def parse_config(cfg: dict) -> RefConfig:
    family = cfg.get("model_type")
    if family not in FAMILIES:
        raise ValueError(f"model_type {family!r} is not in the Llama family the reference implements ({', '.join(FAMILIES)})")
    act = _get(cfg, "hidden_act", "silu")
    if act != "silu":
        raise ValueError(f"hidden_act {act!r} is not supported (SwiGLU with silu only)")
    hidden = int(_get(cfg, "hidden_size", required=True))
    heads = int(_get(cfg, "num_attention_heads", required=True))
    kv_heads = int(_get(cfg, "num_key_value_heads", heads))
    if heads % kv_heads:
        raise ValueError(f"num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}")
    # Qwen3Config defaults head_dim to 128; the others derive it from hidden / heads.
    head_dim = int(_get(cfg, "head_dim", 128 if family == "qwen3" else hidden // heads))
    if head_dim % 2:
        raise ValueError(f"head_dim {head_dim} must be even for rotary embeddings")
    if _get(cfg, "partial_rotary_factor", 1.0) != 1.0:
        raise ValueError("partial_rotary_factor != 1 is not supported")
    # Qwen2/Qwen3 configs carry a sliding window that is off unless use_sliding_window is true.
    if _get(cfg, "use_sliding_window", False):
        raise ValueError("use_sliding_window: true is not supported (full causal attention only)")
    attention_bias = bool(_get(cfg, "attention_bias", False))
    if family == "qwen2":
        qkv_bias, o_bias = True, False  # Qwen2Attention: bias on q/k/v always, never on o_proj
    else:
        qkv_bias = o_bias = attention_bias
    return RefConfig(
        family=family,
        vocab_size=int(_get(cfg, "vocab_size", required=True)),
        hidden_size=hidden,
        intermediate_size=int(_get(cfg, "intermediate_size", required=True)),
        num_layers=int(_get(cfg, "num_hidden_layers", required=True)),
        num_heads=heads,
        num_kv_heads=kv_heads,
        head_dim=head_dim,
        rms_norm_eps=float(_get(cfg, "rms_norm_eps", 1e-6)),
        rope_theta=float(_get(cfg, "rope_theta", 10000.0)),
        rope_scaling=_parse_scaling(cfg.get("rope_scaling")),
        qkv_bias=qkv_bias,
        o_bias=o_bias,
        mlp_bias=bool(_get(cfg, "mlp_bias", False)) if family == "llama" else False,
        qk_norm=family == "qwen3",
        tie_word_embeddings=bool(_get(cfg, "tie_word_embeddings", False)),
        max_position_embeddings=int(_get(cfg, "max_position_embeddings", 2048)),
    )


def _parse_scaling(s) -> Optional[Llama3Scaling]:
    if s is None:
        return None
    kind = s.get("rope_type", s.get("type", "default"))  # "type" is the older spelling
    if kind == "default":
        return None
    if kind != "llama3":
        raise ValueError(f"rope_scaling type {kind!r} is not supported (only llama3)")
    for k in ("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"):
        if k not in s:
            raise ValueError(f'rope_scaling (llama3) has no "{k}"')
    return Llama3Scaling(float(s["factor"]), float(s["low_freq_factor"]), float(s["high_freq_factor"]),
                         int(s["original_max_position_embeddings"]))
