"""What a camera can see (templates/camera.yaml, shots/camera.py): each
clause sorted, only the visible kept in a description, feelings turned into
tells, the rest kept as notes or the narrator's voice-over."""

from __future__ import annotations

import pytest

from novel2board.errors import ConfigError
from novel2board.shots.camera import CameraLexicon, load_camera, sort_clauses
from novel2board.shots.describe import compose
from novel2board.shots.thirdperson import Narrator


@pytest.fixture(scope="module")
def camera():
    return load_camera(None)


def kinds(nlp, camera, text):
    return [(c.head.text, c.kind) for c in sort_clauses(list(nlp(text)), camera)]


@pytest.mark.parametrize("text, head, kind", [
    ("She wondered whether he had lied.", "wondered", "thought"),
    ("He wanted to be alone with his thoughts.", "wanted", "thought"),
    ("He had been a soldier once.", "been", "backstory"),
    ("It must have rained in the night.", "rained", "speculation"),
    ("Perhaps she slept.", "slept", "speculation"),
    ("In his face one might notice some relics of the boy.", "notice", "speculation"),
    ("He would sit for hours by the window.", "sit", "habit"),
    ("She always locked the door.", "locked", "habit"),
    ("He told her the plan was off.", "told", "reported-speech"),
    ("The kitchen smelled of bread.", "smelled", "smell"),
    ("She heard the gate.", "heard", "sound"),
    ("A pipe knocked once as it cooled.", "knocked", "sound"),
    ("He was furious.", "was", "feeling"),
    ("She put the mug down.", "put", "action"),
    ("She knocked on the door.", "knocked", "action"),
    ("Tomas had been standing there for two hours.", "standing", "action"),
    # a feeling's verb, a feeling's participle; verbs that only share a word
    ("He dreaded the morning.", "dreaded", "feeling"),
    ("She was alarmed.", "was", "feeling"),
    ("He crossed the grass at a run.", "crossed", "action"),
    ("He was leaning on the rail with his arms crossed.", "crossed", "action"),
    ("He spent the night in the car.", "spent", "action"),
    # what a feeling is about, and why, is part of it
    ("She was angry at herself for laughing at the joke.", "laughing", "feeling"),
    ("He was angry because the radio was talking.", "talking", "feeling"),
])
def test_each_clause_is_sorted(nlp, camera, text, head, kind):
    assert (head, kind) in kinds(nlp, camera, text)


def test_only_the_visible_clause_is_described_the_rest_is_a_note(nlp, camera):
    c = compose([nlp("She put the mug down and wondered whether he had lied.")], camera=camera)
    assert c.text == "She puts the mug down."
    assert c.subtext == ("Thought: Wondered whether he had lied.",)


def test_a_subordinate_clause_whose_thought_is_gone_stands_as_a_sentence(nlp, camera):
    c = compose([nlp("When she reached the door, she remembered the key.")], camera=camera)
    assert c.text == "She reaches the door."
    assert c.subtext == ("Thought: She remembered the key.",)


def test_a_relative_clause_of_backstory_is_left_out(nlp, camera):
    c = compose([nlp("She picked up the letter that he had written.")], camera=camera)
    assert c.text == "She picks up the letter."


@pytest.mark.parametrize("text, tell", [
    ("He was furious.", "He stares hard, jaw set."),
    ("The youth was in a little trance of astonishment.",
     "The youth freezes, eyebrows raised."),
    ("Fear gripped him as he climbed the stairs.", "He goes still, eyes wide."),
    ("Her heart sank.", "She looks down, eyes wet."),
])
def test_a_named_feeling_becomes_a_visible_tell(nlp, camera, text, tell):
    c = compose([nlp(text)], camera=camera)
    assert tell in c.text
    assert c.subtext and c.subtext[0].startswith("Feeling: ")


def test_a_shot_of_pure_thought_shows_the_one_thinking(nlp, camera):
    c = compose([nlp("Priya wanted to be honest about how she felt.")], camera=camera)
    assert c.text == "Priya gazes into the middle distance."


def test_a_first_person_narrators_interior_becomes_voice_over(nlp, camera):
    me = Narrator(name="Priya Venkataraman", gender="female")
    c = compose([nlp("I was afraid, and I went to the door.")], camera=camera, narrator=me)
    assert c.text.startswith("Priya Venkataraman goes to the door.")
    assert "goes still, eyes wide" in c.text
    assert c.vo == ("I was afraid.",) and not c.subtext


def test_without_the_lexicon_nothing_is_sorted(nlp):
    c = compose([nlp("She put the mug down and wondered whether he had lied.")])
    assert c.text == "She puts the mug down and wonders whether he had lied."


def test_a_users_lexicon_decides(nlp):
    data = {"thought_verbs": [], "speech_verbs": [], "tells": {}, "feelings": {}}
    mine = CameraLexicon.from_data(data)
    c = compose([nlp("She put the mug down and wondered whether he had lied.")], camera=mine)
    assert "wonders" in c.text


def test_a_misspelt_key_in_the_lexicon_is_an_error_with_a_guess(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "camera.yaml").write_text(
        "tells: {}\nthougth_verbs: [think]\nspeech_verbs: say\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'thought_verbs'") as info:
        load_camera(tmp_path)
    assert info.value.line == 2                     # every problem, with its line
    assert "camera.yaml:3: 'speech_verbs' should be a list" in info.value.render()


@pytest.mark.parametrize("text, expected", [
    ("He came back from the brook.", "He comes back from the brook."),
    ("The gauge needle shivered and held.", "The gauge needle shivers and holds."),
    ("He weighed it in both hands and frowned.", "He weighs it in both hands and frowns."),
    ("He remained by the door.", "He remains by the door."),
    ("She felt the cold rail.", "She feels the cold rail."),
    ("She stood at the window, her braid tucked into the collar.",
     "She stands at the window, her braid tucked into the collar."),
])
def test_present_tense_with_real_verb_forms(nlp, camera, text, expected):
    assert compose([nlp(text)], camera=camera).text == expected


def test_what_is_left_of_a_sentence_must_stand_as_one(nlp, camera):
    # Its backstory gone, "thus pass out of the gigantic tale" has no subject.
    c = compose([nlp("It had borne all the ships from the Golden Hind, to be visited by "
                     "the Queen and thus pass out of the gigantic tale.")], camera=camera)
    assert "pass" not in c.text and "It." not in c.text
    assert c.subtext and c.subtext[0].startswith("Backstory:")


def test_a_sentence_kept_whole_is_not_asked_to_stand(nlp, camera):
    # Nothing hidden: the author's own fragment stays.
    assert compose([nlp("Two primes.")], camera=camera).text == "Two primes."


def test_no_stop_after_a_closing_quote_that_has_one_nor_a_dangling_and():
    from novel2board.shots.describe import tidy
    assert tidy("Marlow still \u201cfollows the sea.\u201d") == \
        "Marlow still \u201cfollows the sea.\u201d"
    assert tidy("bound on other conquests--and") == "Bound on other conquests."
