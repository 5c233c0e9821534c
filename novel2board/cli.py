"""The command line: a thin layer over `novel2board.build`.

    novel2board [OPTIONS] PATH...     board chapters (the main job)
    novel2board init [DIR]            scaffold a project
    novel2board cast PATH...          propose bible entries

Exit status: 0 done; 1 a problem the user can fix, printed as one
`error: ...` line (a traceback only with -v); 2 wrong usage; 130
interrupted by Ctrl-C (143 by SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import __version__
from .errors import Novel2BoardError, printable

log = logging.getLogger("novel2board")

_LAYOUT_HELP = ("six-landscape (default): six panels on a landscape page, text under "
                "each; three-portrait: three panels down a portrait page, text and "
                "writing lines beside; twelve-thumbnails: twelve small panels, short "
                "text; worksheet: empty numbered frames to sketch on, text beneath. "
                "Frames take style.aspect_ratio; add your own presets in "
                "templates/layouts.yaml")


def _board_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="novel2board",
        description="Turn novel chapters into shot lists, AI prompts and printable "
                    "storyboards.",
        epilog="other commands: `novel2board init [DIR]` scaffolds a project; "
               "`novel2board cast PATH...` proposes character and location bible "
               "entries. Outputs go to OUT/<chapter>/: storyboard.pdf, storyboard.html, "
               "shots.json, shots.csv, prompts/<tool>.txt, <chapter>.fountain, "
               "comfyui.json and comfyui/<shot id>.json; your pictures go in "
               "OUT/<chapter>/images/.")
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path,
                        help="a chapter file (.md, .markdown, .txt) or a folder of them")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="where output folders go (default: ./out)")
    parser.add_argument("--config", type=Path, default=None,
                        help="project file (default: ./novel2board.yaml if present)")
    parser.add_argument("--format", default="pdf,html,json,csv,prompts,fountain",
                        type=_formats,
                        help="comma list of pdf,html,json,csv,prompts,fountain (default: all)")
    parser.add_argument("--layout", default=None, help=f"storyboard sheet preset: {_LAYOUT_HELP}")
    parser.add_argument("--paper", default=None, choices=["a4", "letter"],
                        help="paper size (default: a4)")
    parser.add_argument("--variants", type=_positive_int, default=None,
                        help="prompt variants per shot (default: 6)")
    parser.add_argument("-j", "--jobs", type=_positive_int, default=None,
                        help="processes to board chapters with (default: one per core)")
    parser.add_argument("--no-cache", action="store_true",
                        help="redo every chapter instead of reusing unchanged ones "
                             "from OUT/.cache/")
    _add_common(parser)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _formats(text: str) -> tuple[str, ...]:
    from .pipeline import parse_formats
    try:
        return parse_formats(text)
    except Novel2BoardError as exc:
        raise argparse.ArgumentTypeError(exc.render()) from None


def _check_layout(parser: argparse.ArgumentParser, args) -> None:
    """An unknown --layout is wrong usage (exit 2), like an unknown --paper.

    The presets come from the project's templates/ too, so this needs the
    project file; a broken one is left for build() to report properly.
    """
    if args.layout is None:
        return
    from .config import load_config
    from .render.sheets import layouts
    try:
        names = layouts(load_config(args.config))
    except Novel2BoardError:
        return
    if args.layout not in names:
        parser.error(f"argument --layout: unknown layout '{args.layout}' "
                     f"(choose from {', '.join(names)})")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="count", default=0,
                        help="no progress bar and no summary line; -qq: errors only")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more detail (-vv: debugging); -v also shows a traceback "
                             "with an error")
    parser.add_argument("--version", action="version", version=f"novel2board {__version__}")


class _LowerLevelFormatter(logging.Formatter):
    """`warning: ...`, like the `error: ...` line and like compilers print.

    Only the one line the CLI prints when it stops says `error:`; a library's
    ERROR record (WeasyPrint could not load a user's image) did not stop the
    run, so it is a warning here, named after the library.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.exc_info is None:     # a traceback (-v) keeps its lines
            text = printable(text)
        level = record.levelname.lower()
        library = record.name.split(".")[0]
        if library not in ("novel2board", "root") and record.levelno >= logging.WARNING:
            level, text = "warning", f"{library}: {text}"
        return f"{level}: {text}"


class _OncePerRun(logging.Filter):
    """The same warning once: chapters are boarded (and cached) one by one,
    so "X has no description" would otherwise repeat for every chapter."""

    def __init__(self):
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        key = (record.name, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def _setup_logging(verbose: int, quiet: int) -> None:
    if verbose:
        level = logging.INFO if verbose == 1 else logging.DEBUG
    else:
        level = logging.WARNING if quiet < 2 else logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LowerLevelFormatter("%(message)s"))
    handler.addFilter(_OncePerRun())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Python warnings from libraries go through logging, below our own.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbose else logging.ERROR)
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
    """Run the command line; every way it can end is one of the exit statuses above."""
    from_command_line = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = _wants_traceback(argv)
    restore = _sigterm_as_interrupt()
    try:
        _setup_logging(*_flag_counts(argv))     # the board command refines it
        return _dispatch(argv)
    except SystemExit as exc:
        # argparse's way out: --help, --version (0) and wrong usage (2).
        return exc.code if isinstance(exc.code, int) else 2
    except Novel2BoardError as exc:
        return _fail(exc.render(), verbose)
    except KeyboardInterrupt as exc:
        if verbose:
            traceback.print_exc()
        print("error: interrupted; boards already written are complete, the rest "
              "keep their previous version, and no temporary file is left",
              file=sys.stderr)
        status = 128 + getattr(exc, "signum", signal.SIGINT)
        if from_command_line:
            _exit_now(status)
        return status
    except ModuleNotFoundError as exc:
        if exc.name and not exc.name.startswith("novel2board"):
            return _fail(f"the Python package '{exc.name}' is not installed (run "
                         "`pip install -e .` in the novel2board folder, or `make board`, "
                         "which installs everything)", verbose)
        return _fail(f"novel2board is incomplete ({exc}); reinstall it", verbose)
    except MemoryError:
        return _fail("ran out of memory (give fewer or shorter chapters at once, or "
                     "close other programs)", verbose)
    except OSError as exc:
        if "cannot load library" in str(exc):       # WeasyPrint without Pango
            return _fail(f"the PDF needs system libraries that are missing ({exc}); "
                         "install Pango (Debian/Ubuntu: `apt install libpango-1.0-0 "
                         "libpangoft2-1.0-0`), or leave pdf out of --format", verbose)
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc} (check the path and its "
                     "permissions, and the free disk space)", verbose)
    except Exception as exc:  # noqa: BLE001 - a bug: one line, traceback with -v
        return _fail(f"novel2board failed unexpectedly ({type(exc).__name__}: {exc}); "
                     "this is a bug: run again with -v to see the traceback, and "
                     "report it with the chapter that caused it", verbose)
    finally:
        restore()


