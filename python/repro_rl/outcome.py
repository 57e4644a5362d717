"""The rule-based outcome reward for exported prompt sets: the final answer of a response (the last
\\boxed{…}, else what follows the last "final answer is" / "Answer:"), compared with the ground
truth after trimming whitespace, a trailing period and surrounding $…$."""
from __future__ import annotations

import re
from typing import Optional

_MARKERS = re.compile(r"(?:final answer is|answer:)\s*", re.IGNORECASE)


def _last_boxed(text: str) -> Optional[str]:
    at = text.rfind("\\boxed{")
    if at < 0:
        return None
    depth, i = 1, at + len("\\boxed{")
    start = i
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start:i - 1] if depth == 0 else text[start:]


def _norm(s: str) -> str:
    s = s.strip()
    if s.endswith("."):
        s = s[:-1].strip()
    return s.strip("$").strip()


def extract_final_answer(text: str) -> Optional[str]:
    boxed = _last_boxed(text)
    if boxed is not None:
        return _norm(boxed)
    last = None
    for m in _MARKERS.finditer(text):
        last = m
    if last is None:
        return None
    rest = text[last.end():].split("\n", 1)[0]
    rest = rest.split("<eos>")[0].split("</s>")[0].split("<|")[0]
    return _norm(rest)


def outcome_reward(solution: str, ground_truth: str) -> float:
    a = extract_final_answer(solution)
    return 1.0 if a is not None and a == _norm(str(ground_truth)) else 0.0
