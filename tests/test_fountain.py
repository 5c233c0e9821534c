"""<slug>.fountain, read back with an independent Fountain parser (jouvence)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jouvence.document import (TYPE_ACTION, TYPE_CHARACTER, TYPE_DIALOG, TYPE_PARENTHETICAL,
                               TYPE_TRANSITION)
from jouvence.parser import JouvenceParser

from novel2board.model import (Analysis, Board, ChapterText, Character, Paragraph, Quote,
                               Scene, Source)
from novel2board.render.fountain import UNKNOWN_CUE, cue, scene_elements, to_fountain

CHAPTER = """# Chapter 2: The Night Shift

The generator coughed twice and died. Mara Voss swore under her breath and reached for the torch on the shelf.

"Leave it," said Elias Brandt from the doorway. "The batteries are flat."

"Then what do you suggest?" Mara asked.

He shrugged. "We wait for morning, like everyone else."

She pressed the switch anyway. Nothing happened.

* * *

At dawn the two of them walked down to the harbour. The boats were still tied up, their hulls knocking together in the swell.

"You were right," Mara said, "about the batteries."

Elias did not answer. He was looking at the water.
"""


def parse(text: str):
    return JouvenceParser().parseString(text)


def paragraphs_of(doc):
    return [p for scene in doc.scenes for p in scene.paragraphs]


# --------------------------------------------------- through the pipeline
@pytest.fixture(scope="module")
def boarded(tmp_path_factory):
    from novel2board import build
    folder = tmp_path_factory.mktemp("fountain")
    chapter = folder / "night.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    result = build([chapter], out=folder / "out", formats=("fountain",), variants=1)
    board = result.boards[0]
    return board, (folder / "out" / board.slug / f"{board.slug}.fountain").read_text("utf-8")


def test_scenes_and_dialogue_blocks_match_the_board(nlp, boarded):
    board, text = boarded
    doc = parse(text)
    headed = [s for s in doc.scenes if s.header]
    assert len(headed) == len(board.scenes) >= 2
    for scene, parsed in zip(board.scenes, headed):
        assert parsed.header.startswith(scene.heading)
        assert parsed.header.endswith(f"#{scene.id}#")
    expected = sum(e.kind == "dialogue" for s in board.scenes
                   for e in scene_elements(board, s))
    kinds = [p.type for p in paragraphs_of(doc)]
    # A parenthetical between two sentences of a block splits its dialogue.
    assert kinds.count(TYPE_CHARACTER) == expected
    assert expected <= kinds.count(TYPE_DIALOG) <= expected + kinds.count(TYPE_PARENTHETICAL)
    assert kinds.count(TYPE_TRANSITION) == len(board.scenes)   # CUT TOs + FADE OUT
    assert doc.title_values.get("title") == board.chapter.title


def test_every_quote_is_spoken_in_the_script(nlp, boarded):
    board, text = boarded
    spoken = " ".join(p.text for p in paragraphs_of(parse(text)) if p.type == TYPE_DIALOG)
    for quote in board.analysis.quotes:
        words = re.sub(r"[\u201c\u201d\"]", "", quote.text).rstrip(",.?! ")
        assert words in spoken, quote.text


def test_dialogue_tags_are_dropped_and_the_action_kept(nlp, boarded):
    _, text = boarded
    action = " ".join(p.text for p in paragraphs_of(parse(text)) if p.type == TYPE_ACTION)
    assert "She presses the switch anyway." in action     # screenplay action: present tense
    assert "He shrugs." in action
    assert "Mara asked" not in action and "said Elias" not in action
    assert "You were right." not in action


# ------------------------------------------------------------ unit cases
@pytest.mark.parametrize("paragraph,expected", [
    # a tag that only says who speaks is dropped: the cue says it
    ("\u201cLeave it,\u201d he said.", [("dialogue", "Leave it.")]),
    ("\u201cLeave it,\u201d said Mara. She swung her boots down.",
     [("dialogue", "Leave it."), ("action", "She swings her boots down.")]),
    # a quote that ended its sentence: what follows is action, not a tag
    ("\u201cLeave it.\u201d She pressed the button.",
     [("dialogue", "Leave it."), ("action", "She presses the button.")]),
    ("Tomas said, \u201cGo.\u201d", [("dialogue", "Go.")]),
    ("The lights went out. Tomas said, \u201cGo.\u201d",
     [("action", "The lights go out."), ("dialogue", "Go.")]),
    ("\u201cGo,\u201d she asked, and the room went quiet.",
     [("dialogue", "Go."), ("action", "The room goes quiet.")]),
    # "said nothing", "had said": narration
    ("\u201cWell?\u201d Mara said nothing.", [("dialogue", "Well?"), ("action", "Mara says nothing.")]),
])
def test_speech_tags_dropped_and_the_action_kept(nlp, paragraph, expected):
    board = _hand_board([paragraph])
    got = [(e.kind, e.text) for e in scene_elements(board, board.scenes[0])]
    assert got == expected


@pytest.mark.parametrize("paragraph,expected", [
    # what the speaker does while speaking: a parenthetical before the line
    ("\u201cYou\u2019re late, Tomas,\u201d she said without turning round.",
     [("dialogue", "(without turning round)\nYou\u2019re late, Tomas.")]),
    ("\u201cHere,\u201d she said, handing him one of the mugs.",
     [("dialogue", "(handing him one of the mugs)\nHere.")]),
    ("\u201cGo on,\u201d she said quietly.", [("dialogue", "(quietly)\nGo on.")]),
    ("Handing him one, she said, \u201cHere.\u201d",
     [("dialogue", "(handing him one)\nHere.")]),
    ("Then she said, without turning her head, \u201cGo.\u201d",
     [("dialogue", "(without turning her head)\nGo.")]),
    ("\u201cBut it is,\u201d returned she; \u201cfor Tomas has been here.\u201d",
     [("dialogue", "But it is, for Tomas has been here.")]),
    # an action of its own: a whole sentence, with its subject
    ("\u201cIt doesn\u2019t matter...\u201d she said, and set the mug down on the sill.",
     [("dialogue", "It doesn\u2019t matter..."),
      ("action", "Mara Voss sets the mug down on the sill.")]),
    ("\u201cEat,\u201d said Mara, and put a bowl in front of him so hard it slopped.",
     [("dialogue", "Eat."), ("action", "Mara puts a bowl in front of him so hard it slops.")]),
    ("She turned and said, \u201cGo.\u201d", [("action", "She turns."), ("dialogue", "Go.")]),
    (("\u201cThat\u2019s Dad,\u201d said Mara, touching a man at the end of the back row, "
      "a little apart from the others."),
     [("dialogue", "That\u2019s Dad."),
      ("action", ("Mara touches a man at the end of the back row, a little apart from the "
                  "others."))]),
    # no tag at all, only a gesture beside the line
    ("\u201cNow to the point,\u201d addressing him. \u201cYour aunt is dead.\u201d",
     [("dialogue", "Now to the point.\n(addressing him)\nYour aunt is dead.")]),
    ("And gravely glancing at Tomas, \u201cThere is a fine old saying.\u201d",
     [("dialogue", "(gravely glancing at Tomas)\nThere is a fine old saying.")]),
    # a gesture the reading counts as a tag stays what it is: action
    ("\u201cYes,\u201d she nodded.", [("dialogue", "Yes."), ("action", "She nods.")]),
])
def test_what_a_tag_leaves_is_a_parenthetical_or_a_whole_action(nlp, paragraph, expected):
    board = _hand_board([paragraph])
    got = [(e.kind, e.text) for e in scene_elements(board, board.scenes[0])]
    assert got == expected


def test_a_line_broken_by_its_tag_is_one_line_and_dashes_stay(nlp):
    board = _hand_board([
        "\u201cI know,\u201d she said, \u201cbut not yet.\u201d",
        "\u201cI know,\u201d she said, smiling, \u201cbut not yet.\u201d",
        "\u201cI know,\u201d she said. \u201cBut not yet.\u201d",
        "\u201cI wanted to\u2014\u201d She stopped."])
    got = [(e.kind, e.text) for e in scene_elements(board, board.scenes[0])]
    assert got == [("dialogue", ("I know, but not yet.\n(smiling)\nI know, but not yet. "
                                 "I know. But not yet. I wanted to\u2014")),
                   ("action", "She stops.")]


def test_parentheticals_read_as_parentheticals(nlp):
    board = _hand_board([("\u201cYou\u2019re late,\u201d she said without turning round. "
                          "\u201cI waited an hour.\u201d"),
                         "The kettle began to sing."])
    doc = parse(to_fountain(board, "", None))
    kinds = [(p.type, p.text.strip()) for p in paragraphs_of(doc)
             if p.type in (TYPE_CHARACTER, TYPE_PARENTHETICAL, TYPE_DIALOG)
             or "kettle" in p.text]
    assert kinds == [(TYPE_CHARACTER, "MARA VOSS"),
                     (TYPE_PARENTHETICAL, "(without turning round)"),
                     (TYPE_DIALOG, "You\u2019re late. I waited an hour."),
                     (TYPE_ACTION, "The kettle begins to sing.")]


def test_cues_are_capitals_and_forced_when_they_would_not_read_as_cues():
    assert cue("Ilse Marr") == "ILSE MARR"
    assert cue(None) == UNKNOWN_CUE
    assert cue("7") == "@7"
    assert cue("Int. Smith").startswith("@")


def _hand_board(paragraph_texts: list[str], speaker: str | None = "mara") -> Board:
    """A one-scene board whose quotes are the “...” spans of the paragraphs."""
    text, paragraphs, quotes = "", [], []
    for i, para in enumerate(paragraph_texts):
        start = len(text)
        text += para + "\n\n"
        paragraphs.append(Paragraph(i, start, start + len(para), para))
        for m in re.finditer(r"\u201c[^\u201d]*\u201d", para):
            quotes.append(Quote(f"q{len(quotes) + 1}", start + m.start(), start + m.end(),
                                m.group(), i, speaker))
    chapter = ChapterText(1, "Test", "test", 0, len(text), tuple(paragraphs))
    scene = Scene("1.1", 1, "INT. KITCHEN - NIGHT", "INT", None, "NIGHT", ("mara",), 0,
                  len(text), tuple(range(len(paragraphs))), "")
    analysis = Analysis((Character("mara", "Mara Voss", (), "female", 3),), (), (), (),
                        tuple(quotes))
    return Board(Source(Path("t.md"), text, "0"), chapter, analysis, (scene,), (), (), {})


def test_prose_that_fountain_would_misread_is_forced_to_action():
    board = _hand_board([
        "EXIT ONLY.",
        "INT. was painted on the door in red.",
        "She wrote /* on the wall and [[ beside it.",
        "\u201cHello,\u201d she said.",
        "The end."])
    text = to_fountain(board, "", None)
    doc = parse(text)
    kinds = [(p.type, p.text) for p in paragraphs_of(doc)]
    actions = [t for k, t in kinds if k == TYPE_ACTION]
    assert any("EXIT ONLY." in t for t in actions)
    assert any("painted on the door" in t for t in actions)
    assert any("The end." in t for t in actions), "a comment marker swallowed the rest"
    assert [t for k, t in kinds if k == TYPE_CHARACTER] == ["MARA VOSS"]
    assert [t for k, t in kinds if k == TYPE_DIALOG] == ["Hello."]
    assert len([s for s in doc.scenes if s.header]) == 1


def test_consecutive_lines_of_one_speaker_are_one_dialogue_block():
    board = _hand_board(["\u201cOne.\u201d", "\u201cTwo.\u201d", "She sat."])
    elements = scene_elements(board, board.scenes[0])
    assert [(e.kind, e.text) for e in elements] == [("dialogue", "One. Two."),
                                                    ("action", "She sits.")]


def test_action_is_in_the_present_and_a_speaker_going_on_after_it_is_continued():
    board = _hand_board(["Mara sat with her boots up on the console.",
                         "\u201cOne.\u201d She put the mug down. \u201cTwo.\u201d",
                         "The lights went out."])
    elements = scene_elements(board, board.scenes[0])
    assert [(e.kind, e.character, e.text) for e in elements] == [
        ("action", "", "Mara sits with her boots up on the console."),
        ("dialogue", "MARA VOSS", "One."),
        ("action", "", "She puts the mug down."),
        ("dialogue", "MARA VOSS (CONT'D)", "Two."),
        ("action", "", "The lights go out.")]
    doc = parse(to_fountain(board, "", None))
    assert "MARA VOSS (CONT'D)" in [p.text for p in paragraphs_of(doc)
                                    if p.type == TYPE_CHARACTER]


def test_the_script_reuses_the_pipeline_parse_and_reads_the_same(nlp, boarded, monkeypatch):
    # The build parsed the chapter once and handed its parse over: writing
    # the script from that parse parses nothing again and gives the same text.
    from novel2board.analyse import parse_paragraphs
    board, written = boarded
    docs = parse_paragraphs(board.chapter, nlp)
    calls = []
    monkeypatch.setattr(type(nlp), "__call__", lambda self, text: calls.append(text))
    import novel2board.analyse.nlp as reading
    monkeypatch.setattr(reading, "load_nlp", lambda: calls.append("model loaded"))
    assert to_fountain(board, "", None, docs=docs) == written
    assert calls == []


FIRST_PERSON = """# Chapter 1

