"""How storyboard rendering time grows with the number of panels.

Renders synthetic boards of N panels (no language model involved) in one
preset and reports seconds in total and per page; rendering time should
grow linearly with the page count (constant seconds per page).

    python bench/bench_sheets.py                        # 60, 150, 300, 600 panels
    python bench/bench_sheets.py --panels 100 600 --layout twelve-thumbnails
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from novel2board.config import Config, Style  # noqa: E402
from novel2board.model import (Analysis, Board, ChapterText, Character,  # noqa: E402
                               DialogueLine, Paragraph, Scene, Shot, Source, Totals)
from novel2board.render import sheets  # noqa: E402
from novel2board.resources import builtin_templates_dir  # noqa: E402

SIZES = ["EWS", "WS", "FS", "MS", "MCU", "CU", "ECU", "INSERT"]
FRAMINGS = ["single", "two-shot", "OTS", "group", "POV", "single"]
MOVES = ["static", "pan", "dolly-in", "static", "handheld", "tilt"]


def synthetic_board(panels: int, per_scene: int = 40) -> Board:
    chars = (Character("a", "Ada Wren", (), "female", 9, "a woman in a grey coat"),
             Character("b", "Bo Lind", (), "male", 7, "a man in a yellow jacket"),
             Character("c", "Cy Moss", (), "male", 3, None))
    scenes, shots = [], []
    for i in range(panels):
        k = i // per_scene + 1
        sid = f"1.{k}"
        if not scenes or scenes[-1].id != sid:
            scenes.append(Scene(sid, k, f"INT. ROOM {k} - NIGHT", "INT", None, "NIGHT",
                                ("a", "b", "c"), 0, 1, (0,), f"Scene {k}."))
        n = i % per_scene + 1
        talk = (DialogueLine(f"q{i}", "a", "\u201cWe wait for the morning, like "
                                           "everyone else on this plateau.\u201d"),) \
            if i % 3 == 0 else ()
        shots.append(Shot(f"{sid}.{n}", sid, n, SIZES[i % len(SIZES)],
                          FRAMINGS[i % len(FRAMINGS)], "eye-level", MOVES[i % len(MOVES)],
                          50, ("a", "b", "c")[: 1 + i % 3],
                          "Ada crosses the room and looks out at the dish field while "
                          "Bo checks the console.", talk, 4.0, 0, 1, "bench"))
    per = tuple((s.id, 4.0 * sum(sh.scene == s.id for sh in shots)) for s in scenes)
    total = sum(t for _, t in per)
    return Board(Source(Path("bench.md"), "x", "0"),
                 ChapterText(1, "Bench", "bench", 0, 1, (Paragraph(0, 0, 1, "x"),)),
                 Analysis(chars, (), (), (), ()), tuple(scenes), tuple(shots), (), {},
                 Totals(total, per, total / 45, 45.0))


def render(panels: int, layout: str, paper: str,
           aspect: str) -> tuple[int, float, float, float]:
    """Pages, seconds for the HTML, seconds for the PDF (wall), CPU seconds in all."""
    board = synthetic_board(panels)
    config = Config(project="Bench", style=Style(aspect_ratio=aspect))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / board.slug
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        # The page and stylesheet the PDF is made of, as `--format pdf` renders them.
        pages = sheets.storyboard_html(board, config, layout, paper, folder / "images",
                                       ("print",))
        t1 = time.perf_counter()
        pdf = sheets.to_pdf(pages.print, folder, [folder / "images", builtin_templates_dir()],
                            board, config, stylesheet=pages.stylesheet)
        t2 = time.perf_counter()
        cpu = time.process_time() - cpu0
    from io import BytesIO

    from pypdf import PdfReader
    return len(PdfReader(BytesIO(pdf)).pages), t1 - t0, t2 - t1, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", type=int, nargs="+", default=[60, 150, 300, 600])
    parser.add_argument("--layout", default="six-landscape")
    parser.add_argument("--paper", default="a4")
    parser.add_argument("--aspect", default="2.39:1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    render(12, args.layout, args.paper, args.aspect)      # warm-up: imports, fonts
    # CPU seconds are the steadier figure on a busy machine.
    print(f"{'panels':>7} {'pages':>6} {'html s':>7} {'pdf s':>7} {'s/page':>7} "
          f"{'cpu s/page':>10}")
    for n in args.panels:
        pages, html_s, pdf_s, cpu = render(n, args.layout, args.paper, args.aspect)
        print(f"{n:>7} {pages:>6} {html_s:>7.2f} {pdf_s:>7.2f} "
              f"{(html_s + pdf_s) / pages:>7.3f} {cpu / pages:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
