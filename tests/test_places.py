"""Places: merged across a chapter, INT/EXT from the head noun or the bible,
and never a person, a day or a figure of speech."""

from __future__ import annotations

from pathlib import Path

from novel2board.analyse import parse_paragraphs
from novel2board.analyse.places import PlaceLexicon, find_locations, not_character_names
from novel2board.config import CharacterBible, Config, LocationBible
from novel2board.model import Source
from novel2board.read import split_chapters


def places(nlp, text: str, config: Config | None = None, lexicon=None):
    (chapter,) = split_chapters(Source(path=Path("c.md"), text=text, sha256=""))
    docs = parse_paragraphs(chapter, nlp)
    locations, mentions = find_locations(chapter, docs, config or Config(), lexicon)
    return {loc.id: loc for loc in locations}, mentions, text


def mentioned(mentions, text: str) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.location) for m in mentions]


def test_control_room_phrases_merge_into_one_interior(nlp):
    locs, mentions, text = places(nlp, (
        "Nell sat alone in the control room until two.\n\n"
        "Later the Array's control room filled with engineers."))
    assert "control-room" in locs and locs["control-room"].setting == "INT"
    assert [loc for _, loc in mentioned(mentions, text)].count("control-room") == 2


def test_bare_head_noun_is_the_last_place_with_that_head(nlp):
    locs, mentions, text = places(nlp, (
        "Nell walked into the engine room and shut the door.\n\n"
        "The room smelled of oil and hot metal."))
    assert ("room", "engine-room") in mentioned(mentions, text)
    assert "room" not in locs


def test_hyphenated_and_participle_room_names(nlp):
    locs, mentions, text = places(nlp, (
        "Elizabeth entered the breakfast-room, then sat in the sitting room. "
        "Later she crossed the long dark room to the drawing-room."))
    assert {"breakfast-room", "sitting-room", "drawing-room"} <= set(locs)
    assert locs["drawing-room"].name == "drawing-room"
    assert ("room", "sitting-room") in mentioned(mentions, text)


def test_exterior_head_nouns(nlp):
    locs, _, _ = places(nlp, "They walked along the coast road toward the harbour in silence.")
    assert locs["coast-road"].setting == "EXT"
    assert locs["harbour"].setting == "EXT"


def test_the_bible_wins_over_what_the_text_suggests(nlp):
    config = Config(locations=(LocationBible(
        name="Control room", aliases=("the control room", "the Array's control room"),
        setting="INT", description="green-lit consoles"),))
    locs, mentions, text = places(nlp, (
        "The Array's control room hummed.\n\nNell left the control room at dawn."), config)
    assert locs["control-room"].name == "Control room"
    assert locs["control-room"].description == "green-lit consoles"
    assert [loc for _, loc in mentioned(mentions, text)] == ["control-room", "control-room"]


def test_people_and_days_are_never_places(nlp):
    config = Config(characters=(CharacterBible(name="Tomas Okafor", aliases=("Tomas",)),))
    locs, _, _ = places(nlp, (
        "Tomas said the delivery would come on Friday, or on Monday at the latest. "
        "Tomas Okafor did not believe it."), config)
    assert not {"tomas", "tomas-okafor", "friday", "monday"} & set(locs)


def test_a_named_place_that_acts_like_a_person_is_a_person(nlp):
    locs, _, _ = places(nlp, ("Turkey laughed at the clerk. Later Turkey walked to the office "
                              "and Turkey said nothing."))
    assert "turkey" not in locs
    assert "office" in locs


def test_a_name_after_a_title_is_a_person(nlp):
    locs, _, _ = places(nlp, "Colonel Halden crossed the square to Mr. Vellacott and bowed.")
    assert not {"halden", "colonel-halden", "vellacott"} & set(locs)
    assert "square" in locs


def test_compounds_and_similes_are_not_places(nlp):
    locs, _, _ = places(nlp, (
        "The church bells rang while he leaned into the wind like a man pushing a car. "
        "The train service had stopped."))
    assert not {"church", "car", "train"} & set(locs)


def test_plural_place_nouns_are_not_one_place(nlp):
    locs, _, _ = places(nlp, "Bars of rose and gold lay over the rooftops and the fields.")
    assert not {"bars", "rooftops", "fields"} & set(locs)


def test_lexicon_is_data_a_project_can_change(nlp):
    lexicon = PlaceLexicon.from_data({"interior": ["observatory"], "exterior": [],
                                      "either": [], "not_places": []})
    locs, _, _ = places(nlp, "She climbed to the observatory before dawn.", lexicon=lexicon)
    assert locs["observatory"].setting == "INT"
    default, _, _ = places(nlp, "She climbed to the observatory before dawn.")
    assert "observatory" not in default


def test_names_that_never_become_characters(nlp):
    config = Config(locations=(LocationBible(name="Vell", aliases=("the town",)),))
    text = ("On Friday the steamer Sea Wren left Vell for the Ministry of War in London. "
            "Mara Quist watched it from the quay with Jonas Brandt.")
    (chapter,) = split_chapters(Source(path=Path("c.md"), text=text, sha256=""))
    names = not_character_names(chapter, parse_paragraphs(chapter, nlp), config)
    assert {"vell", "the town", "friday", "sea wren", "london"} <= names
    assert "mara quist" not in names and "jonas brandt" not in names
