"""The RePro settings of a run (the `repro:` block of the exported verl config), one dataclass with
the playground's defaults; names mirror src/rl/config.ts (process_reward_coef = α, …)."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field, fields
from typing import Any, List, Mapping, Optional

ESTIMATORS = ("grpo", "gae", "reinforce_plus_plus")


def _decoded(cfg: Mapping[str, Any]) -> dict:
    out = dict(cfg)
    for key in ("probe", "segment_delimiter", "cot_end"):
        enc = out.pop(f"{key}_b64", None)
        if enc is None:
            continue
        if key in out:
            raise ValueError(f"repro.{key} and repro.{key}_b64 both given; keep one")
        dec = lambda b: base64.b64decode(str(b), validate=True).decode("utf-8")  # noqa: E731
        out[key] = [dec(x) for x in enc] if key == "cot_end" else dec(enc)
    return out


@dataclass
class ReproSettings:
    #: α, coefficient of the process term (repro-method.md §9 / §11); 0 = outcome-only.
    process_reward_coef: float = 0.1
    #: w, weight of the magnitude score in the process score (§6).
    process_weight_w: float = 0.5
    #: topK, segments probed per rollout by first-token entropy (§7); 0 = every segment.
    entropy_top_k: int = 8
    #: ε of §4 (magnitude) — the scores' ε, not the advantage's.
    score_eps: float = 1e-6
    #: ε added to the group std in both §9 normalisations.
    advantage_eps: float = 1e-6
    #: segment delimiter (a literal string; null = the blank-line RegExp of §2).
    segment_delimiter: Optional[str] = "\n\n"
    #: segment_delimiter is a (JavaScript) RegExp source, not a literal string.
    segment_delimiter_is_regex: bool = False
    #: probe text between the CoT prefix and the answer (§3).
    probe: str = "\nThe final answer is "
    #: the CoT ends where the first of these occurs in the response text (else: the whole response).
    cot_end: List[str] = field(default_factory=lambda: ["</think>"])
    #: which estimator the process term goes into.
    estimator: str = "grpo"
    #: gae / reinforce_plus_plus: "none" = raw r_j in the token rewards (§11); "group" = r_j normalised over
    #: the group's process rewards first, as §9 does for GRPO (this project's option; GRPO always does).
    process_reward_norm: str = "none"

    def delimiter(self):
        """What segment_cot takes: None (the default RegExp), a literal string, or a compiled pattern."""
        from .segment import js_regex

        if self.segment_delimiter is None:
            return None
        return js_regex(self.segment_delimiter) if self.segment_delimiter_is_regex else self.segment_delimiter

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> "ReproSettings":
        """`cfg`: the repro: block. probe_b64 / segment_delimiter_b64 / cot_end_b64 (UTF-8, base64) stand
        for texts holding "${", which the exported config keeps out of OmegaConf's reach: verl resolves
        its config more than once, and an escaped "\\${" survives only the first resolution."""
        cfg = _decoded(cfg)
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
        if int(self.entropy_top_k) != self.entropy_top_k or self.entropy_top_k < 0:
            raise ValueError(f"repro.entropy_top_k must be an integer ≥ 0 (got {self.entropy_top_k}; 0 = every segment)")
        if self.segment_delimiter_is_regex and not self.segment_delimiter:
            raise ValueError("repro.segment_delimiter_is_regex needs a segment_delimiter (a RegExp source)")
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"repro.estimator must be one of {ESTIMATORS} (got {self.estimator!r})")
        if self.process_reward_norm not in ("none", "group"):
            raise ValueError(f"repro.process_reward_norm must be 'none' or 'group' (got {self.process_reward_norm!r})")
        if not self.probe:
            raise ValueError("repro.probe must be a non-empty string")
