"""Each shot rule fires on its cue and not elsewhere; the rules file is checked.

The mini-chapters are written here.  The language analysis is replaced by
a small stand-in (names and pronouns by regex, quotes by their marks) so
that these tests pin down the planner's rules alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from novel2board.config import PlannerSettings
from novel2board.errors import ConfigError
from novel2board.model import (Analysis, ChapterText, Character, Mention, Paragraph, Quote,
                               Scene)
from novel2board.shots import PlanContext, load_rules, plan_chapter

CAST = {"Mara": "female", "Joe": "male", "Ines": "female"}
PRONOUNS = {"she": "female", "her": "female", "he": "male", "him": "male", "his": "male"}


@pytest.fixture(scope="module")
def rules(nlp):
    return load_rules(None, None, nlp)


def plan(nlp, rules, paragraphs: list[str], cause: str = "chapter-start",
         cast: dict[str, str] | None = None, speakers: list[str | None] | None = None,
         settings: PlannerSettings | None = None):
    """Shots for one scene made of `paragraphs`.  A quote's speaker is the
    first character named (or referred to) outside quotes in its paragraph,
    unless `speakers` gives them in order."""
    cast = cast or CAST
    chapter, analysis = fake_analysis(paragraphs, cast, speakers)
    docs = [nlp(p.text) for p in chapter.paragraphs]
    scene = Scene(id="1.1", number=1, heading="INT. ROOM - DAY", setting="INT", location=None,
                  time_of_day="DAY",
                  characters=tuple(c.id for c in analysis.characters), start=0,
                  end=chapter.end, paragraphs=tuple(range(len(paragraphs))), summary="",
                  cause=cause)
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs, rules=rules,
                      settings=settings or PlannerSettings())
    shots, omitted = plan_chapter(ctx, (scene,))
    return shots, omitted, chapter, analysis


def fake_analysis(paragraphs, cast, speakers=None):
    text = "\n\n".join(paragraphs)
    paras, pos = [], 0
    for i, p in enumerate(paragraphs):
        paras.append(Paragraph(i, pos, pos + len(p), p))
        pos += len(p) + 2
    chapter = ChapterText(number=1, title="Test", slug="test", start=0, end=len(text),
                          paragraphs=tuple(paras))
    characters = tuple(Character(id=n.lower(), name=n, aliases=(), gender=g, mentions=1)
                       for n, g in cast.items())
    by_gender: dict[str, list[str]] = {}
    for n, g in cast.items():
        by_gender.setdefault(g, []).append(n.lower())
    mentions, quotes = [], []
    speaker_list = list(speakers) if speakers is not None else None
    for para in paras:
        spans = [(m.start() + para.start, m.end() + para.start)
                 for m in re.finditer(r"\u201c[^\u201d]*\u201d", para.text)]
        found = []
        for m in re.finditer(r"\b[A-Za-z]+\b", para.text):
            start = para.start + m.start()
            if any(a <= start < b for a, b in spans):
                continue
            word = m.group()
            if word in cast:
                found.append(Mention(start, start + len(word), word.lower(), "name"))
            elif word.lower() in PRONOUNS and len(by_gender.get(PRONOUNS[word.lower()], [])) == 1:
                cid = by_gender[PRONOUNS[word.lower()]][0]
                found.append(Mention(start, start + len(word), cid, "pronoun"))
        mentions.extend(found)
        for a, b in spans:
            speaker = speaker_list.pop(0) if speaker_list else (
                found[0].character if found else None)
            quotes.append(Quote(id=f"q{len(quotes) + 1}", start=a, end=b, text=text[a:b],
                                paragraph=para.index, speaker=speaker))
    analysis = Analysis(characters=characters, mentions=tuple(mentions), locations=(),
                        location_mentions=(), quotes=tuple(quotes))
    return chapter, analysis


def rules_of(shots) -> list[str]:
    return [s.rule for s in shots]


def shot_for(shots, chapter, phrase: str):
    """The first shot (not an establishing one) whose span holds `phrase`."""
    text = "\n\n".join(p.text for p in chapter.paragraphs)
    at = text.index(phrase)
    return next(s for s in shots if s.start <= at < s.end and s.rule != "establishing")


OPENING = "Rain fell on the slate roofs of the harbour town."
INTRO = "Mara stood at the window. Joe sat at the table. Ines leaned in the doorway."


# -------------------------------------------------------------- scene opening
def test_scene_opens_wide_with_establishing_shot(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, "Mara sat down."])
    assert shots[0].rule == "establishing"
    assert shots[0].size in ("EWS", "WS") and shots[0].subjects == ()
    assert rules_of(shots).count("establishing") == 1


def test_scene_at_same_place_opens_on_master_not_establishing(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, "Mara sat down."], cause="cast-change")
    assert shots[0].rule == "master" and shots[0].size == "WS"
    assert "establishing" not in rules_of(shots)


# ------------------------------------------------------- first appearance
def test_first_appearance_is_full_figure_once(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara stood by the stove in a red coat.",
                                             "Mara sat down at the table."])
    first = shot_for(shots, chapter, "Mara stood")
    assert first.rule == "first-appearance" and first.size == "FS"
    assert first.subjects == ("mara",)
    assert shot_for(shots, chapter, "Mara sat").rule != "first-appearance"


def test_a_name_dropped_is_no_first_appearance(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara stood by the stove.",
                                             "The old boat had belonged to Joe."])
    shot = shot_for(shots, chapter, "old boat")
    assert shot.rule != "first-appearance"


@pytest.mark.parametrize("line, phrase", [
    ("Two days later, Joe's men came up the hill.", "men came"),
    ("Mara looked toward the huts where Joe's quarters were.", "huts"),
    ("Mara looked like the young woman in Ines's photograph.", "young woman"),
    ("Her hands shook, the way Joe's had.", "hands shook")])
def test_the_owner_of_a_thing_is_not_in_the_shot(nlp, rules, line, phrase):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara stood by the stove.", line])
    shot = shot_for(shots, chapter, phrase)
    assert shot.rule != "first-appearance"
    assert "joe" not in shot.subjects and "ines" not in shot.subjects


def test_someone_named_in_a_message_is_not_in_the_shot(nlp, rules):
    shots, *_ = plan(nlp, rules, [OPENING, "Mara stood by the stove. Her phone buzzed. "
                                           "*Are you alive. Ines says you haven't rung.* "
                                           "Mara put the phone away."])
    assert all("ines" not in s.subjects for s in shots)


def test_the_owner_of_a_body_part_is_in_the_shot(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara stood by the stove.",
                                             "Joe's hands were shaking."])
    assert "joe" in shot_for(shots, chapter, "hands were").subjects


# ------------------------------------------------ close-ups and physical tells
@pytest.mark.parametrize("tell, who", [("His hands shook.", "joe"),
                                       ("His knuckles whitened on the rail.", "joe"),
                                       ("Mara bit her lip.", "mara")])
def test_physical_tell_gets_extreme_close_up(nlp, rules, tell, who):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, tell])
    shot = shot_for(shots, chapter, tell)
    assert shot.rule == "physical-tell" and shot.size == "ECU"
    assert shot.subjects[0] == who


def test_physical_tell_needs_a_character(nlp, rules):
    line = "The shutters shook in the wind."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule != "physical-tell"


def test_emotional_beat_gets_close_up(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, "Mara flinched."])
    shot = shot_for(shots, chapter, "Mara flinched")
    assert shot.rule == "emotional-close-up" and shot.size in ("CU", "ECU")


def test_emotional_cue_in_a_subordinate_clause_does_not_fire(nlp, rules):
    line = "Mara knew that Joe would flinch at the news."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule != "emotional-close-up"


def test_a_named_feeling_is_a_close_up_of_the_one_who_feels_it(nlp, rules):
    para = "Joe sat down at the table with his mug. He was furious."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, para])
    shot = shot_for(shots, chapter, "He was furious")
    assert shot.rule == "feeling-close-up" and shot.size == "CU"
    assert shot.subjects[0] == "joe"
    assert "jaw set" in shot.description            # the tell, not the word
    assert "furious" not in shot.description
    # kept apart from the beat before it, though the paragraph is short
    assert shot_for(shots, chapter, "Joe sat down").rule != "feeling-close-up"


def test_one_close_up_of_a_feeling_a_paragraph(nlp, rules):
    para = "Mara was angry. She was angry at Joe for the word. Mostly she was angry."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, para])
    assert rules_of(shots).count("feeling-close-up") == 1


def test_a_verb_that_only_looks_like_a_feeling_is_no_close_up(nlp, rules):
    para = "Joe crossed the yard. He spent an hour at the gate."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, para])
    assert "feeling-close-up" not in rules_of(shots)


# ------------------------------------------------------------------ inserts
def test_object_handled_gets_insert(nlp, rules):
    line = "Mara picked up the brass key."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "insert-object" and shot.size == "INSERT"
    assert "key" in shot.description


@pytest.mark.parametrize("line, close_on", [
    ("Joe picked up one glove and put it on.", "Close on one glove. "),
    ("Joe picked up the drive from the desk and weighed it.", "Close on the drive. "),
    ("Joe took off his gloves, one finger at a time.", "Close on his gloves. ")])
def test_an_insert_closes_on_the_thing_itself(nlp, rules, line, close_on):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line[:12])
    assert shot.size == "INSERT" and shot.description.startswith(close_on), shot.description


def test_written_words_in_emphasis_are_one_beat_and_no_insert_on_the_mark(nlp, rules):
    line = "Mara picked up the pen and wrote *02:27. Seventeen.* Joe nodded."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    told = " ".join(s.description for s in shots)
    assert "Close on *" not in told and "Close on ." not in told
    assert "writes 02:27. Seventeen." in shot_for(shots, chapter, "wrote").description


@pytest.mark.parametrize("line", ["Mara held her breath.", "Mara took a step back."])
def test_no_insert_for_body_parts_or_idioms(nlp, rules, line):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule != "insert-object"


def test_something_read_gets_insert(nlp, rules):
    line = "Joe read the telegram."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "insert-read" and shot.size == "INSERT"
    assert "legible-text" in shot.flags


# ---------------------------------------------------------------------- POV
def test_looking_at_something_gets_pov(nlp, rules):
    line = "Joe watched the harbour lights."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "pov-look" and shot.framing == "POV"
    assert shot.subjects == ()          # Joe looks; the lights are in frame
    assert "Joe" in shot.description and "harbour lights" in shot.description


def test_pov_on_a_person_frames_the_person_seen(nlp, rules):
    line = "Joe watched Mara across the room."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.framing == "POV" and shot.subjects == ("mara",), shot


@pytest.mark.parametrize("line", ["Joe turned at last and looked at it.",
                                  "Joe looked at himself in the dark window."])
def test_a_look_with_nothing_to_see_shows_the_one_looking(nlp, rules, line):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.framing != "POV" and shot.subjects == ("joe",), shot
    assert "point of view" not in shot.description


def test_a_sound_is_a_medium_close_up_of_the_one_who_hears_it(nlp, rules):
    line = "Eleven taps came, evenly spaced, out of the dark."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara put the headphones on.", line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "sound-heard" and shot.size == "MCU" and shot.subjects == ("mara",)
    # with nobody in the scene to hear it, it stays scenery
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, line])
    assert shot_for(shots, chapter, line).rule != "sound-heard"


def test_look_in_subordinate_clause_is_no_pov(nlp, rules):
    line = "Mara waited by the door, the way Joe watched the weather."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule != "pov-look"


# ----------------------------------------------------------------- tracking
def test_movement_through_space_gets_tracking_shot(nlp, rules):
    line = "Joe walked along the harbour wall to the lighthouse."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "tracking-movement" and shot.movement == "tracking"


def test_they_walking_together_is_tracked_as_the_people_in_the_scene(nlp, rules):
    line = "They walked along the harbour wall to the lighthouse."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, "Mara stood at the door. Joe sat down.",
                                             line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "tracking-movement" and set(shot.subjects) == {"mara", "joe"}
    assert "complex-motion" in shot.flags
    things = "The clouds moved along the ridge to the west."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, things])
    assert shot_for(shots, chapter, things).rule != "tracking-movement"


def test_walking_without_a_path_is_not_tracking(nlp, rules):
    line = "Joe walked."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule == "action"


# ------------------------------------------------------------ group, action
def test_three_characters_get_group_shot(nlp, rules):
    line = "Mara, Joe and Ines sat at the long table."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "group" and shot.framing == "group"
    assert set(shot.subjects) == {"mara", "joe", "ines"}


def test_two_characters_are_no_group(nlp, rules):
    line = "Mara and Joe sat at the long table."
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, line])
    assert shot_for(shots, chapter, line).rule != "group"


def test_plain_action_gets_medium_shot_and_scenery_gets_wide(nlp, rules):
    shots, _, chapter, _ = plan(nlp, rules, [OPENING, INTRO, "Mara sat down.",
                                             "The kettle began to sing on the stove."])
    assert shot_for(shots, chapter, "Mara sat down").rule == "action"
    scenery = shot_for(shots, chapter, "The kettle")
    assert scenery.rule == "scenery" and scenery.subjects == ()


# ------------------------------------------------------------------ reaction
def test_listener_responding_after_a_line_gets_reaction_shot(nlp, rules):
    paras = [OPENING, "Mara stood at the window. Joe sat at the table.",
             "Joe looked up. \u201cThe boat is not coming back,\u201d he said.",
             "Mara closed her eyes."]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    shot = shot_for(shots, chapter, "Mara closed")
    assert shot.rule == "reaction" and shot.subjects == ("mara",)


def test_speaker_acting_after_own_line_is_no_reaction(nlp, rules):
    paras = [OPENING, "Mara stood at the window. Joe sat at the table.",
             "Joe looked up. \u201cThe boat is not coming back,\u201d he said.",
             "Joe rubbed his neck."]
    shots, _, chapter, _ = plan(nlp, rules, paras)
    assert shot_for(shots, chapter, "Joe rubbed").rule != "reaction"


# ------------------------------------------------------------- rules file
def write_rules(tmp_path: Path, text: str) -> Path:
    (tmp_path / "templates").mkdir(exist_ok=True)
    path = tmp_path / "templates" / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BUILTIN = Path(__file__).resolve().parent.parent / "templates" / "rules.yaml"


def test_unknown_key_is_reported_with_line_and_suggestion(tmp_path, nlp):
    text = BUILTIN.read_text(encoding="utf-8").replace(
        "  - id: scenery\n    cue: always\n",
        "  - id: scenery\n    cue: always\n    neds: character\n", 1)
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_rules(tmp_path, None, nlp)
    line = text.splitlines().index("    neds: character") + 1
    assert f"{path}:{line}" in str(err.value)
    assert "unknown key 'rules[" in str(err.value) and "did you mean 'needs'" in str(err.value)


def test_bad_values_are_all_reported_at_once(tmp_path, nlp):
    path = write_rules(tmp_path, """
