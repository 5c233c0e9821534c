"""End to end through the command line, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHAPTERS, ROOT
from tests.contract import check_board

UNSEEN = """# Chapter 9: The Ferry

The ferry left the harbour at six in the evening, its deck slick with rain. Maren Holt stood at the rail with her collar up, watching the lights of Kessa shrink behind them.

"You came after all," said a voice behind her.

She turned. Jonah Vale was holding two paper cups of coffee, one of them already half spilled down his sleeve.

"I said I would."

"You say a lot of things, Maren."

She took the cup. Her hands were shaking, and she hoped he would blame the cold.

* * *

The next morning the island rose out of the fog, a black hump of rock with a single white house on its shoulder. Jonah read the letter again, then folded it into his coat.

"Is that the place?" Maren asked.

"That's the place," he said.
"""


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a fresh process, importing this checkout's code."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "novel2board", *args], cwd=cwd,
                          capture_output=True, text=True, env=environ, timeout=600)


@pytest.fixture(scope="module")
def boarded(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run_cli(str(CHAPTERS / "chapter4.md"), "--out", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return out / "chapter4"


def test_every_output_of_the_contract_is_written(boarded):
    for name in ("storyboard.pdf", "storyboard.html", "shots.json", "shots.csv",
                 "chapter4.fountain"):
        assert (boarded / name).stat().st_size > 0, name
    for tool in ("midjourney", "flux", "sdxl", "video"):
        lines = (boarded / "prompts" / f"{tool}.txt").read_text(encoding="utf-8").splitlines()
        assert lines and all(line.strip() for line in lines), tool
    assert not list(boarded.rglob("*.tmp")), "temporary files left behind"


def test_shots_json_keeps_the_contract(boarded):
    text = (CHAPTERS / "chapter4.md").read_text(encoding="utf-8-sig")
    board = check_board(boarded / "shots.json", text)
    assert len(board["scenes"]) >= 2 and len(board["shots"]) >= 10


def test_pdf_text_layer_has_shot_ids_and_dialogue(boarded):
    from pypdf import PdfReader
    reader = PdfReader(boarded / "storyboard.pdf")
    board = json.loads((boarded / "shots.json").read_text(encoding="utf-8"))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert len(reader.pages) >= 2
    for shot in board["shots"][:5]:
        assert shot["id"] in text
    spoken = next(s for s in board["shots"] if s["dialogue"])["dialogue"][0]["text"]
    words = spoken.strip("\u201c\u201d\"").split()[:3]
    assert " ".join(words) in text


def test_unseen_chapter_keeps_invariants_and_is_identical_across_runs(tmp_path):
    chapter = tmp_path / "ferry.md"
    chapter.write_text(UNSEEN, encoding="utf-8")
    outs = []
    for seed in ("1", "2"):          # different hash seeds: no set-order leaks
        out = tmp_path / f"out{seed}"
        result = run_cli(str(chapter), "--out", str(out), "--format", "json,csv,fountain",
                         "-q", cwd=tmp_path, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outs.append(out / "ferry")
    board = check_board(outs[0] / "shots.json", UNSEEN)
    assert (outs[0] / "shots.json").read_bytes() == (outs[1] / "shots.json").read_bytes()
    assert (outs[0] / "ferry.fountain").read_bytes() == (outs[1] / "ferry.fountain").read_bytes()
    names = {c["name"] for c in board["characters"]}
    assert {"Maren Holt", "Jonah Vale"} <= names
    assert board["scenes"][0]["setting"] is not None


def test_usage_errors_exit_2_and_version():
    assert run_cli().returncode == 2
    assert run_cli("--no-such-option", "x.md").returncode == 2
    version = run_cli("--version")
    assert version.returncode == 0 and "novel2board" in version.stdout


def test_missing_path_is_one_error_line(tmp_path):
    result = run_cli(str(tmp_path / "nope.md"), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "nope.md" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
