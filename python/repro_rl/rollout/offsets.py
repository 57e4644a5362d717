"""Char offsets of generated tokens at cluster scale. token_char_offsets (the TS algorithm) decodes
every prefix: O(n²), ~30 s for an 8 k-token response. Here prefixes are decoded exactly only at
chunk starts and tokens inside a chunk from the chunk's own decode; every chunk is verified against
the exact prefix at its end and recomputed exactly when they disagree (e.g. SentencePiece dropping
a chunk's leading space), so the result always equals token_char_offsets."""
from __future__ import annotations

from typing import Callable, List

from ..scorer_tokens import token_char_offsets


def _strip(s: str) -> str:
    while s.endswith("\ufffd"):
        s = s[:-1]
    return s


def fast_token_char_offsets(decode: Callable[[List[int]], str], context: List[int], ids: List[int], text: str,
                            chunk: int = 64) -> List[int]:
    base = len(decode(context)) if context else 0

    def exact_len(i: int) -> int:
        return len(_strip(decode(context + ids[:i]))) - base if (context or i) else 0

    out: List[int] = []
    prev = 0
    head = 0
    for c in range(0, len(ids), chunk):
        end = min(c + chunk, len(ids))
        lens = [head + len(_strip(decode(ids[c:i]))) if i > c else head for i in range(c, end)]
        nxt = exact_len(end)
        if head + len(_strip(decode(ids[c:end]))) != nxt:
            lens = [exact_len(i) for i in range(c, end)]
        for L in lens:
            o = min(len(text), max(prev, L))
            out.append(o)
            prev = o
        head = nxt
    return out


__all__ = ["fast_token_char_offsets", "token_char_offsets"]
