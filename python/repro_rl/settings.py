"""The RePro settings of a run (the `repro:` block of the exported verl config), one dataclass with
the playground's defaults; names mirror src/rl/config.ts (process_reward_coef = α, …)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, List, Mapping, Optional

ESTIMATORS = ("grpo", "gae", "reinforce_plus_plus")


@dataclass
class ReproSettings:
    #: α, coefficient of the process term (repro-method.md §9 / §11); 0 = outcome-only.
    process_reward_coef: float = 0.1
    #: w, weight of the magnitude score in the process score (§6).
    process_weight_w: float = 0.5
    #: topK, segments probed per rollout by first-token entropy (§7).
    entropy_top_k: int = 8
    #: ε of §4 (magnitude) — the scores' ε, not the advantage's.
    score_eps: float = 1e-6
    #: ε added to the group std in both §9 normalisations.
    advantage_eps: float = 1e-6
    #: segment delimiter (a literal string; null = the blank-line RegExp of §2).
    segment_delimiter: Optional[str] = "\n\n"
    #: probe text between the CoT prefix and the answer (§3).
    probe: str = "\nThe final answer is "
    #: the CoT ends where the first of these occurs in the response text (else: the whole response).
    cot_end: List[str] = field(default_factory=lambda: ["</think>"])
    #: which estimator the process term goes into.
    estimator: str = "grpo"

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> "ReproSettings":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(cfg) - known)
        if unknown:
            raise ValueError(f"unknown repro settings {unknown}; known: {sorted(known)}")
        s = cls(**{k: (list(v) if k == "cot_end" else v) for k, v in cfg.items()})
        s.validate()
        return s

    def validate(self) -> None:
        if not (self.process_reward_coef >= 0):
            raise ValueError(f"repro.process_reward_coef must be ≥ 0 (got {self.process_reward_coef})")
        if not (0 <= self.process_weight_w <= 1):
            raise ValueError(f"repro.process_weight_w must be in [0, 1] (got {self.process_weight_w})")
        if int(self.entropy_top_k) != self.entropy_top_k or self.entropy_top_k < 1:
            raise ValueError(f"repro.entropy_top_k must be a positive integer (got {self.entropy_top_k})")
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"repro.estimator must be one of {ESTIMATORS} (got {self.estimator!r})")
        if not self.probe:
            raise ValueError("repro.probe must be a non-empty string")
