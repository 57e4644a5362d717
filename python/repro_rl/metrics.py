"""Consistency checks of a scored trajectory and the overthinking metrics (repro-method.md §10)."""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Sequence

from .backtracking import find_backtracking
from .scores import process_score
from .validate import check_finite_array, check_j, check_spans, describe_value, is_integer

#: J >= log(0.9): the answer is already >= 90 % likely (repro-method.md §10).
DEFAULT_CERTAINTY = math.log(0.9)
#: A segment gaining less than this many nats of J is a plateau (repro-method.md §10).
DEFAULT_PLATEAU_NATS = 0.01


def check_trajectory(t: Dict[str, Any], name: str = "trajectory") -> None:
    """Raise unless `t` (keys as the TS Trajectory: cot, segments, J, cotTokens, tokenSpans) is whole."""
    if not isinstance(t, dict):
        raise TypeError(f"{name} must be an object (got {describe_value(t)})")
    if not isinstance(t.get("cot"), str):
        raise TypeError(f"{name}.cot must be a string (got {describe_value(t.get('cot'))})")
    segments = check_spans(t.get("segments"), len(t["cot"]), f"{name}.segments")
    K = len(segments)
    J = check_j(t.get("J"), f"{name}.J")
    if len(J) != K + 1:
        raise ValueError(f"{name}.J has {len(J)} values but {K} segments need J_0 … J_{K} ({K + 1} values)")
    n = len(check_finite_array(t.get("cotTokens"), f"{name}.cotTokens"))
    spans = t.get("tokenSpans")
    if not isinstance(spans, (list, tuple)):
        raise TypeError(f"{name}.tokenSpans must be an array")
    if len(spans) != K:
        raise ValueError(f"{name}.tokenSpans has {len(spans)} entries but there are {K} segments")
    expected = 0
    for s, sp in enumerate(spans):
        a, b = (sp.get("start"), sp.get("end")) if isinstance(sp, dict) else (sp[0], sp[1])
        if not is_integer(a) or not is_integer(b):
            raise TypeError(f"{name}.tokenSpans[{s}] must be {{start, end}} with integer token indices")
        if a != expected or b < a:
            raise ValueError(f"{name}.tokenSpans[{s}] = [{a}, {b}) must be contiguous from token 0 (expected start {expected})")
        expected = b
    if K > 0 and expected != n:
        raise ValueError(f"{name}.tokenSpans[{K - 1}].end = {expected} but there are {n} CoT tokens")


def _end(sp: Any) -> int:
    return int(sp["end"] if isinstance(sp, dict) else sp[1])


def overthinking_metrics(
    t: Dict[str, Any], w: Optional[float] = None, eps: Optional[float] = None,
    markers: Optional[Sequence[str]] = None, certainty: float = DEFAULT_CERTAINTY,
    plateau_nats: float = DEFAULT_PLATEAU_NATS,
) -> Dict[str, Any]:
    """The metrics of repro-method.md §10 for one fully scored trajectory (keys as the TS)."""
    check_trajectory(t)
    if isinstance(certainty, bool) or not isinstance(certainty, (int, float)) or not (certainty <= 0):
        raise ValueError(f"opts.certainty is a log-probability and must be ≤ 0 (got {describe_value(certainty)})")
    if isinstance(plateau_nats, bool) or not isinstance(plateau_nats, (int, float)) or not math.isfinite(plateau_nats):
        raise ValueError(f"opts.plateauNats must be a finite number (got {describe_value(plateau_nats)})")
    J = [float(x) for x in t["J"]]
    K = len(t["segments"])
    cot_tokens = len(t["cotTokens"])
    bt = find_backtracking(t["cot"], t["segments"], markers=markers)
    certain = next((k for k in range(K + 1) if J[k] >= certainty), None)
    after = 0
    if certain == 0:
        after = cot_tokens
    elif certain is not None:
        after = cot_tokens - _end(t["tokenSpans"][certain - 1])
    plateaus = [s for s in range(K) if J[s + 1] - J[s] < plateau_nats]
    kw: Dict[str, float] = {}
    if w is not None:
        kw["w"] = w
    if eps is not None:
        kw["eps"] = eps
    S = process_score(J, **kw)
    return {
        "cotTokens": cot_tokens, "segments": K, "backtracking": len(bt), "backtrackingSegments": bt,
        "tokensAfterCertainty": after, "certaintySegment": certain, "plateaus": len(plateaus),
        "plateauSegments": plateaus, "finalScore": S[K], "J0": J[0], "JK": J[K],
        "meanJGain": 0.0 if K == 0 else (J[K] - J[0]) / K,
    }
