"""The library entry point: `novel2board.build(paths, ...)`.

read -> analyse -> scenes -> shots -> prompts -> render/write.  Everything
is read and checked (files, config, rules, templates) before anything is
written, so a mistake found late never leaves half a board behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from .analyse import analyse_chapter, load_nlp, parse_paragraphs
from .config import Config, load_config
from .errors import Novel2BoardError
from .model import Board, ChapterText, Source, Totals
from .prompts import PromptDrafter
from .read import find_chapter_files, read_source, split_chapters
from .read.source import check_paragraph_lengths
from .resources import load_data
from .scenes import SceneCues, split_scenes
from .shots import PlanContext, load_rules, plan_chapter

log = logging.getLogger(__name__)

FORMATS = ("pdf", "html", "json", "csv", "prompts", "fountain")
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
                  cues: SceneCues, variants: int) -> Board:
    """One chapter through every stage up to prompts; nothing written."""
    docs = parse_paragraphs(chapter, nlp)
    analysis = analyse_chapter(chapter, docs, config)
    scenes = split_scenes(chapter, analysis, cues)
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs, rules=rules,
                      settings=config.planner)
    shots, omitted = plan_chapter(ctx, scenes)
    drafter = PromptDrafter(config, analysis.characters, analysis.locations, variants)
    location_of = {s.id: s.location for s in scenes}
    prompts = {shot.id: drafter.draft(shot, location_of[shot.scene]) for shot in shots}
    totals = _totals(scenes, shots, config)
    return Board(source=source, chapter=chapter, analysis=analysis, scenes=scenes,
                 shots=shots, omitted=omitted, prompts=prompts, totals=totals,
                 warnings=tuple(source.notes) + tuple(analysis.warnings)
                 + tuple(drafter.warnings))


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
          variants: int | None = None, progress=None) -> Result:
    """Board every chapter under `paths` and write the outputs under `out`.

    Returns the boards and the files written.  Raises Novel2BoardError for
    any problem the user can fix.
    """
    from .render import write_board  # render pulls in Jinja and WeasyPrint lazily
    from .render.files import check_writable

    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    cfg = load_config(Path(config) if config else None)
    opts = Options(out=Path(out), formats=tuple(formats),
                   layout=layout or cfg.output.layout or DEFAULT_LAYOUT,
                   paper=(paper or cfg.output.paper or "a4").lower(),
                   variants=variants if variants is not None else (cfg.output.variants or 6))
    _check_options(opts, cfg)
    chapters = read_chapters(paths)
    check_writable(opts.out)    # fail now, not after minutes of parsing
    nlp = load_nlp()
    rules = load_rules(cfg.root if cfg.path else None, cfg.planner.rules, nlp)
    cues = SceneCues.from_data(load_data("scenes.yaml", cfg.root if cfg.path else None) or {})
    boards = []
    for source, chapter in (progress(chapters) if progress else chapters):
        log.info("boarding %s (%s)", chapter.slug, source.path)
        boards.append(board_chapter(source, chapter, cfg, nlp, rules, cues, opts.variants))
    # Everything is read and checked; only now is anything written.
    written: list[Path] = []
    for board in boards:
        written.extend(write_board(board, cfg, opts))
    return Result(boards=tuple(boards), written=tuple(written))


def _check_options(opts: Options, cfg: Config) -> None:
    from .render.sheets import PAPER_MM, layouts
    if opts.paper not in PAPER_MM:
        raise Novel2BoardError(f"unknown paper size '{opts.paper}'", hint="use a4 or letter")
    names = layouts(cfg)
    if opts.layout not in names:
        raise Novel2BoardError(f"unknown layout '{opts.layout}'",
                               hint=f"choose one of {', '.join(names)}")
    if opts.variants < 1:
        raise Novel2BoardError("--variants must be at least 1")
