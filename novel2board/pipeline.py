"""The library entry point: `novel2board.build(paths, ...)`.

read -> analyse -> scenes -> shots -> prompts -> render/write.  Everything
is read and checked (files, config, rules, templates) before anything is
written, so a mistake found late never leaves half a board behind.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import parallel

from .analyse import analyse_chapter, load_nlp, parse_paragraphs
from .cache import ChapterCache, ChapterResult, chapter_key, pack_outputs, run_fingerprint
from .config import FORMATS, VARIANTS_RANGE, Config, load_config
from .errors import Novel2BoardError
from .model import Board, ChapterText, Source, Totals
from .parallel import capture_logs, replay
from .prompts import PromptDrafter, undescribed_warning
from .read import find_chapter_files, read_source, split_chapters
from .read.source import check_paragraph_lengths
from .resources import load_data
from .scenes import SceneCues, split_scenes
from .shots import PlanContext, load_rules, plan_chapter, summarise_scenes
from .shots.camera import load_camera
from .templating import forget_templates

log = logging.getLogger(__name__)

DEFAULT_LAYOUT = "six-landscape"


@dataclass(frozen=True)
class Options:
    out: Path = Path("out")
    formats: tuple[str, ...] = FORMATS
    layout: str = DEFAULT_LAYOUT
    paper: str = "a4"
    variants: int = 6


@dataclass(frozen=True)
class Result:
    boards: tuple[Board, ...]
    written: tuple[Path, ...] = field(default=())


def parse_formats(text: str) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise Novel2BoardError(f"unknown format '{', '.join(unknown) or text}'",
                               hint=f"choose from {','.join(FORMATS)}")
    return wanted


def read_chapters(paths: list[Path]) -> list[tuple[Source, ChapterText]]:
    chapters = []
    for path in find_chapter_files(paths):
        source = read_source(path)
        found = split_chapters(source)
        check_paragraph_lengths(source, found)
        if not found:
            raise Novel2BoardError("has no paragraphs of prose to board", path=path,
                                   hint="check the file is the chapter's text")
        chapters.extend((source, chapter) for chapter in found)
    slugs: dict[str, Path] = {}
    for source, chapter in chapters:
        if chapter.slug in slugs and slugs[chapter.slug] != source.path:
            raise Novel2BoardError(
                f"gives the same output folder '{chapter.slug}' as {slugs[chapter.slug]}",
                path=source.path, hint="rename one of the files")
        slugs[chapter.slug] = source.path
    return chapters


def board_chapter(source: Source, chapter: ChapterText, config: Config, nlp, rules,
                  cues: SceneCues, variants: int, docs: list | None = None) -> Board:
    """One chapter through every stage up to prompts; nothing written.

    `docs`: the chapter's paragraphs already parsed (parse_paragraphs)."""
    if docs is None:
        docs = parse_paragraphs(chapter, nlp)
    analysis = analyse_chapter(chapter, docs, config)
    scenes = split_scenes(chapter, analysis, cues)
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs, rules=rules,
                      settings=config.planner, camera=load_camera(config.templates_root))
    shots, omitted = plan_chapter(ctx, scenes)
    scenes = summarise_scenes(ctx, scenes)      # told like the shots, from the parse
    drafter = PromptDrafter(config, analysis.characters, analysis.locations, variants)
    location_of = {s.id: s.location for s in scenes}
    prompts = {shot.id: drafter.draft(shot, location_of[shot.scene]) for shot in shots}
    totals = _totals(scenes, shots, config)
    return Board(source=source, chapter=chapter, analysis=analysis, scenes=scenes,
                 shots=shots, omitted=omitted, prompts=prompts, totals=totals,
                 warnings=tuple(source.notes) + tuple(analysis.warnings)
                 + tuple(drafter.warnings)
                 + ((undescribed_warning(drafter.undescribed),) if drafter.undescribed else ()),
                 undescribed=tuple(drafter.undescribed))


