"""Board a whole novel and compare the time with a bare spaCy parse of it.

    python bench/bench_novel.py NOVEL.txt [--json docs/performance.json] [--jobs N]

Everything is measured after the interpreter has started and the spaCy
model is loaded (both reported, set aside), in this process but for the
three target runs of (3), each in a fresh process of its own:

1. baseline: the novel's paragraphs through `nlp.pipe` (one process, the
   same model and batch size as the pipeline), nothing else;
2. stages: a serial run (one process, no cache, every format) with a timer
   around each public function the pipeline calls (read, parse, analyse,
   scenes, shots, prompts, each renderer, writing), at a quarter, half and
   all of the novel, to show where the time goes and that no stage grows
   faster than the text;
3. targets: the run a user gets (worker processes, cache on) for
   `--format json` and for every format, then the same run again with
   nothing changed (each in a fresh process, as a user's command is: forked
   from this one, the workers would carry the stage runs' memory), then one
   chapter edited, each as a ratio to (1);
4. peak memory of the every-format run's process tree (PSS, so memory the
   forked workers share with their parent is counted once).

Prints tables and writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"json_ratio": 1.3, "all_ratio": 3.0, "peak_memory_mb": 1536.0,
           "second_run_share": 0.10}
ALL_FORMATS = ("pdf", "html", "json", "csv", "prompts", "fountain")


# ----------------------------------------------------------------- machine
def machine() -> dict:
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    import jinja2
    import spacy
    import weasyprint
    from novel2board import __version__
    return {
        "nproc": run(["nproc"]).strip(),
        "lscpu_head": run(["lscpu"]).splitlines()[:10],
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "novel2board": __version__,
        "git_commit": run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip(),
        "spacy": spacy.__version__, "weasyprint": weasyprint.__version__,
        "jinja2": jinja2.__version__,
    }


# ------------------------------------------------------------------ memory
def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                children = Path(f"/proc/{p}/task/{task}/children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in kB, from /proc."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


class MemorySampler:
    """Peak memory of a process (`root`, default this one) and its workers,
    sampled every 200 ms."""

    def __init__(self, root: int | None = None):
        self.root = root
        self.peak_pss = self.peak_rss = self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            pids = _tree(self.root or os.getpid())
            pss = rss = 0
            for pid in pids:
                p, r = _memory_kb(pid)
                pss, rss = pss + p, rss + r
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------- stage timer
class StageTimer:
    """Wall time spent inside each public function the pipeline calls."""

    # (module, attribute, stage name); a name that no longer exists is
    # reported as missing instead of failing the benchmark.
    POINTS = [
        ("novel2board.pipeline", "read_chapters", "read"),
        ("novel2board.pipeline", "parse_paragraphs", "parse (nlp.pipe)"),
        ("novel2board.pipeline", "analyse_chapter", "analyse"),
        ("novel2board.pipeline", "split_scenes", "scenes"),
        ("novel2board.pipeline", "plan_chapter", "shots"),
        ("novel2board.pipeline:PromptDrafter", "draft", "prompts"),
        ("novel2board.render", "to_json", "render json"),
        ("novel2board.render", "to_csv", "render csv"),
        ("novel2board.render", "prompt_files", "render prompts"),
        ("novel2board.render", "to_fountain", "render fountain"),
        ("novel2board.render", "comfyui_files", "render comfyui"),
        ("novel2board.render", "storyboard_html", "render html"),
        ("novel2board.render", "to_pdf", "render pdf"),
        ("novel2board.render", "write_outputs", "write files"),
    ]

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.missing: list[str] = []
        self._saved = []

    def __enter__(self):
        import importlib
        for module_name, attr, stage in self.POINTS:
            module_name, _, cls = module_name.partition(":")
            owner = importlib.import_module(module_name)
            if cls:
                owner = getattr(owner, cls, None)
            original = getattr(owner, attr, None) if owner is not None else None
            if original is None:
                self.missing.append(stage)
                continue
            self._saved.append((owner, attr, original))
            setattr(owner, attr, self._timed(original, stage))
        return self

    def _timed(self, fn, stage):
        seconds = self.seconds

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[stage] += time.perf_counter() - start
        return timed

    def __exit__(self, *exc):
        for owner, attr, original in reversed(self._saved):
            setattr(owner, attr, original)


# -------------------------------------------------------------------- runs
@contextmanager
def stopwatch(into: dict, name: str):
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    cpu = os.times()
    yield
    end = os.times()
    into[name] = {
        "wall_s": round(time.perf_counter() - start, 3),
        "cpu_s": round((end.user - cpu.user) + (end.system - cpu.system)
                       + (end.children_user - cpu.children_user)
                       + (end.children_system - cpu.children_system), 3),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


_FRESH_RUN = """
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from novel2board import pipeline
from novel2board.analyse.nlp import load_nlp
formats = tuple(sys.argv[4].split(","))
load_nlp()                      # the model load is set aside, as above
if "pdf" in formats:
    import weasyprint           # noqa: F401  (imported before the workers fork, as build does)
