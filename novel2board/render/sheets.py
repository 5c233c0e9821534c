"""storyboard.html and storyboard.pdf: the same Jinja2 templates, two outputs.

The pages are planned here, in Python, not left to the CSS engine:

* Time.  One CSS grid running over hundreds of panels makes WeasyPrint's
  layout time grow far faster than the page count (600 panels: 154 s as one
  grid, 5 s as one block per page).  Every page here is its own block of
  rows, so rendering time grows with the number of pages.
* Text is never lost.  Each panel's text height is estimated from its
  length (DejaVu Sans, measured: about 0.55 em a character; 0.58 is used so
  the estimate errs long).  A row is as tall as its tallest panel needs; a
  page takes as many rows as fit, so a page of long speeches holds fewer
  panels instead of clipping them.  A row too tall for a whole page is set
  in smaller type.  Nothing has `overflow: hidden` around text: should an
  estimate still fall short, the row grows and the page flows on.
* Scenes flow: a scene starts with a heading band on the page where the
  last one ended when its heading and first row still fit, else on a new
  page; every page that starts inside a scene repeats the heading as
  "(continued)".
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from ..config import Config, parse_aspect_ratio
from ..errors import Novel2BoardError
from ..model import Board, Scene, Shot
from ..resources import builtin_templates_dir, load_data, read_regular
from ..templating import css_string, render
from .sketch import sketch

log = logging.getLogger(__name__)

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN_MM = 9.0           # @page margin top, left and right (storyboard.css.j2)
BOTTOM_MM = 12.0          # @page margin bottom: the footer lives in it
GAP_MM = 4.0              # between panels, across and down
BAND_MM = 11.0            # a scene's heading band (heading + one meta line)
CONT_BAND_MM = 7.0        # the "(continued)" line at the top of a page
CONT_META_MM = 62.0       # of its width, kept for "Scene 1.2 · shots 7-12 of 40"
SLACK_MM = 4.0            # kept free on every page against estimation error
CHAR_EM = 0.58            # average advance of a character, in em (see above)
LINE_HEIGHT = 1.28
PT_MM = 0.3528
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
PICKS_FILE = "picks.txt"
MAX_PICKS_BYTES = 1024 * 1024      # a line per shot: a megabyte is thousands of shots
PDF_IMAGE_DPI = 250       # user pictures are downsampled to this in the PDF


def layouts(config: Config) -> dict:
    return load_data("layouts.yaml", config.templates_root) or {}


def layout_names() -> list[str]:
    from ..resources import load_yaml_file
    return list((load_yaml_file(builtin_templates_dir() / "layouts.yaml") or {}).keys())


# ---------------------------------------------------------------- geometry
@dataclass(frozen=True)
class Geometry:
    """Page and frame sizes of one preset, paper and aspect ratio, in mm."""

    page_w: float
    page_h: float
    content_w: float
    content_h: float
    columns: int
    rows: int
    cell_w: float
    frame_w: float
    frame_h: float
    text: str                 # below, beside, brief or none
    side: bool                # text beside the frame (a "beside" preset, or tall frames)
    text_w: float             # width the panel text wraps in
    font_pt: float
    notes_mm: float           # least room for handwritten notes in a panel
    description_chars: int | None   # a thumbnail's description is shortened to this
    orientation: str
    paper: str

    @property
    def cont_meta_mm(self) -> float:
        return CONT_META_MM

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def nominal_row_mm(self) -> float:
        """A row's height when a page holds one heading and `rows` rows."""
        room = self.content_h - BAND_MM - SLACK_MM - (self.rows - 1) * GAP_MM
        return room / self.rows


