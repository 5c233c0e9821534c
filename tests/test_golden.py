"""The board of one sample chapter, compared with its golden files.

A difference means the planner, prompts or sheets changed: if intended,
run `make golden` and review the diff.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden import FILES, GOLDEN_DIR, render_golden


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return render_golden(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", FILES)
def test_matches_golden(rendered, name):
    expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
    actual = rendered[name]
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True),
            f"golden/{name}", f"new/{name}", n=1))[:60])
        pytest.fail(f"{name} differs from its golden file; if intended, run "
                    f"`make golden` and review:\n{diff}")
