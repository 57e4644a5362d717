"""What tests compare against: next-token log-probs at every position, greedy continuations (with
their top-1 − top-2 logit margins, so a test can tell a real divergence from a near tie), the
answer log-probs after given prefixes (the J check, repro-method.md §3), and gradients of a
per-position weighted log-prob with respect to every weight (issue #22's checks)."""
from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import torch

from .model import LlamaRef, forward


def next_token_logprobs(model: LlamaRef, ids: Sequence[int]) -> Tuple[torch.Tensor, torch.Tensor]:
    """(log p(ids[t+1] | ids[..t]) for t < T−1, the full log-softmax rows [T, V])."""
    with torch.no_grad():
        logp = torch.log_softmax(model.forward(list(ids)), dim=-1)
    target = torch.as_tensor(list(ids[1:]), dtype=torch.int64)
    return logp[:-1].gather(1, target[:, None])[:, 0], logp


def greedy(model: LlamaRef, prompt: Sequence[int], steps: int) -> Tuple[List[int], List[float]]:
    """Argmax continuation by re-encoding the whole sequence each step (no cache to get wrong);
    ties go to the lowest id (torch.argmax). Margins: top-1 − top-2 logit at each step."""
    seq = list(prompt)
    tokens, margins = [], []
    with torch.no_grad():
        for _ in range(steps):
            last = model.forward(seq)[-1]
            top = torch.topk(last, 2)
            nxt = int(torch.argmax(last))
            tokens.append(nxt)
            margins.append(float(top.values[0] - top.values[1]))
            seq.append(nxt)
    return tokens, margins


def answer_logprobs(model: LlamaRef, prefix: Sequence[int], answer: Sequence[int]) -> torch.Tensor:
    """log p(answer[j] | prefix + answer[:j]) for every j: one pass over prefix + answer."""
    if not prefix or not answer:
        raise ValueError("answer_logprobs needs a non-empty prefix and answer")
    ids = list(prefix) + list(answer)
    with torch.no_grad():
        logp = torch.log_softmax(model.forward(ids), dim=-1)
    rows = torch.arange(len(prefix) - 1, len(ids) - 1)
    return logp[rows, torch.as_tensor(list(answer), dtype=torch.int64)]


def weighted_logprob(params: Dict[str, torch.Tensor], model: LlamaRef, ids: Sequence[int], weights: Sequence[float]) -> torch.Tensor:
    """Σ_t weights[t] · log p(ids[t+1] | ids[..t]), t < T−1: a scalar autograd can differentiate."""
    if len(weights) != len(ids) - 1:
        raise ValueError(f"{len(ids)} ids need {len(ids) - 1} weights, got {len(weights)}")
    logp = torch.log_softmax(forward(params, model.cfg, torch.as_tensor(list(ids), dtype=torch.int64)), dim=-1)
    target = torch.as_tensor(list(ids[1:]), dtype=torch.int64)
    picked = logp[:-1].gather(1, target[:, None])[:, 0]
    return (picked * torch.as_tensor(list(weights), dtype=picked.dtype)).sum()


def weighted_logprob_grads(model: LlamaRef, ids: Sequence[int], weights: Sequence[float]) -> Tuple[float, Dict[str, torch.Tensor]]:
    """(the weighted log-prob, its gradient with respect to every weight tensor by hub name). A tied
    model's embedding gradient includes the LM head's share, as in transformers."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in model.params.items()}
    value = weighted_logprob(leaves, model, ids, weights)
    value.backward()
    return float(value), {k: v.grad for k, v in leaves.items()}