def geometry(preset: dict, paper: str, aspect: float) -> Geometry:
    w, h = PAPER_MM[paper]
    orientation = preset.get("orientation", "landscape")
    if orientation == "landscape":
        w, h = h, w
    cols, rows = int(preset.get("columns", 3)), int(preset.get("rows", 2))
    content_w = w - 2 * MARGIN_MM
    content_h = h - MARGIN_MM - BOTTOM_MM
    cell_w = (content_w - (cols - 1) * GAP_MM) / cols
    row_h = (content_h - BAND_MM - SLACK_MM - (rows - 1) * GAP_MM) / rows
    text = preset.get("text", "below")
    min_text = float(preset.get("min_text_mm", 30))
    side = text == "beside"
    if side:
        frame_w, frame_h = _fit(cell_w * float(preset.get("frame_share", 0.55)),
                                row_h, aspect)
    else:
        frame_w, frame_h = _fit(cell_w, row_h - min_text, aspect)
        if frame_w < cell_w * 0.6 and text in ("below", "none"):
            # A tall frame (9:16, 1:1 on a wide cell) leaves half the cell
            # empty beside it: put the text there instead.
            side = True
            frame_w, frame_h = _fit(cell_w * 0.46, row_h, aspect)
    text_w = cell_w - frame_w - 3.0 if side else cell_w
    return Geometry(page_w=w, page_h=h, content_w=content_w, content_h=content_h,
                    columns=cols, rows=rows, cell_w=round(cell_w, 2),
                    frame_w=round(frame_w, 2), frame_h=round(frame_h, 2), text=text,
                    side=side, text_w=round(text_w - 1.0, 2),
                    font_pt=float(preset.get("font_pt", 7.5)),
                    notes_mm=float(preset.get("notes_mm", 0)),
                    description_chars=preset.get("description_chars"),
                    orientation=orientation, paper=paper)


def _fit(max_w: float, max_h: float, aspect: float) -> tuple[float, float]:
    """The largest frame of `aspect` inside max_w x max_h."""
    frame_w, frame_h = max_w, max_w / aspect
    if frame_h > max_h:
        frame_h = max(max_h, 12.0)
        frame_w = frame_h * aspect
    return frame_w, frame_h


# ----------------------------------------------------------------- pictures
@dataclass(frozen=True)
class Picture:
    """The user's image shown for a shot, and how many versions exist."""

    url: str            # relative to out/<slug>/, URL-quoted
    version: int
    versions: int
    picked: bool


_VERSION = re.compile(r"^(?P<id>.+?)(?:_v(?P<v>\d+))?$")
_PICK_LINE = re.compile(r"^(?P<id>\S+?)\s*[:=\s]\s*v?(?P<v>\d+)$", re.IGNORECASE)


def index_images(images_dir: Path) -> dict[str, dict[int, str]]:
    """shot id -> version -> file name, from one listing of images/.

    `<id>.png` (or .jpg, .jpeg, .webp) is version 1, `<id>_v2.png` version 2,
    and so on; `<id>_v1.png` is version 1 as well.  When one version exists
    in two formats, the first suffix in IMAGE_SUFFIXES wins.
    """
    found: dict[str, dict[int, str]] = {}
    if not images_dir.is_dir():
        return found
    files = sorted((p for p in images_dir.iterdir()
                    if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
                   key=lambda p: (IMAGE_SUFFIXES.index(p.suffix.lower()), p.name))
    for path in files:
        m = _VERSION.match(path.stem)
        version = int(m.group("v") or 1)
        found.setdefault(m.group("id"), {}).setdefault(version, path.name)
    return found


def read_picks(images_dir: Path, known: set[str]) -> dict[str, int]:
    """images/picks.txt: one `<shot id> <version>` a line ("1.2.4 3", "1.2.4: v3").

    A line that cannot be read, or names an unknown shot, is reported and
    skipped: a typo in the picks must not stop a board.
    """
    path = images_dir / PICKS_FILE
    if not path.is_file():
        return {}
    try:
        data = read_regular(path, MAX_PICKS_BYTES)
    except OSError as exc:
        log.warning("%s: cannot be read (%s); no picks used", path, exc)
        return {}
    picks: dict[str, int] = {}
    for number, raw_bytes in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), 1):
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            # A line saved in another encoding (a cp1252 "é" in a comment):
            # its shot id and version are ASCII all the same.
            raw = raw_bytes.decode("latin-1")
            log.warning("%s:%d: not UTF-8; read as Latin-1", path, number)
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _PICK_LINE.match(line)
        if not m:
            log.warning("%s:%d: cannot read %r; write a shot id and a version, "
                        "e.g. `1.2.4 3`", path, number, raw.strip())
            continue
        if m.group("id") not in known:
            log.warning("%s:%d: no shot %s in this chapter", path, number, m.group("id"))
            continue
        picks[m.group("id")] = int(m.group("v"))
    return picks