def _totals(scenes, shots, config: Config) -> Totals:
    per_scene = tuple((s.id, round(sum(sh.duration_s for sh in shots if sh.scene == s.id), 1))
                      for s in scenes)
    runtime = round(sum(t for _, t in per_scene), 1)
    rate = config.planner.seconds_per_day
    return Totals(runtime_s=runtime, scene_runtime_s=per_scene,
                  production_days=round(runtime / rate, 2) if rate > 0 else 0.0,
                  seconds_per_day=rate)


def build(paths, out: str | Path = "out", config: str | Path | None = None,
          formats=FORMATS, layout: str | None = None, paper: str | None = None,
          variants: int | None = None, progress=None, jobs: int | None = None,
          cache: bool = False) -> Result:
    """Board every chapter under `paths` and write the outputs under `out`.

    `jobs`: processes to use (None: one per core; 1: serial).  The outputs
    are byte-identical whatever the number.  `cache`: reuse the boards of
    chapters whose inputs did not change since the last run into the same
    `out` (see novel2board/cache.py); the command line turns it on.

    Returns the boards and the files written.  Raises Novel2BoardError for
    any problem the user can fix.
    """
    from .render.files import check_writable
    from .render.outlock import out_locked
    from .render.sheets import forget_fonts

    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    cfg = load_config(Path(config) if config else None)
    forget_templates()          # templates edited since a previous build count
    forget_fonts()              # and fonts installed since
    _warn_unknown_overrides(cfg)
    opts = Options(out=Path(out), formats=tuple(formats),
                   layout=layout or cfg.output.layout or DEFAULT_LAYOUT,
                   paper=(paper or cfg.output.paper or "a4").lower(),
                   variants=variants if variants is not None else (cfg.output.variants or 6))
    _check_options(opts, cfg)
    chapters = read_chapters(paths)
    check_writable(opts.out)    # fail now, not after minutes of parsing
    with out_locked(opts.out):  # a second run into the same folder waits
        return _build_locked(chapters, cfg, opts, cache, jobs, progress)


def _build_locked(chapters, cfg: Config, opts: Options, cache: bool, jobs,
                  progress) -> Result:
    from .render import write_board
    store = ChapterCache(opts.out if cache else None)
    results = _board_all(chapters, cfg, opts, store, jobs, progress)
    boards = [result.restore(source) for result, (source, _) in zip(results, chapters)]
    undescribed = [name for board in boards for name in board.undescribed]
    if undescribed:
        log.warning("%s", undescribed_warning(undescribed))     # once for the run
    # Everything is read, checked and rendered; only now is anything written.
    written: list[Path] = []
    for board, result in zip(boards, results):
        written.extend(write_board(board, cfg, opts, outputs=result.outputs()))
    return Result(boards=tuple(boards), written=tuple(written))


def _board_all(chapters, cfg: Config, opts: Options, store: ChapterCache, jobs,
               progress) -> list[ChapterResult]:
    """Every chapter's board and outputs, from the cache or computed, in order."""
    run = run_fingerprint(cfg, opts) if store.enabled else ""
    keys = [chapter_key(run, source, chapter, opts.out) if store.enabled else ""
            for source, chapter in chapters]
    results: list[ChapterResult | None] = [store.load(chapter.slug, key)
                                           for (_, chapter), key in zip(chapters, keys)]
    todo = [i for i, result in enumerate(results) if result is None]
    if todo:
        log.debug("%d of %d chapter(s) to board, %d from the cache", len(todo),
                  len(chapters), len(chapters) - len(todo))
    work = _chapter_worker(chapters, keys, cfg, opts, store.enabled) if todo else None
    shown = 0

    def show_ready() -> None:
        # Log lines come out in chapter order, whoever finished first.
        nonlocal shown
        while shown < len(results) and results[shown] is not None:
            replay(results[shown].log)
            shown += 1

    show_ready()
    # After _chapter_worker has loaded the model, the rules and WeasyPrint.
    with parallel.fewer_collections():
        for index, result in _run(work, todo, jobs, progress, chapters):
            if isinstance(result, _Failure):
                replay(result.log)
                raise result.error
            results[index] = result
            store.store(chapters[index][1].slug, result)
            show_ready()
    return results


class _Failure:
    """A chapter that raised a Novel2BoardError, with the log lines before it."""

    def __init__(self, error: Novel2BoardError, log_lines):
        self.error = error
        self.log = tuple(log_lines)


