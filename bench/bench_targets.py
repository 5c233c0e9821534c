"""The two speed targets of docs/performance.md, quickly: no stage profile.

    python bench/bench_targets.py NOVEL [--formats json|all] [--jobs 2] [--no-cache]

Boards NOVEL with `novel2board.build` into an empty folder (worker
processes, the cache on as on the command line) in this fresh process, the
model loaded first, then parses every paragraph once with `nlp.pipe` in one
process (the baseline) and prints the wall-clock ratio of the two, with the
CPU seconds of both.  `make bench`
(bench_novel.py) measures the same ratios and much more in about 17
minutes; this takes two to four.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import novel2board
from novel2board.analyse.nlp import load_nlp
from novel2board.config import FORMATS
from novel2board.read import split_chapters
from novel2board.read.source import read_source

TARGETS = {"json": 1.3, "all": 3.0}


def cpu_seconds() -> float:
    """This process and its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("novel", type=Path)
    parser.add_argument("--formats", choices=("json", "all"), default="json")
    parser.add_argument("--jobs", type=int, default=None, help="default: one per core")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    nlp = load_nlp()
    texts = [p.text for chapter in split_chapters(read_source(args.novel))
             for p in chapter.paragraphs]
    formats = ["json"] if args.formats == "json" else list(FORMATS)
    out = Path(tempfile.mkdtemp(prefix="n2b-targets-"))
    try:
        wall, cpu = time.perf_counter(), cpu_seconds()
        novel2board.build([str(args.novel)], out=out / "out", formats=formats,
                          jobs=args.jobs, cache=not args.no_cache)
        run_wall, run_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    finally:
        shutil.rmtree(out, ignore_errors=True)
    # The bare parse after the board, not before: parsed first, the novel
    # would warm the process the board's workers are forked from (the first
    # version of this script did, and gave 1.30x where a fresh process gave
    # 1.63x); a parse is not faster for coming second (35.8 s and 36.0 s in
    # one make bench run).
    wall, cpu = time.perf_counter(), cpu_seconds()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    base_wall, base_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    ratio = run_wall / base_wall
    target = TARGETS[args.formats]
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"bare parse, 1 process: {base_wall:.1f} s (CPU {base_cpu:.1f} s)")
    print(f"--format {args.formats}: {run_wall:.1f} s (CPU {run_cpu:.1f} s, all processes)")
    print(f"ratio {ratio:.2f}, target <= {target}: {'met' if ratio <= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
