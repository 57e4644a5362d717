"""The playground's toy GPT-2 (src/engine/config.ts layout, src/engine/cpu/gpt.ts arithmetic) in a
few lines of torch, loaded from its .safetensors checkpoint by repro_rl's own reader. HF-style call:
model(input_ids, attention_mask=None, position_ids=None, past_key_values=None) → .logits and
.past_key_values (a tuple of (key, value) per layer, [B, heads, length, head_dim])."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import torch

from .safetensors_io import read_safetensors

LN_EPS = 1e-5
PARAM_NAMES = ("wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb", "ln2w", "ln2b",
               "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb")


@dataclass
class CausalLMOutput:
    logits: torch.Tensor
    past_key_values: Tuple[Tuple[torch.Tensor, torch.Tensor], ...]


def _gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    # GPT-2's "gelu_new", as src/engine/cpu/layers/gelu.ts.
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


class ToyGPT(torch.nn.Module):
    def __init__(self, config: dict, params: dict, dtype=torch.float64):
        super().__init__()
        self.config = dict(config)
        self.n_head = int(config["nHead"])
        self.n_layer = int(config["nLayer"])
        self.block_size = int(config["blockSize"])
        for name in PARAM_NAMES:
            if name not in params:
                raise ValueError(f'checkpoint is missing tensor "{name}"')
            self.register_buffer(name, torch.as_tensor(params[name]).to(dtype))

    @classmethod
    def from_safetensors(cls, path, dtype=torch.float64) -> "ToyGPT":
        tensors, meta = read_safetensors(path)
        if "config" not in meta:
            raise ValueError('checkpoint __metadata__ has no "config" (not a repro-toy-gpt2 checkpoint)')
        return cls(json.loads(meta["config"]), tensors, dtype)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None,
        position_ids: Optional[torch.Tensor] = None,
        past_key_values: Optional[Sequence[Tuple[torch.Tensor, torch.Tensor]]] = None, use_cache: bool = True,
    ) -> CausalLMOutput:
        B, T = input_ids.shape
        P = 0 if not past_key_values else past_key_values[0][0].shape[2]
        if position_ids is None:
            position_ids = torch.arange(P, P + T).expand(B, T)
        if attention_mask is None:
            attention_mask = torch.ones(B, P + T, dtype=torch.long)
        C, NH = self.wte.shape[1], self.n_head
        HS = C // NH
        # Key j visible from query t: not masked out and causal (j ≤ P + t).
        causal = torch.arange(P + T)[None, :] <= (P + torch.arange(T))[:, None]
        visible = causal[None, None] & (attention_mask[:, None, None, :] > 0)
        x = self.wte[input_ids] + self.wpe[position_ids]
        presents = []
        for l in range(self.n_layer):
            h = torch.nn.functional.layer_norm(x, (C,), self.ln1w[l], self.ln1b[l], LN_EPS)
            qkv = h @ self.qkvw[l].T + self.qkvb[l]
            q, k, v = (t.reshape(B, T, NH, HS).transpose(1, 2) for t in qkv.split(C, dim=-1))
            if past_key_values:
                k = torch.cat([past_key_values[l][0], k], dim=2)
                v = torch.cat([past_key_values[l][1], v], dim=2)
            presents.append((k, v))
            att = (q @ k.transpose(-1, -2)) / math.sqrt(HS)
            # The dtype's lowest finite value, as HF models: a fully masked (padding) query row stays
            # finite instead of NaN, and NaN never reaches real rows through 0 · NaN.
            att = att.masked_fill(~visible, torch.finfo(att.dtype).min).softmax(dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, C)
            x = x + y @ self.attprojw[l].T + self.attprojb[l]
            h = torch.nn.functional.layer_norm(x, (C,), self.ln2w[l], self.ln2b[l], LN_EPS)
            x = x + _gelu_tanh(h @ self.fcw[l].T + self.fcb[l]) @ self.fcprojw[l].T + self.fcprojb[l]
        x = torch.nn.functional.layer_norm(x, (C,), self.lnfw, self.lnfb, LN_EPS)
        return CausalLMOutput(logits=x @ self.wte.T, past_key_values=tuple(presents))
