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


@pytest.fixture(scope="session")
def repro_math():
    return load_fixture("repro_math.json")
