"""LoRA adapters on the reference (issue #22 §1): PEFT's LoraLayer forward, y = x Wᵀ + b + s·(x Aᵀ)Bᵀ
with A [r, in] (lora_A.weight), B [out, r] (lora_B.weight) and s = lora_alpha / r (α / √r with
use_rslora), keyed as PEFT's adapter_model.safetensors keys them
(base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight). Autograd through these plain ops
gives the adapter gradients the engine's LoRA backward is checked against."""
from __future__ import annotations

import math
from typing import Dict, List, Sequence, Tuple

import torch

from .model import LlamaRef, forward

PEFT_PREFIX = "base_model.model."


class LoraAdapters:
    """Adapters by PEFT key; `delta(module, x)` for a module name such as model.layers.0.mlp.up_proj."""

    def __init__(self, tensors: Dict[str, torch.Tensor], r: int, alpha: float, use_rslora: bool = False):
        if r <= 0:
            raise ValueError(f"LoRA r must be positive, got {r}")
        self.tensors = tensors
        self.r = r
        self.scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
        for k, v in tensors.items():
            if not (k.startswith(PEFT_PREFIX) and (k.endswith(".lora_A.weight") or k.endswith(".lora_B.weight"))):
                raise ValueError(f"{k} is not a PEFT LoRA key (base_model.model.<module>.lora_A/B.weight)")
            if (v.shape[0] if k.endswith(".lora_A.weight") else v.shape[1]) != r:
                raise ValueError(f"{k} has shape {tuple(v.shape)}, not rank {r}")

    def key(self, module: str, which: str) -> str:
        return f"{PEFT_PREFIX}{module}.lora_{which}.weight"

    def delta(self, module: str, x: torch.Tensor) -> torch.Tensor:
        a, b = self.tensors.get(self.key(module, "A")), self.tensors.get(self.key(module, "B"))
        if a is None and b is None:
            return torch.zeros((), dtype=x.dtype)
        if a is None or b is None:
            raise ValueError(f"{module} has lora_{'A' if b is not None else 'B'} but not the other")
        return self.scaling * ((x @ a.T) @ b.T)

    def merged(self, params: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The base weights with every adapted W replaced by W + s·B·A (what PEFT's merge_and_unload writes)."""
        out = dict(params)
        for k in self.tensors:
            if k.endswith(".lora_A.weight"):
                module = k[len(PEFT_PREFIX):-len(".lora_A.weight")]
                out[module + ".weight"] = params[module + ".weight"] + self.scaling * (self.tensors[self.key(module, "B")] @ self.tensors[k])
        return out


def weighted_logprob_lora(model: LlamaRef, lora: LoraAdapters, items: Sequence[Tuple[Sequence[int], Sequence[float]]]) -> torch.Tensor:
    """Σ over items of Σ_t w_t · log p(ids[t+1] | ids[..t]) under the base + adapters."""
    total = torch.zeros((), dtype=model.dtype)
    for ids, weights in items:
        if len(weights) != len(ids) - 1:
            raise ValueError(f"{len(ids)} ids need {len(ids) - 1} weights, got {len(weights)}")
        logits = forward(model.params, model.cfg, torch.as_tensor(list(ids), dtype=torch.int64), lora=lora)
        logp = torch.log_softmax(logits, dim=-1)
        picked = logp[:-1].gather(1, torch.as_tensor(list(ids[1:]), dtype=torch.int64)[:, None])[:, 0]
        total = total + (picked * torch.as_tensor(list(weights), dtype=picked.dtype)).sum()
    return total


def lora_grads(model: LlamaRef, tensors: Dict[str, torch.Tensor], r: int, alpha: float, use_rslora: bool,
               items: Sequence[Tuple[Sequence[int], Sequence[float]]]) -> Tuple[float, Dict[str, torch.Tensor], List[List[float]]]:
    """(the weighted log-prob, its gradient with respect to every adapter matrix by PEFT key, and each
    item's log-probs log p(ids[t+1] | ids[..t]))."""
    leaves = {k: v.detach().clone().to(model.dtype).requires_grad_(True) for k, v in tensors.items()}
    lora = LoraAdapters(leaves, r, alpha, use_rslora)
    value = weighted_logprob_lora(model, lora, items)
    value.backward()
    logprobs = []
    with torch.no_grad():
        for ids, _ in items:
            lp = torch.log_softmax(forward(model.params, model.cfg, torch.as_tensor(list(ids), dtype=torch.int64), lora=lora), -1)
            logprobs.append(lp[:-1].gather(1, torch.as_tensor(list(ids[1:]))[:, None])[:, 0].tolist())
    return float(value), {k: v.grad for k, v in leaves.items()}, logprobs
