"""Nothing lost: outputs are written all-or-none through temporary files,
images/ is never touched, the user's config and templates never overwritten."""

from __future__ import annotations

import errno
import os
import signal

import pytest

from novel2board import cli
from novel2board.errors import EnvironmentProblem
from novel2board.render import files
from novel2board.render.files import (check_writable, remove_stale_temps, write_atomic,
                                      write_outputs)

CHAPTER = """# Chapter 1: The Harbour

Mara walked along the quay in the rain. The boats rocked in the dark water.

“Where are you going?” Tomas asked.

“Out,” Mara said. She did not look back at him.
"""


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temps(folder):
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def old_board(tmp_path):
    folder = tmp_path / "out" / "ch"
    write_outputs(folder, {"shots.json": "old json", "shots.csv": "old csv",
                           "prompts/flux.txt": "old flux"})
    return folder


# ------------------------------------------------------------ all or none
def test_write_outputs_writes_every_file(tmp_path):
    folder = tmp_path / "b"
    written = write_outputs(folder, {"a.json": "A", "prompts/x.txt": "X", "p.pdf": b"%PDF"})
    assert snapshot(folder) == {"a.json": b"A", "prompts/x.txt": b"X", "p.pdf": b"%PDF"}
    assert written == [folder / "a.json", folder / "prompts/x.txt", folder / "p.pdf"]
    assert not temps(tmp_path)


def test_disk_full_mid_write_keeps_every_old_file_and_no_temp(old_board, monkeypatch):
    before = snapshot(old_board)
    real_write = os.write
    calls = {"n": 0}

    def fill_up(fd, data):
        calls["n"] += 1
        if calls["n"] == 2:                       # the second file hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)
    monkeypatch.setattr(os, "write", fill_up)
    with pytest.raises(EnvironmentProblem, match="disk is full") as info:
        write_outputs(old_board, {"shots.json": "new", "shots.csv": "new",
                                  "prompts/flux.txt": "new"})
    assert info.value.path.name == "shots.csv"
    monkeypatch.undo()
    assert snapshot(old_board) == before
    assert not temps(old_board)


def test_short_writes_are_completed(tmp_path, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))
    write_atomic(tmp_path / "x.json", "0123456789")
    monkeypatch.undo()
    assert (tmp_path / "x.json").read_text() == "0123456789"


def test_interrupt_while_staging_keeps_old_board(old_board, monkeypatch):
    before = snapshot(old_board)
    real_stage = files._stage
    calls = {"n": 0}

    def stage_then_interrupt(path, payload):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_stage(path, payload)
    monkeypatch.setattr(files, "_stage", stage_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(old_board, {"shots.json": "new", "shots.csv": "new",
                                  "prompts/flux.txt": "new"})
    assert snapshot(old_board) == before
    assert not temps(old_board)


def test_ctrl_c_during_the_renames_waits_until_they_are_done(old_board, monkeypatch):
    """SIGINT is held while the staged files are renamed, then delivered."""
    real_replace = os.replace
    calls = {"n": 0}

    def replace_and_signal(src, dst):
        calls["n"] += 1
        if calls["n"] == 1:
            os.kill(os.getpid(), signal.SIGINT)   # Ctrl-C after the first rename
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", replace_and_signal)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(old_board, {"shots.json": "new", "shots.csv": "new",
                                  "prompts/flux.txt": "new"})
    monkeypatch.undo()
    assert snapshot(old_board) == {"shots.json": b"new", "shots.csv": b"new",
                                   "prompts/flux.txt": b"new"}
    assert not temps(old_board)


def test_stale_temp_files_from_a_killed_run_are_removed(old_board):
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = old_board / f".shots.json.{dead}.ab12CD_9.tmp"
    stale.write_text("half")
    live = old_board / f".shots.csv.{os.getppid()}.ab12CD_9.tmp"   # a run going on now
    live.write_text("being written")
    mine = old_board / "notes.tmp"                 # not one of ours: kept
    mine.write_text("the user's")
    (old_board / "images").mkdir()
    theirs = old_board / "images" / f".x.png.{dead}.ab12CD_9.tmp"
    theirs.write_text("never touched")
    remove_stale_temps(old_board)
    assert not stale.exists()
    assert live.exists() and mine.exists() and theirs.exists()


