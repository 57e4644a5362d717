"""Segmentation of a chain of thought (repro-method.md §2) and segment token spans.

Offsets are Python string indices (code points). The TypeScript side counts UTF-16 code units,
so the two differ after an astral-plane character (e.g. an emoji); the golden fixtures convert.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, List, Optional, Pattern, Sequence, Tuple, Union

from .validate import Span, check_finite_array, check_spans, describe_value, is_integer

#: The default delimiter: a run of one or more blank lines, exactly the TS RegExp (repro-method.md §2).
DEFAULT_DELIMITER: Pattern[str] = re.compile(r"\r?\n(?:[ \t]*\r?\n)+")

#: JavaScript's \s (ECMAScript WhiteSpace + LineTerminator). Python's \s differs (it has
#: \x1c-\x1f and lacks \ufeff), so parity needs the explicit set.
JS_WHITESPACE = "\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WHITESPACE_ONLY = re.compile(f"[{JS_WHITESPACE}]*")

Delimiter = Union[str, Pattern[str]]


_JS_CLASSES = {"d": "0-9", "w": "A-Za-z0-9_", "s": JS_WHITESPACE}


def _translate_js_source(source: str) -> str:
    """JS's \\d, \\w, \\s (ASCII digits / word chars, JS whitespace) as explicit classes: Python's
    are Unicode-wide and its \\s has a different set. \\D \\W \\S become negated classes outside [...]."""
    out, i, in_class = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\" and i + 1 < len(source):
            e = source[i + 1]
            if e in _JS_CLASSES:
                out.append(_JS_CLASSES[e] if in_class else f"[{_JS_CLASSES[e]}]")
            elif e.lower() in _JS_CLASSES and not in_class:
                out.append(f"[^{_JS_CLASSES[e.lower()]}]")
            else:
                out.append(c + e)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def js_regex(source: str, flags: str = "") -> Pattern[str]:
    """A JS RegExp (source, flags) as a Python pattern: \\d \\w \\s with JS's meaning; i, m, s map over;
    g, y, u, d do not matter here. (\\b and Unicode property escapes keep Python's meaning.)"""
    f = 0
    for ch in flags:
        if ch == "i":
            f |= re.IGNORECASE
        elif ch == "m":
            f |= re.MULTILINE
        elif ch == "s":
            f |= re.DOTALL
        elif ch not in "gyud":
            raise ValueError(f"unsupported RegExp flag {ch!r}")
    return re.compile(_translate_js_source(source), f)


def _blank(text: str) -> bool:
    return _WHITESPACE_ONLY.fullmatch(text) is not None


def _delimiter_matches(text: str, delimiter: Any) -> Iterator[Tuple[int, int]]:
    """[start, end) of every delimiter occurrence, left to right, non-overlapping."""
    if isinstance(delimiter, str):
        if len(delimiter) == 0:
            raise ValueError("opts.delimiter must not be an empty string")
        at = text.find(delimiter)
        while at >= 0:
            yield at, at + len(delimiter)
            at = text.find(delimiter, at + len(delimiter))
        return
    if not isinstance(delimiter, re.Pattern):
        raise TypeError(f"opts.delimiter must be a string or a RegExp (got {describe_value(delimiter)})")
    pos = 0
    while pos <= len(text):
        m = delimiter.search(text, pos)
        if m is None:
            break
        start, end = m.span()
        if end == start:
            # Zero-width boundary; step past it so the loop always advances (as the TS).
            if 0 < start < len(text):
                yield start, end
            pos = start + 1
        else:
            yield start, end
            pos = end


def segment_cot(cot: str, delimiter: Optional[Delimiter] = None) -> List[Span]:
    """Segment spans (start, end) covering `cot` exactly (repro-method.md §2).

    Each delimiter belongs to the segment before it; leading delimiters to the first segment; a
    whitespace-only piece merges into the segment before it (or the next one when first); an empty
    or whitespace-only CoT has zero segments; a CoT with no delimiter is one segment. A string
    delimiter is literal, a compiled pattern a regex (see `js_regex` for a JS RegExp).
    """
    if not isinstance(cot, str):
        raise TypeError(f"cot must be a string (got {describe_value(cot)})")
    delim = DEFAULT_DELIMITER if delimiter is None else delimiter
    if _blank(cot):
        return []
    spans: List[List[int]] = []
    state = {"pending": -1, "piece": 0}

    def add_piece(delimiter_start: int, piece_end: int) -> None:
        piece_start = state["piece"]
        if piece_end <= piece_start:
            return
        blank = _blank(cot[piece_start:delimiter_start])
        if blank and spans:
            spans[-1][1] = piece_end
        elif blank:
            if state["pending"] < 0:
                state["pending"] = piece_start
        else:
            spans.append([state["pending"] if state["pending"] >= 0 else piece_start, piece_end])
            state["pending"] = -1
        state["piece"] = piece_end

    for ms, me in _delimiter_matches(cot, delim):
        add_piece(ms, me)
    add_piece(len(cot), len(cot))
    if not spans:
        return [(0, len(cot))]
    return [(s, e) for s, e in spans]


def token_spans_from_offsets(spans: Sequence[Any], token_offsets: Sequence[Any]) -> List[Span]:
    """Token range [start, end) of each segment (repro-method.md §2, last bullet).

    A token belongs to the segment in which its first character lies (a straddling token belongs
    to the earlier segment); a token starting at or after the end belongs to the last segment.
    """
    sp = check_spans(spans)
    offs = check_finite_array(token_offsets, "tokenOffsets")
    if not sp:
        return []
    text_end = sp[-1][1]
    for t, o in enumerate(offs):
        if not is_integer(o) or o < 0:
            raise ValueError(f"tokenOffsets[{t}] must be an integer ≥ 0 (got {_n(o)})")
        if t > 0 and o < offs[t - 1]:
            raise ValueError(f"tokenOffsets[{t}] = {_n(o)} is below tokenOffsets[{t - 1}] = {_n(offs[t - 1])}")
        if o > text_end:
            raise ValueError(f"tokenOffsets[{t}] = {_n(o)} is past the end of the spans ({text_end})")
    out: List[Span] = []
    t = 0
    for s, (_, end) in enumerate(sp):
        start = t
        last = s == len(sp) - 1
        while t < len(offs) and (last or offs[t] < end):
            t += 1
        out.append((start, t))
    return out


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)