rules:
  - id: a
    cue: scene-openin
    shot: {size: HUGE, framing: single, angle: eye-level, movement: static}
  - id: b
    cue: always
    shot: {size: WS, framing: none, angle: eye-level, movement: dolly}
""")
    with pytest.raises(ConfigError) as err:
        load_rules(None, path, nlp)
    message = str(err.value)
    assert "'HUGE'" in message and "unknown cue 'scene-openin'" in message
    assert "'dolly'" in message and "did you mean 'dolly-in'" in message


def test_rules_need_a_last_fallback(tmp_path, nlp):
    path = write_rules(tmp_path, """
rules:
  - id: a
    cue: any-character
    shot: {size: MS}
""")
    with pytest.raises(ConfigError, match="cue: always"):
        load_rules(None, path, nlp)


def test_bad_pattern_names_the_rule(tmp_path, nlp):
    path = write_rules(tmp_path, """
rules:
  - id: broken
    cue:
      dependency:
        - - {RIGHT_ID: v, RIGHT_ATTRS: {LEMMA: run}}
          - {LEFT_ID: nowhere, REL_OP: ">", RIGHT_ID: x, RIGHT_ATTRS: {}}
    shot: {size: MS}
  - id: all
    cue: always
    shot: {size: WS}
""")
    with pytest.raises(ConfigError, match="rule 'broken': bad dependency pattern"):
        load_rules(None, path, nlp)


def test_yaml_off_in_a_word_list_is_explained(tmp_path, nlp):
    path = write_rules(tmp_path, """
