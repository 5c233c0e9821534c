"""Chapters boarded in worker processes give exactly what a serial run gives."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from novel2board import parallel, pipeline
from novel2board.errors import ConfigError, Novel2BoardError
from novel2board.pipeline import build

needs_fork = pytest.mark.skipif(not parallel.fork_available(),
                                reason="worker processes are forked, on Linux only")

# Short chapters written for these tests: a few names, places and lines of
# dialogue, so every stage has something to do.
CHAPTERS = {
    "one.md": """# Chapter 1: The Boathouse

Mara Quill pushed open the boathouse door and stood listening to the rain on the tin roof.

"Is anyone here?" she called. Nobody answered her.

Down on the jetty, Teodor Vance was coiling a wet rope. He looked up at her and frowned.

"You came back," Teodor said. "I told you not to."
""",
    "two.md": """# Chapter 2: The Orchard

The orchard was grey with frost when Teodor walked out at dawn.

Mara followed him between the bare trees, her boots cracking the frozen grass.

"The ladder is gone," she said quietly.

Teodor knelt by the wall and found the marks it had left in the mud.
""",
    "three.md": """# Chapter 3: The Station

At noon the little station was empty except for a porter asleep on a bench.

Mara bought two tickets and counted her change twice.

"Where are we going?" Teodor asked.

She did not answer. The train came in out of the fog, long and black and slow.
""",
}


@pytest.fixture
def chapters_dir(tmp_path) -> Path:
    folder = tmp_path / "chapters"
    folder.mkdir()
    for name, text in CHAPTERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def test_worker_count_uses_one_process_for_one_chapter():
    assert parallel.worker_count(None, 1) == 1
    assert parallel.worker_count(4, 1) == 1
    assert parallel.worker_count(1, 10) == 1


@needs_fork
def test_worker_count_never_exceeds_the_chapters_or_the_request():
    assert parallel.worker_count(2, 10) == 2
    assert parallel.worker_count(8, 3) == 3
    assert parallel.worker_count(None, 50) == parallel.available_cores()


@needs_fork
def test_parallel_outputs_are_byte_identical_to_serial(chapters_dir, tmp_path, nlp):
    serial = build([chapters_dir], out=tmp_path / "serial", jobs=1)
    forked = build([chapters_dir], out=tmp_path / "forked", jobs=2)
    assert _files(tmp_path / "serial") == _files(tmp_path / "forked")
    assert len(_files(tmp_path / "serial")) >= 3 * 6  # every format of every chapter
    assert [b.slug for b in serial.boards] == [b.slug for b in forked.boards]
    assert serial.boards == forked.boards
    assert [p.relative_to(tmp_path / "serial") for p in serial.written] == \
        [p.relative_to(tmp_path / "forked") for p in forked.written]


def test_one_chapter_starts_no_worker_processes(chapters_dir, tmp_path, monkeypatch, nlp):
    def no_pool(*args, **kwargs):
        raise AssertionError("a single chapter must not start worker processes")
    monkeypatch.setattr(parallel, "ProcessMap", no_pool)
    result = build([chapters_dir / "one.md"], out=tmp_path / "out", formats=("json",), jobs=4)
    assert [b.slug for b in result.boards] == ["one"]


@needs_fork
def test_several_chapters_do_use_worker_processes(chapters_dir, tmp_path, monkeypatch, nlp):
    started = []
    real = parallel.ProcessMap

    def spy(work, indices, workers):
        started.append(workers)
        return real(work, indices, workers)
    monkeypatch.setattr(parallel, "ProcessMap", spy)
    build([chapters_dir], out=tmp_path / "out", formats=("json",), jobs=2)
    assert started == [2]


@needs_fork
def test_log_lines_come_out_in_chapter_order(chapters_dir, tmp_path, monkeypatch, caplog, nlp):
    real = pipeline.board_chapter

    def noisy(source, chapter, *args, **kwargs):
        logging.getLogger("novel2board.test").warning("boarded %s", chapter.slug)
        return real(source, chapter, *args, **kwargs)
    monkeypatch.setattr(pipeline, "board_chapter", noisy)
    with caplog.at_level(logging.WARNING):
        build([chapters_dir], out=tmp_path / "out", formats=("json",), jobs=2)
    mine = [r.getMessage() for r in caplog.records if r.name == "novel2board.test"]
    assert mine == ["boarded one", "boarded three", "boarded two"]  # file order


@needs_fork
@pytest.mark.parametrize("error", [
    Novel2BoardError("the chapter is wrong", path="two.md", hint="fix it"),
    ConfigError([(3, "is not valid"), (5, "is also wrong")], path="rules.yaml"),
])
def test_an_error_in_a_worker_reaches_the_user_as_is(chapters_dir, tmp_path, monkeypatch,
                                                      error, nlp):
    real = pipeline.board_chapter

    def failing(source, chapter, *args, **kwargs):
        if chapter.slug == "two":
            raise error
        return real(source, chapter, *args, **kwargs)
    monkeypatch.setattr(pipeline, "board_chapter", failing)
    with pytest.raises(Novel2BoardError) as caught:
        build([chapters_dir], out=tmp_path / "out", formats=("json",), jobs=2)
    assert caught.value.render() == error.render()
    assert not (tmp_path / "out").exists()  # nothing written when a chapter fails


def test_progress_gets_the_chapter_count_before_the_first_result(chapters_dir, tmp_path, nlp):
    seen = []

    def progress(items):
        seen.append(len(items))
        for item in items:
            seen.append("item")
            yield item
    build([chapters_dir], out=tmp_path / "out", formats=("json",), jobs=1, progress=progress)
    assert seen == [3, "item", "item", "item"]


def test_no_progress_bar_for_a_single_chapter(chapters_dir, tmp_path, nlp):
    def progress(items):
        raise AssertionError("no bar for one chapter")
    build([chapters_dir / "one.md"], out=tmp_path / "out", formats=("json",), progress=progress)


def test_cli_progress_is_off_when_not_a_terminal(monkeypatch):
    from novel2board import cli

    class NotATerminal:
        def isatty(self):
            return False
    monkeypatch.setattr(cli.sys, "stderr", NotATerminal())
    assert cli._progress(True) is None


def test_cli_progress_counts_a_sized_iterable_without_listing_it(monkeypatch):
    from novel2board import cli

    class Terminal:
        def isatty(self):
            return True
    monkeypatch.setattr(cli.sys, "stderr", Terminal())
    wrap = cli._progress(True)
    assert wrap is not None
    assert cli._progress(False) is None  # -q

    class Sized:
        def __len__(self):
            return 2

        def __iter__(self):
            return iter(["a", "b"])
    assert list(wrap(Sized())) == ["a", "b"]


def test_a_board_survives_pickling(chapters_dir, tmp_path, nlp):
    # Worker processes and the cache both move boards as pickles: a field
    # that cannot be pickled (a spaCy Doc, a lambda) would break them.
    board = build([chapters_dir / "one.md"], out=tmp_path / "out", formats=("json",)).boards[0]
    assert pickle.loads(pickle.dumps(board)) == board
