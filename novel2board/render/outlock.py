"""One run at a time into an out/ folder: an advisory lock on OUT/.novel2board.lock.

Two runs into one folder would interleave their files and their cache
entries with no word said.  The second run says who holds the folder and
waits for it (flock(2): the lock goes when its process ends, however it
ends, so a killed run never leaves the folder locked).  Where there is no
flock (Windows) nothing is locked.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = ".novel2board.lock"


@contextlib.contextmanager
def out_locked(out: Path):
    """Hold OUT's lock for the body; wait, saying so, while another run has it."""
    try:
        import fcntl
    except ImportError:             # pragma: no cover - Windows
        yield
        return
    made = [p for p in (out, *out.parents) if not p.exists()]
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    finished = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another novel2board run is writing into %s (%s); waiting for it "
                        "to finish", out, _holder(fd) or "its process id is not recorded")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}\n".encode())
        yield
        finished = True
    finally:
        # Emptied again: the folder holds what it held (a second run with
        # nothing changed changes no file), and nobody is named as holding it.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)                # the lock goes with the descriptor
        if not finished and made:
            _remove_if_only_the_lock(out, made)


def _remove_if_only_the_lock(out: Path, made: list[Path]) -> None:
    """A run that failed in a folder it made leaves no out/ behind."""
    with contextlib.suppress(OSError):
        if [p.name for p in out.iterdir()] == [LOCK_NAME]:
            (out / LOCK_NAME).unlink()
            for folder in made:     # deepest first
                folder.rmdir()


def _holder(fd: int) -> str:
    """What the run holding the lock wrote into the file: "pid 4242, since 10:02:11"."""
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
