"""Whoever acts is in frame (issue #13, item 4): a beat about someone is
never a subject-less scenery shot, and a thing that moves of itself gets an
insert.  The reading side (unnamed people, looks) is in test_looks.py."""

from __future__ import annotations

import json

import pytest

from novel2board.shots import load_rules
from tests.test_rules import plan, shot_for


@pytest.fixture(scope="module")
def rules(nlp):
    return load_rules(None, None, nlp)


# -------------------------------------------------------- who is in frame
def shot_after_mara(nlp, rules, paragraph: str, phrase: str, **kwargs):
    """The shot holding `phrase` in `paragraph`, in a scene where Mara has
    already been seen (so no first-appearance rule claims her)."""
    shots, _, chapter, _ = plan(nlp, rules, ["Rain fell on the harbour.",
                                             "Mara sat at the table.", paragraph], **kwargs)
    return shot_for(shots, chapter, phrase)


def test_scenery_then_someone_acting_frames_them(nlp, rules):
    shot = shot_after_mara(nlp, rules, "The wind dropped over the harbour and the gulls "
                                       "went quiet. Mara stood up.", "Mara stood up")
    assert "mara" in shot.subjects and shot.framing != "none"


def test_a_wide_shot_lists_whose_body_is_in_it(nlp, rules):
    shot = shot_after_mara(nlp, rules, "The harbour was grey and still. The only light "
                                       "came from a lamp at Mara's elbow.", "The harbour was grey")
    assert shot.rule == "scenery" and shot.subjects == ("mara",)


def test_an_opening_that_shows_someone_has_them_in_frame(nlp, rules):
    shots, *_ = plan(nlp, rules, ["Mara stood alone at the edge of the crater."])
    assert shots[0].rule == "establishing" and shots[0].subjects == ("mara",)


def test_an_insert_of_a_thing_handled_lists_who_handles_it(nlp, rules):
    shot = shot_after_mara(nlp, rules, "Mara picked up the brass key.", "picked up")
    assert shot.size == "INSERT" and shot.subjects == ("mara",)


# ---------------------------------------------------- a detail that moves
@pytest.mark.parametrize("sentence, thing", [
    ("On the console the trace jumped.", "the trace"),
    ("The lid of the jar began to turn.", "the lid of the jar"),
    ("The cup shook in its saucer.", "the cup"),
    ("The ice cracked.", "the ice"),
])
def test_a_thing_that_moves_of_itself_gets_an_insert(nlp, rules, sentence, thing):
    shot = shot_after_mara(nlp, rules, sentence, sentence[:12])
    assert shot.rule == "insert-detail" and shot.size == "INSERT"
    assert shot.description.startswith(f"Close on {thing}.")


@pytest.mark.parametrize("sentence", [
    "The wind shook the shutters.",         # weather, and done to something
    "The blast shook the house.",           # done to something
    "The road turned north.",               # the landscape
    "The dish turned west toward the sky.",  # which way it faces
    "Mara jumped.",                         # a character
    "She sat the way a needle jumps on a dial.",    # not the main clause
])
def test_no_insert_for_weather_a_character_or_a_subordinate_clause(nlp, rules, sentence):
    assert shot_after_mara(nlp, rules, sentence, sentence[:10]).rule != "insert-detail"


def test_a_shaking_hand_is_still_a_close_up_of_its_owner(nlp, rules):
    shot = shot_after_mara(nlp, rules, "Her hand shook.", "hand shook",
                           cast={"Mara": "female", "Joe": "male"})
    assert shot.rule == "physical-tell" and shot.subjects == ("mara",)


# ------------------------------------------------------------ end to end
CRATER = """# Chapter 1: The Crater

The plain ran grey to the horizon under a low white sky. Nothing moved on it.

A man stood alone at the edge of the crater. He wore a long oilcloth coat, and the wind pulled at its hem.

A corporal began to swear before the assemblage. He had put a new board floor in his hut, and now they were to march.

A boatman in a wet oilcloth coat pushed off from the jetty. The army waited on the hills.

Mara watched from the bank. On the console beside her the trace jumped.
"""


def test_a_chapter_of_unnamed_people_has_them_in_frame_with_their_looks(tmp_path):
    from novel2board import build
    chapter = tmp_path / "crater.md"
    chapter.write_text(CRATER, encoding="utf-8")
    result = build([chapter], out=tmp_path / "out", formats=("json",), variants=1)
    data = json.loads((tmp_path / "out" / result.boards[0].slug / "shots.json")
                      .read_text(encoding="utf-8"))
    looks = {c["id"]: c["look"] for c in data["characters"]}
    assert looks["the-man"] == "a man in a long oilcloth coat"
    assert looks["the-boatman"] == "a boatman in a wet oilcloth coat"
    assert "the-corporal" in looks and "the-army" not in looks
    text = CRATER

    def shot_at(phrase: str) -> dict:
        at = text.index(phrase)
        return next(s for s in data["shots"] if s["start"] <= at < s["end"]
                    and s["rule"] not in ("establishing", "master"))

    assert "the-man" in shot_at("A man stood alone")["subjects"]
    assert "the-corporal" in shot_at("A corporal began")["subjects"]
    assert "the-boatman" in shot_at("A boatman in a wet")["subjects"]
    trace = shot_at("the trace jumped")
    assert trace["size"] == "INSERT" and "trace" in trace["description"]
    # Nobody who acts is left out: every shot that is not an insert of a
    # thing and not a pure scenery shot frames someone.
    for shot in data["shots"]:
        if shot["rule"] not in ("establishing", "scenery", "insert-detail"):
            assert shot["subjects"], shot