I sat in the lab for a long time, and I went back to the numbers.

* * *

I walked down to the harbour at noon. The boats were still tied up.

* * *

"Morning, Dr. Venn," Tomas said at the lab door that evening.

"You look tired, Dr. Venn."
"""


def test_every_scene_names_the_first_person_narrator_before_a_pronoun(tmp_path, monkeypatch):
    from novel2board import build
    monkeypatch.chdir(tmp_path)         # no project file
    (tmp_path / "ch.md").write_text(FIRST_PERSON, encoding="utf-8")
    build([tmp_path / "ch.md"], out=tmp_path / "out", formats=("fountain",), variants=1)
    script = (tmp_path / "out" / "ch" / "ch.fountain").read_text("utf-8")
    second = script.split("EXT. HARBOUR")[1]
    first_action = next(line for line in second.splitlines()[1:] if line.strip())
    assert first_action.startswith("Dr. Venn walks"), first_action


# ------------------------------------------------ what a camera cannot see
def _first_person_board(paragraph_texts: list[str]) -> Board:
    board = _hand_board(paragraph_texts)
    me = Character("priya", "Priya Venkataraman", ("I",), "female", 3, narrator=True)
    analysis = Analysis((me,), (), (), (), board.analysis.quotes)
    return Board(board.source, board.chapter, analysis, board.scenes, (), (), {})


def test_a_first_person_narrators_thoughts_are_voice_over_not_action():
    board = _first_person_board(["I put the mug down and wondered whether he had lied."])
    elements = [(e.kind, e.text, e.character) for e in scene_elements(board, board.scenes[0])]
    assert ("action", "Priya Venkataraman puts the mug down.", "") in elements
    assert ("dialogue", "Wondered whether he had lied.",
            "PRIYA VENKATARAMAN (V.O.)") in elements
    assert "(V.O.)" in to_fountain(board, "", None)


def test_third_person_thoughts_leave_the_script_to_the_sheet():
    board = _hand_board(["Mara put the mug down and wondered whether he had lied."])
    elements = [(e.kind, e.text) for e in scene_elements(board, board.scenes[0])]
    assert elements == [("action", "Mara puts the mug down.")]
