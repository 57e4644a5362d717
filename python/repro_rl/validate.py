"""Input checks shared by the RePro math (repro-method.md §API).

The TypeScript side throws RangeError/TypeError naming the argument and index at fault; here a
RangeError is a ValueError and a TypeError stays a TypeError, with the same messages.
"""
from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, List, Sequence, Tuple

#: J values are means of log-probabilities, so <= 0; this much float noise above 0 is allowed.
J_POSITIVE_TOLERANCE = 1e-6

Span = Tuple[int, int]


def describe_value(x: Any) -> str:
    """Short description of a bad value for error messages (as describeValue in validate.ts)."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return f"boolean {str(x).lower()}"
    if isinstance(x, str):
        return f'string "{x[:40]}…"' if len(x) > 40 else f'string "{x}"'
    if isinstance(x, (list, tuple)):
        return f"array of length {len(x)}"
    if isinstance(x, Real):
        return f"number {x}"
    return type(x).__name__


def is_number(v: Any) -> bool:
    """A JS `number`: any real scalar except bool (numpy scalars included)."""
    return isinstance(v, Real) and not isinstance(v, bool)


def is_integer(v: Any) -> bool:
    """Number.isInteger: an integral real, e.g. 3 or 3.0 (never a bool)."""
    if not is_number(v):
        return False
    if isinstance(v, Integral):
        return True
    f = float(v)
    return math.isfinite(f) and f.is_integer()


def as_sequence(x: Any, name: str) -> Sequence[Any]:
    """An array-like: list, tuple, numpy array, torch tensor (1-D)."""
    if isinstance(x, (str, bytes, dict)) or x is None or not hasattr(x, "__len__") or not hasattr(x, "__getitem__"):
        raise TypeError(f"{name} must be an array of numbers (got {describe_value(x)})")
    if hasattr(x, "tolist"):
        x = x.tolist()
        if not isinstance(x, list):
            raise TypeError(f"{name} must be an array of numbers (got a scalar)")
    return x


def check_finite_array(x: Any, name: str) -> List[float]:
    """Every element a finite number; returns the values as Python floats."""
    seq = as_sequence(x, name)
    out: List[float] = []
    for i, v in enumerate(seq):
        if not is_number(v):
            raise TypeError(f"{name}[{i}] must be a number (got {describe_value(v)})")
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"{name}[{i}] must be finite (got {js_num(f)})")
        out.append(f)
    return out


def check_j(J: Any, name: str = "J") -> List[float]:
    """A J trajectory (J_0, …, J_M): non-empty, finite, <= 0 up to float noise (repro-method.md §3)."""
    vals = check_finite_array(J, name)
    if len(vals) == 0:
        raise ValueError(f"{name} must hold at least J_0 (got an empty array)")
    for i, v in enumerate(vals):
        if v > J_POSITIVE_TOLERANCE:
            raise ValueError(
                f"{name}[{i}] = {js_num(v)} is a mean log-probability and must be ≤ 0 (tolerance {J_POSITIVE_TOLERANCE})"
            )
    return vals


def check_eps(eps: Any, name: str = "eps") -> float:
    """ε of §4: a finite number > 0."""
    if not is_number(eps) or not math.isfinite(float(eps)) or float(eps) <= 0:
        raise ValueError(f"{name} must be a finite number > 0 (got {describe_value(eps)})")
    return float(eps)


def check_weight(w: Any, name: str = "w") -> float:
    """w of §6: a number in [0, 1]."""
    if not is_number(w) or not (0 <= float(w) <= 1):
        raise ValueError(f"{name} must be a number in [0, 1] (got {describe_value(w)})")
    return float(w)


def _span_pair(s: Any) -> Tuple[Any, Any] | None:
    if isinstance(s, dict):
        return s.get("start"), s.get("end")
    if isinstance(s, (list, tuple)) and len(s) == 2:
        return s[0], s[1]
    return None


def check_spans(spans: Any, text_length: int | None = None, name: str = "spans") -> List[Span]:
    """Segment spans: non-empty, integer, contiguous from 0 and covering the text (repro-method.md §2).

    Spans are (start, end) pairs (or {"start", "end"} dicts); zero spans are allowed.
    """
    if not isinstance(spans, (list, tuple)):
        raise TypeError(f"{name} must be an array of {{start, end}} (got {describe_value(spans)})")
    out: List[Span] = []
    expected = 0
    for i, s in enumerate(spans):
        p = _span_pair(s)
        if p is None or not is_integer(p[0]) or not is_integer(p[1]):
            raise TypeError(f"{name}[{i}] must be {{start, end}} with integer offsets (got {describe_value(s)})")
        start, end = int(p[0]), int(p[1])
        if start != expected:
            raise ValueError(f"{name}[{i}].start = {start} but spans must be contiguous from 0: expected {expected}")
        if end <= start:
            raise ValueError(f"{name}[{i}] is empty or reversed: [{start}, {end})")
        expected = end
        out.append((start, end))
    if text_length is not None and len(out) > 0 and expected != text_length:
        raise ValueError(f"{name}[{len(out) - 1}].end = {expected} but spans must cover the text (length {text_length})")
    return out


def js_num(v: float) -> str:
    """A number as JS prints it (NaN, Infinity, 1, 0.5)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e21 else repr(float(v))
