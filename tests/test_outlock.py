"""One run at a time into an out/ folder (#18 item 10)."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from novel2board import build
from novel2board.render.outlock import LOCK_NAME, out_locked

fcntl = pytest.importorskip("fcntl")

CHAPTER = "# One\n\nMara sat down at the table. She poured the tea.\n"

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b"pid 4242, since 10:00:00\\n")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_second_run_says_who_holds_the_folder_and_waits(tmp_path, caplog):
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out / LOCK_NAME), "2"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    (tmp_path / "c.md").write_text(CHAPTER, encoding="utf-8")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        build([tmp_path / "c.md"], out=out, formats=["json"], jobs=1)
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert "another novel2board run is writing into" in caplog.text
    assert "pid 4242" in caplog.text
    assert waited >= 1.0                            # it did wait for the holder
    assert (out / "c" / "shots.json").is_file()


def test_the_lock_is_free_again_after_a_run_and_after_a_failure(tmp_path):
    out = tmp_path / "out"
    with out_locked(out):
        assert (out / LOCK_NAME).is_file()
    with out_locked(out):                           # not held any more
        pass
    fresh = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError):
        with out_locked(fresh):
            raise RuntimeError("a failed run")
    assert not (tmp_path / "new").exists()         # a failed run leaves no out/ it made


def test_leftovers_of_a_killed_run_go_from_comfyui_and_the_cache(tmp_path):
    """Temp files named with a pid no longer running are removed by the next
    run, wherever it writes (#18 item 5)."""
    from novel2board import cache
    out = tmp_path / "out"
    (tmp_path / "c.md").write_text(CHAPTER, encoding="utf-8")
    build([tmp_path / "c.md"], out=out, formats=["json", "prompts"], jobs=1, cache=True)
    dead = 2 ** 22 + 12345          # above Linux's default pid_max: never running
    planted = [out / "c" / "comfyui" / f".1.1.1.json.{dead}.abcdefgh.tmp",
               out / cache.CACHE_DIR / f".c.entry.{dead}.abcdefgh.tmp"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left by kill -9")
    (tmp_path / "c.md").write_text(CHAPTER.replace("tea", "coffee"), encoding="utf-8")
    build([tmp_path / "c.md"], out=out, formats=["json", "prompts"], jobs=1, cache=True)
    assert [p for p in planted if p.exists()] == []