def picture(shot_id: str, versions: dict[int, str], pick: int | None,
            where: Path) -> Picture | None:
    """The picked version, else version 1, else the lowest there is."""
    if not versions:
        if pick is not None:
            log.warning("%s: shot %s is picked but has no image in %s", where / PICKS_FILE,
                        shot_id, where)
        return None
    if pick is not None and pick not in versions:
        log.warning("%s: shot %s has no version %d; showing version %d", where / PICKS_FILE,
                    shot_id, pick, min(versions))
        pick = None
    version = pick if pick is not None else (1 if 1 in versions else min(versions))
    return Picture(url="images/" + quote(versions[version]), version=version,
                   versions=len(versions), picked=pick is not None)


# ------------------------------------------------------------------- panels
@dataclass(frozen=True)
class Panel:
    shot: Shot
    number: int                       # 1-based within its scene
    tech: str                         # framing · angle · movement · lens (size apart)
    description: str
    dialogue: tuple[tuple[str, str], ...]   # (speaker name, line as shown)
    flags: str
    picture: Picture | None
    sketch: int | None                # index into the sheet's sketches (see frame_sketches)
    text_mm: float = 0.0              # estimated height of the text block
    scale: float = 1.0                # type scale; < 1 when a row had to shrink
    # What the prose says here that the camera cannot show, and the
    # narrator's voice-over: small type under the shot, for the artist.
    unseen: str = ""


def _lines(text: str, width_mm: float, font_pt: float) -> int:
    per_line = max(8, int(width_mm / (font_pt * PT_MM * CHAR_EM)))
    return max(1, math.ceil(len(text) / per_line))


def text_height_mm(panel: Panel, geo: Geometry, scale: float = 1.0) -> float:
    """Estimated height of a panel's text block at `scale` times the preset's type."""
    pt = geo.font_pt * scale
    line_mm = pt * PT_MM * LINE_HEIGHT
    small = 0.9      # the tech and flags lines are set a little smaller
    lines = _lines(f"{panel.shot.size} {panel.tech}", geo.text_w, pt * small) * small
    lines += _lines(panel.description, geo.text_w, pt) if panel.description else 0
    lines += sum(_lines(f"{who}: {said}", geo.text_w, pt) for who, said in panel.dialogue)
    lines += _lines(panel.flags, geo.text_w, pt * small) * small if panel.flags else 0
    lines += _lines(panel.unseen, geo.text_w, pt * small) * small if panel.unseen else 0
    paragraphs = 1 + bool(panel.description) + len(panel.dialogue) + bool(panel.flags) \
        + bool(panel.unseen)
    return lines * line_mm + paragraphs * 0.6 + 1.5


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _shorten(text: str, limit: int | None) -> str:
    """Whole sentences within `limit` characters (a small layout's room);
    the first sentence is kept whole even when longer: never a cut
    mid-thought, never "..."."""
    if not limit or len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if kept and len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept


def _unseen(shot: Shot, limit: int | None) -> str:
    vo = [f"V.O.: {line}" for line in shot.vo]
    return _shorten(" ".join([*shot.subtext, *vo]), limit)


def svg_data_url(svg: str) -> str:
    """An SVG as a data: URL, percent-encoded (shorter than base64, and
    still readable in the HTML)."""
    return "data:image/svg+xml," + quote(svg, safe=" =/:,.-()")


