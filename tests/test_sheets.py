"""The storyboard sheets: page planning, pictures and picks, the overview,
and the PDF itself read back through its text layer with pypdf.

The board is built by hand here (no language model), so these tests run in
seconds and do not move when the planner changes.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from novel2board.config import Config, Style
from novel2board.model import (Analysis, Board, ChapterText, Character, DialogueLine,
                               Paragraph, Scene, Shot, Source, Totals)
from novel2board.render import sheets
from novel2board.render.fetch import safe_fetcher  # noqa: F401  (the PDF path uses it)
from novel2board.resources import builtin_templates_dir

PRESETS = ["six-landscape", "three-portrait", "twelve-thumbnails", "worksheet"]
MONOLOGUE = ("I have counted the dishes every night for eleven years and I know the "
             "sound each of them makes when the wind turns, " * 12
             ) + "and that is the last word of the monologue."


def _shot(scene: str, n: int, size="MS", framing="single", subjects=("ilse",),
          dialogue=(), description=None, flags=()) -> Shot:
    return Shot(id=f"{scene}.{n}", scene=scene, number=n, size=size, framing=framing,
                angle="eye-level", movement="static", lens_mm=50, subjects=subjects,
                description=description or f"Ilse watches the traces, shot {n}.",
                dialogue=tuple(DialogueLine(f"q{scene}{n}{i}", who, text)
                               for i, (who, text) in enumerate(dialogue)),
                duration_s=4.0, start=0, end=1, rule="test", flags=tuple(flags),
                screen=tuple((s, "left" if i == 0 else "right")
                             for i, s in enumerate(subjects)))


def make_board(shots_per_scene=(9, 5), monologue=False, title="The Array") -> Board:
    text = "Chapter one.\n\nIlse sat.\n"
    chapter = ChapterText(number=1, title=title, slug="chapter1", start=0, end=len(text),
                          paragraphs=(Paragraph(0, 14, 23, "Ilse sat."),))
    characters = (
        Character("ilse", "Ilse Marr", ("Ilse",), "female", 20,
                  description="a lean woman in her fifties in a charcoal coat"),
        Character("tomas", "Tomas Okafor", ("Tomas",), "male", 12,
                  description="a tall young man in an orange storm jacket"),
        Character("jory", "Jory Pell", ("Jory",), "male", 2))
    scenes, shots = [], []
    for k, count in enumerate(shots_per_scene, 1):
        sid = f"1.{k}"
        scenes.append(Scene(id=sid, number=k, heading=f"INT. ROOM {k} - NIGHT",
                            setting="INT", location=None, time_of_day="NIGHT",
                            characters=("ilse", "tomas") if k == 1 else ("ilse", "jory"),
                            start=0, end=1, paragraphs=(0,), summary=f"Scene {k} happens."))
        for n in range(1, count + 1):
            if k == 1 and n == 2:
                shots.append(_shot(sid, n, "MCU", "OTS", ("tomas", "ilse"),
                                   dialogue=[("tomas", "\u201cIt's fourteen again.\u201d"),
                                             (None, "\u201cIt's always fourteen.\u201d")]))
            elif k == 1 and n == 3 and monologue:
                shots.append(_shot(sid, n, "CU", dialogue=[("ilse", MONOLOGUE)],
                                   flags=("long-close-up",)))
            elif k == 2 and n == 1:
                shots.append(_shot(sid, n, "WS", "group", ("ilse", "jory", "tomas")))
            else:
                shots.append(_shot(sid, n))
    per_scene = tuple((s.id, 4.0 * c) for s, c in zip(scenes, shots_per_scene))
    runtime = sum(t for _, t in per_scene)
    return Board(source=Source(Path("chapter1.md"), text, "0" * 64), chapter=chapter,
                 analysis=Analysis(characters, (), (), (), ()), scenes=tuple(scenes),
                 shots=tuple(shots), omitted=(), prompts={},
                 totals=Totals(runtime, per_scene, round(runtime / 45, 2), 45.0))


def config(aspect="2.39:1", author="A. Writer", project="Test Project") -> Config:
    return Config(project=project, author=author, style=Style(aspect_ratio=aspect))


def context(board, layout="six-landscape", paper="a4", aspect="2.39:1", images=None):
    return sheets.sheet_context(board, config(aspect), layout, paper,
                                images or Path("/nonexistent/images"))


def pdf_of(board, tmp_path, layout="six-landscape", paper="a4", aspect="2.39:1",
           cfg=None):
    folder = tmp_path / "out" / board.slug
    images = folder / "images"
    cfg = cfg or config(aspect)
    pages = sheets.storyboard_html(board, cfg, layout, paper, images, ("screen", "print"))
    pdf = sheets.to_pdf(pages.print, folder, [images, builtin_templates_dir()], board, cfg,
                        stylesheet=pages.stylesheet)
    return pages.screen, pdf


def read_pdf(data: bytes):
    import io

    from pypdf import PdfReader
    return PdfReader(io.BytesIO(data))


def page_texts(reader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


# ----------------------------------------------------------------- geometry
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", PRESETS)
@pytest.mark.parametrize("aspect", ["2.39:1", "16:9", "1:1", "9:16"])
def test_frames_have_the_projects_aspect_and_fit_their_cell(layout, paper, aspect):
    from novel2board.config import parse_aspect_ratio
    presets = sheets.layouts(Config())
    geo = sheets.geometry(presets[layout], paper, parse_aspect_ratio(aspect))
    assert geo.frame_w / geo.frame_h == pytest.approx(parse_aspect_ratio(aspect), rel=0.01)
    assert geo.frame_w <= geo.cell_w + 0.01
    assert geo.frame_h <= geo.nominal_row_mm + 0.01
    assert geo.text_w >= 40, "no room left to write the shot's text"
    portrait = presets[layout]["orientation"] == "portrait"
    assert (geo.page_w < geo.page_h) == portrait


def test_tall_frames_get_their_text_beside_them():
    presets = sheets.layouts(Config())
    wide = sheets.geometry(presets["six-landscape"], "a4", 2.39)
    tall = sheets.geometry(presets["six-landscape"], "a4", 9 / 16)
    assert not wide.side and tall.side


# ------------------------------------------------------------------- pages
@pytest.mark.parametrize("layout", PRESETS)
def test_every_shot_is_on_exactly_one_page_in_order(layout):
    board = make_board((9, 5, 13), monologue=True)
    ctx = context(board, layout)
    placed = [p.shot.id for page in ctx["pages"] for b in page.blocks if b.kind == "row"
              for p in b.panels]
    assert placed == [s.id for s in board.shots]
    geo = ctx["geo"]
    for page in ctx["pages"]:
        rows = [b for b in page.blocks if b.kind == "row"]
        assert len(rows) <= geo.rows
        assert all(len(r.panels) <= geo.columns for r in rows)
        assert page.blocks[0].kind == "band", "a page without a scene heading"


def test_a_scene_never_shares_a_row_and_pages_inside_a_scene_say_continued():
    board = make_board((7, 8))
    ctx = context(board, "six-landscape")
    for page in ctx["pages"]:
        for block in page.blocks:
            if block.kind == "row":
                assert {p.shot.scene for p in block.panels} == {block.scene.id}
        first = page.blocks[0]
        next_row = next(b for b in page.blocks if b.kind == "row")
        if next_row.panels[0].number > 1:
            assert first.continued and first.scene.id == next_row.scene.id
        else:
            assert not first.continued
    bands = [b for page in ctx["pages"] for b in page.blocks if b.kind == "band"
             and not b.continued]
    assert [b.scene.id for b in bands] == ["1.1", "1.2"], "one heading per scene"


def test_long_speeches_make_a_page_hold_fewer_panels_not_lose_words():
    short = context(make_board((12,)), "six-landscape")
    long = context(make_board((12,), monologue=True), "six-landscape")
    assert len(long["pages"]) > len(short["pages"])
    panel = next(p for page in long["pages"] for b in page.blocks if b.kind == "row"
                 for p in b.panels if p.shot.id == "1.1.3")
    assert MONOLOGUE in [line for _, line in panel.dialogue], "the speech was shortened"


def test_a_speech_too_long_for_any_page_is_set_smaller():
    board = make_board((3,), monologue=True)
    huge = MONOLOGUE * 3
    shots = list(board.shots)
    shots[2] = _shot("1.1", 3, "CU", dialogue=[("ilse", huge)])
    board = Board(**{**board.__dict__, "shots": tuple(shots)})
    ctx = context(board, "twelve-thumbnails")
    panel = next(p for page in ctx["pages"] for b in page.blocks if b.kind == "row"
                 for p in b.panels if p.shot.id == "1.1.3")
    assert panel.scale < 1
    assert huge in [line for _, line in panel.dialogue]


def test_text_estimate_errs_long():
    """The estimate must not undercount: a row that is too short overflows."""
    geo = sheets.geometry(sheets.layouts(Config())["six-landscape"], "a4", 2.39)
    text = "word " * 200
    lines = sheets._lines(text, geo.text_w, geo.font_pt)
    # DejaVu Sans sets about 0.55 em per character of English text
    measured_chars_per_line = geo.text_w / (geo.font_pt * sheets.PT_MM * 0.55)
    assert lines >= len(text) / measured_chars_per_line


# ---------------------------------------------------------------- pictures
def _png(path: Path, color=(200, 30, 30), size=(64, 27)):
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def test_images_are_indexed_by_shot_and_version(tmp_path):
    for name in ("1.1.1.png", "1.1.1_v2.png", "1.1.1_v3.jpg", "1.1.10.png", "1.1.2_v2.webp",
                 "notes.txt", "1.1.1_v2.jpg"):
        (tmp_path / name).write_bytes(b"x")
    index = sheets.index_images(tmp_path)
    assert index["1.1.1"] == {1: "1.1.1.png", 2: "1.1.1_v2.png", 3: "1.1.1_v3.jpg"}
    assert index["1.1.10"] == {1: "1.1.10.png"}
    assert index["1.1.2"] == {2: "1.1.2_v2.webp"}
    assert sheets.index_images(tmp_path / "missing") == {}


def test_picks_file_chooses_a_version_and_reports_bad_lines(tmp_path, caplog):
    (tmp_path / "picks.txt").write_text(
        "# my picks\n1.1.1 3\n1.1.2: v2   # the moody one\n1.1.4=2\nnonsense\n9.9.9 1\n",
        encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        picks = sheets.read_picks(tmp_path, {"1.1.1", "1.1.2", "1.1.4"})
    assert picks == {"1.1.1": 3, "1.1.2": 2, "1.1.4": 2}
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "picks.txt:5" in messages and "picks.txt:6" in messages and "9.9.9" in messages


def test_picture_is_the_pick_else_version_one(tmp_path, caplog):
    versions = {1: "a.png", 2: "a_v2.png", 5: "a b_v5.png"}
    assert sheets.picture("a", versions, None, tmp_path).version == 1
    pick = sheets.picture("a", versions, 5, tmp_path)
    assert (pick.version, pick.versions, pick.picked) == (5, 3, True)
    assert pick.url == "images/a%20b_v5.png"
    with caplog.at_level(logging.WARNING):
        assert sheets.picture("a", versions, 4, tmp_path).version == 1
    assert "no version 4" in caplog.text
    assert sheets.picture("a", {2: "a_v2.png"}, None, tmp_path).version == 2
    assert sheets.picture("a", {}, None, tmp_path) is None
    with caplog.at_level(logging.WARNING):
        assert sheets.picture("b", {}, 2, tmp_path) is None
    assert "shot b is picked but has no image" in caplog.text


def test_pictures_appear_in_html_and_pdf_with_their_version(tmp_path):
    board = make_board((4,))
    images = tmp_path / "out" / board.slug / "images"
    _png(images / "1.1.1.png")
    _png(images / "1.1.1_v2.png", (20, 160, 40))
    _png(images / "1.1.1_v3.png", (20, 40, 160))
    (images / "picks.txt").write_text("1.1.1 2\n", encoding="utf-8")
    html, pdf = pdf_of(board, tmp_path)
    assert 'src="images/1.1.1_v2.png"' in html and "v2 of 3" in html
    assert html.count('<img src="images/') == 1, "shots without a picture get a sketch"
    assert html.count('class="sketch"') == 3
    reader = read_pdf(pdf)
    sheet = reader.pages[1]
    assert len(sheet.images) == 1, "the picture is not in the PDF"
    assert "v2 of 3" in page_texts(reader)[1]


def test_identical_sketches_are_one_image_each(tmp_path):
    """WeasyPrint reads an image once per URL: shots drawn alike share one."""
    board = make_board((9, 5))
    ctx = context(board)
    html = sheets.to_html(board, config(), "six-landscape", "a4", tmp_path / "images")
    used = re.findall(r'<img class="sketch" src="([^"]+)"', html)
    assert len(used) == len(board.shots)
    assert len(set(used)) == len(ctx["sketches"]) < len(board.shots)
    assert all(url.startswith("data:image/svg+xml,") for url in used)
    assert "<svg" not in html.split("</style>", 1)[1], "a frame drawn inline again"


def test_rows_and_panels_carry_no_style_or_id(tmp_path):
    """A style or id attribute gives an element, and all inside it, a computed
    style of its own in WeasyPrint (several times slower on long chapters)."""
    board = make_board((9, 5))
    html = sheets.to_html(board, config(), "six-landscape", "a4", tmp_path / "images")
    tags = re.findall(r'<(?:article|div) class="(?:panel|row|frame)[^"]*"[^>]*>', html)
    assert tags and not [t for t in tags if " style=" in t or " id=" in t]


# ---------------------------------------------------------------- overview
def test_overview_lists_scenes_cast_and_who_is_where():
    board = make_board((6, 4))
    o = sheets.overview(board, context(board)["geo"])
    assert [r["scene"].id for r in o["scenes"]] == ["1.1", "1.2"]
    assert [c["name"] for c in o["cast"]][:2] == ["Ilse Marr", "Tomas Okafor"]
    rows = {r["name"]: [c["in_scene"] for c in r["cells"]] for r in o["presence"]["rows"]}
    assert rows["Tomas Okafor"] == [True, True]     # in scene 1, and in a shot of scene 2
    assert rows["Jory Pell"] == [False, True]
    widths = sum(s["w"] for s in o["strip"]["scenes"])
    assert widths == pytest.approx(o["strip"]["width"], rel=0.01)
    assert o["runtime"] == "0:40"


def test_a_crowded_chapter_keeps_its_overview_on_one_page(tmp_path):
    board = make_board(tuple([1] * 24))
    _, pdf = pdf_of(board, tmp_path, "worksheet", "letter")
    texts = page_texts(read_pdf(pdf))
    assert "INT. ROOM 24 - NIGHT" in texts[0], "the scene list ran onto a second page"


# --------------------------------------------------------------------- PDF
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", PRESETS)
def test_pdf_pages_are_as_planned_and_hold_every_shot(tmp_path, layout, paper):
    board = make_board((7, 3), monologue=True)
    ctx = context(board, layout, paper)
    _, pdf = pdf_of(board, tmp_path, layout, paper)
    reader = read_pdf(pdf)
    # One overview page plus the planned pages: had a row overflowed its
    # page, WeasyPrint would have added one.
    assert len(reader.pages) == 1 + len(ctx["pages"])
    text = " ".join(page_texts(reader))
    for shot in board.shots:
        assert re.search(rf"(?<![\d.]){re.escape(shot.id)}(?![\d])", text), shot.id
    assert "It's fourteen again." in text
    assert "and that is the last word of the monologue." in text
    assert f"page 2 of {len(reader.pages)}" in text


def test_pdf_has_bookmarks_per_scene_and_title_and_author(tmp_path):
    board = make_board((3, 2, 2))
    _, pdf = pdf_of(board, tmp_path)
    reader = read_pdf(pdf)
    assert reader.metadata.title == "Test Project — Chapter 1: The Array"
    assert reader.metadata.author == "A. Writer"

    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title
    found = list(titles(reader.outline))
    assert found[0] == "Chapter 1: The Array"
    assert found[1:] == ["INT. ROOM 1 - NIGHT", "INT. ROOM 2 - NIGHT", "INT. ROOM 3 - NIGHT"]
    pages = [reader.get_destination_page_number(d) for d in reader.outline[1]]
    assert pages == sorted(pages) and pages[0] == 1


def test_chapter_text_is_escaped_in_html_and_css(tmp_path):
    board = make_board((2,), title='Bad "title" </style><script>alert(1)</script>')
    html = sheets.to_html(board, config(), "six-landscape", "a4", tmp_path / "images")
    assert "<script>" not in html
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 2 and not [style for style in styles if "<" in style]
    stylesheet = sheets.storyboard_html(board, config(), "six-landscape", "a4",
                                        tmp_path / "images", ("print",)).stylesheet
    assert "title" not in stylesheet and "<" not in stylesheet


def test_the_print_page_has_no_stylesheet_or_shot_anchors_and_the_same_panels(tmp_path):
    board = make_board((9, 5))
    pages = sheets.storyboard_html(board, config(), "six-landscape", "a4",
                                   tmp_path / "images", ("screen", "print"))
    assert pages.stylesheet and pages.stylesheet in pages.screen
    assert pages.stylesheet not in pages.print and "@bottom-left" in pages.print
    assert len(re.findall(r'id="shot-', pages.screen)) == len(board.shots)
    assert 'id="shot-' not in pages.print
    body = re.sub(r' id="shot-[^"]*"', "", pages.screen)
    assert body[body.index("<body"):] == pages.print[pages.print.index("<body"):]


def test_every_chapter_of_a_run_hands_weasyprint_the_same_stylesheet(tmp_path):
    """So it is parsed once: nothing in it may come from the chapter."""
    one = sheets.storyboard_html(make_board((3,), title="One"), config(), "six-landscape",
                                 "a4", tmp_path / "images", ("print",))
    two = sheets.storyboard_html(make_board((7, 2), title="Two"), config(), "six-landscape",
                                 "a4", tmp_path / "images", ("print",))
    assert one.stylesheet == two.stylesheet


# ------------------------------------------------------------- the command
def test_help_names_every_preset():
    from novel2board.cli import _board_parser
    # argparse wraps lines at hyphens: join "twelve-\n  thumbnails" again
    text = re.sub(r"-\s+", "-", " ".join(_board_parser().format_help().split()))
    for name in sheets.layout_names():
        assert name in text


def test_a_long_slugline_is_set_smaller_not_cut(tmp_path):
    board = make_board((4,))
    long = "INT. THE COMMANDER'S QUARTERS BY THE STATION GATE, WITH THE MAP - CONTINUOUS"
    board = Board(**{**board.__dict__,
                     "scenes": (Scene(**{**board.scenes[0].__dict__, "heading": long}),)})
    ctx = context(board, "three-portrait")
    band = ctx["pages"][0].blocks[0]
    assert band.heading_pt < 10.5
    _, pdf = pdf_of(board, tmp_path, "three-portrait")
    assert long in page_texts(read_pdf(pdf))[1]


# ------------------------------------------ what the camera cannot see, kept
def test_a_panel_prints_the_shots_subtext_and_voice_over():
    from dataclasses import replace
    board = make_board()
    shot = replace(board.shots[0], subtext=("Thought: She wondered whether he had lied.",),
                   vo=("I was afraid.",))
    geo = sheets.geometry(sheets.layouts(Config())["six-landscape"], "a4", 16 / 9)
    panel = sheets.make_panel(board, shot, 1, geo, None, sheets.FrameSketches(Config(), 16 / 9))
    assert panel.unseen == "Thought: She wondered whether he had lied. V.O.: I was afraid."
    plain = replace(panel, unseen="")
    assert sheets.text_height_mm(panel, geo) > sheets.text_height_mm(plain, geo)


@pytest.mark.parametrize("limit, expected", [
    (40, "The wind comes over the grass."),
    (10, "The wind comes over the grass."),          # the first sentence, whole
    (200, "The wind comes over the grass. It bends the reeds by the water."),
])
def test_a_small_layout_keeps_whole_sentences_and_no_dots(limit, expected):
    text = "The wind comes over the grass. It bends the reeds by the water."
    assert sheets._shorten(text, limit) == expected
