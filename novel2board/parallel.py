"""Chapters boarded side by side in worker processes.

Chapters are independent, so a multi-chapter run spreads them over the
machine's cores.  The workers are forked *after* the parent has loaded the
spaCy model and the rules, so no worker pays the model load again and the
model's memory is shared copy-on-write.  Fork is only used on Linux (macOS's
system libraries are not fork-safe, Windows has no fork); elsewhere, and
whenever there is a single chapter to do or a single core, chapters are done
one after the other in the calling process, which pays no start-up at all.

Every result is computed by the same function either way and put back in
chapter order by the caller, so the outputs are byte-identical to a serial
run.  Log lines are captured per chapter (`capture_logs`) and shown by the
caller in chapter order, so what the user reads does not depend on which
worker finished first either.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from .cache import LogLine

R = TypeVar("R")

# The work function of the current pool.  Set before the workers are forked,
# so they inherit it (with the loaded model it closes over) instead of
# receiving it pickled.
_WORK: Callable[[int], object] | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def fork_available() -> bool:
    return sys.platform.startswith("linux") and \
        "fork" in multiprocessing.get_all_start_methods()


def worker_count(jobs: int | None, tasks: int) -> int:
    """How many processes to use: 1 means do it here, serially."""
    wanted = available_cores() if jobs is None or jobs <= 0 else jobs
    if not fork_available():
        return 1
    return max(1, min(wanted, tasks))


def _ignore_interrupt() -> None:
    # Ctrl-C goes to the whole process group; the parent alone handles it
    # (and stops the workers), so the user sees one message, not three.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(index: int):
    return index, _WORK(index)


class ProcessMap:
    """`work(i)` for each index, in `workers` forked processes, as results come.

    Use as a context manager: the workers are forked on entry (before a
    progress bar starts its thread) and stopped on exit, also on an error.
    """

    def __init__(self, work: Callable[[int], R], indices: Iterable[int], workers: int):
        self.work = work
        self.indices = list(indices)
        self.workers = workers
        self._pool = None

    def __enter__(self) -> "ProcessMap":
        global _WORK
        _WORK = self.work
        context = multiprocessing.get_context("fork")
        self._pool = context.Pool(self.workers, initializer=_ignore_interrupt)
        return self

    def __iter__(self) -> Iterator[tuple[int, R]]:
        return self._pool.imap_unordered(_call, self.indices, chunksize=1)

    def __len__(self) -> int:
        return len(self.indices)

    def __exit__(self, exc_type, exc, tb) -> None:
        global _WORK
        if exc_type is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        _WORK = None


# Boarding makes millions of small objects (parse trees, prompts, and above
# all WeasyPrint's boxes): with Python's default thresholds the cyclic
# garbage collector runs thousands of times a chapter, and every full
# collection walks the loaded model and rules too.  Measured on six chapters
# of a novel, every format, one process: 11.3 s of CPU with the defaults,
# 10.4 s with the model frozen and collections ten times rarer.
YOUNG_COLLECTION_THRESHOLD = 10_000     # the default is 700 allocations


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Freeze what is loaded so far (the model, the rules, the libraries)
    out of the collector's reach, and collect young objects less often.

    Frozen objects are also left untouched by the collector in forked
    workers, so their memory stays shared.  Both settings are restored on
    exit (the library may be called again in a long-lived process).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# fontTools stamps every font subset it writes into a PDF with the current
# time, so two renderings of the same board a second apart differ in bytes.
# It honours SOURCE_DATE_EPOCH (the reproducible-builds convention): while
# rendering, a fixed date is used unless the user set their own.
FONT_TIMESTAMP = "946684800"  # 2000-01-01T00:00:00Z


@contextmanager
def fixed_font_timestamps() -> Iterator[None]:
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = FONT_TIMESTAMP
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.lines: list[LogLine] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not stop a chapter
            message = str(record.msg)
        self.lines.append(LogLine(record.name, record.levelno, message))


@contextmanager
def capture_logs() -> Iterator[list[LogLine]]:
    """Hold back every log line emitted inside; the caller replays them."""
    root = logging.getLogger()
    collector = _Collector()
    saved = root.handlers[:]
    root.handlers[:] = [collector]
    try:
        yield collector.lines
    finally:
        root.handlers[:] = saved


def replay(lines: Iterable[LogLine]) -> None:
    for line in lines:
        logger = logging.getLogger(line.logger)
        if logger.isEnabledFor(line.level):
            logger.log(line.level, "%s", line.message)