rules:
  - id: go
    cue: {matcher: [[{LOWER: {IN: [on, off]}}]]}
    shot: {size: MS}
  - id: all
    cue: always
    shot: {size: WS}
""")
    with pytest.raises(ConfigError, match="put such words in quotes"):
        load_rules(None, path, nlp)


def test_project_rules_override_and_dependency_cue_fires(tmp_path, nlp):
    """A project's own rule, cued by a DependencyMatcher pattern, makes its shot."""
    text = BUILTIN.read_text(encoding="utf-8").replace("rules:\n", """rules:
  - id: low-angle-climb
    cue:
      dependency:
        - - {RIGHT_ID: verb, RIGHT_ATTRS: {LEMMA: climb}}
          - {LEFT_ID: verb, REL_OP: ">", RIGHT_ID: what, RIGHT_ATTRS: {DEP: dobj, LEMMA: ladder}}
    needs: character
    shot: {size: FS, framing: single, angle: low, movement: tilt, duration_s: 3}
    why: "Climbing a ladder: from below."
""", 1)
    write_rules(tmp_path, text)
    custom = load_rules(tmp_path, None, nlp)
    line = "Joe climbed the ladder."
    shots, _, chapter, _ = plan(nlp, custom, [OPENING, INTRO, line, "Joe climbed the hill."])
    shot = shot_for(shots, chapter, line)
    assert shot.rule == "low-angle-climb" and shot.angle == "low"
    assert shot_for(shots, chapter, "Joe climbed the hill").rule != "low-angle-climb"


def test_a_minimal_rules_file_still_covers_everything(tmp_path, nlp):
    """One fallback rule and no dialogue section: every beat and line is still shot."""
    path = write_rules(tmp_path, """
rules:
  - id: everything
    cue: always
    shot: {size: WS, framing: none}
""")
    minimal = load_rules(None, path, nlp)
    paras = [OPENING, INTRO, "\u201cIs the boat in?\u201d Joe asked.", "Mara picked up the key."]
    shots, omitted, chapter, analysis = plan(nlp, minimal, paras)
    assert {s.rule for s in shots} <= {"everything", "dialogue-two-shot", "dialogue-single",
                                       "dialogue-ots", "dialogue-reaction"}
    assert [d.quote for s in shots for d in s.dialogue] == [q.id for q in analysis.quotes]
    assert not omitted
