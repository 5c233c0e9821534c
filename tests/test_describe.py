"""Shot descriptions: the source's own words, in the present tense."""

from __future__ import annotations

import pytest

from novel2board.shots.describe import describe, present_tense, strip_markup, tidy


@pytest.mark.parametrize("past, present", [
    ("Tomas walked along the service road to dish fourteen, a toolkit in one hand.",
     "Tomas walks along the service road to dish fourteen, a toolkit in one hand."),
    ("She was watching the traces.", "She is watching the traces."),
    ("They were late.", "They are late."),
    ("I didn't go to bed that night.", "I don't go to bed that night."),
    ("I had never looked up.", "I have never looked up."),
    ("He tugged off his gloves and held his hands to the heater.",
     "He tugs off his gloves and holds his hands to the heater."),
    ("The dishes stood in rows.", "The dishes stand in rows."),
    ("She was smaller than I'd expected.", "She is smaller than I'd expected."),
])
def test_past_becomes_present(nlp, past, present):
    assert present_tense(nlp(past)) == present


def test_present_tense_leaves_other_text_alone(nlp):
    text = "The wind is loud and the door will not shut."
    assert present_tense(nlp(text)) == text


def test_leading_pronoun_becomes_the_name(nlp):
    assert describe([nlp("She sat down.")], "Ilse Marr") == "Ilse Marr sits down."
    # only a pronoun that starts the text, and only he/she
    assert describe([nlp("The door opened and she came in.")], "Ilse Marr") == \
        "The door opens and she comes in."


def test_description_is_trimmed(nlp):
    long = nlp("The wind came over the grass " + "and over the hill " * 20 + "at last.")
    words = describe([long], max_words=12).split()
    assert len(words) == 12 and words[-1].endswith("...")


def test_markup_is_stripped():
    assert strip_markup("She read *Hamlet* and __nothing__ else.") == \
        "She read Hamlet and nothing else."


def test_tidy_cleans_what_quotes_leave_behind():
    assert tidy("\u2014she tipped the mug toward the screens\u2014") == \
        "She tipped the mug toward the screens."
    assert tidy("He looked up , and") == "He looked up."
