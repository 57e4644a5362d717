"""J probing for any causal LM in torch (repro-method.md §3, §7), returning the fields of the TS
scorer's Trajectory. One prefix pass over prompt + CoT (entropies, and the KV cache), then the
boundary probes in ONE batched call branched from that cache: row b sees the first n_b cached
positions (attention mask), its positions continue at n_b. Models whose cache cannot branch that
way use mode="reencode": every boundary's full sequence in one right-padded batch, no cache.

`model(input_ids=, attention_mask=, position_ids=, past_key_values=, use_cache=True)` must return
`.logits` and `.past_key_values` (legacy tuple of (key, value) [B, heads, length, head_dim], or an
object with to_legacy_cache(); `cache_from_legacy` converts back when the model wants a Cache).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence

import torch

from .scorer_tokens import ScorerTokens
from .scores import objective_j


@dataclass
class Trajectory:
    """The fields of src/repro/types.ts Trajectory (snake_case); offsets are Python str indices.
    `prompt` is the formatted prompt text (the TS keeps the raw question beside it)."""
    prompt: str
    cot: str
    answer: str
    probe: str
    segments: List[tuple]
    cot_tokens: List[int]
    token_offsets: List[int]
    token_spans: List[tuple]
    J: List[float]
    answer_log_probs: List[List[float]]
    token_entropy: List[float]
    first_token_entropy: List[float]
    boundaries: List[int] = field(default_factory=list)  # k of each J value (0 = baseline)


def _legacy(pkv: Any):
    return pkv.to_legacy_cache() if hasattr(pkv, "to_legacy_cache") else pkv


def _stats(logits: torch.Tensor):
    """float64 log-softmax and entropy per row of [..., V] logits."""
    lp = torch.log_softmax(logits.to(torch.float64), dim=-1)
    ent = -(lp.exp() * torch.where(torch.isinf(lp), torch.zeros_like(lp), lp)).sum(-1)
    return lp, ent


@torch.no_grad()
def prefix_pass(model, t: ScorerTokens, device=None):
    """entropy_at[i] of the distribution that produced CoT token i (i = N: after the CoT), and the cache."""
    ids = torch.tensor([t.prompt_ids + t.cot_tokens], device=device)
    out = model(input_ids=ids, use_cache=True)
    _, ent = _stats(out.logits[0])
    P = len(t.prompt_ids)
    return ent[P - 1:].tolist(), _legacy(out.past_key_values)


@torch.no_grad()
def probe_log_probs_cached(model, cache, prefixes: Sequence[int], feed: List[int], device=None,
                           cache_from_legacy: Optional[Callable] = None) -> torch.Tensor:
    """[B, F] log-probs of every fed row, row b branched from the first prefixes[b] cache positions."""
    B, F = len(prefixes), len(feed)
    keep = max(prefixes)
    mask = torch.zeros(B, keep + F, dtype=torch.long, device=device)
    for b, n in enumerate(prefixes):
        mask[b, :n] = 1
    mask[:, keep:] = 1
    pos = torch.tensor([[n + j for j in range(F)] for n in prefixes], device=device)
    past = tuple((k[:, :, :keep].expand(B, -1, -1, -1).contiguous(), v[:, :, :keep].expand(B, -1, -1, -1).contiguous()) for k, v in cache)
    if cache_from_legacy is not None:
        past = cache_from_legacy(past)
    ids = torch.tensor([feed] * B, device=device)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=past, use_cache=False)
    return _stats(out.logits)[0]


@torch.no_grad()
def probe_log_probs_reencode(model, context: List[int], prefixes: Sequence[int], feed: List[int], pad_id: int = 0, device=None) -> torch.Tensor:
    """Same rows as probe_log_probs_cached by re-encoding context[:n_b] + feed, right-padded, one batch."""
    B, F = len(prefixes), len(feed)
    width = max(prefixes) + F
    ids = torch.full((B, width), pad_id, dtype=torch.long, device=device)
    mask = torch.zeros(B, width, dtype=torch.long, device=device)
    for b, n in enumerate(prefixes):
        ids[b, : n + F] = torch.tensor(context[:n] + feed)
        mask[b, : n + F] = 1
    pos = torch.arange(width, device=device).expand(B, width)
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False)
    lp = _stats(out.logits)[0]
    return torch.stack([lp[b, n:n + F] for b, n in enumerate(prefixes)])


#: A batched cached probe must agree with a real re-encoding this well (as the TS scorer's check).
BRANCH_CHECK_TOL = 1e-3


def score_tokens(model, t: ScorerTokens, cot: str = "", probe: str = "", mode: str = "auto",
                 segments_to_probe: Optional[Sequence[int]] = None, device=None,
                 cache_from_legacy: Optional[Callable] = None, pad_id: int = 0,
                 prompt: str = "", answer: str = "") -> Trajectory:
    """J at boundary 0 and after every segment (or only after `segments_to_probe`, 0-based, e.g.
    select_top_k_by_entropy's choice) plus per-token entropies, for already tokenized input.

    mode "cache": probes batched from the prefix pass's cache; "reencode": every boundary's sequence
    re-encoded; "auto" (default): cached, then J_0's row (the one that masks the most positions) is
    checked against a re-encoding and, if they disagree (a model that takes positions from the past
    length, or ignores a masked middle), every probe is re-encoded — the TS scorer's first-use check."""
    if mode not in ("auto", "cache", "reencode"):
        raise ValueError(f'mode must be "auto", "cache" or "reencode" (got {mode!r})')
    P, N = len(t.prompt_ids), len(t.cot_tokens)
    entropy_at, cache = prefix_pass(model, t, device)
    ks = list(range(len(t.token_spans))) if segments_to_probe is None else list(segments_to_probe)
    bounds = [0] + [t.token_spans[s][1] for s in ks]
    prefixes = [P + b for b in bounds]
    seq = t.probe_ids + t.answer_ids
    feed, first = seq[:-1], len(t.probe_ids) - 1
    context = t.prompt_ids + t.cot_tokens
    if mode == "reencode":
        lp = probe_log_probs_reencode(model, context, prefixes, feed, pad_id, device)
    else:
        lp = probe_log_probs_cached(model, cache, prefixes, feed, device, cache_from_legacy)
        if mode == "auto" and prefixes[0] < P + N:
            real = probe_log_probs_reencode(model, context, prefixes[:1], feed, pad_id, device)
            if not torch.allclose(lp[:1], real, atol=BRANCH_CHECK_TOL, rtol=BRANCH_CHECK_TOL):
                lp = probe_log_probs_reencode(model, context, prefixes, feed, pad_id, device)
    A = len(t.answer_ids)
    idx = torch.tensor(t.answer_ids, device=lp.device)
    rows = lp[:, first:first + A, :].gather(-1, idx.expand(len(prefixes), A)[..., None])[..., 0]
    answer_lp = rows.tolist()
    J = []
    for k, lps in zip([0] + [s + 1 for s in ks], answer_lp):
        try:
            J.append(objective_j(lps))
        except ValueError as e:
            raise ValueError(f"J_{k}: {e}") from e
    return Trajectory(
        prompt=prompt, cot=cot, answer=answer, probe=probe, segments=list(t.segments), cot_tokens=list(t.cot_tokens),
        token_offsets=list(t.token_offsets), token_spans=list(t.token_spans), J=J, answer_log_probs=answer_lp,
        token_entropy=entropy_at[:N], first_token_entropy=[entropy_at[s[0]] for s in t.token_spans],
        boundaries=[0] + [s + 1 for s in ks],
    )


def score_trajectory(model, encode, decode, prompt: str, cot: str, answer: str, probe: str, delimiter=None,
                     **kwargs) -> Trajectory:
    """Tokenize as the TS scorer (scorer_tokens) and score: the Python twin of scoreTrajectory."""
    from .scorer_tokens import scorer_tokens

    t = scorer_tokens(encode, decode, prompt, cot, answer, probe, delimiter)
    return score_tokens(model, t, cot=cot, probe=probe, prompt=prompt, answer=answer, **kwargs)


def hf_codec(tokenizer):
    """(encode, decode) of a Hugging Face tokenizer as the scorer tokenizes: no special tokens added
    by encode (the chat template already put them in the prompt text), none skipped by decode."""
    return (lambda s: tokenizer.encode(s, add_special_tokens=False),
            lambda ids: tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False))
