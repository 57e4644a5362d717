"""The Llama family's forward (Llama / SmolLM2 / Llama-3.2, Qwen2 / Qwen2.5, Qwen3) in plain torch ops,
written from the formulas of transformers' modeling_llama.py / modeling_qwen2.py / modeling_qwen3.py
and modeling_rope_utils.py (eager attention, no KV cache, no padding). Plain ops only, so autograd
gives the gradients issue #22 checks against. Shapes: B batch, T time, C hidden, V vocab, NH query
heads, NKV key/value heads, HD head_dim, I intermediate."""
from __future__ import annotations

import math
from typing import Dict, Optional

import torch

from .config import Llama3Scaling, RefConfig
from .weights import load_folder


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """LlamaRMSNorm: normalise in (at least) float32, back to x's dtype, then weight · normed (not 1 + weight)."""
    wide = x.to(torch.float32) if x.dtype in (torch.float16, torch.bfloat16) else x
    normed = wide * torch.rsqrt(wide.pow(2).mean(-1, keepdim=True) + eps)
    return weight * normed.to(x.dtype)


def default_inv_freq(head_dim: int, theta: float, dtype=torch.float32) -> torch.Tensor:
    """inv_freq[i] = theta^(-2i / HD), i < HD/2 (the original RoPE)."""
    exponents = torch.arange(0, head_dim, 2, dtype=torch.int64).to(dtype) / head_dim
    return 1.0 / (theta ** exponents)


def llama3_inv_freq(inv_freq: torch.Tensor, s: Llama3Scaling) -> torch.Tensor:
    """Llama 3.1's rope scaling, by wavelength λ = 2π / inv_freq against the original context L:
    λ < L / high_freq_factor: unchanged; λ > L / low_freq_factor: divided by factor; between:
    (1 − t) · f / factor + t · f with t = (L / λ − low) / (high − low), continuous at both edges."""
    L = s.original_max_position_embeddings
    wavelen = 2 * math.pi / inv_freq
    long_edge, short_edge = L / s.low_freq_factor, L / s.high_freq_factor
    t = (L / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor)
    blended = (1 - t) * inv_freq / s.factor + t * inv_freq
    out = torch.where(wavelen > long_edge, inv_freq / s.factor, inv_freq)
    between = (wavelen >= short_edge) & (wavelen <= long_edge)
    return torch.where(between, blended, out)


def inv_freq_of(cfg: RefConfig, dtype=torch.float32) -> torch.Tensor:
    f = default_inv_freq(cfg.head_dim, cfg.rope_theta, dtype)
    return llama3_inv_freq(f, cfg.rope_scaling) if cfg.rope_scaling else f


def rotary_cos_sin(inv_freq: torch.Tensor, positions: torch.Tensor):
    """cos, sin [..., T, HD] for integer positions [..., T]: angles p · inv_freq, the half repeated."""
    angles = positions.to(inv_freq.dtype)[..., None] * inv_freq
    emb = torch.cat((angles, angles), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """(x1, x2) → (−x2, x1) over the two halves of the last dimension (not interleaved pairs)."""
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    return x * cos + rotate_half(x) * sin


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    """[B, NKV, T, HD] → [B, NKV·n_rep, T, HD]: query head h reads key/value head h // n_rep."""
    B, nkv, T, hd = x.shape
    return x[:, :, None].expand(B, nkv, n_rep, T, hd).reshape(B, nkv * n_rep, T, hd)


def linear(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor] = None) -> torch.Tensor:
    y = x @ w.T  # nn.Linear stores [out, in]
    return y if b is None else y + b


