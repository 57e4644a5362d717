import json
import math
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # repro_rl importable without pip install -e
REPO = HERE.parent.parent
FIXTURES = HERE / "fixtures"


def load_fixture(name):
    with open(FIXTURES / name, encoding="utf-8") as f:
        return json.load(f)


def assert_close(got, want, rel=1e-9, abs_tol=1e-12, what=""):
    """Floats within 1e-9 relative (and a 1e-12 absolute floor for values near 0)."""
    got, want = list(got), list(want)
    assert len(got) == len(want), f"{what}: length {len(got)} != {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert math.isclose(g, w, rel_tol=rel, abs_tol=abs_tol), f"{what}[{i}]: {g!r} != {w!r}"


# Float32 results of another implementation (the fixture toy_j.json is onnxruntime-node's float32 output):
# within 64 ε32 relative to the value's size, floor 1 (log-probs and entropies carry the absolute error
# of the logits they come from). The same bound as test/util/float32.ts, which says what it catches.
FLOAT32_RUN_TO_RUN = 64 * 2.0 ** -23


def assert_float32_close(got, want, what=""):
    got, want = list(got), list(want)
    assert len(got) == len(want), f"{what}: length {len(got)} != {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= FLOAT32_RUN_TO_RUN * max(1.0, abs(g), abs(w)), f"{what}[{i}]: {g!r} vs {w!r}"


@pytest.fixture(scope="session")
def repro_math():
    return load_fixture("repro_math.json")