# ------------------------------------------------------------- images/
def test_outputs_never_go_into_images(tmp_path):
    folder = tmp_path / "ch"
    for rel in ("images/1.1.1.png", "../escape.json", "/etc/evil", "a/../../b.json"):
        with pytest.raises(EnvironmentProblem):
            write_outputs(folder, {rel: "x"})
    assert not (tmp_path / "escape.json").exists()
    assert not (folder / "images").exists()


def test_a_chapter_called_images_still_boards(tmp_path):
    folder = tmp_path / "out" / "images"           # slug "images": its own folder
    write_outputs(folder, {"shots.json": "{}"})
    assert (folder / "shots.json").read_text() == "{}"


def test_user_files_are_never_overwritten(tmp_path):
    for name in ("novel2board.yaml", "prompts/flux.j2", "chapter1.md"):
        with pytest.raises(EnvironmentProblem, match="not an output"):
            write_outputs(tmp_path, {name: "x"})


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, nlp):
    monkeypatch.chdir(tmp_path)

    def go(*args):
        status = cli.main([str(a) for a in args])
        capsys.readouterr()
        return status
    return go


def test_images_folder_untouched_by_runs(run, tmp_path):
    (tmp_path / "ch.md").write_text(CHAPTER, encoding="utf-8")
    images = tmp_path / "out" / "ch" / "images"
    images.mkdir(parents=True)
    (images / "1.1.1.png").write_bytes(b"\x89PNG not really")
    (images / "notes.txt").write_text("mine")
    before = snapshot(images)
    for _ in range(2):
        assert run("ch.md", "--format", "json,html") == 0
    assert snapshot(images) == before
    assert "images/1.1.1.png" in (tmp_path / "out" / "ch" / "storyboard.html").read_text()


def test_config_and_templates_survive_out_pointing_at_the_project(run, tmp_path):
    """--out . with chapters named like the project's own folders and files."""
    (tmp_path / "novel2board.yaml").write_text("project: Mine\n")
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    (tmp_path / "templates" / "prompts" / "flux.j2").write_text(
        "{{ shot.description }}, mine\n")
    for stem in ("templates", "novel2board", "chapters"):
        (tmp_path / f"{stem}.md").write_text(CHAPTER, encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert run("templates.md", "novel2board.md", "chapters.md", "--out", ".",
               "--format", "json,csv,prompts,fountain,html") == 0
    for path, content in before.items():
        assert path.read_bytes() == content, path
    assert not temps(tmp_path)


def test_failed_run_leaves_previous_board_whole(run, tmp_path):
    (tmp_path / "ch.md").write_text(CHAPTER, encoding="utf-8")
    assert run("ch.md", "--format", "json,csv,prompts,fountain,html") == 0
    folder = tmp_path / "out" / "ch"
    before = snapshot(folder)
    (tmp_path / "novel2board.yaml").write_text("project: X\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "storyboard.html.j2").write_text("{{ chapter.titel }}")
    (tmp_path / "ch.md").write_text(CHAPTER.replace("rain", "snow"), encoding="utf-8")
    assert run("ch.md", "--format", "json,csv,prompts,fountain,html") == 1
    assert snapshot(folder) == before
    assert not temps(tmp_path)


def test_check_writable_leaves_nothing_behind(tmp_path):
    (tmp_path / "kept").mkdir()
    check_writable(tmp_path / "kept")
    check_writable(tmp_path / "new" / "deeper")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["kept"]


def test_write_atomic_refuses_user_files_and_images(tmp_path):
    (tmp_path / "novel2board.yaml").write_text("project: A\n")
    for path in (tmp_path / "novel2board.yaml", tmp_path / "images" / "1.1.1.png",
                 tmp_path / "templates" / "flux.j2"):
        with pytest.raises(EnvironmentProblem):
            write_atomic(path, b"x")
    assert (tmp_path / "novel2board.yaml").read_text() == "project: A\n"
    assert not (tmp_path / "images").exists()
