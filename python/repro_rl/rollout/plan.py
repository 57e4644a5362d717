"""Per rollout: where the CoT ends in the response, its segments and token spans, the kept segments
by first-token entropy (repro-method.md §2, §7), exactly as src/rl/scoring.ts plans its probes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from ..scores import select_top_k_by_entropy
from ..segment import segment_cot, token_spans_from_offsets
from ..settings import ReproSettings
from .offsets import fast_token_char_offsets


@dataclass
class RolloutPlan:
    cot: str
    cot_tokens: int
    segments: list
    token_spans: list
    first_token_entropy: List[float]
    #: kept segments k_1 < … < k_M (0-based) and the exclusive token end of each, into the response
    kept: List[int]
    segment_ends: List[int]


def cot_of(response_text: str, cot_end: Sequence[str]) -> str:
    """The response text before the first CoT-end marker (the whole text when none occurs)."""
    cut = len(response_text)
    for m in cot_end:
        at = response_text.find(m) if m else -1
        if 0 <= at < cut:
            cut = at
    return response_text[:cut]


def plan_rollout(prompt_ids: List[int], response_ids: List[int], entropy: Sequence[float],
                 decode: Callable[[List[int]], str], s: ReproSettings) -> RolloutPlan:
    """`entropy[t]` is the entropy of the distribution that produced response token t (the actor's
    old-log-prob pass); `response_ids` are the generated tokens without padding."""
    text = decode(response_ids)
    cot = cot_of(text, s.cot_end)
    offsets = fast_token_char_offsets(decode, prompt_ids, response_ids, text)
    n_cot = sum(1 for o in offsets if o < len(cot))
    segments = segment_cot(cot, s.delimiter())
    spans = token_spans_from_offsets(segments, offsets[:n_cot]) if segments else []
    last = max(0, len(response_ids) - 1)
    H = [max(0.0, float(entropy[min(a, last)])) for a, _ in spans] if response_ids else []
    ranked = select_top_k_by_entropy(H, s.entropy_top_k or len(H)) if spans else []
    kept = [k for k in ranked if spans[k][1] > spans[k][0]]
    return RolloutPlan(cot, n_cot, segments, spans, H, kept, [spans[k][1] for k in kept])