def _chapter_worker(chapters, keys, cfg: Config, opts: Options, cached: bool = False):
    """The function that boards and renders chapter `i`: the same in every
    process (`cached`: each result also carries its cache entry, encoded)."""
    from .render import render_board
    nlp = load_nlp()
    rules = load_rules(cfg.templates_root, cfg.planner.rules, nlp)
    cues = SceneCues.from_data(load_data("scenes.yaml", cfg.templates_root) or {})
    if "pdf" in opts.formats:
        import weasyprint  # noqa: F401 - imported once here, before any worker is forked

    def work(i: int):
        source, chapter = chapters[i]
        with capture_logs() as lines:
            try:
                log.info("boarding %s (%s)", chapter.slug, source.path)
                # Parsed once: the Fountain writer reads the same parse.
                docs = parse_paragraphs(chapter, nlp)
                board = board_chapter(source, chapter, cfg, nlp, rules, cues, opts.variants,
                                      docs=docs)
                with parallel.fixed_font_timestamps():
                    outputs = render_board(board, cfg, opts, docs=docs)
            except Novel2BoardError as exc:
                return _Failure(portable_error(exc), lines)
        result = ChapterResult(key=keys[i], board=replace(board, source=None),
                               packed=pack_outputs(outputs), log=tuple(lines))
        # The cache entry is encoded here, in the worker, in parallel; the
        # parent only signs and writes it.
        return replace(result, encoded=result.encode()) if cached else result
    return work


def _run(work, todo: list[int], jobs, progress, chapters):
    """(index, result) for every chapter in `todo`, under the progress bar."""
    workers = parallel.worker_count(jobs, len(todo))
    if workers <= 1:
        # In chapter order, in this process: no start-up cost at all.
        yield from _with_progress(_Sized(((i, work(i)) for i in todo), len(todo)), progress)
        return
    # The longest chapters first, so no worker is left with a long one at the end.
    order = sorted(todo, key=lambda i: -(chapters[i][1].end - chapters[i][1].start))
    log.debug("boarding %d chapters in %d processes", len(order), workers)
    with parallel.ProcessMap(work, order, workers) as results:
        yield from _with_progress(_Sized(results, len(order)), progress)


class _Sized:
    """An iterable that knows its length, so a progress bar need not list it first."""

    def __init__(self, items, total: int):
        self.items = items
        self.total = total

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return self.total


def _with_progress(stream: _Sized, progress):
    # A bar only when there is more than one chapter to wait for.
    if progress is None or len(stream) < 2:
        return iter(stream)
    return progress(stream)


def portable_error(exc: Novel2BoardError) -> Novel2BoardError:
    """The error as it will print, in a form that survives pickling.

    Subclasses with their own constructor (ConfigError) cannot be unpickled
    from a worker; a plain Novel2BoardError with the same text can.
    """
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return _PrintedError(exc.render())


class _PrintedError(Novel2BoardError):
    def __init__(self, text: str):
        super().__init__(text)


def _warn_unknown_overrides(cfg: Config) -> None:
    from .resources import unknown_overrides
    for path, guess in unknown_overrides(cfg.templates_root):
        if guess:       # most likely a misspelt override, silently unused
            log.warning("%s overrides no built-in template; did you mean "
                        "templates/%s? (the built-in one is used)", path, guess)
        else:           # may be the user's own partial, included by an override
            log.info("%s is not a built-in template name (used only if one of "
                     "your templates includes it)", path)


def _check_options(opts: Options, cfg: Config) -> None:
    from .render.sheets import PAPER_MM, layouts
    if opts.paper not in PAPER_MM:
        raise Novel2BoardError(f"unknown paper size '{opts.paper}'", hint="use a4 or letter")
    names = layouts(cfg)
    if opts.layout not in names:
        raise Novel2BoardError(f"unknown layout '{opts.layout}'",
                               hint=f"choose one of {', '.join(names)}")
    low, high = VARIANTS_RANGE
    if not low <= opts.variants <= high:
        raise Novel2BoardError(f"--variants is {opts.variants}; it should be between "
                               f"{low} and {high}")