def _exit_now(status: int) -> None:
    """Exit with `status` itself, everything already cleaned up and flushed.

    Python 3.11 kills itself with SIGINT at exit (status -2 to a parent,
    not 130) when a Ctrl-C passed through any `exec` of a string on its way
    here, as one does when it lands while dataclasses are being created
    during an import; the contract says 130, so the exit is made here.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _fail(message: str, verbose: bool) -> int:
    if verbose:
        traceback.print_exc()
    print(f"error: {printable(message)}", file=sys.stderr)
    return 1


def _wants_traceback(argv: list[str]) -> bool:
    """-v anywhere before `--` (also -vv, -qv); --verbose."""
    for arg in argv:
        if arg == "--":
            break
        if arg == "--verbose" or (arg.startswith("-") and not arg.startswith("--")
                                  and len(arg) > 1 and set(arg[1:]) <= {"v", "q"}
                                  and "v" in arg):
            return True
    return False


def _flag_counts(argv: list[str]) -> tuple[int, int]:
    """(-v count, -q count) before argparse has run, for subcommands' logging."""
    flags = [a for a in argv if a.startswith("-") and not a.startswith("--")
             and len(a) > 1 and set(a[1:]) <= {"v", "q"}]
    return (sum(a.count("v") for a in flags) + argv.count("--verbose"),
            sum(a.count("q") for a in flags) + argv.count("--quiet"))


class Interrupted(KeyboardInterrupt):
    """SIGTERM, ended like Ctrl-C: outputs whole, temporary files removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _sigterm_as_interrupt():
    """Make `kill` end a run as cleanly as Ctrl-C; returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:
            # A forked worker being stopped by its pool: die quietly, as
            # SIGTERM does by default; only the parent reports.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Interrupted(signum)
    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] == "init":
        from .project import init_command
        return init_command(argv[1:])
    if argv and argv[0] == "cast":
        from .project import cast_command
        return cast_command(argv[1:])
    parser = _board_parser()
    args = parser.parse_args(argv)
    _check_layout(parser, args)
    _setup_logging(args.verbose, args.quiet)
    from .pipeline import build
    result = build(args.paths, out=args.out, config=args.config,
                   formats=args.format, layout=args.layout,
                   paper=args.paper, variants=args.variants,
                   jobs=args.jobs, cache=not args.no_cache,
                   progress=_progress(args.quiet == 0 and args.verbose == 0))
    _check_bible(args.config, result.boards)
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


def _check_bible(config_path: Path | None, boards) -> None:
    """Warn about bible entries that point nowhere: a typo costs a whole board.

    A `reference:` that is neither a URL nor a file in the project would go
    into every prompt as a broken link: a warning.  A character no boarded
    chapter mentions may be a misspelt name, or simply someone from another
    chapter: said with -v only.
    """
    from .config import load_config
    from .read.slugs import id_slug
    config = load_config(config_path)
    if config.path is None:
        return
    found = {c.id for board in boards for c in board.analysis.characters if c.mentions}
    for i, entry in enumerate(config.characters):
        where = f"{config.path}:{entry.line}" if entry.line else str(config.path)
        if id_slug(entry.name) not in found:
            log.info("%s: characters[%d] '%s' is not mentioned in any chapter boarded; "
                     "check the spelling of its name and aliases", where, i, entry.name)
        ref = entry.reference
        if ref and "://" not in ref and not (config.root / ref).is_file():
            log.warning("%s: characters[%d].reference '%s' is not a file in the project "
                        "(%s); give an image URL or a path relative to %s", where, i, ref,
                        config.root / ref, config.path.name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
