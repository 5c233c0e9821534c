"""Unnamed people who act in the narration are characters, and a character
with no bible description gets the look the text gives them (issue #13,
item 4: whoever acts is in frame)."""

from __future__ import annotations

import pytest

from novel2board.config import CharacterBible, Config


def ids(analysis) -> set[str]:
    return {c.id for c in analysis.characters}


def look(analysis, cid: str) -> str | None:
    return next(c.look for c in analysis.characters if c.id == cid)


# ------------------------------------------------ unnamed people who act
def test_an_unnamed_person_who_acts_in_the_narration_is_a_character(analyse):
    found = analyse("Mara waited by the stove.\n\n"
                    "A corporal began to swear before the assemblage.\n")
    assert "the-corporal" in ids(found)


def test_a_noun_ending_in_man_or_woman_is_a_person_of_that_gender(analyse):
    found = analyse("The ferryman pushed off from the jetty. "
                    "A washerwoman stood on the steps.\n")
    gender = {c.id: c.gender for c in found.characters}
    assert gender["the-ferryman"] == "male" and gender["the-washerwoman"] == "female"


def test_there_was_a_man_brings_a_man_on(analyse):
    found = analyse("There was a man standing alone at the edge of a crater.\n")
    assert "the-man" in ids(found)


def test_crowds_voices_and_nobody_in_particular_are_not_characters(analyse):
    found = analyse("The army waited on the hills. The men cheered. A voice called "
                    "out from the dark. No soldier moved. Every woman wept. "
                    "The human stared.\n")
    assert not ids(found) & {"the-army", "the-men", "the-voice", "the-soldier",
                             "the-woman", "the-human"}


def test_someone_who_only_owns_a_thing_or_acts_before_the_moment_is_not_there(analyse):
    found = analyse("Mara spoke in a preacher's tone. She had heard it from a "
                    "friend, who had heard it from a cavalryman. The sailor had "
                    "left years before. Mara dealt the photographs like a "
                    "woman dealing cards.\n")
    assert not ids(found) & {"the-preacher", "the-friend", "the-cavalryman", "the-sailor",
                             "the-woman"}
    assert not any(m.character == "the-preacher" for m in found.mentions)


def test_an_unnamed_person_of_no_gender_does_not_hide_whom_she_stands_for(analyse):
    text = ("Mrs. Hall lit the fire in the parlour. The visitor sat down by it.\n\n"
            "She brought in a tray of bacon and eggs.\n")
    found = analyse(text)
    she = text.index("She brought")
    assert any(m.start == she and m.character == "mrs-hall" for m in found.mentions)


# --------------------------------------------------------------- looks
@pytest.mark.parametrize("text, cid, expected", [
    ("A boatman in a wet oilcloth coat pushed off from the jetty.", "the-boatman",
     "a boatman in a wet oilcloth coat"),
    ("Once a certain tall soldier went resolutely to wash a shirt.", "the-soldier",
     "a tall soldier"),
    ("The officer in grey saluted.", "the-officer", "the officer in grey"),
    ("The old journalist lit his pipe.", "the-journalist", "the old journalist"),
    ("A grey-haired woman wearing a red shawl opened the door.", "the-woman",
     "a grey-haired woman wearing a red shawl"),
    ("His young wife came in with a basket.", "the-wife", "a young wife"),
])
def test_an_unnamed_character_has_the_look_of_the_noun_phrase_that_brings_them_on(
        analyse, text, cid, expected):
    assert look(analyse(text + "\n"), cid) == expected


def test_interior_words_and_a_bare_noun_are_no_look(analyse):
    found = analyse("A reliable, attentive clerk came in. The man sat down.\n")
    assert look(found, "the-clerk") is None and look(found, "the-man") is None


def test_a_later_sentence_that_dresses_someone_gives_the_look(analyse):
    found = analyse("A man stood alone at the edge of the crater. "
                    "He wore a long oilcloth coat.\n")
    assert look(found, "the-man") == "a man in a long oilcloth coat"


def test_a_named_character_takes_the_look_of_an_appositive_or_a_naming(analyse):
    found = analyse("Edda Kross, a stout woman in a headscarf, came in from the yard. "
                    "Edda sat down.\n\n"
                    "A man named Sam sat by the fire. Sam poked at the coals.\n\n"
                    "Jonah Vale was a tall man with a scar. Jonah laughed.\n")
    assert look(found, "edda-kross") == "a stout woman in a headscarf"
    # "a man" alone is no look: a prompt would say "Sam: a man." (#13)
    assert look(found, "sam") is None
    assert look(found, "jonah-vale") == "a tall man with a scar"


def test_a_tie_to_someone_is_no_look(analyse):
    found = analyse("Henry Temple was a son of the old earl. Henry Temple sat down. "
                    "Henry Temple smiled.\n")
    assert look(found, "henry-temple") is None     # not "Henry Temple: a son."


def test_a_thing_said_to_be_is_no_look_of_a_name(analyse):
    found = analyse("Minton was a large mine. Minton sat on the hill. Minton smoked.\n")
    assert all(c.look is None for c in found.characters)


def test_a_bible_description_wins_over_the_look(analyse):
    bible = (CharacterBible(name="Edda Kross", description="a woman of sixty in a blue smock"),
             CharacterBible(name="Tomas Okafor"))
    found = analyse("Edda Kross, a stout woman in a headscarf, came in. Edda sat down. "
                    "Tomas Okafor, a thin man in overalls, followed her.\n",
                    Config(characters=bible))
    assert look(found, "edda-kross") is None
    assert look(found, "tomas-okafor") == "a thin man in overalls"


def test_words_left_out_of_a_look_leave_a_space(nlp):
    from novel2board.analyse.looks import _words
    doc = nlp("He was a tall, dark-complexioned man.")
    tall = next(t.i for t in doc if t.text == "tall")
    man = next(t.i for t in doc if t.text == "man")
    assert _words(doc, {tall, man}) == ["tall", "man"]      # not "tallman"


def test_what_someone_was_then_is_no_look_nor_is_a_grandfather(analyse):
    found = analyse("He married Madame Duval, then a waiting-girl at a tavern. "
                    "Madame Duval laughed. Madame Duval sat down.\n\n"
                    "Mr. Evelyn, the grandfather of the child, came in. Mr. Evelyn bowed.\n")
    assert look(found, "madame-duval") is None
    assert look(found, "mr-evelyn") is None
