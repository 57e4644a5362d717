"""Backtracking segments (repro-method.md §10), with JavaScript's \\s, \\p{P}, \\p{S} semantics."""
from __future__ import annotations

import unicodedata
from typing import Any, List, Optional, Sequence

from .validate import check_spans, describe_value

#: Default markers of repro-method.md §10.
DEFAULT_BACKTRACKING_MARKERS = (
    "wait", "but wait", "hmm", "alternatively", "actually", "let me re-check", "let me check",
    "let me verify", "double-check", "on second thought", "no,",
)

#: Chars after the leading junk that are normalised and compared with the markers (as the TS).
OPENING_WINDOW = 1024

#: JavaScript's \s as a set of characters (JS_WHITESPACE is the same set as a regex class).
_WS = frozenset("\t\n\x0b\x0c\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def _is_ws(c: str) -> bool:
    return c in _WS


def _is_junk(c: str) -> bool:
    # [\s\p{P}\p{S}] with the u flag.
    return c in _WS or unicodedata.category(c)[0] in "PS"


def _is_letter_or_digit(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


def _normalize_opening(text: str) -> str:
    """Strip leading whitespace/punctuation/symbols, collapse whitespace runs, lower-case."""
    i = 0
    while i < len(text) and _is_junk(text[i]):
        i += 1
    out: List[str] = []
    in_ws = False
    for c in text[i:]:
        if _is_ws(c):
            if not in_ws:
                out.append(" ")
            in_ws = True
        else:
            out.append(c)
            in_ws = False
    return "".join(out).lower()


def _trim_end(s: str) -> str:
    i = len(s)
    while i > 0 and _is_ws(s[i - 1]):
        i -= 1
    return s[:i]


def _normalize_markers(markers: Any) -> List[str]:
    if not isinstance(markers, (list, tuple)):
        raise TypeError(f"opts.markers must be an array of strings (got {describe_value(markers)})")
    out = []
    for i, m in enumerate(markers):
        if not isinstance(m, str):
            raise TypeError(f"opts.markers[{i}] must be a string (got {describe_value(m)})")
        n = _trim_end(_normalize_opening(m))
        if len(n) == 0:
            raise ValueError(f'opts.markers[{i}] is empty after normalisation (got "{m}")')
        out.append(n)
    return out


def _opens_with(text: str, marker: str) -> bool:
    if not text.startswith(marker):
        return False
    return len(text) == len(marker) or not _is_letter_or_digit(text[len(marker)])


def find_backtracking(cot: str, spans: Sequence[Any], markers: Optional[Sequence[str]] = None) -> List[int]:
    """0-based indices of the segments that open with a backtracking marker (repro-method.md §10)."""
    if not isinstance(cot, str):
        raise TypeError(f"cot must be a string (got {describe_value(cot)})")
    sp = check_spans(spans, len(cot))
    norm = _normalize_markers(DEFAULT_BACKTRACKING_MARKERS if markers is None else markers)
    out = []
    for s, (start, end) in enumerate(sp):
        at = start
        while at < len(cot) and _is_junk(cot[at]):
            at += 1
        frm = min(at, end)
        text = _normalize_opening(cot[frm:min(end, frm + OPENING_WINDOW)])
        if any(_opens_with(text, m) for m in norm):
            out.append(s)
    return out
