"""Dialogue that reads as dialogue (#13, item 6): a line as the sheets, HTML
and CSV show it, and the shoulder an over-the-shoulder shot looks past.

The planner tests use the stand-in analysis of test_rules.py, with the
names inside quotes added (the stand-in leaves them out), so they pin down
the coverage alone; the end-to-end test boards a chapter of its own.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from novel2board.config import Config, PlannerSettings
from novel2board.model import DialogueLine, Mention, Paragraph, Quote, Scene
from novel2board.render.data import board_to_dict, to_csv
from novel2board.shots import PlanContext, load_rules, plan_chapter
from novel2board.shots.dialogue import _is_vocative, shown_lines
from tests.test_rules import OPENING, fake_analysis, shot_for

Q = "\u201c{}\u201d"
CAST = {"Juno": "female", "Tomas": "male", "Edda": "female"}


@pytest.fixture(scope="module")
def rules(nlp):
    return load_rules(None, None, nlp)


# ------------------------------------------------------- lines as shown
def _quotes(paragraph: str, speakers: list[str | None]):
    """The “...” quotes of one paragraph, with their speakers in order."""
    para = Paragraph(0, 0, len(paragraph), paragraph)
    spans = [m.span() for m in re.finditer(r"[\u201c\"][^\u201d\"]*[\u201d\"]|\u2018[^\u2019]*\u2019",
                                           paragraph)]
    quotes = [Quote(f"q{i}", a, b, paragraph[a:b], 0, who)
              for i, ((a, b), who) in enumerate(zip(spans, speakers))]
    return quotes, (para,)


@pytest.mark.parametrize("paragraph,shown", [
    # the comma led into the tag: a full stop on the sheet
    ("\u201cYou're late, Juno,\u201d she said.", ["\u201cYou're late, Juno.\u201d"]),
    ('"You\'re late, Juno," she said.', ['"You\'re late, Juno."']),
    ("\u201cWait here;\u201d she said.", ["\u201cWait here.\u201d"]),
    # a question, an exclamation, a line broken off: as written
    ("\u201cIs it?\u201d she asked.", ["\u201cIs it?\u201d"]),
    ("\u201cStop!\u201d he said.", ["\u201cStop!\u201d"]),
    ("\u201cI wanted to\u2014\u201d she said.", ["\u201cI wanted to\u2014\u201d"]),
    ("\u201cIt doesn't matter...\u201d she said.", ["\u201cIt doesn't matter...\u201d"]),
    ("\u201cIt doesn't matter\u2026\u201d she said.", ["\u201cIt doesn't matter\u2026\u201d"]),
])
def test_a_tagged_line_keeps_no_dangling_comma(paragraph, shown):
    quotes, paras = _quotes(paragraph, ["juno"])
    assert shown_lines(quotes, paras) == shown


@pytest.mark.parametrize("paragraph,line", [
    ("\u201cI know,\u201d she said, \u201cbut not yet.\u201d", "\u201cI know, but not yet.\u201d"),
    ("\u201cI know,\u201d she said, smiling, \u201cbut not yet.\u201d",
     "\u201cI know, but not yet.\u201d"),
    # broken off by a dash of narration, no stop of its own
    ("\u201cListening to that\u201d\u2014she lifted a hand\u2014\u201cand hoping.\u201d",
     "\u201cListening to that and hoping.\u201d"),
    # the comma outside the marks (British style)
    ("\u2018I know\u2019, she said, \u2018but not yet.\u2019", "\u2018I know, but not yet.\u2019"),
])
def test_a_line_broken_by_its_tag_is_shown_as_one_line(paragraph, line):
    quotes, paras = _quotes(paragraph, ["juno", "juno"])
    assert shown_lines(quotes, paras) == [line, ""]


def test_a_sentence_that_goes_on_in_another_shot_ends_and_starts_with_an_ellipsis():
    # A long speech is cut into several shots: each shows its own piece.
    quotes, paras = _quotes("\u201cWhen I was nine,\u201d she said, \u201cmy father showed "
                            "me the sky.\u201d", ["juno", "juno"])
    assert shown_lines(quotes[:1], paras, after=quotes[1]) == ["\u201cWhen I was nine\u2026\u201d"]
    assert shown_lines(quotes[1:], paras, before=quotes[0]) == [
        "\u201c\u2026my father showed me the sky.\u201d"]


@pytest.mark.parametrize("paragraph,speakers", [
    # the tag ended a sentence: two sentences
    ("\u201cI know,\u201d she said. \u201cBut not yet.\u201d", ["juno", "juno"]),
    # someone else answers
    ("\u201cI know,\u201d she said, \u201cbut not yet,\u201d he said.", ["juno", "tomas"]),
])
def test_lines_that_do_not_go_on_stay_apart(paragraph, speakers):
    quotes, paras = _quotes(paragraph, speakers)
    first, second = shown_lines(quotes, paras)
    assert first == "\u201cI know.\u201d" and second


def test_the_quote_as_written_stays_the_dialogue_text():
    line = DialogueLine("q1", "juno", "\u201cLate,\u201d")
    assert line.shown == "\u201cLate,\u201d"            # nothing computed: as written
    assert replace(line, display="\u201cLate.\u201d").shown == "\u201cLate.\u201d"
    assert replace(line, display="").shown == ""


# ------------------------------------------------------------ vocatives
@pytest.mark.parametrize("text,name,spoken_to", [
    ("\u201cJuno, there's a letter for you.\u201d", "Juno", True),
    ("\u201cYou're late, Juno,\u201d", "Juno", True),
    ("\u201cThank you, Juno.\u201d", "Juno", True),
    ("\u201cListen, Juno, I know.\u201d", "Juno", True),
    ("\u201cJuno!\u201d", "Juno", True),
    ("\u201cStop. Juno, listen.\u201d", "Juno", True),
    ("\u201cHey Juno, come here.\u201d", "Juno", True),
    ("\u201cIt's a gale, Dr. Marr.\u201d", "Dr. Marr", True),
    ("\u201cI saw Juno yesterday.\u201d", "Juno", False),
    ("\u201cJuno is coming.\u201d", "Juno", False),
    ("\u201cJuno's coat is wet.\u201d", "Juno", False),
    ("\u201cIt was Juno, of course.\u201d", "Juno", False),
])
def test_a_name_spoken_to(text, name, spoken_to):
    at = text.index(name)
    assert _is_vocative(text, at, at + len(name)) is spoken_to


# ------------------------------------------------- whose shoulder
def plan(nlp, rules, paragraphs: list[str], speakers: list[str]):
    """plan() of test_rules.py, with the names inside quotes as mentions."""
    chapter, analysis = fake_analysis(paragraphs, CAST, speakers)
    inside = []
    for q in analysis.quotes:
        for m in re.finditer(r"\b(" + "|".join(CAST) + r")\b", q.text):
            inside.append(Mention(q.start + m.start(), q.start + m.end(), m.group().lower()))
    analysis = replace(analysis, mentions=tuple(sorted(analysis.mentions + tuple(inside),
                                                       key=lambda m: m.start)))
    docs = [nlp(p.text) for p in chapter.paragraphs]
    scene = Scene(id="1.1", number=1, heading="INT. KITCHEN - DAY", setting="INT",
                  location=None, time_of_day="DAY",
                  characters=tuple(c.id for c in analysis.characters), start=0,
                  end=chapter.end, paragraphs=tuple(range(len(paragraphs))), summary="")
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs, rules=rules,
                      settings=PlannerSettings())
    shots, _ = plan_chapter(ctx, (scene,))
    return shots, chapter


KITCHEN = "Juno stood at the window. Tomas sat at the table. Edda came in with the post."


def test_an_exchange_opens_on_the_one_spoken_to_not_the_last_one_seen(nlp, rules):
    # Edda came in last, but Tomas speaks to Juno.
    shots, chapter = plan(nlp, rules, [OPENING, KITCHEN,
                                       Q.format("You're late, Juno,") + " Tomas said."],
                          ["tomas"])
    opening = shot_for(shots, chapter, "late, Juno")
    assert opening.framing == "two-shot" and opening.subjects == ("tomas", "juno")


def test_an_over_the_shoulder_shot_looks_past_the_one_spoken_to(nlp, rules):
    paras = [OPENING, KITCHEN,
             Q.format("You're late, Juno,") + " Tomas said.",
             Q.format("The bus was slow,") + " Juno said.",
             Q.format("Edda, sit down,") + " Tomas said.",       # not the last speaker
             Q.format("Thank you,") + " Edda said.",             # the one who spoke before
             Q.format("Who is it from?") + " Tomas asked."]
    shots, chapter = plan(nlp, rules, paras, ["tomas", "juno", "tomas", "edda", "tomas"])
    bus = shot_for(shots, chapter, "bus was slow")
    assert bus.framing == "OTS" and bus.subjects == ("juno", "tomas")
    sit = shot_for(shots, chapter, "sit down")
    assert sit.subjects == ("tomas", "edda"), sit
    assert "seen over Edda's shoulder" in sit.description
    last = shot_for(shots, chapter, "Who is it from")
    assert last.subjects == ("tomas", "edda"), last
    # 180-degree rule: everyone keeps one side for the whole exchange
    sides: dict[str, set] = {}
    for s in shots:
        for cid, side in s.screen:
            sides.setdefault(cid, set()).add(side)
    assert all(len(v) == 1 for v in sides.values()), sides
    assert len({next(iter(v)) for v in sides.values()}) == len(sides)


def test_a_name_later_in_a_long_turn_does_not_take_the_shoulder(nlp, rules):
    # The turn answers Tomas; Edda is named only in its third sentence.
    paras = [OPENING, KITCHEN,
             Q.format("Where were you?") + " Tomas asked.",
             Q.format("At the bus stop. It was cold. Edda, you saw me there.") + " Juno said."]
    shots, chapter = plan(nlp, rules, paras, ["tomas", "juno"])
    assert shot_for(shots, chapter, "At the bus stop").subjects == ("juno", "tomas")


def test_the_shot_keeps_the_quote_and_shows_the_line(nlp, rules):
    paras = [OPENING, KITCHEN,
             Q.format("You're late, Juno,") + " Tomas said.",
             Q.format("I know,") + " Juno said, " + Q.format("but not yet.")]
    shots, _ = plan(nlp, rules, paras, ["tomas", "juno", "juno"])
    lines = [d for s in shots for d in s.dialogue]
    assert [d.text for d in lines] == [Q.format("You're late, Juno,"), Q.format("I know,"),
                                       Q.format("but not yet.")]
    assert [d.shown for d in lines] == [Q.format("You're late, Juno."),
                                        Q.format("I know, but not yet."), ""]


# ------------------------------------------------------ JSON, CSV, sheets
def test_json_adds_the_shown_line_and_csv_and_sheets_show_it():
    from novel2board.render import sheets
    from tests.test_sheets import make_board
    board = make_board((3,))
    said = (DialogueLine("q1", "ilse", "\u201cI know,\u201d", "\u201cI know, but not yet.\u201d"),
            DialogueLine("q2", "ilse", "\u201cbut not yet.\u201d", ""))
    shots = list(board.shots)
    shots[1] = replace(shots[1], dialogue=said)
    board = replace(board, shots=tuple(shots))
    data = board_to_dict(board)
    assert data["shots"][1]["dialogue"] == [
        {"quote": "q1", "speaker": "ilse", "text": "\u201cI know,\u201d",
         "display": "\u201cI know, but not yet.\u201d"},
        {"quote": "q2", "speaker": "ilse", "text": "\u201cbut not yet.\u201d", "display": ""}]
    json.dumps(data)
    row = list(csv.DictReader(io.StringIO(to_csv(board))))[1]
    assert row["dialogue"] == "Ilse Marr: \u201cI know, but not yet.\u201d"
    geo = sheets.geometry(sheets.layouts(Config())["six-landscape"], "a4", 16 / 9)
    panel = sheets.make_panel(board, board.shots[1], 2, geo, None,
                              sheets.FrameSketches(Config(), 16 / 9))
    assert panel.dialogue == (("Ilse Marr", "\u201cI know, but not yet.\u201d"),)


# ------------------------------------------------------------ end to end
CHAPTER = """# Chapter 1: The Kitchen

