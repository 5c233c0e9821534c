"""Scene state (shots/state.py): what holds in a scene at each shot, read
from the narration in order and carried until the prose changes it."""

from __future__ import annotations

from novel2board.config import Config
from novel2board.shots.planner import PlanContext, plan_chapter
from novel2board.shots.rules import load_rules


def board(nlp, analyse, text: str):
    from novel2board.analyse import parse_paragraphs
    from novel2board.model import Source
    from novel2board.read import split_chapters
    from novel2board.scenes import split_scenes
    from novel2board.scenes.split import SceneCues
    from novel2board.resources import load_data
    chapter = split_chapters(Source(__import__("pathlib").Path("t.md"), text, ""))[0]
    docs = parse_paragraphs(chapter, nlp)
    from novel2board.analyse import analyse_chapter
    analysis = analyse_chapter(chapter, docs, Config())
    scenes = split_scenes(chapter, analysis, SceneCues.from_data(load_data("scenes.yaml", None)))
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs,
                      rules=load_rules(None, None, nlp), settings=Config().planner)
    shots, _ = plan_chapter(ctx, scenes)
    return shots


CHAPTER = """# Chapter 1

It was night on the pier. The only light came from a lantern on a post, and rain fell on the boards.

Mara Voss sat on an upturned crate. She picked up the radio and turned it over in her hands.

Joe Hale walked along the pier toward her. He stopped at the edge of the jetty.

Mara put the radio down. Far off, the moon came out over the water.
"""


def test_light_weather_posture_and_props_carry_from_shot_to_shot(nlp, analyse):
    shots = board(nlp, analyse, CHAPTER)
    assert all(s.state.time_of_day == "night" for s in shots)
    assert all("lantern light" in s.state.light for s in shots[:-1])
    assert all(s.state.weather == "rain" for s in shots)
    seated = [s for s in shots if dict(s.state.postures).get("mara-voss") == "seated"]
    assert seated, [s.state for s in shots]
    holding = [dict(s.state.holding).get("mara-voss") for s in shots if "mara-voss" in s.subjects]
    assert "a radio" in holding
    assert dict(shots[-1].state.holding).get("mara-voss") is None     # put down
    joe = [s for s in shots if s.subjects[:1] == ("joe-hale",) and s.state.spot]
    assert any(s.state.spot == "at the edge of the jetty" for s in joe), \
        [(s.subjects, s.state.spot) for s in shots]


def test_a_light_of_the_day_and_one_of_the_night_are_not_stated_together(nlp, analyse):
    shots = board(nlp, analyse, "# Chapter 1\n\nThe sun went down behind the hill. Mara "
                                "walked out into the field. The stars came out over the "
                                "barn.\n")
    assert shots[-1].state.light == "starlight"


def test_a_verb_that_shares_its_subject_still_says_who_holds_what(nlp, analyse):
    shots = board(nlp, analyse, "# Chapter 1\n\nMara Voss came into the shed. She "
                                "stopped by the bench and lifted the old lamp. Then she "
                                "sat down, still holding the lamp.\n")
    held = [dict(s.state.holding).get("mara-voss") for s in shots if "mara-voss" in s.subjects]
    assert any(h and "lamp" in h for h in held), [s.state for s in shots]