jobs = int(sys.argv[5]) if sys.argv[5] != "-" else None
load = os.getloadavg()[0]
start, cpu = time.perf_counter(), os.times()
pipeline.build([sys.argv[2]], out=sys.argv[3], formats=formats, jobs=jobs, cache=True)
end = os.times()
print(json.dumps({"wall_s": round(time.perf_counter() - start, 3),
                  "cpu_s": round(sum(end[:4]) - sum(cpu[:4]), 3),
                  "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}))
"""


def fresh_build(novel: Path, out: Path, formats, jobs, memory: "MemorySampler | None" = None
                ) -> dict:
    """`pipeline.build` timed in a fresh Python process (the interpreter's
    start and the model load set aside): the run a user's command makes."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _FRESH_RUN, str(ROOT), str(novel), str(out), ",".join(formats),
         str(jobs) if jobs else "-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    if memory is not None:
        memory.root = proc.pid
        with memory:
            stdout, _ = proc.communicate()
    else:
        stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"the board of {novel} failed in its own process")
    return json.loads(stdout.strip().splitlines()[-1])


def prefix_file(source_text: str, chapters, count: int, folder: Path, name: str) -> Path:
    """The novel up to the end of its `count`-th chapter, as a file."""
    end = chapters[count - 1][1].end if count < len(chapters) else len(source_text)
    path = folder / name
    path.write_text(source_text[:end], encoding="utf-8")
    return path


def count_pages(out: Path) -> int:
    pages = 0
    for pdf in out.rglob("storyboard.pdf"):
        try:
            from pypdf import PdfReader
            pages += len(PdfReader(str(pdf)).pages)
        except ImportError:
            pages += len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    return pages


def words_of(chapters) -> int:
    return sum(len(p.text.split()) for _, c in chapters for p in c.paragraphs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("novel", type=Path)
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "performance.json",
                        help="where to write the figures (default: docs/performance.json)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes for the target runs (default: one per core)")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument("--no-scaling", action="store_true",
                        help="profile the stages on the whole novel only, not also on "
                             "its first quarter and half")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not args.novel.is_file():
        print(f"error: {args.novel}: no such file", file=sys.stderr)
        return 1
    novel, json_path = args.novel.resolve(), args.json.resolve()
    work = (args.work or Path(tempfile.mkdtemp(prefix="n2b-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    here = Path.cwd()
    # Run in the scratch folder, so no novel2board.yaml around the caller
    # changes what is boarded: the novel is boarded with the defaults.
    os.chdir(work)
    try:
        report = run_benchmark(novel, work, args.jobs, not args.no_scaling)
    finally:
        os.chdir(here)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_tables(report)
    print(f"\nfigures written to {json_path}")
    return 0


def run_benchmark(novel: Path, work: Path, jobs: int | None, scaling: bool) -> dict:
    t0 = time.perf_counter()
    import novel2board  # noqa: F401
    from novel2board import pipeline
    from novel2board.analyse import load_nlp
    from novel2board.parallel import available_cores, worker_count
    report: dict = {"novel": str(novel), "command": " ".join([Path(sys.executable).name,
                                                            *sys.argv]),
                    "targets": TARGETS}
    set_aside = {"import_s": round(time.perf_counter() - t0, 3)}
    start = time.perf_counter()
    nlp = load_nlp()
    set_aside["model_load_s"] = round(time.perf_counter() - start, 3)
    report["set_aside"] = set_aside
    report["machine"] = machine()
    report["machine"]["cores_available"] = available_cores()

    chapters = pipeline.read_chapters([novel])
    source_text = chapters[0][0].text
    words = words_of(chapters)
    report["size"] = {"chapters": len(chapters), "words": words,
                      "paragraphs": sum(len(c.paragraphs) for _, c in chapters)}
    log = print
    log(f"{novel.name}: {len(chapters)} chapters, {words} words; model load "
        f"{set_aside['model_load_s']} s (set aside)", flush=True)

    # 1. the baseline: a bare parse, one process
    runs: dict = {}
    texts = [p.text.replace("\n", " ") for _, c in chapters for p in c.paragraphs]
    with stopwatch(runs, "baseline_parse"):
        for _ in nlp.pipe(texts, batch_size=64):
            pass
    base = runs["baseline_parse"]["wall_s"]
    log(f"baseline nlp.pipe: {base} s", flush=True)

    # 2. where the time goes: serial runs with a timer on every stage
    fractions = [(1, 4), (1, 2), (1, 1)] if scaling else [(1, 1)]
    scaling_rows = []
    for num, den in fractions:
        count = max(1, round(len(chapters) * num / den))
        path = prefix_file(source_text, chapters, count, work, f"novel_{count}.txt")
        part = pipeline.read_chapters([path])
        name = f"serial_{num}_{den}"
        with StageTimer() as timer, stopwatch(runs, name):
            pipeline.build([path], out=work / name, formats=ALL_FORMATS, jobs=1, cache=False)
        stages = {k: round(v, 3) for k, v in timer.seconds.items()}
        stages["other"] = round(runs[name]["wall_s"] - sum(timer.seconds.values()), 3)
        scaling_rows.append({"fraction": f"{num}/{den}", "chapters": count,
                             "words": words_of(part), "total_s": runs[name]["wall_s"],
                             "stages_s": stages, "missing_stages": timer.missing})
        log(f"serial {num}/{den} ({count} chapters): {runs[name]['wall_s']} s", flush=True)
    report["stages"] = scaling_rows[-1]
    report["scaling"] = scaling_rows if scaling else []
    report["scaling_check"] = scaling_check(scaling_rows) if scaling else {}

    # 3. the targets: the run a user gets (workers, cache on).  The bare
    # parse is timed again right before them: on a shared machine the load
    # changes over minutes, and a ratio is only fair between neighbours.
    with stopwatch(runs, "baseline_parse_again"):
        for _ in nlp.pipe(texts, batch_size=64):
            pass
    base = runs["baseline_parse_again"]["wall_s"]
    log(f"baseline nlp.pipe again: {base} s", flush=True)
    workers = worker_count(jobs, len(chapters))
    report["workers"] = workers
    out = work / "board"
    # Each target run in a fresh process, as a user's run is: boarded from
    # this one, its workers would be forks of a process that holds the
    # three stage runs above, and in this measurement that cost 20-30 %
    # (bench_targets.py, fresh, gave 1.30x where this process gave 1.55x).
    runs["json"] = fresh_build(novel, work / "json", ("json",), jobs)
    log(f"--format json ({workers} processes): {runs['json']['wall_s']} s", flush=True)
    memory = MemorySampler()
    runs["all"] = fresh_build(novel, out, ALL_FORMATS, jobs, memory)
    log(f"every format ({workers} processes): {runs['all']['wall_s']} s", flush=True)
    pages = count_pages(out)
    runs["second_run"] = fresh_build(novel, out, ALL_FORMATS, jobs)
    log(f"second run, nothing changed: {runs['second_run']['wall_s']} s", flush=True)
    with stopwatch(runs, "second_run_cli"):
        subprocess.run([sys.executable, "-m", "novel2board", str(novel), "--out", str(out),
                        "-q"], check=True, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)})
    log(f"second run as a command: {runs['second_run_cli']['wall_s']} s", flush=True)
    # One chapter edited inside the one novel file: every chapter of the file
    # is redone (its SHA-256 and offsets are in every shots.json); json only.
    edited = edit_one_chapter(novel, work)
    with stopwatch(runs, "one_chapter_edited_same_file_json"):
        pipeline.build([edited], out=work / "json", formats=("json",), jobs=jobs, cache=True)
    report["edit"] = edit_in_chapter_files(pipeline, chapters, source_text, work, jobs, runs)
    log(f"one chapter edited: {report['edit']}", flush=True)
    report["runs"] = runs
    report["pages"] = pages
    report["memory"] = {"peak_pss_mb": round(memory.peak_pss / 1024, 1),
                        "peak_rss_sum_mb": round(memory.peak_rss / 1024, 1),
                        "processes": memory.peak_processes}
    report["results"] = results(report, base, words, pages)
    return report


def edit_one_chapter(novel: Path, work: Path) -> Path:
    """A copy of the novel with one word added in its middle chapter."""
    text = novel.read_text(encoding="utf-8-sig")
    middle = len(text) // 2
    cut = text.index(" ", middle)
    path = work / novel.name
    path.write_text(text[:cut] + " indeed" + text[cut:], encoding="utf-8")
    return path


def edit_in_chapter_files(pipeline, chapters, source_text, work: Path, jobs, runs) -> dict:
    """One file per chapter (a chapters/ folder): edit one, see what is redone."""
    folder = work / "chapters"
    folder.mkdir(exist_ok=True)
    for _, chapter in chapters:
        body = source_text[chapter.start:chapter.end]
        (folder / f"{chapter.number:03d}.txt").write_text(body, encoding="utf-8")
    out = work / "chapter_files"
    with stopwatch(runs, "chapter_files_json"):
        pipeline.build([folder], out=out, formats=("json",), jobs=jobs, cache=True)
    target = folder / f"{chapters[len(chapters) // 2][1].number:03d}.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nShe smiled.\n", encoding="utf-8")
    redone = []
    real = pipeline.board_chapter

    def counting(source, chapter, *args, **kwargs):
        redone.append(chapter.slug)
        return real(source, chapter, *args, **kwargs)
    pipeline.board_chapter = counting
    try:
        with stopwatch(runs, "chapter_files_one_edited"):
            pipeline.build([folder], out=out, formats=("json",), jobs=1, cache=True)
    finally:
        pipeline.board_chapter = real
    return {"files": len(chapters), "redone": redone,
            "cold_s": runs["chapter_files_json"]["wall_s"],
            "one_edited_s": runs["chapter_files_one_edited"]["wall_s"]}


def scaling_check(rows: list[dict]) -> dict:
    """Seconds per 1,000 words of each stage at each fraction; growth vs all."""
    check = {}
    for stage in rows[-1]["stages_s"]:
        per_kword = [round(r["stages_s"].get(stage, 0.0) / r["words"] * 1000, 4) for r in rows]
        first = per_kword[0] or 1e-9
        check[stage] = {"s_per_1000_words": per_kword,
                        "growth_quarter_to_all": round(per_kword[-1] / first, 2)}
    return check


def results(report: dict, base: float, words: int, pages: int) -> dict:
    runs = report["runs"]
    json_s, all_s = runs["json"]["wall_s"], runs["all"]["wall_s"]
    second = runs["second_run"]["wall_s"]
    base_cpu = runs["baseline_parse_again"]["cpu_s"]
    return {
        "baseline_parse_s": base,
        "baseline_parse_first_s": runs["baseline_parse"]["wall_s"],
        # CPU seconds do not depend on what else the machine is doing: the
        # CPU time of a run over the CPU time of the bare parse, divided by
        # the worker processes, is what the wall ratio would be on an
        # otherwise idle machine with perfect load balance (an estimate).
        "cpu_estimate": {
            "json_ratio": round(runs["json"]["cpu_s"] / base_cpu / report["workers"], 2),
            "all_ratio": round(runs["all"]["cpu_s"] / base_cpu / report["workers"], 2),
        },
        "json_s": json_s, "json_ratio": round(json_s / base, 2),
        "all_s": all_s, "all_ratio": round(all_s / base, 2),
        "second_run_s": second, "second_run_share": round(second / all_s, 3),
        "second_run_cli_s": runs["second_run_cli"]["wall_s"],
        "peak_memory_mb": report["memory"]["peak_pss_mb"],
        "words_per_s": {"baseline": round(words / base), "json": round(words / json_s),
                        "all": round(words / all_s)},
        "pages": pages, "pages_per_s": round(pages / all_s, 2),
        "met": {
            "json_ratio": json_s / base <= TARGETS["json_ratio"],
            "all_ratio": all_s / base <= TARGETS["all_ratio"],
            "peak_memory_mb": report["memory"]["peak_pss_mb"] <= TARGETS["peak_memory_mb"],
            "second_run_share": second / all_s <= TARGETS["second_run_share"],
        },
    }


# ------------------------------------------------------------------ tables
def print_tables(report: dict) -> None:
    r = report["results"]
    m = report["machine"]
    print(f"\nmachine: {m['nproc']} cores ({report['workers']} worker processes), "
          f"{m['memory_gb']} GB, Python {m['python']}, spaCy {m['spacy']}, "
          f"WeasyPrint {m['weasyprint']}, commit {m['git_commit']}")
    size = report["size"]
    print(f"novel: {Path(report['novel']).name}, {size['chapters']} chapters, "
          f"{size['words']} words, {r['pages']} PDF pages")
    print("\n| measure | seconds | ratio to bare parse | target | met |")
    print("| --- | ---: | ---: | --- | --- |")
    print(f"| bare spaCy parse (nlp.pipe, 1 process) | {r['baseline_parse_s']} | 1.00 | | |")
    print(f"| read + analysis through prompts (--format json) | {r['json_s']} | "
          f"{r['json_ratio']} | <= 1.3 | {_yes(r['met']['json_ratio'])} |")
    print(f"| every output incl. PDF | {r['all_s']} | {r['all_ratio']} | <= 3 | "
          f"{_yes(r['met']['all_ratio'])} |")
    print(f"| second run, nothing changed | {r['second_run_s']} | "
          f"{r['second_run_share']:.1%} of the first | <= 10% | "
          f"{_yes(r['met']['second_run_share'])} |")
    print(f"| second run as a command (interpreter start included) | "
          f"{r['second_run_cli_s']} | | | |")
    print(f"| peak memory, all processes (PSS) | {r['peak_memory_mb']} MB | | <= 1536 MB | "
          f"{_yes(r['met']['peak_memory_mb'])} |")
    est = r["cpu_estimate"]
    print(f"\nload average during the runs: {_loads(report)}; the bare parse took "
          f"{r['baseline_parse_first_s']} s at the start and {r['baseline_parse_s']} s "
          f"right before the target runs (used for the ratios)")
    print(f"from CPU seconds (idle-machine estimate): json {est['json_ratio']}x, "
          f"every format {est['all_ratio']}x")
    wps = r["words_per_s"]
    print(f"\nwords/s: bare parse {wps['baseline']}, json {wps['json']}, "
          f"every format {wps['all']}; pages/s: {r['pages_per_s']}")
    edit = report["edit"]
    print(f"one of {edit['files']} chapter files edited: redone {edit['redone']} in "
          f"{edit['one_edited_s']} s (cold {edit['cold_s']} s, json); one chapter edited "
          f"inside the single novel file: "
          f"{report['runs']['one_chapter_edited_same_file_json']['wall_s']} s (json, "
          f"every chapter of the file redone)")
    if report["scaling"]:
        rows = report["scaling"]
        print("\n| stage | " + " | ".join(f"{row['fraction']} ({row['words']} words)"
                                          for row in rows) + " | s/1000 words, 1/4 -> all |")
        print("| --- |" + " ---: |" * len(rows) + " --- |")
        for stage, check in report["scaling_check"].items():
            cells = " | ".join(f"{row['stages_s'].get(stage, 0):.2f}" for row in rows)
            per = check["s_per_1000_words"]
            print(f"| {stage} | {cells} | {per[0]:.3f} -> {per[-1]:.3f} |")
        print("| total | " + " | ".join(f"{row['total_s']:.2f}" for row in rows) + " | |")
        missing = rows[-1]["missing_stages"]
        if missing:
            print(f"(not found, so not timed: {', '.join(missing)})")


def _loads(report: dict) -> str:
    loads = [v["load_before"] for v in report["runs"].values()]
    return f"{min(loads)} to {max(loads)} (on {report['machine']['nproc']} cores)"


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


if __name__ == "__main__":
    sys.exit(main())