class FrameSketches:
    """The distinct drawn frames of one sheet, each rendered once.

    Most shots of a chapter share their sketch with others (the sketch
    depends only on size, framing, angle, movement and screen sides), and
    WeasyPrint parses an image once per distinct URL: the sheets name each
    sketch by a class whose background is the SVG as a data: URL, so a
    chapter of 200 frames parses a few dozen SVGs, and none of them enters
    the HTML tree WeasyPrint styles and lays out.
    """

    def __init__(self, config: Config, aspect: float):
        self._config = config
        self._aspect = aspect
        self._index: dict[object, int] = {}
        self.urls: list[str] = []

    def index_of(self, shot: Shot) -> int:
        drawn = sketch(shot, aspect=self._aspect)
        if drawn not in self._index:
            svg = render(self._config.templates_root, "frame.svg.j2",
                         f"the frame of shot {shot.id}", s=drawn)
            self._index[drawn] = len(self.urls)
            self.urls.append(svg_data_url(svg))
        return self._index[drawn]


def make_panel(board: Board, shot: Shot, number: int, geo: Geometry,
               picture_: Picture | None, sketches: FrameSketches) -> Panel:
    names = {c.id: c.name for c in board.analysis.characters}
    tech = " · ".join([shot.framing, shot.angle, shot.movement, f"{shot.lens_mm} mm"])
    drawn = sketches.index_of(shot) if picture_ is None and geo.text != "none" else None
    panel = Panel(shot=shot, number=number, tech=tech,
                  description=_shorten(shot.description, geo.description_chars),
                  # As shown: "You're late, Juno." for "You're late, Juno,";
                  # the second piece of a line a tag broke is in the first.
                  dialogue=tuple((names.get(d.speaker, d.speaker) if d.speaker else "Unattributed",
                                  d.shown) for d in shot.dialogue if d.shown),
                  flags=", ".join(shot.flags), picture=picture_, sketch=drawn,
                  unseen=_unseen(shot, geo.description_chars))
    return replace(panel, text_mm=round(text_height_mm(panel, geo), 2))


# -------------------------------------------------------------------- pages
@dataclass(frozen=True)
class Row:
    scene: Scene
    panels: tuple[Panel, ...]
    height_mm: float

    kind: str = "row"


@dataclass(frozen=True)
class Band:
    """A scene's heading: `continued` on a page that starts inside the scene."""

    scene: Scene
    continued: bool
    shots: int
    seconds: float
    cast: str
    first: int = 1            # the first and last shot numbers on this page
    last: int = 1
    heading_pt: float = 10.5  # smaller for a slugline too long for one line

    kind: str = "band"


def heading_size(heading: str, width_mm: float, largest: float, bold: bool = True) -> float:
    """The type size at which a slugline fits on one line of the band (the
    band's height is fixed by the page plan, so it cannot wrap)."""
    em = 0.72 if bold else CHAR_EM          # bold capitals: measured 0.68 em a character
    fits = width_mm / (max(len(heading), 1) * em * PT_MM)
    return round(max(5.5, min(largest, fits)), 2)


@dataclass
class Page:
    blocks: list = field(default_factory=list)
    used_mm: float = 0.0


def row_height(panels: list[Panel], geo: Geometry) -> float:
    """What a row needs: frame and text (below or beside) and room for notes."""
    text = max(p.text_mm for p in panels)
    if geo.side:
        return max(geo.frame_h, text + geo.notes_mm)
    return geo.frame_h + text + geo.notes_mm


def _fit_row(panels: list[Panel], geo: Geometry) -> tuple[list[Panel], float]:
    """The row's panels, in smaller type if the row would not fit on a page."""
    room = geo.content_h - BAND_MM - CONT_BAND_MM - SLACK_MM
    need = row_height(panels, geo)
    for scale in (0.88, 0.78, 0.7):
        if need <= room:
            break
        panels = [replace(p, scale=scale, text_mm=round(text_height_mm(p, geo, scale), 2))
                  for p in panels]
        need = row_height(panels, geo)
    if need > room:
        log.warning("shot %s has more text than a page holds; its row runs onto the "
                    "next page", panels[0].shot.id)
    return panels, need


