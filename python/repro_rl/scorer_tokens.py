"""Tokenization for the J probes (repro-method.md §2-§3), the same algorithm as
src/repro/scorerTokens.ts, for any tokenizer with encode(text) -> ids and decode(ids) -> str
(no special tokens added: pass e.g. `lambda s: hf.encode(s, add_special_tokens=False)`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from .segment import Delimiter, segment_cot, token_spans_from_offsets
from .validate import Span

Encode = Callable[[str], List[int]]
Decode = Callable[[List[int]], str]


@dataclass
class ScorerTokens:
    prompt_ids: List[int]
    cot_tokens: List[int]
    token_offsets: List[int]
    segments: List[Span]
    token_spans: List[Span]
    probe_ids: List[int]
    answer_ids: List[int]


def token_char_offsets(decode: Decode, context: List[int], ids: List[int], text: str) -> List[int]:
    """Char offset in `text` where each of `ids` starts, by decoding context + ids[:i] (a prefix
    ending in U+FFFD, inside a multi-byte character, gets that character's offset); clamped and
    non-decreasing. O(n²) decoding, as the TS; exact for any tokenizer."""
    base = len(decode(context)) if context else 0
    out, prev = [], 0
    for i in range(len(ids)):
        s = decode(context + ids[:i]) if context or i else ""
        while s.endswith("\ufffd"):
            s = s[:-1]
        o = min(len(text), max(prev, len(s) - base))
        out.append(o)
        prev = o
    return out


def cot_tokens_after_prompt(encode: Encode, prompt: str, cot: str) -> Tuple[List[int], List[int]]:
    """The CoT's tokens as generation after this prompt holds them (prompt + CoT tokenized together)."""
    prompt_ids = list(encode(prompt))
    if len(cot) == 0:
        return prompt_ids, []
    all_ids = list(encode(prompt + cot))
    if len(all_ids) >= len(prompt_ids) and all_ids[: len(prompt_ids)] == prompt_ids:
        return prompt_ids, all_ids[len(prompt_ids):]
    return prompt_ids, list(encode(cot))


def probe_and_answer_ids(encode: Encode, decode: Decode, probe: str, answer: str) -> Tuple[List[int], List[int]]:
    """Probe and answer tokenized together, split where a token's text reaches past the probe."""
    if not isinstance(answer, str) or len(answer) == 0:
        raise ValueError("input.answer must be a non-empty string (J scores the answer tokens)")
    ids = list(encode(probe + answer))
    offsets = token_char_offsets(decode, [], ids, probe + answer)
    split = len(ids)
    for i in range(len(ids)):
        end = offsets[i + 1] if i + 1 < len(ids) else len(probe) + len(answer)
        if end > len(probe):
            split = i
            break
    probe_ids, answer_ids = ids[:split], ids[split:]
    if not answer_ids:
        raise ValueError(f"input.answer {answer!r} tokenizes to nothing after the probe; nothing to score")
    if not probe_ids:
        raise ValueError("input.probe must tokenize to at least one token (the probe closes the thinking before the answer)")
    return probe_ids, answer_ids


def scorer_tokens(encode: Encode, decode: Decode, prompt: str, cot: str, answer: str, probe: str,
                  delimiter: Optional[Delimiter] = None) -> ScorerTokens:
    if not isinstance(cot, str):
        raise TypeError("input.cot must be a string")
    prompt_ids, cot_tokens = cot_tokens_after_prompt(encode, prompt, cot)
    if not prompt_ids:
        raise ValueError("the formatted prompt tokenizes to nothing")
    offsets = token_char_offsets(decode, prompt_ids, cot_tokens, cot)
    segments = segment_cot(cot, delimiter)
    spans = token_spans_from_offsets(segments, offsets) if segments else []
    probe_ids, answer_ids = probe_and_answer_ids(encode, decode, probe, answer)
    return ScorerTokens(prompt_ids, cot_tokens, offsets, segments, spans, probe_ids, answer_ids)
