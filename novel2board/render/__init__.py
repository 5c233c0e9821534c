"""Stage 6, render/write: every output of a board, rendered, then written.

All of a chapter's outputs are rendered in memory first and written after,
each atomically, so a template error never leaves a half-updated folder.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..model import Board
from ..resources import builtin_templates_dir
from .comfyui import comfyui_files
from .data import prompt_files, to_csv, to_json
from .files import write_outputs
from .fountain import to_fountain
from .sheets import storyboard_html, to_pdf


def render_board(board: Board, config: Config, opts,
                 docs: list | None = None) -> dict[str, str | bytes]:
    """Relative path -> content, for every format asked for.

    `docs`: the chapter's parsed paragraphs, when the caller still has them
    (the Fountain writer would otherwise parse the chapter again)."""
    folder = Path(opts.out) / board.slug
    outputs: dict[str, str | bytes] = {}
    if "json" in opts.formats:
        outputs["shots.json"] = to_json(board)
    if "csv" in opts.formats:
        outputs["shots.csv"] = to_csv(board)
    if "prompts" in opts.formats:
        for tool, text in prompt_files(board).items():
            outputs[f"prompts/{tool}.txt"] = text
        outputs.update(comfyui_files(board, config))    # comfyui/<shot id>.json, comfyui.json
    if "fountain" in opts.formats:
        outputs[f"{board.slug}.fountain"] = to_fountain(board, config.author,
                                                        config.templates_root, docs=docs)
    if "html" in opts.formats or "pdf" in opts.formats:
        media = tuple(medium for medium, fmt in (("screen", "html"), ("print", "pdf"))
                      if fmt in opts.formats)
        pages = storyboard_html(board, config, opts.layout, opts.paper, folder / "images",
                                media)
        if pages.screen is not None:
            outputs["storyboard.html"] = pages.screen
        if pages.print is not None:
            roots = [folder / "images", builtin_templates_dir()]
            if config.path:
                roots.append(config.root / "templates")
            outputs["storyboard.pdf"] = to_pdf(pages.print, folder, roots, board, config,
                                               stylesheet=pages.stylesheet)
    return outputs


def write_board(board: Board, config: Config, opts,
                outputs: dict[str, str | bytes] | None = None) -> list[Path]:
    """`outputs`: render_board's result when already rendered (by a worker
    process or taken from the cache)."""
    if outputs is None:
        outputs = render_board(board, config, opts)
    folder = Path(opts.out) / board.slug
    return write_outputs(folder, outputs)