def attention(h: torch.Tensor, p: Dict[str, torch.Tensor], pre: str, cfg: RefConfig, cos, sin) -> torch.Tensor:
    """Causal grouped-query self-attention of the normed stream h [B, T, C] → [B, T, C]."""
    B, T, _ = h.shape
    NH, NKV, HD = cfg.num_heads, cfg.num_kv_heads, cfg.head_dim
    q = linear(h, p[pre + "q_proj.weight"], p.get(pre + "q_proj.bias")).view(B, T, NH, HD)
    k = linear(h, p[pre + "k_proj.weight"], p.get(pre + "k_proj.bias")).view(B, T, NKV, HD)
    v = linear(h, p[pre + "v_proj.weight"], p.get(pre + "v_proj.bias")).view(B, T, NKV, HD)
    if cfg.qk_norm:  # Qwen3: RMSNorm over each head's HD values, before rotary
        q = rms_norm(q, p[pre + "q_norm.weight"], cfg.rms_norm_eps)
        k = rms_norm(k, p[pre + "k_norm.weight"], cfg.rms_norm_eps)
    q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B, heads, T, HD]
    q, k = apply_rotary(q, cos[:, None], sin[:, None]), apply_rotary(k, cos[:, None], sin[:, None])
    k, v = repeat_kv(k, NH // NKV), repeat_kv(v, NH // NKV)
    scores = (q @ k.transpose(-1, -2)) * HD ** -0.5  # [B, NH, T, T]
    future = torch.ones(T, T, dtype=torch.bool).triu(1)
    scores = scores.masked_fill(future, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    out = (probs @ v).transpose(1, 2).reshape(B, T, NH * HD)
    return linear(out, p[pre + "o_proj.weight"], p.get(pre + "o_proj.bias"))


def mlp(h: torch.Tensor, p: Dict[str, torch.Tensor], pre: str) -> torch.Tensor:
    """SwiGLU: down(silu(gate(h)) · up(h))."""
    gate = linear(h, p[pre + "gate_proj.weight"], p.get(pre + "gate_proj.bias"))
    up = linear(h, p[pre + "up_proj.weight"], p.get(pre + "up_proj.bias"))
    return linear(torch.nn.functional.silu(gate) * up, p[pre + "down_proj.weight"], p.get(pre + "down_proj.bias"))


def forward(p: Dict[str, torch.Tensor], cfg: RefConfig, ids: torch.Tensor, positions: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Logits [B, T, V] of token ids [B, T] (or [T] → [T, V]); positions default to 0 … T−1."""
    single = ids.dim() == 1
    if single:
        ids = ids[None]
    B, T = ids.shape
    dtype = p["model.embed_tokens.weight"].dtype
    if positions is None:
        positions = torch.arange(T)
    positions = positions.expand(B, T)
    cos, sin = rotary_cos_sin(inv_freq_of(cfg, dtype), positions)
    x = p["model.embed_tokens.weight"][ids]
    for l in range(cfg.num_layers):
        pre = f"model.layers.{l}."
        x = x + attention(rms_norm(x, p[pre + "input_layernorm.weight"], cfg.rms_norm_eps), p, pre + "self_attn.", cfg, cos, sin)
        x = x + mlp(rms_norm(x, p[pre + "post_attention_layernorm.weight"], cfg.rms_norm_eps), p, pre + "mlp.")
    x = rms_norm(x, p["model.norm.weight"], cfg.rms_norm_eps)
    head = p["model.embed_tokens.weight"] if cfg.tie_word_embeddings else p["lm_head.weight"]
    logits = x @ head.T
    return logits[0] if single else logits


class LlamaRef:
    """A loaded model: config, parameters (upcast to one compute dtype), forward(ids)."""

    def __init__(self, cfg: RefConfig, params: Dict[str, torch.Tensor], raw_config: Optional[dict] = None,
                 file_dtypes: Optional[Dict[str, str]] = None):
        self.cfg = cfg
        self.params = params
        self.raw_config = raw_config or {}
        self.file_dtypes = file_dtypes or {}

    @classmethod
    def from_folder(cls, model_dir: str, dtype=torch.float32) -> "LlamaRef":
        cfg, raw, tensors, dtypes = load_folder(model_dir)
        used = {k: v for k, v in tensors.items() if not k.endswith("rotary_emb.inv_freq")}
        if cfg.tie_word_embeddings:
            used.pop("lm_head.weight", None)
        params = {k: torch.from_numpy(v).to(dtype) for k, v in used.items()}
        return cls(cfg, params, raw, dtypes)

    @property
    def dtype(self):
        return self.params["model.embed_tokens.weight"].dtype

    def forward(self, ids, positions=None) -> torch.Tensor:
        return forward(self.params, self.cfg, torch.as_tensor(ids, dtype=torch.int64), positions)
