"""Writing outputs so that a failed or interrupted run loses nothing.

A board's files are first written to temporary files beside their targets;
only when every one of them is written are they renamed over the old ones,
with Ctrl-C held back for those few renames.  So a full disk, a permission
error or an interrupt leaves the previous board whole and no temporary file
behind.  Nothing is ever written or deleted inside images/.

The files are not fsync'ed one by one: a novel's board is a few thousand
files (a ComfyUI graph per shot), and a flush each made writing a quarter of
the time of a whole run.  Everything written here can be made again by
running the command again; making it survive a power cut is left to the
file system (which, replacing a file by rename, flushes it on most).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import signal
import stat
import tempfile
import threading
from pathlib import Path, PurePosixPath

from ..errors import EnvironmentProblem

log = logging.getLogger(__name__)

PROTECTED = "images"
_TMP_SUFFIX = ".tmp"
# Our temporary files: `.<target>.<pid>.<8 random>.tmp`; the pid tells a
# killed run's leftovers from the live files of a run going on in parallel.
_OUR_TMP = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]{8}\.tmp$")
# Suffixes of the user's own files: an output never has one, so a path with
# one is a bug or a hostile name and is refused rather than overwritten.
_USER_SUFFIXES = (".yaml", ".yml", ".j2", ".md", ".markdown")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write one output file: the old content or the new, never half of either.

    For outputs only: it refuses a path in images/ or with the suffix of a
    user's file (the project file, a template, a chapter).
    """
    _refuse_protected(path, path.parent.parent if path.parent.name == PROTECTED else None)
    write_all({path: data})


def write_outputs(folder: Path, outputs: dict[str, str | bytes]) -> list[Path]:
    """Write a board's outputs (relative path -> content) into `folder`, all or none."""
    targets: dict[Path, str | bytes] = {}
    for rel, content in outputs.items():
        targets[folder / _checked_relative(rel, folder)] = content
    for path in targets:
        _refuse_protected(path, folder)
    remove_stale_temps(folder, {path.parent for path in targets})
    write_all(targets)
    return list(targets)


def write_all(targets: dict[Path, str | bytes]) -> None:
    """Stage every file to a temporary file, then rename them all in one go."""
    staged: list[tuple[str, Path]] = []
    current = next(iter(targets), Path("."))
    try:
        for current, data in targets.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            staged.append((_stage(current, payload), current))
        with _interrupts_held():
            while staged:
                tmp, current = staged[0]
                os.replace(tmp, current)
                staged.pop(0)
    except OSError as exc:
        raise _problem(exc, current) from None
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def check_writable(out: Path) -> None:
    """Fail before any work if --out cannot take files (read-only, a file, ...).

    Folders made for the probe are removed again: a run that fails later
    leaves no empty out/ behind.
    """
    made = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".novel2board-probe.{os.getpid()}.",
                                   suffix=_TMP_SUFFIX)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise _problem(exc, out) from None
    finally:
        for folder in made:             # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()


def remove_stale_temps(folder: Path, more: set[Path] | frozenset = frozenset()) -> None:
    """Temporary files a killed run (kill -9, power cut) could not clean up,
    in `folder`, its prompts/ and comfyui/, and the folders in `more` (every
    folder a run writes into: they are named with the pid that made them,
    so a file of a run still going is left alone)."""
    for sub in sorted({folder, folder / "prompts", folder / "comfyui", *more}):
        if not sub.is_dir():
            continue
        for entry in sub.iterdir():
            found = _OUR_TMP.match(entry.name)
            if found and entry.is_file() and not _running(int(found.group(1))):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    log.debug("removed a temporary file left by an earlier run: %s", entry)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # exists, but another user's: not ours to judge
        return True
    return True


def _stage(path: Path, payload: bytes) -> str:
    """The payload in a temporary file beside `path`; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.",
                               suffix=_TMP_SUFFIX)
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp's 0600 would make outputs private
        _write_fully(fd, payload)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _mode_for(path: Path) -> int:
    """The old file's permissions, or what a plain `open(path, "w")` would give."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_fully(fd: int, payload: bytes) -> None:
    """os.write until done: a short write is not an error, a full disk is."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@contextlib.contextmanager
def _interrupts_held():
    """Hold Ctrl-C (and SIGTERM) back while the renames run; deliver it after.

    Done with Python-level handlers, not a signal mask: a mask is per thread,
    and with worker threads alive the kernel may hand the signal to one that
    does not block it.  Python runs every handler in the main thread, so a
    handler that only takes note is enough.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    noted: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: noted.append(signum))
                for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in noted[:1]:
            _deliver(signum, previous[signum])


def _deliver(signum: int, handler) -> None:
    """Act on a held signal as its own handler would have."""
    if callable(handler):
        handler(signum, None)           # Python's: raises KeyboardInterrupt
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), signum)


def _checked_relative(rel: str, folder: Path) -> PurePosixPath:
    """An output's path inside its board folder; never `..`, absolute or images/."""
    parts = PurePosixPath(rel.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or not parts.parts \
            or parts.parts[0] == PROTECTED:
        raise EnvironmentProblem(f"refusing to write '{rel}' outside the board folder",
                                 path=folder, hint="this is a bug; please report it")
    return parts


def _refuse_protected(path: Path, folder: Path | None) -> None:
    in_images = folder is not None and path.parent == folder / PROTECTED
    if in_images or path.suffix.lower() in _USER_SUFFIXES:
        raise EnvironmentProblem("refusing to overwrite a file that is not an output "
                                 "of novel2board", path=path,
                                 hint="this is a bug; please report it")


def _problem(exc: OSError, path: Path) -> EnvironmentProblem:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return EnvironmentProblem("the disk is full; the previous board is kept as it was",
                                  path=path, hint="free some space and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return EnvironmentProblem("cannot write here (permission denied or read-only)",
                                  path=path, hint="choose another folder with --out, "
                                                  "or make this one writable")
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return EnvironmentProblem("a file is in the way where a folder should be",
                                  path=path, hint="move that file, or choose another "
                                                  "folder with --out")
    if exc.errno == errno.ENAMETOOLONG:
        return EnvironmentProblem("the path is too long for this file system", path=path,
                                  hint="choose a shorter --out folder")
    return EnvironmentProblem(f"cannot write: {exc.strerror or exc}", path=path,
                              hint="check the --out folder")
