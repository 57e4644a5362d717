"""verl custom reward function file (custom_reward_function.path / .name=compute_score).

Loading it installs the RePro plugin in verl's TaskRunner process (repro_rl must be importable
there: `pip install -e python/`). compute_score is the outcome reward R (1 correct / 0 wrong):
data sources verl knows (gsm8k, MATH, …) use verl's own scorer; the playground's exports
(data_source "repro-playground/…") compare the final answer with the ground truth."""
from repro_rl.outcome import extract_final_answer, outcome_reward
from repro_rl.verl.plugin import install

install()


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    if not str(data_source).startswith("repro-playground"):
        from verl.utils.reward_score import default_compute_score

        return default_compute_score(data_source, solution_str, ground_truth, extra_info)
    return outcome_reward(solution_str, ground_truth)


__all__ = ["compute_score", "extract_final_answer"]
