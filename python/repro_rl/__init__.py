"""RePro process rewards (docs/repro-method.md §2-§11) in Python: the §API of the playground in
snake_case, numerically identical to the TypeScript (golden fixtures), J probing for causal LMs in
torch, and thin verl glue (repro_rl.verl, imported only where verl is installed)."""
from .validate import J_POSITIVE_TOLERANCE, Span
from .segment import DEFAULT_DELIMITER, js_regex, segment_cot, token_spans_from_offsets
from .scores import (
    DEFAULT_EPS, DEFAULT_TOP_K, DEFAULT_W, filtered_trajectory, magnitude_score, objective_j, process_rewards,
    process_score, select_top_k_by_entropy, stability_score,
)
from .backtracking import DEFAULT_BACKTRACKING_MARKERS, find_backtracking
from .metrics import DEFAULT_CERTAINTY, DEFAULT_PLATEAU_NATS, check_trajectory, overthinking_metrics
from .advantages import (
    DEFAULT_ADVANTAGE_EPS, combine_advantages, group_normalize, grpo_step_advantages, normalize_process_rewards,
    outcome_advantages, process_advantages,
)

__all__ = [
    "J_POSITIVE_TOLERANCE", "Span", "DEFAULT_DELIMITER", "js_regex", "segment_cot", "token_spans_from_offsets",
    "DEFAULT_EPS", "DEFAULT_TOP_K", "DEFAULT_W", "filtered_trajectory", "magnitude_score", "objective_j",
    "process_rewards", "process_score", "select_top_k_by_entropy", "stability_score",
    "DEFAULT_BACKTRACKING_MARKERS", "find_backtracking", "DEFAULT_CERTAINTY", "DEFAULT_PLATEAU_NATS",
    "check_trajectory", "overthinking_metrics", "DEFAULT_ADVANTAGE_EPS", "combine_advantages", "group_normalize",
    "grpo_step_advantages", "normalize_process_rewards", "outcome_advantages", "process_advantages",
]
__version__ = "0.1.0"
