"""Parity of the Python RePro math with the TypeScript: every case in fixtures/repro_math.json was
computed by src/repro and src/rl/advantages.ts (scripts/writeReproFixtures.ts)."""
import math

import pytest

import repro_rl as rr
from repro_rl.segment import js_regex
from conftest import assert_close


def delimiter(d):
    if d is None:
        return None
    if "string" in d:
        return d["string"]
    return js_regex(d["regex"], d["flags"])


def test_fixture_is_substantial(repro_math):
    assert repro_math["version"] == 1
    assert len(repro_math["segmentation"]) > 500
    # Astral-plane characters are in there (UTF-16 offsets differ from Python indices).
    assert any(any(ord(c) > 0xFFFF for c in c_["cot"]) for c_ in repro_math["segmentation"])


def test_segmentation_and_backtracking(repro_math):
    for c in repro_math["segmentation"]:
        d = delimiter(c["delimiter"])
        if "error" in c:
            with pytest.raises(ValueError if c["error"] == "ValueError" else TypeError):
                rr.segment_cot(c["cot"], d)
            continue
        spans = rr.segment_cot(c["cot"], d)
        assert [list(s) for s in spans] == c["spans"], (c["cot"], c["delimiter"])
        assert "".join(c["cot"][a:b] for a, b in spans) == (c["cot"] if spans else "")
        assert rr.find_backtracking(c["cot"], spans) == c["backtracking"], c["cot"]
        assert rr.find_backtracking(c["cot"], spans, markers=["  So ", "x", "NAÏVE", "let me"]) == c["backtrackingCustom"]


def test_scores_top_k_and_rewards(repro_math):
    for c in repro_math["trajectories"]:
        J = c["J"]
        assert_close(rr.magnitude_score(J), c["magnitude"], what="magnitude")
        assert_close(rr.magnitude_score(J, eps=0.1), c["magnitudeEps"], what="magnitude eps")
        assert_close(rr.stability_score(J), c["stability"], what="stability")
        for p in c["process"]:
            assert_close(rr.process_score(J, w=p["w"]), p["S"], what="S")
            assert_close(rr.process_rewards(J, w=p["w"]), p["r"], what="r")
        assert rr.select_top_k_by_entropy(c["firstTokenEntropy"], c["topK"]) == c["kept"]
        assert rr.select_top_k_by_entropy(c["firstTokenEntropy"]) == c["keptDefault"]
        assert rr.filtered_trajectory(J, c["kept"]) == c["filtered"]
        assert_close(rr.process_rewards(c["filtered"]), c["filteredRewards"], what="filtered r")


def test_objective_j(repro_math):
    for c in repro_math["answers"]:
        assert math.isclose(rr.objective_j(c["answerLogProbs"]), c["J"], rel_tol=1e-9, abs_tol=1e-15)


def test_token_spans(repro_math):
    for c in repro_math["tokenSpans"]:
        assert rr.segment_cot(c["cot"]) == [tuple(s) for s in c["spans"]]
        got = rr.token_spans_from_offsets(c["spans"], c["tokenOffsets"])
        assert [list(s) for s in got] == c["tokenSpans"]


def test_grpo_advantages(repro_math):
    for c in repro_math["groups"]:
        eps, alpha = c["eps"], c["alpha"]
        assert_close(rr.outcome_advantages(c["rewards"], eps), c["outcome"], what="A_out")
        norm = rr.normalize_process_rewards(c["processRewards"], eps)
        for got, want in zip(norm, c["normalized"]):
            assert_close(got, want, what="r~")
        for i, L in enumerate(c["lengths"]):
            a_proc = rr.process_advantages(c["normalized"][i], c["segmentEnds"][i], L)
            assert_close(a_proc, c["processAdvantages"][i], what="A_proc")
            assert_close(rr.combine_advantages(c["outcome"][i], a_proc, alpha), c["advantages"][i], what="A")
        # The batched step helper (one group) gives the same per-token advantages.
        step = rr.grpo_step_advantages(c["rewards"], [0] * c["G"], c["lengths"], c["processRewards"], c["segmentEnds"], alpha=alpha, eps=eps)
        for got, want in zip(step, c["advantages"]):
            assert_close(got, want, what="step A")
        shifted = [x + 0.1 * i for i, x in enumerate(c["rewards"])]
        assert_close(rr.group_normalize(shifted, eps), c["groupNormalize"], what="groupNormalize")


def test_overthinking_metrics(repro_math):
    for c in repro_math["metrics"]:
        got = rr.overthinking_metrics(c["trajectory"])
        want = c["metrics"]
        for k, v in want.items():
            if isinstance(v, float):
                assert math.isclose(got[k], v, rel_tol=1e-9, abs_tol=1e-12), k
            else:
                assert got[k] == v, (k, got[k], v)


CALLS = {
    "objective_j": lambda a: rr.objective_j(*a),
    "magnitude_score": lambda a: rr.magnitude_score(a[0], **(a[1] if len(a) > 1 else {})),
    "process_score": lambda a: rr.process_score(a[0], **a[1]),
    "stability_score": lambda a: rr.stability_score(*a),
    "select_top_k_by_entropy": lambda a: rr.select_top_k_by_entropy(*a),
    "segment_cot": lambda a: rr.segment_cot(a[0], a[1]["delimiter"] if len(a) > 1 else None),
    "find_backtracking": lambda a: rr.find_backtracking(a[0], a[1], **(a[2] if len(a) > 2 else {})),
    "filtered_trajectory": lambda a: rr.filtered_trajectory(*a),
    "process_advantages": lambda a: rr.process_advantages(*a),
    "outcome_advantages": lambda a: rr.outcome_advantages([float(x) for x in a[0]]),
    "combine_advantages": lambda a: rr.combine_advantages(*a),
}


def test_errors_match_the_ts_error_classes(repro_math):
    assert len(repro_math["errors"]) >= 20
    for c in repro_math["errors"]:
        assert "error" in c, c  # every case is one the TS rejects
        exc = ValueError if c["error"] == "ValueError" else TypeError
        with pytest.raises(exc):
            CALLS[c["fn"]](c["args"])
