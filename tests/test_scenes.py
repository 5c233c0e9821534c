"""Scenes: where they start, their place, time of day, cast and slugline.

Most tests give the splitter a hand-made analysis (names and places found
by plain string search), so they test the splitter alone; one test runs the
real analysis on a chapter written here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novel2board.config import Config, LocationBible
from novel2board.model import (Analysis, Character, Location, LocationMention, Mention,
                               Quote, Source)
from novel2board.read import split_chapters
from novel2board.resources import load_data
from novel2board.scenes import SceneCues, slugline, split_scenes

CUES = SceneCues.from_data(load_data("scenes.yaml", None))

PLACES = {  # phrase -> (id, name, setting)
    "the control room": ("control-room", "Control room", "INT"),
    "canteen": ("canteen", "Canteen", "INT"),
    "the service road": ("service-road", "Service road", "EXT"),
    "the platform": ("platform", "platform", "EXT"),
    "the harbour": ("harbour", "harbour", "EXT"),
    "the house": ("house", "house", None),
    "the room": ("room", "room", "INT"),
}
PEOPLE = {"Nell": "nell", "Oskar": "oskar", "Petra": "petra", "Quill": "quill"}


def chapter_of(text: str):
    (chapter,) = split_chapters(Source(path=Path("c.md"), text=text, sha256=""))
    return chapter


def analysis_of(chapter, people: dict[str, str] | None = None) -> Analysis:
    """Names and places by string search; quotes between double quotes."""
    people = people or PEOPLE
    mentions, places, quotes = [], [], []
    for para in chapter.paragraphs:
        for name, cid in people.items():
            for m in re.finditer(rf"\b{name}\b", para.text):
                mentions.append(Mention(para.start + m.start(), para.start + m.end(), cid))
        for phrase, (lid, _, _) in PLACES.items():
            for m in re.finditer(re.escape(phrase), para.text, re.IGNORECASE):
                places.append(LocationMention(para.start + m.start(), para.start + m.end(), lid))
        for m in re.finditer(r"\"[^\"]*\"", para.text):
            quotes.append(Quote(f"q{len(quotes) + 1}", para.start + m.start(),
                                para.start + m.end(), m.group(0), para.index))
    # A name inside a longer name ("Hart" in "Nell Hart") is not a mention of its own.
    mentions = [m for m in mentions if not any(
        o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
        for o in mentions)]
    characters = tuple(Character(cid, name, (), "unknown", 1) for name, cid in people.items())
    locations = tuple(Location(lid, name, (), setting) for lid, name, setting in PLACES.values())
    return Analysis(characters=characters, mentions=tuple(sorted(mentions, key=lambda m: m.start)),
                    locations=locations,
                    location_mentions=tuple(sorted(places, key=lambda m: m.start)),
                    quotes=tuple(quotes))


def scenes_of(*paragraphs: str):
    chapter = chapter_of("# Chapter 1: Test\n\n" + "\n\n".join(paragraphs) + "\n")
    return split_scenes(chapter, analysis_of(chapter), CUES)


FILLER = ["Nell read the dials one by one.", "Oskar poured the tea and said nothing.",
          "The screens flickered and settled.", "Nell wrote the time in the log."]


def assert_invariants(chapter, scenes) -> None:
    covered = [i for s in scenes for i in s.paragraphs]
    assert covered == list(range(len(chapter.paragraphs)))
    for a, b in zip(scenes, scenes[1:]):
        assert a.end <= b.start
    for s in scenes:
        paras = [chapter.paragraphs[i] for i in s.paragraphs]
        assert (s.start, s.end) == (paras[0].start, paras[-1].end)


# ------------------------------------------------------------ where scenes start
def test_an_explicit_break_starts_a_scene():
    chapter = chapter_of("# Chapter 1\n\nNell sat in the control room.\n\n* * *\n\n"
                         "Oskar walked the service road.\n")
    scenes = split_scenes(chapter, analysis_of(chapter), CUES)
    assert [s.cause for s in scenes] == ["chapter-start", "break"]
    assert_invariants(chapter, scenes)


@pytest.mark.parametrize("opening, time", [
    ("The next morning Nell walked the service road.", "MORNING"),
    ("Three days later, Oskar came back.", "LATER"),
    ("Two hours passed before Oskar spoke.", "LATER"),
    ("That night Petra could not sleep.", None),
])
def test_time_jumps_start_a_scene(opening, time):
    scenes = scenes_of("At noon Nell sat in the control room.", *FILLER, opening, *FILLER)
    assert [s.cause for s in scenes] == ["chapter-start", "time-jump"]
    if time:
        assert scenes[1].time_of_day == time


def test_a_short_jump_is_the_same_scene():
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER,
                       "Four minutes later Petra came through the door.", *FILLER)
    assert len(scenes) == 1


def test_naming_the_time_of_day_the_scene_already_has_is_the_same_scene():
    scenes = scenes_of("In the morning Nell drove down to the harbour.", *FILLER,
                       "That morning, there were no boats.", *FILLER,
                       "That night the boats came back.")
    assert [s.cause for s in scenes] == ["chapter-start", "time-jump"]
    assert [s.time_of_day for s in scenes] == ["MORNING", "NIGHT"]


@pytest.mark.parametrize("opening, splits", [
    ("On Christmas night the girls put on their play.", True),
    ("One evening, a week after, Petra came to the harbour.", True),
    ("After dinner Oskar read aloud.", True),
    ("After breakfast Oskar read aloud.", False),        # still the morning
    ("Early in the morning Oskar read aloud.", False),
])
def test_days_meals_and_one_evening(opening, splits):
    scenes = scenes_of("The next morning Nell sat in the control room.", *FILLER, opening, *FILLER)
    assert (len(scenes) == 2) == splits


def test_time_named_in_dialogue_is_not_a_cue():
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER,
                       "\"The next morning will be too late,\" said Oskar.", *FILLER)
    assert len(scenes) == 1


def test_opening_in_another_place_starts_a_scene():
    scenes = scenes_of("At two in the morning Nell sat in the control room.", *FILLER,
                       "In the canteen, Oskar was toasting bread.", "Oskar ate it.")
    assert [s.cause for s in scenes] == ["chapter-start", "location-change"]
    assert scenes[1].location == "canteen"
    assert scenes[1].heading == "INT. CANTEEN - NIGHT"      # the night goes on


def test_a_place_someone_owns_as_the_subject_starts_a_scene():
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER,
                       "Oskar's canteen was a prefab box.", "Oskar ate toast there.")
    assert [s.cause for s in scenes] == ["chapter-start", "location-change"]


def test_a_place_seen_from_afar_is_scenery():
    scenes = scenes_of("Far below, down in the harbour, the lights went out. Nell stood "
                       "by the service road.", *FILLER)
    assert scenes[0].location == "service-road"


def test_a_place_as_the_subject_of_the_opening_starts_a_scene():
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER,
                       "The service road was a river.", "Oskar walked it alone.")
    assert [s.cause for s in scenes] == ["chapter-start", "location-change"]
    assert scenes[1].heading == "EXT. SERVICE ROAD - NIGHT"


def test_arriving_somewhere_new_starts_a_scene():
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER,
                       "Oskar left without a word, and an hour on he reached the harbour.",
                       "Oskar sat on a bollard.")
    assert [s.cause for s in scenes] == ["chapter-start", "location-change"]
    assert scenes[1].location == "harbour"


@pytest.mark.parametrize("paragraph", [
    "Nell thought of the canteen, and of toast, and sighed.",
    "\"The canteen is shut,\" said Oskar.",
    "On the platform above them Oskar sat down.",
    "In three strides Oskar was at the door that led to the canteen.",
])
def test_a_place_merely_mentioned_is_not_a_scene(paragraph):
    scenes = scenes_of("Nell sat in the control room at night.", *FILLER, paragraph, *FILLER)
    assert len(scenes) == 1
    assert scenes[0].location == "control-room"


def test_a_generic_place_as_subject_is_the_same_place():
    scenes = scenes_of("Nell sat in the canteen at night.", *FILLER,
                       "The room was silent.", *FILLER)
    assert len(scenes) == 1


def test_a_place_already_in_the_scene_is_not_a_new_scene():
    scenes = scenes_of("Nell and Oskar walked from the control room to the canteen.",
                       *FILLER, "In the canteen, Oskar ate toast.")
    assert len(scenes) == 1


def test_a_change_of_cast_starts_a_scene():
    before = ["Nell read the dials.", "Oskar poured tea for Nell.", "Nell drank it.",
              "Oskar yawned.", "Nell laughed at Oskar.", "Oskar left the dials to Nell."]
    after = ["Petra mended the net.", "Quill held the lamp for Petra.", "Petra swore.",
             "Quill laughed.", "Petra tied the knot.", "Quill put the lamp out."]
    scenes = scenes_of(*before, *after)
    assert [s.cause for s in scenes] == ["chapter-start", "cast-change"]
    assert scenes[0].characters == ("nell", "oskar")
    assert scenes[1].characters == ("petra", "quill")


def test_one_person_under_two_names_is_not_a_change_of_cast():
    # The analysis kept "Nell Hart" and "Hart" apart; they are one person.
    people = {"Nell Hart": "nell-hart", "Hart": "hart", "Oskar": "oskar"}
    before = ["Nell Hart read the dials."] * 6
    after = ["Hart\u00a0drank tea with Oskar."] * 6
    chapter = chapter_of("# Chapter 1\n\n" + "\n\n".join(before + after) + "\n")
    scenes = split_scenes(chapter, analysis_of(chapter, people), CUES)
    assert len(scenes) == 1


def test_a_line_of_dialogue_is_not_a_change_of_cast():
    before = ["Nell read the dials.", "Oskar poured tea for Nell.", "Nell drank it.",
              "Oskar yawned.", "Nell laughed at Oskar.", "Oskar left the dials to Nell."]
    after = ["\"Ready,\" said Petra to Quill.", "Quill held the lamp for Petra.", "Petra swore.",
             "Quill laughed.", "Petra tied the knot.", "Quill put the lamp out."]
    assert len(scenes_of(*before, *after)) == 1


def test_someone_leaving_is_not_a_change_of_cast():
    paragraphs = ["Nell read the dials.", "Oskar poured tea for Nell.", "Oskar left.",
                  "Nell drank it.", "Nell wrote.", "Nell yawned.", "Petra came in.",
                  "Nell showed Petra the trace.", "Petra frowned."]
    assert len(scenes_of(*paragraphs)) == 1


# ---------------------------------------------------------- what a scene is
def test_cast_is_who_is_there_not_who_is_talked_about():
    scenes = scenes_of("Nell sat in the control room.",
                       "\"Quill would know,\" said Nell. Oskar shrugged.")
    assert scenes[0].characters == ("nell", "oskar")


@pytest.mark.parametrize("opening, time", [
    ("At ten past two in the morning, Nell was still awake.", "NIGHT"),
    ("At four in the afternoon the storm came.", "AFTERNOON"),
    ("The sun was setting over the harbour.", "DUSK"),
    ("Dawn came up over the harbour.", "DAWN"),
    ("\"Good morning,\" said Oskar in the dark.", "NIGHT"),
    ("Every night for a year Nell had watched the harbour at noon.", "DAY"),
])
def test_time_of_day_from_the_opening_narration(opening, time):
    assert scenes_of(opening, *FILLER)[0].time_of_day == time


def test_location_is_where_the_narration_puts_the_scene():
    scenes = scenes_of("The storm came across the harbour and hit the windows.",
                       "In the control room Nell watched it.", "Oskar sat in the control room too.",
                       "\"The canteen will flood,\" said Oskar.")
    assert scenes[0].location == "control-room"


def test_a_place_of_either_kind_is_inside_when_the_narration_is():
    scenes = scenes_of("Nell stood in the house by the door.",
                       "She pulled a chair to the table and sat under the lamp.")
    assert scenes[0].heading.startswith("INT. HOUSE")
    scenes = scenes_of("Nell stood in the house, looking at the sky.",
                       "The wind bent the grass and the trees on the hills.")
    assert scenes[0].heading.startswith("EXT. HOUSE")


def test_the_place_people_are_in_beats_scenery():
    scenes = scenes_of("The harbour lay grey below. Nell stood on the platform.", *FILLER)
    assert scenes[0].location == "platform"


@pytest.mark.parametrize("args, heading", [
    (("INT", "the control room", "NIGHT", "1.1"), "INT. CONTROL ROOM - NIGHT"),
    (("EXT", "Service road", None, "1.2"), "EXT. SERVICE ROAD"),
    ((None, "Vell", "DAY", "1.3"), "INT./EXT. VELL - DAY"),
    (("INT", None, "DAWN", "2.4"), "INT. SCENE 2.4 - DAWN"),
    ((None, None, None, "2.5"), "SCENE 2.5"),
])
def test_slugline(args, heading):
    assert slugline(*args) == heading


def test_cues_are_data_a_project_can_change():
    cues = SceneCues.from_data({"time_jumps": ["when the bell rang"]})
    chapter = chapter_of("# Chapter 1\n\n" + "\n\n".join(
        FILLER + ["When the bell rang, Petra woke."] + FILLER) + "\n")
    scenes = split_scenes(chapter, analysis_of(chapter), cues)
    assert [s.cause for s in scenes] == ["chapter-start", "time-jump"]


# ------------------------------------------------------------------ property
_SLUGLINE = re.compile(r"(?:(?:INT|EXT|INT\./EXT)\. [A-Z0-9' .]+|SCENE [\d.]+)"
                       r"(?: - (?:DAWN|MORNING|DAY|AFTERNOON|EVENING|DUSK|NIGHT|CONTINUOUS|LATER))?")
_POOL = FILLER + [
    "The next morning Nell walked the service road.", "Four minutes later Oskar came in.",
    "In the canteen, Petra ate toast.", "The service road was a river.",
    "That night Quill slept in the control room.", "\"In the canteen,\" said Oskar.",
    "Petra and Quill mended the net on the harbour wall.", "On the platform above them Nell sat.",
]
_ITEMS = st.lists(st.one_of(st.sampled_from(_POOL).map(lambda p: ("p", p)),
                            st.sampled_from(["* * *", "#", "---", "\u2042"]).map(lambda m: ("m", m))),
                  min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(_ITEMS)
def test_scenes_are_in_order_do_not_overlap_and_cover_every_paragraph(items):
    if not any(kind == "p" for kind, _ in items):
        items = items + [("p", FILLER[0])]
    chapter = chapter_of("# Chapter 1\n\n" + "\n\n".join(text for _, text in items) + "\n")
    scenes = split_scenes(chapter, analysis_of(chapter), CUES)
    assert_invariants(chapter, scenes)
    assert [s.number for s in scenes] == list(range(1, len(scenes) + 1))
    assert len({s.id for s in scenes}) == len(scenes)
    known = {loc.id for loc in analysis_of(chapter).locations}
    for s in scenes:
        assert s.location is None or s.location in known
        assert _SLUGLINE.fullmatch(s.heading), s.heading


# --------------------------------------------------------- with the real analysis
def test_chapter_with_a_location_bible(nlp):
    from novel2board.analyse import analyse_chapter, parse_paragraphs
    config = Config(locations=(
        LocationBible(name="Control room", aliases=("the control room", "the Array's control room"),
                      setting="INT", description="consoles"),
        LocationBible(name="Canteen", aliases=("the canteen",), setting="INT",
                      description="tables")))
    text = ("# Chapter 1: Night Shift\n\n"
            "At two in the morning the Array's control room was the only lit window on the hill. "
            "Nell Hart sat at the console with her tea.\n\n"
            "Oskar Lind came in from the rain and sat beside her.\n\n"
            "\"Anything?\" he asked.\n\n\"Nothing yet,\" said Nell.\n\n"
            "They watched the screens for an hour.\n\n"
            "In the canteen, Petra Vos was toasting the last of the bread.\n\n"
            "She burnt it and ate it anyway.\n\n* * *\n\n"
            "The next morning Nell walked down the service road to the harbour.\n")
    chapter = chapter_of(text)
    docs = parse_paragraphs(chapter, nlp)
    scenes = split_scenes(chapter, analyse_chapter(chapter, docs, config), CUES)
    assert [s.heading for s in scenes] == ["INT. CONTROL ROOM - NIGHT", "INT. CANTEEN - NIGHT",
                                           "EXT. SERVICE ROAD - MORNING"]
    assert_invariants(chapter, scenes)


def test_a_vessel_is_where_its_passengers_are(nlp):
    from novel2board.analyse import analyse_chapter, parse_paragraphs
    text = ("# Chapter 2: Crossing\n\n"
            "The steamer left the quay at dusk, its deck wet with spray. Anna Reiss stood "
            "at the rail with her collar up.\n\n"
            "The fog closed in behind them and the rain came on.\n")
    chapter = chapter_of(text)
    docs = parse_paragraphs(chapter, nlp)
    (scene,) = split_scenes(chapter, analyse_chapter(chapter, docs, Config()), CUES)
    assert scene.heading == "EXT. STEAMER - DUSK"


def test_a_habit_or_a_duration_does_not_set_the_scenes_time(tmp_path):
    from novel2board.resources import load_data
    from novel2board.scenes.split import SceneCues
    cues = SceneCues.from_data(load_data("scenes.yaml", None))
    text = ("Holmes, who was usually very late in the mornings, save when he was up "
            "all night, was seated at the breakfast table.")
    blanked = cues.time_ignore.sub(lambda m: " " * len(m.group(0)), text)
    assert "mornings" not in blanked and "all night" not in blanked
    assert "breakfast" in blanked
