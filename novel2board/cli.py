"""The command line: a thin layer over `novel2board.build`.

    novel2board [OPTIONS] PATH...     board chapters (the main job)
    novel2board init [DIR]            scaffold a project
    novel2board cast PATH...          propose bible entries

Exit status: 0 done; 1 a problem the user can fix, printed as one
`error: ...` line; 2 wrong usage; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import Novel2BoardError

log = logging.getLogger("novel2board")

_LAYOUT_HELP = ("six-landscape (default): six panels, text under each; "
                "three-portrait: three panels down a portrait page, writing lines "
                "beside; twelve-thumbnails: twelve small panels; worksheet: empty "
                "numbered frames to sketch on")


def _board_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="novel2board",
        description="Turn novel chapters into shot lists, AI prompts and printable "
                    "storyboards.",
        epilog="other commands: `novel2board init [DIR]` scaffolds a project; "
               "`novel2board cast PATH...` proposes character and location bible "
               "entries. Outputs go to OUT/<chapter>/: storyboard.pdf, storyboard.html, "
               "shots.json, shots.csv, prompts/<tool>.txt, <chapter>.fountain.")
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path,
                        help="a chapter file (.md, .markdown, .txt) or a folder of them")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="where output folders go (default: ./out)")
    parser.add_argument("--config", type=Path, default=None,
                        help="project file (default: ./novel2board.yaml if present)")
    parser.add_argument("--format", default="pdf,html,json,csv,prompts,fountain",
                        help="comma list of pdf,html,json,csv,prompts,fountain (default: all)")
    parser.add_argument("--layout", default=None, help=f"storyboard sheet preset: {_LAYOUT_HELP}")
    parser.add_argument("--paper", default=None, choices=["a4", "letter"],
                        help="paper size (default: a4)")
    parser.add_argument("--variants", type=int, default=None,
                        help="prompt variants per shot (default: 6)")
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="processes to board chapters with (default: one per core)")
    parser.add_argument("--no-cache", action="store_true",
                        help="redo every chapter instead of reusing unchanged ones "
                             "from OUT/.cache/")
    _add_common(parser)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="count", default=0,
                        help="only errors (no progress, no warnings with -qq)")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more detail; -v also shows tracebacks")
    parser.add_argument("--version", action="version", version=f"novel2board {__version__}")


def _setup_logging(verbose: int, quiet: int) -> None:
    level = logging.INFO if verbose == 1 else logging.DEBUG if verbose > 1 else \
        logging.WARNING if quiet == 0 else logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"
                                           if verbose else "%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Third-party chatter (fontTools, WeasyPrint's CSS warnings) stays below ours.
    for noisy in ("fontTools", "weasyprint", "PIL"):
        logging.getLogger(noisy).setLevel(logging.ERROR if verbose < 2 else logging.INFO)


def _progress(enabled: bool):
    """A progress bar over chapters, only on a terminal and without -q.

    The pipeline hands it an iterable with a length (the chapters still to
    board, finishing in any order), so the bar starts at once instead of
    after the last chapter."""
    if not enabled or not sys.stderr.isatty():
        return None

    def wrap(items):
        from rich.progress import Progress
        total = len(items) if hasattr(items, "__len__") else None
        if total is None:
            items = list(items)
            total = len(items)
        with Progress(transient=True) as progress:
            task = progress.add_task("boarding", total=total)
            for item in items:
                yield item
                progress.advance(task)
    return wrap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = sum(a.count("v") for a in argv if a.startswith("-") and not a.startswith("--")
                  and set(a[1:]) <= {"v", "q"}) + argv.count("--verbose")
    try:
        return _dispatch(argv)
    except Novel2BoardError as exc:
        if verbose:
            log.debug("traceback", exc_info=True)
        print(f"error: {exc.render()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; finished outputs are whole, none half-written",
              file=sys.stderr)
        return 130


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] == "init":
        from .project import init_command
        return init_command(argv[1:])
    if argv and argv[0] == "cast":
        from .project import cast_command
        return cast_command(argv[1:])
    args = _board_parser().parse_args(argv)
    _setup_logging(args.verbose, args.quiet)
    from .pipeline import build, parse_formats
    result = build(args.paths, out=args.out, config=args.config,
                   formats=parse_formats(args.format), layout=args.layout,
                   paper=args.paper, variants=args.variants,
                   jobs=args.jobs, cache=not args.no_cache,
                   progress=_progress(args.quiet == 0 and args.verbose == 0))
    for board in result.boards:
        t = board.totals
        log.info("%s: %d scenes, %d shots, %.0f s", board.slug, len(board.scenes),
                 len(board.shots), t.runtime_s if t else 0)
    if not args.quiet:
        total = sum(b.totals.runtime_s for b in result.boards if b.totals)
        print(f"boarded {len(result.boards)} chapter(s), "
              f"{sum(len(b.shots) for b in result.boards)} shots, "
              f"{total / 60:.1f} min of screen time, into {args.out}/", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
