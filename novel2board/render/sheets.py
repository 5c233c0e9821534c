"""storyboard.html and storyboard.pdf: the same Jinja2 templates, two outputs.

Panels are chunked into one grid per page here, in Python, because one CSS
grid running over hundreds of panels makes WeasyPrint's layout time grow
far faster than the page count.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, parse_aspect_ratio
from ..errors import Novel2BoardError
from ..model import Board
from ..resources import builtin_templates_dir, load_data
from ..templating import render
from .sketch import sketch

log = logging.getLogger(__name__)

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN_MM = 9.0
HEADER_MM = 11.0
FOOTER_MM = 6.0
GAP_MM = 4.0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


def layouts(config: Config) -> dict:
    return load_data("layouts.yaml", config.root) or {}


def layout_names() -> list[str]:
    from ..resources import load_yaml_file
    return list((load_yaml_file(builtin_templates_dir() / "layouts.yaml") or {}).keys())


@dataclass(frozen=True)
class Geometry:
    page_w: float
    page_h: float
    columns: int
    rows: int
    frame_w: float
    frame_h: float
    text: str
    orientation: str
    paper: str

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


def geometry(preset: dict, paper: str, aspect: float) -> Geometry:
    w, h = PAPER_MM[paper]
    if preset.get("orientation", "landscape") == "landscape":
        w, h = h, w
    cols, rows = int(preset.get("columns", 3)), int(preset.get("rows", 2))
    content_w = w - 2 * MARGIN_MM
    content_h = h - 2 * MARGIN_MM - HEADER_MM - FOOTER_MM
    cell_w = (content_w - (cols - 1) * GAP_MM) / cols
    cell_h = (content_h - (rows - 1) * GAP_MM) / rows
    text = preset.get("text", "below")
    if text == "beside":
        frame_w = cell_w * float(preset.get("frame_share", 0.55))
        frame_h = min(frame_w / aspect, cell_h - 2)
        frame_w = frame_h * aspect
    else:
        room = cell_h - float(preset.get("min_text_mm", 30)) - 5   # 5: the id line
        frame_w = cell_w
        frame_h = frame_w / aspect
        if frame_h > room:
            frame_h = max(room, 10)
            frame_w = frame_h * aspect
    return Geometry(page_w=w, page_h=h, columns=cols, rows=rows,
                    frame_w=round(frame_w, 2), frame_h=round(frame_h, 2), text=text,
                    orientation=preset.get("orientation", "landscape"), paper=paper)


def find_images(images_dir: Path, shot_id: str) -> list[Path]:
    """The user's pictures of a shot: <id>.png, then <id>_v2.png, ... in order."""
    if not images_dir.is_dir():
        return []
    pattern = re.compile(re.escape(shot_id) + r"(?:_v(\d+))?$")
    found = []
    for path in images_dir.iterdir():
        if path.suffix.lower() in IMAGE_SUFFIXES and (m := pattern.match(path.stem)):
            found.append((int(m.group(1) or 1), path.name))
    return [images_dir / name for _, name in sorted(found)]


def _panel(board: Board, shot, images_dir: Path, aspect: float, config: Config) -> dict:
    names = {c.id: c.name for c in board.analysis.characters}
    images = find_images(images_dir, shot.id)
    svg = None
    if not images:
        svg = render(config.root, "frame.svg.j2", f"the frame of shot {shot.id}",
                     s=sketch(shot, aspect=aspect))
    return {
        "shot": shot,
        "subjects": [names.get(s, s) for s in shot.subjects],
        "dialogue": [(names.get(d.speaker, "UNKNOWN") if d.speaker else "UNKNOWN", d.text)
                     for d in shot.dialogue],
        "image": f"images/{images[0].name}" if images else None,
        "versions": len(images),
        "svg": svg,
    }


def sheet_context(board: Board, config: Config, layout: str, paper: str,
                  images_dir: Path) -> dict:
    presets = layouts(config)
    if layout not in presets:
        raise Novel2BoardError(f"unknown layout '{layout}'",
                               hint=f"choose one of {', '.join(presets)}")
    aspect = parse_aspect_ratio(config.style.aspect_ratio) or 16 / 9
    geo = geometry(presets[layout], paper, aspect)
    scenes = {s.id: s for s in board.scenes}
    pages = []
    # Scenes start on a fresh page, so a heading never sits over another
    # scene's panels; the last page of a scene may be part-full.
    for scene in board.scenes:
        panels = [_panel(board, shot, images_dir, aspect, config)
                  for shot in board.shots if shot.scene == scene.id]
        for i in range(0, max(len(panels), 1), geo.per_page):
            pages.append({"scene": scene, "panels": panels[i:i + geo.per_page],
                          "first_of_scene": i == 0})
    names = {c.id: c.name for c in board.analysis.characters}
    return dict(board=board, chapter=board.chapter, scenes=board.scenes,
                scene_by_id=scenes, pages=pages, geo=geo, layout=layout,
                preset=presets[layout], config=config, project=config.project,
                author=config.author, names=names, totals=board.totals,
                characters=board.analysis.characters,
                presence=_presence(board), css_pages=len(pages) + 1)


def _presence(board: Board) -> list[dict]:
    """Who is in which scene: the overview's presence chart."""
    rows = []
    for c in board.analysis.characters[:12]:
        rows.append({"name": c.name, "cells": [c.id in s.characters for s in board.scenes]})
    return rows


def to_html(board: Board, config: Config, layout: str, paper: str, images_dir: Path) -> str:
    context = sheet_context(board, config, layout, paper, images_dir)
    return render(config.root, "storyboard.html.j2",
                  f"the storyboard of {board.slug}", **context)


def to_pdf(html: str, base_dir: Path, allowed_roots: list[Path], board: Board,
           config: Config) -> bytes:
    from .fetch import safe_fetcher
    import weasyprint  # slow import: only when a PDF is asked for
    document = weasyprint.HTML(string=html, base_url=str(base_dir) + "/",
                               url_fetcher=safe_fetcher(allowed_roots))
    return document.write_pdf()