def plan_pages(board: Board, panels_by_scene: dict[str, list[Panel]],
               geo: Geometry) -> list[Page]:
    """Pack scene bands and rows of panels onto pages (see the module notes)."""
    totals = dict(board.totals.scene_runtime_s) if board.totals else {}
    names = {c.id: c.name for c in board.analysis.characters}
    limit = geo.content_h - SLACK_MM
    pages: list[Page] = [Page()]

    def band(scene, continued, panels):
        # A continued band shares its line with "Scene 1.2 · shots 7-12 of 40".
        width = geo.content_w - (geo.cont_meta_mm if continued else 0)
        text = scene.heading + (" (continued)" if continued else "")
        return Band(scene=scene, continued=continued, shots=len(panels),
                    seconds=totals.get(scene.id, 0.0),
                    cast=", ".join(names.get(c, c) for c in scene.characters),
                    heading_pt=heading_size(text, width, 8.0 if continued else 10.5))

    for scene in board.scenes:
        panels = panels_by_scene.get(scene.id, [])
        rows = [_fit_row(panels[i:i + geo.columns], geo)
                for i in range(0, len(panels), geo.columns)] or [([], 0.0)]
        for index, (row_panels, need) in enumerate(rows):
            page = pages[-1]
            heading = BAND_MM if index == 0 else 0.0
            # A gap above every row or band that follows a row on the page.
            gap = GAP_MM if page.blocks and page.blocks[-1].kind == "row" else 0.0
            full = sum(b.kind == "row" for b in page.blocks) >= geo.rows
            if page.blocks and (full or page.used_mm + gap + heading + need > limit + 0.1):
                page = Page()
                pages.append(page)
                gap = 0.0
            if index == 0:
                page.blocks.append(band(scene, False, panels))
                page.used_mm += gap + BAND_MM
                gap = 0.0
            elif not page.blocks:
                page.blocks.append(band(scene, True, panels))
                page.used_mm += CONT_BAND_MM
            page.blocks.append(Row(scene=scene, panels=tuple(row_panels),
                                   height_mm=round(need, 2)))
            page.used_mm += gap + need
    for page in pages:
        _spread(page, geo, limit)
    _number_bands(pages)
    return pages


def _spread(page: Page, geo: Geometry, limit: float) -> None:
    """Give the page's spare height to its rows (more writing lines), each
    up to the preset's nominal row height, so full pages look even."""
    spare = limit - page.used_mm
    for i, block in enumerate(page.blocks):
        if block.kind != "row" or spare <= 0 or not block.panels:
            continue
        extra = min(spare, max(0.0, geo.nominal_row_mm - block.height_mm))
        page.blocks[i] = replace(block, height_mm=round(block.height_mm + extra, 2))
        spare -= extra
        page.used_mm += extra


def _number_bands(pages: list[Page]) -> None:
    """Each band says which of its scene's shots follow it on that page."""
    for page in pages:
        for i, block in enumerate(page.blocks):
            if block.kind != "band":
                continue
            numbers = []
            for later in page.blocks[i + 1:]:
                if later.kind == "band":
                    break
                numbers.extend(p.number for p in later.panels)
            if numbers:
                page.blocks[i] = replace(block, first=min(numbers), last=max(numbers))


# ----------------------------------------------------------------- overview
def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


# Ways to say less on the overview, tried in order until the page fits:
# (summary characters, cast description characters, cast rows, type size).
_OVERVIEW_DETAIL = ((150, 170, 12, 7.5), (110, 120, 10, 7.5), (80, 90, 10, 7.0),
                    (60, 70, 8, 6.5), (0, 50, 8, 6.5), (0, 0, 6, 6.0))
_OVERVIEW_FIXED_MM = 62.0       # title, figures, the strip and its heading


