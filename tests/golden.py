"""Golden files for one sample chapter: shots.json, storyboard.html (whose
stylesheet is the one handed to WeasyPrint) and the page handed to
WeasyPrint with it (storyboard.print.html).

Refresh after an intended change with `make golden` (python -m tests.golden),
then read the diff before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = ROOT / "tests" / "golden"
CHAPTER = "chapters/chapter4.md"
CONFIG = "novel2board.yaml"
FILES = ("shots.json", "storyboard.html", "storyboard.print.html")


def render_golden(out: Path) -> dict[str, str]:
    """Board the golden chapter (json + html only) and return the files' text."""
    from novel2board import build
    cwd = os.getcwd()
    os.chdir(ROOT)      # paths in shots.json are as given: keep them relative
    try:
        result = build([CHAPTER], out=out, config=CONFIG, formats=("json", "html"),
                       variants=2)   # two variants keep the golden file readable
    finally:
        os.chdir(cwd)
    board = result.boards[0]
    folder = out / board.slug
    files = {name: (folder / name).read_text(encoding="utf-8") for name in FILES[:2]}
    files["storyboard.print.html"] = _print_page(board, folder)
    return files


def _print_page(board, folder: Path) -> str:
    """The page the PDF is made of, as `novel2board --format pdf` renders it."""
    from novel2board.config import load_config
    from novel2board.pipeline import DEFAULT_LAYOUT
    from novel2board.render.sheets import to_html
    config = load_config(ROOT / CONFIG)
    return to_html(board, config, config.output.layout or DEFAULT_LAYOUT,
                   config.output.paper or "a4", folder / "images", medium="print")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = render_golden(Path(tmp))
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (GOLDEN_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN_DIR / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