The kitchen was cold. Juno Reyes stood at the window with her back to the room. Tomas Hale sat at the table.

"You're late, Juno," Tomas said.

"You're late, Tomas," she said without turning round.

"I know," he said, "but not yet."

"Here," he said, handing her one of the mugs.

"It doesn't matter..." Juno said, and set the mug down on the sill.

Edda Lind came in from the yard and stamped the snow off her boots.

"Edda, sit down," Tomas said.

"Thank you," Edda said.
"""


@pytest.fixture(scope="module")
def kitchen(tmp_path_factory):
    from novel2board import build
    folder = tmp_path_factory.mktemp("kitchen")
    (folder / "kitchen.md").write_text(CHAPTER, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)            # no project file: the cast is the chapter's own
        build([folder / "kitchen.md"], out=folder / "out",
              formats=("json", "csv", "html", "fountain"), variants=1)
    return folder / "out" / "kitchen"


def test_a_chapter_reads_as_dialogue_end_to_end(nlp, kitchen):
    board = json.loads((kitchen / "shots.json").read_text("utf-8"))
    lines = {d["text"]: d["display"] for s in board["shots"] for d in s["dialogue"]}
    assert lines['"You\'re late, Juno,"'] == '"You\'re late, Juno."'
    assert lines['"I know,"'] == '"I know, but not yet."' and lines['"but not yet."'] == ""
    assert lines['"It doesn\'t matter..."'] == '"It doesn\'t matter..."'
    assert {q["text"] for q in board["quotes"]} == set(lines)     # quotes as written
    ids = {c["name"]: c["id"] for c in board["characters"]}
    juno, tomas, edda = ids["Juno Reyes"], ids["Tomas Hale"], ids["Edda Lind"]
    by_line = {d["text"]: s for s in board["shots"] for d in s["dialogue"]}
    assert by_line['"You\'re late, Juno,"']["subjects"] == [tomas, juno]
    assert by_line['"Edda, sit down,"']["subjects"] == [tomas, edda]
    assert by_line['"Thank you,"']["subjects"][:2] == [edda, tomas]

    sheet = (kitchen / "storyboard.html").read_text("utf-8")
    assert "late, Juno.&#34;</p>" in sheet and "late, Juno,&#34;" not in sheet
    assert "I know, but not yet.&#34;</p>" in sheet and "&#34;but not yet" not in sheet
    table = (kitchen / "shots.csv").read_text("utf-8")
    assert "Juno Reyes: \"\"You're late, Tomas.\"\"" in table

    script = (kitchen / "kitchen.fountain").read_text("utf-8")
    assert "(without turning round)\nYou're late, Tomas.\n" in script
    assert "I know, but not yet.\n(handing her one of the mugs)\nHere.\n" in script
    assert "It doesn't matter...\n\nJuno sets the mug down on the sill.\n" in script
    actions = [b for b in script.split("\n\n") if b and "\n" not in b.strip()]
    for line in actions:
        words = line.split()
        assert not re.match(r"^(And|Without|Handing|Turning)\b", line), line
        assert not words[0].endswith("ing"), line


def test_the_old_fields_of_a_dialogue_line_are_kept(kitchen):
    board = json.loads((kitchen / "shots.json").read_text("utf-8"))
    line = next(d for s in board["shots"] for d in s["dialogue"])
    assert set(line) == {"quote", "speaker", "text", "display"}
    assert Path(kitchen / "kitchen.fountain").exists()
