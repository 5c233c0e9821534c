"""Writing outputs so that a failed or interrupted run loses nothing.

Every file is written to a temporary file in the same folder, flushed, then
renamed over the old one: a reader sees the old board or the new one, never
half a file.  Nothing is ever written or deleted inside images/.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from ..errors import EnvironmentProblem

PROTECTED = "images"


def write_atomic(path: Path, data: str | bytes) -> None:
    if PROTECTED in path.parts[-2:-1]:
        raise AssertionError(f"refusing to write inside images/: {path}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _problem(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _problem(exc, path) from None
        raise


def _problem(exc: OSError, path: Path) -> EnvironmentProblem:
    if exc.errno == errno.ENOSPC:
        return EnvironmentProblem("the disk is full; the previous board is kept",
                                  path=path, hint="free some space and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return EnvironmentProblem("cannot write here (permission denied)", path=path,
                                  hint="choose another folder with --out")
    return EnvironmentProblem(f"cannot write: {exc.strerror}", path=path,
                              hint="check the --out folder")