def overview(board: Board, geo: Geometry) -> dict:
    """The first page's figures: scenes, cast, totals, presence and strips.

    The page must stay one page: with many scenes or a large cast the
    summaries and descriptions get shorter (full text in shots.json and on
    the sheets), the cast list ends in "also: ..." and the type gets smaller.
    """
    totals = dict(board.totals.scene_runtime_s) if board.totals else {}
    runtime = board.totals.runtime_s if board.totals else sum(s.duration_s for s in board.shots)
    shots_in = {s.id: [sh for sh in board.shots if sh.scene == s.id] for s in board.scenes}
    on_screen: dict[str, int] = {}
    for shot in board.shots:
        for cid in shot.subjects:
            on_screen[cid] = on_screen.get(cid, 0) + 1
    present = [c for c in board.analysis.characters
               if on_screen.get(c.id) or any(c.id in s.characters for s in board.scenes)]
    present.sort(key=lambda c: (-on_screen.get(c.id, 0), -c.mentions, c.name))
    portrait = geo.orientation == "portrait"
    column_w = geo.content_w if portrait else (geo.content_w - 6) / 2
    for summary_chars, desc_chars, max_cast, font_pt in _OVERVIEW_DETAIL:
        cast = [dict(name=c.name, id=c.id, shots=on_screen.get(c.id, 0),
                     description=_shorten(c.description or "", desc_chars) if desc_chars
                     else "")
                for c in present[:max_cast]]
        scenes = [dict(scene=s, shots=len(shots_in[s.id]), seconds=totals.get(s.id, 0.0),
                       clock=_clock(totals.get(s.id, 0.0)),
                       summary=_shorten(s.summary, summary_chars) if summary_chars else "")
                  for s in board.scenes]
        presence = presence_chart(board, cast, shots_in, column_w)
        if _overview_height(scenes, cast, presence, column_w, font_pt, portrait,
                            bool(present[max_cast:])) <= geo.content_h - SLACK_MM:
            break
    return dict(
        scenes=scenes, cast=cast, more_cast=[c.name for c in present[max_cast:]],
        font_pt=font_pt, compact=font_pt < 7.5, runtime=_clock(runtime), runtime_s=runtime,
        days=board.totals.production_days if board.totals else 0.0,
        per_day=board.totals.seconds_per_day if board.totals else 0.0,
        average_shot=runtime / len(board.shots) if board.shots else 0.0,
        presence=presence, strip=scene_strip(board, totals, runtime, geo.content_w))


def _overview_height(scenes, cast, presence, column_w, font_pt, portrait, more) -> float:
    """Estimated height of the overview page, mm (errs long, like text_height_mm)."""
    line = font_pt * PT_MM * LINE_HEIGHT
    row_pad = 1.6
    heading_w = column_w - 28          # the scene table's wide column
    desc_w = column_w - 42             # the cast table's description column
    scenes_h = 10 + line + row_pad + sum(
        (_lines(r["scene"].heading, heading_w, font_pt) +
         (_lines(r["summary"], heading_w, font_pt) if r["summary"] else 0)) * line + row_pad
        for r in scenes)
    presence_h = (8 + presence["height"]) if presence["rows"] else 0.0
    cast_h = 10 + sum(max(_lines(c["name"], 24, font_pt),
                          _lines(c["description"], desc_w, font_pt)) * line + row_pad
                      for c in cast) + (2 * line if more else 0)
    if portrait:
        return _OVERVIEW_FIXED_MM + scenes_h + presence_h + cast_h
    return _OVERVIEW_FIXED_MM + max(scenes_h + presence_h, cast_h)


def presence_chart(board: Board, cast: list[dict], shots_in: dict, width_mm: float) -> dict:
    """Who is in which scene, shaded by the share of the scene's shots they are in.

    Units are millimetres: the SVG is drawn at its printed size.
    """
    label_w = 32.0
    n = max(len(board.scenes), 1)
    cell = max(1.5, min(5.0, (width_mm - label_w) / n))
    rows = []
    for c in cast:
        cells = []
        for s in board.scenes:
            shots = shots_in[s.id]
            share = sum(c["id"] in sh.subjects for sh in shots) / len(shots) if shots else 0.0
            cells.append({"in_scene": c["id"] in s.characters or share > 0,
                          "share": round(share, 3)})
        rows.append({"name": c["name"], "cells": cells})
    step = max(1, math.ceil(4.0 / cell))        # label every scene, or every few
    return dict(rows=rows, label_w=label_w, cell=round(cell, 3), head=4.0,
                width=round(label_w + cell * n, 2), height=round(4.0 + cell * len(rows), 2),
                numbers=[(s.number if i % step == 0 else None)
                         for i, s in enumerate(board.scenes)])


