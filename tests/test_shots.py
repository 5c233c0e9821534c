"""Coverage, timing, flags and the board's invariants.

Dialogue and density tests use the stand-in analysis of test_rules.py, so
they pin down the planner alone; the property test runs the real pipeline
(reading, analysis, scenes) on generated chapters.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novel2board.config import Config, PlannerSettings
from novel2board.model import Source
from novel2board.pipeline import board_chapter
from novel2board.read import split_chapters
from novel2board.resources import load_data
from novel2board.scenes import SceneCues
from novel2board.shots import load_rules
from tests.test_rules import OPENING, plan, shot_for

Q = "\u201c{}\u201d"


@pytest.fixture(scope="module")
def rules(nlp):
    return load_rules(None, None, nlp)


def talk(lines: list[tuple[str, str]]) -> list[str]:
    """Paragraphs of speech: (name, words) -> “words,” Name said."""
    return [f"{Q.format(words)} {name} said." if not words.endswith("?") else
            f"{Q.format(words)} {name} asked." for name, words in lines]


SETUP = "Mara stood at the window. Joe sat at the table."
EXCHANGE = [("Joe", "The boat is late again"), ("Mara", "It is always late"),
            ("Joe", "Not this late. Not in this weather"), ("Mara", "Then we wait"),
            ("Joe", "How long?"), ("Mara", "As long as it takes")]


# ------------------------------------------------------------------ dialogue
def test_exchange_opens_on_two_shot_then_shot_reverse_shot(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk(EXCHANGE)])
    speech = [s for s in shots if s.dialogue]
    assert speech[0].rule == "dialogue-two-shot" and speech[0].framing == "two-shot"
    assert [s.framing for s in speech[1:]] == ["OTS"] * (len(speech) - 1)
    # the speaker is in frame, facing camera (first subject), the listener's
    # shoulder in the foreground
    for s in speech:
        assert s.subjects[0] == s.dialogue[0].speaker
        assert len(s.subjects) == 2
    # shot / reverse shot: the speaker alternates
    assert [s.subjects[0] for s in speech[1:]] == ["mara", "joe", "mara", "joe", "mara"]


def test_each_character_keeps_one_screen_side(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk(EXCHANGE)])
    sides: dict[str, set] = {}
    for s in shots:
        for cid, side in s.screen:
            sides.setdefault(cid, set()).add(side)
    assert sides["joe"] == {"left"} or sides["joe"] == {"right"}
    assert sides["mara"] != sides["joe"] and len(sides["mara"]) == 1


def test_shots_tighten_as_tension_rises(nlp, rules):
    calm = [("Joe", "The boat is late"), ("Mara", "It is always late"),
            ("Joe", "Not this late"), ("Mara", "Then we wait")]
    hot = [("Joe", "Where is it!"), ("Mara", "Stop shouting!"), ("Joe", "It should be here!")]
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk(calm + hot)])
    speech = [s for s in shots if s.dialogue]
    order = ["MS", "MCU", "CU", "ECU"]
    calm_sizes = [order.index(s.size) for s in speech[:4]]
    hot_sizes = [order.index(s.size) for s in speech[4:]]
    assert max(hot_sizes) > max(calm_sizes)
    assert hot_sizes == sorted(hot_sizes)


def test_long_speech_is_split_with_the_listeners_reaction(nlp, rules):
    long_line = ("The harbour master told me the boat left at six with a full hold and "
                 "a new engine, and that the skipper swore he would be back before the "
                 "tide turned, because his daughter was getting married in the morning")
    paras = [OPENING, SETUP, *talk([("Joe", "The boat is late"), ("Mara", long_line)])]
    shots, *_ = plan(nlp, rules, paras)
    carrying = [s for s in shots if any(d.quote == "q2" for d in s.dialogue)]
    assert len(carrying) == 1
    speech_s = len(long_line.split()) / 2.5 + 0.7
    i = shots.index(carrying[0])
    after = shots[i + 1]
    assert after.rule == "dialogue-reaction" and after.subjects == ("joe",)
    pieces = [s for s in shots[i:] if s.start == carrying[0].start]
    assert sum(s.duration_s for s in pieces) == pytest.approx(speech_s, abs=1.0)
    assert all(s.duration_s <= 10 for s in pieces)
    assert not any("longer-than-clip" in s.flags for s in pieces)


def test_three_speakers_get_a_group_shot(nlp, rules):
    paras = [OPENING, "Mara stood at the window. Joe sat at the table. Ines leaned in the door.",
             *talk([("Joe", "The boat is late"), ("Mara", "It is always late"),
                    ("Ines", "Not this late")])]
    shots, *_ = plan(nlp, rules, paras)
    assert any(s.rule == "dialogue-group" and len(s.subjects) == 3 for s in shots)


def test_action_in_a_speech_turn_plays_during_the_line(nlp, rules):
    paras = [OPENING, SETUP, *talk(EXCHANGE[:1]),
             f"Mara folded her arms and leaned on the sill. {Q.format('It is always late')}"]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    shot = shot_for(shots, chapter, "It is always late")
    assert shot.dialogue and "folds her arms" in shot.description
    assert "(" not in shot.description          # no "(Mara to Joe)" tag
    assert shot.duration_s <= 4


# ------------------------------------------------------------------ density
def test_a_paragraph_of_scenery_is_one_or_two_shots(nlp, rules):
    scenery = ("The harbour lay flat and grey under the cloud. Gulls sat in rows on the "
               "breakwater. The fishing boats rocked at their moorings, their masts ticking. "
               "Beyond the wall the sea ran out to a line of rain. A bell rang somewhere in "
               "the town. Smoke rose from the chimneys of the cottages along the front.")
    shots, *_ = plan(nlp, rules, [OPENING, scenery])
    made = [s for s in shots if s.rule != "establishing"]
    assert 1 <= len(made) <= 2


def test_one_shot_per_beat_not_per_sentence(nlp, rules):
    action = ("Mara crossed to the stove. She filled the kettle. She set it on the ring. "
              "She waited with her back to the room.")
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, action])
    made = [s for s in shots if s.start >= len(OPENING) + len(SETUP) + 4]
    assert 1 <= len(made) <= 3


def test_no_two_consecutive_shots_with_the_same_setup(nlp, rules):
    paras = [OPENING, SETUP, "Mara sat down.", "Mara sat still.", "Mara sat on."]
    shots, *_ = plan(nlp, rules, paras)
    for a, b in zip(shots, shots[1:]):
        assert (a.subjects, a.size, a.angle, a.framing) != (b.subjects, b.size, b.angle,
                                                            b.framing)


# ------------------------------------------------------------------- timing
def test_dialogue_duration_is_speech_rate_plus_pause(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk([("Joe", "one two three four five")])])
    speech = next(s for s in shots if s.dialogue)
    assert speech.duration_s == pytest.approx(5 / 2.5 + 0.7, abs=0.25)
    slow = PlannerSettings(words_per_second=1.0, line_pause_s=0.0)
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk([("Joe", "one two three four five")])],
                     settings=slow)
    assert next(s for s in shots if s.dialogue).duration_s == 5.0


def test_action_duration_comes_from_the_rule(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, SETUP, "Mara picked up the key."])
    insert = shot_for(shots, chapter, "picked up")
    assert insert.rule == "insert-object"
    assert 2.0 <= insert.duration_s <= 3.0


# -------------------------------------------------------------------- flags
def test_flags_carry_a_suggestion(nlp, rules):
    paras = [OPENING, SETUP, "Joe grabbed her by the wrist.", "Mara read the letter."]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    grab = shot_for(shots, chapter, "grabbed")
    assert "contact" in grab.flags
    assert len(grab.notes) == len(grab.flags) and all(grab.notes)
    assert "legible-text" in shot_for(shots, chapter, "read the letter").flags
    quiet = shot_for(shots, chapter, "Joe sat")
    assert "contact" not in quiet.flags and "legible-text" not in quiet.flags


def test_long_shot_is_flagged(nlp, rules):
    slow = PlannerSettings(words_per_second=0.5, max_clip_s=3)
    shots, *_ = plan(nlp, rules, [OPENING, SETUP, *talk([("Joe", "The boat is late")])],
                     settings=slow)
    assert any("longer-than-clip" in s.flags for s in shots)


# ------------------------------------------------------- the real pipeline
def board(text: str, nlp, tmp_path, config: Config | None = None):
    path = tmp_path / "chapter.md"
    path.write_text(text, encoding="utf-8")
    source = Source(path=path, text=text, sha256="0")
    chapter = split_chapters(source)[0]
    rules = load_rules(None, None, nlp)
    cues = SceneCues.from_data(load_data("scenes.yaml", None) or {})
    return board_chapter(source, chapter, config or Config(), nlp, rules, cues, variants=1)


NARRATION = [
    "The lighthouse stood at the end of the long grey breakwater.",
    "Mara walked along the harbour wall to the steps.",
    "Joe picked up the coil of rope and looked at the sky.",
    "Her hands were shaking.",
    "Ines watched the boats from the window of the net loft.",
    "The wind dropped, and the rain came on in long soft sheets.",
    "Mara, Joe and Ines stood together at the top of the slipway.",
    "He read the note twice and put it in his pocket.",
]
LINES = ["Is it coming?", "Not yet.", "We should go down there and wait on the steps "
         "until the boat comes round the point, however long it takes.", "Listen!"]
TAGS = ["said Mara.", "Joe said.", "she asked.", "he said quietly, and looked away."]


@st.composite
def chapters(draw):
    paragraphs = []
    for _ in range(draw(st.integers(2, 7))):
        if draw(st.booleans()):
            parts = draw(st.lists(st.sampled_from(NARRATION), min_size=1, max_size=4))
            paragraphs.append(" ".join(parts))
        else:
            line = Q.format(draw(st.sampled_from(LINES)))
            tag = draw(st.sampled_from(TAGS))
            extra = draw(st.sampled_from(["", " " + NARRATION[2], " " + Q.format("Go on.")]))
            paragraphs.append(f"{line} {tag}{extra}")
        if draw(st.integers(0, 5)) == 0:
            paragraphs.append("* * *")
    return "# Chapter 1: Test\n\n" + "\n\n".join(paragraphs) + "\n"


def check_invariants(b) -> None:
    text = b.source.text
    counts = Counter(d.quote for s in b.shots for d in s.dialogue)
    for q in b.analysis.quotes:
        assert counts[q.id] == 1, f"{q.id} is in {counts[q.id]} shots"
        shot = next(s for s in b.shots if any(d.quote == q.id for d in s.dialogue))
        assert shot.start <= q.start and q.end <= shot.end
    assert set(counts) <= {q.id for q in b.analysis.quotes}
    covered = set()
    for s in b.shots:
        assert s.start < s.end and s.duration_s > 0
        covered.update(range(s.start, s.end))
    for o in b.omitted:
        assert o.reason
        covered.update(range(o.start, o.end))
    for para in b.chapter.paragraphs:
        missing = [i for i in range(para.start, para.end)
                   if not text[i].isspace() and i not in covered]
        assert not missing, f"paragraph {para.index} not covered: {text[missing[0]:][:30]!r}"
    for scene in b.scenes:
        shots = [s for s in b.shots if s.scene == scene.id]
        assert [s.number for s in shots] == list(range(1, len(shots) + 1))
        assert [s.id for s in shots] == [f"{scene.id}.{n}" for n in range(1, len(shots) + 1)]
        assert shots[0].size in ("EWS", "WS")
        sides: dict[str, str] = {}
        for s in shots:
            if not s.rule.startswith("dialogue-"):
                sides = {}          # an exchange is a run of speech shots
            for cid, side in s.screen:
                assert sides.setdefault(cid, side) == side, "a character changed screen side"
            if s.framing in ("OTS", "two-shot") and len(s.screen) == 2:
                assert s.screen[0][1] != s.screen[1][1], "two people on one side"
        for a, c in zip(shots, shots[1:]):
            assert (a.subjects, a.size, a.angle, a.framing) != (c.subjects, c.size, c.angle,
                                                                c.framing)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=chapters())
def test_board_invariants_hold_on_any_chapter(text, nlp, tmp_path):
    first = board(text, nlp, tmp_path)
    check_invariants(first)
    again = board(text, nlp, tmp_path)
    assert first.shots == again.shots and first.omitted == again.omitted   # stable ids


def test_totals_use_the_configured_rate(nlp, tmp_path):
    text = "# Chapter 1\n\n" + "\n\n".join(NARRATION[:4]) + "\n"
    b = board(text, nlp, tmp_path, Config(planner=PlannerSettings(seconds_per_day=30)))
    runtime = sum(s.duration_s for s in b.shots)
    assert b.totals.runtime_s == pytest.approx(runtime)
    assert b.totals.production_days == pytest.approx(runtime / 30, abs=0.01)
    assert dict(b.totals.scene_runtime_s)[b.scenes[0].id] == pytest.approx(runtime)


def test_first_shot_of_each_scene_carries_the_transition(nlp, tmp_path):
    text = "# Chapter 1\n\n" + NARRATION[0] + "\n\n* * *\n\n" + NARRATION[5] + "\n"
    b = board(text, nlp, tmp_path)
    assert len(b.scenes) == 2
    for scene in b.scenes:
        first = next(s for s in b.shots if s.scene == scene.id)
        assert first.transition == scene.transition_in
    assert all(s.transition == "" for s in b.shots if s.number > 1)


def test_close_up_in_an_exchange_is_followed_by_the_other_persons_reaction(nlp, rules):
    paras = [OPENING, SETUP, *talk([("Joe", "The boat went down off the point")]),
             "Mara flinched."]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    close = shot_for(shots, chapter, "Mara flinched")
    assert close.rule == "emotional-close-up"
    after = shots[shots.index(close) + 1]
    assert after.rule == "reaction" and after.subjects == ("joe",)
    # and no reaction after a close-up when nobody has been talking
    quiet, *_ = plan(nlp, rules, [OPENING, SETUP, "Mara flinched."])
    assert "reaction" not in [s.rule for s in quiet]


FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves)\b|narrator",
                          re.IGNORECASE)
TOLD_AS_I = (
    "# Chapter 3: The Quarters\n\n"
    "I knocked on the door and waited. I was cold and I wanted to go home, but I stayed "
    "where I was. My breath smoked in the light over the door.\n\n"
    "\u201cCome in, Dr. Venkataraman,\u201d said Brekke.\n\n"
    "I went in. I didn't sit down. I took the drive out of my pocket and put it on his "
    "desk, and we looked at it together.\n\n"
    "\u201cSit down, Dr. Venkataraman,\u201d Brekke said again. He held a folder out to me "
    "and I took it.\n")


def test_a_first_person_chapter_is_boarded_in_the_third_person(nlp, tmp_path):
    """What the camera sees is told of the narrator by name, in descriptions
    and prompts alike (not "I", not "the narrator's point of view")."""
    b = board(TOLD_AS_I, nlp, tmp_path)
    narrator = next(c for c in b.analysis.characters if c.narrator)
    assert narrator.name == "Dr. Venkataraman"
    for s in b.shots:
        assert not FIRST_PERSON.search(s.description), (s.id, s.description)
        prompts = b.prompts[s.id]
        for text in (*prompts.flux, *prompts.midjourney, *(p.prompt for p in prompts.sdxl)):
            assert not FIRST_PERSON.search(text), (s.id, text)
    told = " ".join(s.description for s in b.shots)
    assert "Dr. Venkataraman knocks on the door" in told
    # no pronoun tells the analysis their gender: "they", with plural verbs
    # a wish is no action: the narrator's voice-over, not the picture (#13)
    assert "They are cold, but they stay" in told
    assert "I wanted to go home" in " ".join(v for s in b.shots for v in s.vo)
    assert "want to go home" not in told
    assert "They take the drive out of their pocket and put it on his desk" in told
    assert "Brekke holds a folder out to Dr. Venkataraman and they take it" in told


def test_a_gesture_after_a_line_is_the_speakers_only_when_it_is_a_participle(nlp, rules):
    """"said Mara, touching the rope" is Mara's gesture, a whole sentence:
    "Mara touches the rope"; "Something happened" only ends in -ing and is
    not "Joe, something happens"."""
    paras = [OPENING, SETUP, *talk([("Joe", "The boat is late again")]),
             Q.format("Of course.") + " Something happened at the corner of Joe's mouth.",
             Q.format("Where?") + " said Mara, touching the rope."]
    shots, _, chapter, _ = plan(nlp, rules, paras, speakers=["joe", "joe", "mara"])
    assert shot_for(shots, chapter, "Something happened").description.endswith(
        ". Something happens at the corner of Joe's mouth.")
    assert shot_for(shots, chapter, "touching the rope").description == \
        "Mara, seen over Joe's shoulder, touches the rope."


def test_a_speaker_named_in_lower_case_starts_a_sentence_with_a_capital(nlp, rules):
    cast = {"Mara": "female", "soldier": "male"}
    paras = [OPENING, "Mara stood by the lorry. The soldier stood by the gate.",
             Q.format("Are you from the station?") + " the soldier asked Mara."]
    shots, *_ = plan(nlp, rules, paras, cast=cast, speakers=["soldier"])
    speech = next(s for s in shots if s.dialogue)
    sentences = re.split(r"(?<=\.) ", speech.description)
    assert len(sentences) == 2 and all(s[:1].isupper() for s in sentences), speech.description


def test_a_speech_tag_goes_with_its_clauses_and_its_and(nlp, rules):
    """"Mara said, when she could" leaves nothing to show; "... and said,
    “Go.”" leaves no dangling "and says"; what the speaker does stays."""
    paras = [OPENING, SETUP, *talk([("Joe", "The boat is late again")]),
             Q.format("And then there is the clock,") + " Mara said, when she could. "
             + Q.format("It is on the drive."),
             "Joe looked at her for a long moment, then looked out of the window and said, "
             + Q.format("Go."),
             Q.format("Where?") + " said Mara, touching the rope.",
             Q.format("Here,") + " Joe said quietly, without looking up, and lifted a hand.",
             Q.format("And then there's the rope,") + " Mara said, when she could.",
             Q.format("I know, Joe.") + " She had never called him by his first name before.",
             Q.format("Eat,") + " said Mara, and put a bowl in front of him so hard it slopped."]
    shots, _, chapter, _ = plan(nlp, rules, paras, speakers=[
        "joe", "mara", "mara", "joe", "mara", "joe", "mara", "mara", "mara"])
    told = [s.description for s in shots]
    assert not any("when she can" in d.lower() or "quietly" in d for d in told), told
    assert shot_for(shots, chapter, "Joe looked at her").description == \
        "Joe looks at her for a long moment, then looks out of the window."
    assert shot_for(shots, chapter, "touching the rope").description == \
        "Mara, seen over Joe's shoulder, touches the rope."
    assert shot_for(shots, chapter, "lifted a hand").description == \
        "Joe, seen over Mara's shoulder, lifts a hand."
    # a tag has no auxiliary: this "called" is narration; what she had
    # never done before is backstory, a note for the sheet, not the picture
    noted = shot_for(shots, chapter, "never called him")
    assert "never called him by his first name before" in " ".join(noted.subtext)
    assert "called" not in noted.description
    assert "Mara puts a bowl in front of him" in shot_for(shots, chapter, "put a bowl").description


def test_the_shoulder_of_an_exchange_shot_comes_before_an_action_of_its_own(nlp, rules):
    paras = [OPENING, SETUP, *talk(EXCHANGE[:3]),
             "On the screen, the stitches kept falling. " + Q.format("Thirteen.")
             + " Mara said."]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    shot = shot_for(shots, chapter, "stitches")
    assert shot.framing == "OTS", shot
    assert shot.description == \
        "Mara, seen over Joe's shoulder. On the screen, the stitches keep falling."


def test_a_scene_summary_is_a_storyboard_note(nlp, tmp_path):
    """Not the scene's first sentence word for word: the first sentence with
    somebody doing something, told like a shot (present tense, third
    person), cut after its first clause; with nobody acting, the first."""
    b = board("# Chapter 1: The Night\n\n"
              "At ten past two in the morning, the control room was the only lit window on "
              "the plateau. The lamps hummed.\n\n"
              "I sat down at my console in my coat, with the printout spread across the desk "
              "in front of me, and I put my headphones on.\n\n"
              "* * *\n\n"
              "The road was a river. Rain ran off the dishes in sheets.\n", nlp, tmp_path)
    assert [s.summary for s in b.scenes] == [
        "The narrator sits down at their console in their coat.", "The road is a river."]