_CLOSENESS = {"EWS": 1, "WS": 2, "FS": 3, "MS": 4, "MCU": 5, "CU": 6, "ECU": 7, "INSERT": 6}


def scene_strip(board: Board, totals: dict, runtime: float, width_mm: float) -> dict:
    """Scene lengths along the running time, each shot's size beneath (the rhythm).

    Units are millimetres; a scene's label shows only where it fits.
    """
    scale = width_mm / runtime if runtime else 0.0
    scenes, x = [], 0.0
    for s in board.scenes:
        w = totals.get(s.id, 0.0) * scale
        clock = _clock(totals.get(s.id, 0.0))
        label = f"{s.id} · {clock}" if w > 6 + 1.45 * len(f"{s.id} · {clock}") else \
            s.id if w > 2 + 1.45 * len(s.id) else ""
        scenes.append({"x": round(x, 2), "w": round(w, 2), "label": label})
        x += w
    shots, x = [], 0.0
    for sh in board.shots:
        w = sh.duration_s * scale
        shots.append({"x": round(x, 2), "w": round(max(w, 0.15), 2),
                      "h": round(_CLOSENESS.get(sh.size, 4) * 1.05, 2)})
        x += w
    minutes = int(runtime // 60) if runtime else 0
    step = next((k for k in (1, 2, 5, 10, 15, 30, 60) if k * 60 * scale >= 9), 60)
    ticks = [{"x": round(m * 60 * scale, 2), "label": f"{m} min" if m else "0"}
             for m in range(0, minutes + 1, step)]
    return dict(width=round(width_mm, 2), scenes=scenes, shots=shots, ticks=ticks)


# ------------------------------------------------------------------ context
def sheet_context(board: Board, config: Config, layout: str, paper: str,
                  images_dir: Path) -> dict:
    presets = layouts(config)
    if layout not in presets:
        raise Novel2BoardError(f"unknown layout '{layout}'",
                               hint=f"choose one of {', '.join(presets)}")
    aspect = parse_aspect_ratio(config.style.aspect_ratio) or 16 / 9
    geo = geometry(presets[layout], paper, aspect)
    images = index_images(images_dir)
    picks = read_picks(images_dir, {s.id for s in board.shots})
    panels_by_scene: dict[str, list[Panel]] = {}
    sketches = FrameSketches(config, aspect)
    for shot in board.shots:
        mine = panels_by_scene.setdefault(shot.scene, [])
        pic = picture(shot.id, images.get(shot.id, {}), picks.get(shot.id), images_dir)
        mine.append(make_panel(board, shot, len(mine) + 1, geo, pic, sketches))
    pages = plan_pages(board, panels_by_scene, geo)
    title = f"Chapter {board.chapter.number}: {board.chapter.title}"
    return dict(board=board, chapter=board.chapter, scenes=board.scenes, pages=pages,
                geo=geo, layout=layout, preset=presets[layout], project=config.project,
                author=config.author, totals=board.totals, sketches=sketches.urls, overview=overview(board, geo),
                doc_title=f"{config.project} — {title}" if config.project else title,
                footer_css=css_string(" ".join((f"{config.project} · {title}" if config.project
                                                else title).split())),
                aspect=config.style.aspect_ratio, pictures=sum(
                    1 for ps in panels_by_scene.values() for p in ps if p.picture))


@dataclass(frozen=True)
class SheetsHtml:
    """The storyboard as HTML, for the media asked for.

    `screen` is storyboard.html: self-contained, its stylesheet inside, an
    anchor per shot.  `print` is what WeasyPrint makes the PDF of: the same
    page without the stylesheet, which is `stylesheet`, handed to WeasyPrint
    beside it (identical for every chapter of a run, so parsed once), and
    without the per-shot anchors (nothing links into a PDF's shots, and a
    novel's thousands of them cost ~4% of its PDF time)."""

    screen: str | None
    print: str | None
    stylesheet: str | None


def storyboard_html(board: Board, config: Config, layout: str, paper: str,
                    images_dir: Path, media=("screen",)) -> SheetsHtml:
    context = sheet_context(board, config, layout, paper, images_dir)
    what = f"the storyboard of {board.slug}"

    def page(medium: str) -> str | None:
        if medium not in media:
            return None
        return render(config.templates_root, "storyboard.html.j2", what, medium=medium,
                      **context)

    stylesheet = render(config.templates_root, "storyboard.css.j2", what, **context) \
        if "print" in media else None
    return SheetsHtml(screen=page("screen"), print=page("print"), stylesheet=stylesheet)


def to_html(board: Board, config: Config, layout: str, paper: str, images_dir: Path,
            medium: str = "screen") -> str:
    """storyboard.html ("screen"), or the page WeasyPrint gets ("print", to
    go with `storyboard_html(...).stylesheet`)."""
    sheets = storyboard_html(board, config, layout, paper, images_dir, (medium,))
    return sheets.screen if medium == "screen" else sheets.print


# WeasyPrint's font configuration (the fonts found, Pango's caches), made
# once per process and build instead of once per chapter: about 5% of the
# PDF time.  The PDF bytes do not depend on what was rendered before (tested
# in tests/test_parallel.py: serial and parallel runs give the same bytes).
_FONT_CONFIG: dict[int, object] = {}


def _font_config():
    from weasyprint.text.fonts import FontConfiguration
    pid = os.getpid()          # a forked worker makes its own
    if pid not in _FONT_CONFIG:
        _FONT_CONFIG.clear()
        _FONT_CONFIG[pid] = FontConfiguration()
    return _FONT_CONFIG[pid]


# Parsed stylesheets by text (and base URL, if they name any URL): every
# chapter of a run has the same one, and parsing it took ~2% of a PDF.
_STYLESHEETS: dict[tuple, object] = {}


def _parsed_stylesheet(text: str, base_url: str, fetcher):
    import weasyprint
    key = (os.getpid(), text, base_url if "url(" in text else None)
    sheet = _STYLESHEETS.get(key)
    if sheet is None:
        if len(_STYLESHEETS) >= 8:
            _STYLESHEETS.clear()
        sheet = _STYLESHEETS[key] = weasyprint.CSS(string=text, base_url=base_url,
                                                   url_fetcher=fetcher,
                                                   font_config=_font_config())
    return sheet


def forget_fonts() -> None:
    """Start the next PDF from the fonts and templates as they are now (a new build)."""
    _FONT_CONFIG.clear()
    _STYLESHEETS.clear()


def to_pdf(html: str, base_dir: Path, allowed_roots: list[Path], board: Board,
           config: Config, stylesheet: str | None = None) -> bytes:
    """The PDF of `html`; `stylesheet`, if given, is applied as well (the
    stylesheet of a "print" page: `storyboard_html(...)`)."""
    import weasyprint  # slow import: only when a PDF is asked for

    from .fetch import safe_fetcher
    from .svgreuse import install as reuse_svg_drawings
    reuse_svg_drawings()
    base_url = str(base_dir) + "/"
    fetcher = safe_fetcher(allowed_roots)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    # WeasyPrint applies a stylesheet handed to it as the user's, below the
    # page's own <style>; this one sets nothing the page's does.
    sheets = [_parsed_stylesheet(stylesheet, base_url, fetcher)] if stylesheet else []
    # Pictures straight from an image tool can be 4K; a frame is a few cm.
    return document.write_pdf(dpi=PDF_IMAGE_DPI, jpeg_quality=88,
                              font_config=_font_config(), stylesheets=sheets)
