"""Variants that change the picture, video variants that change the camera,
labels with content, trimming by whole pieces, the scene's time and light
in every prompt (issue #13, items 4, 5, 7 and 8, the prompt side)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from novel2board.model import Character, Location, ShotState
from novel2board.prompts import PromptDrafter
from novel2board.prompts.trim import fit_words, passage
from novel2board.resources import builtin_templates_dir
from novel2board.templating import forget_templates

from .test_prompts import LOOK, OSKAR, PLACES, PROJECT, WREN, make_config, override, people, shot

PICTURE = ("size", "angle", "staging", "light")
SIZE_WORDS = ("extreme wide shot", "wide shot", "full shot", "medium shot", "medium close-up",
              "close-up", "extreme close-up", "insert shot of a detail")
NIGHT = ShotState(time_of_day="night", light="moonlight through the window",
                  weather="heavy rain")
ROOM = Location(id="boathouse", name="Boathouse", aliases=(), setting="INT",
                description="a low timber boathouse hung with nets")


@pytest.fixture
def drafter(tmp_path):
    config = make_config(tmp_path)
    return PromptDrafter(config, people(config), (*PLACES, ROOM), variants=6)


def mj_text(prompt: str) -> str:
    return prompt.split(" --")[0]


def words_but_lens(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w'-]+", text.lower()) if not re.fullmatch(r"\d+mm", w)]


# ------------------------------------------------------- image variants
@pytest.mark.parametrize("kw", [
    dict(), dict(angle="low"), dict(size="EWS", framing="none", subjects=(), lens_mm=18),
    dict(size="INSERT", framing="none", subjects=(), lens_mm=100, angle="high"),
    dict(size="ECU", lens_mm=100), dict(size="FS", framing="two-shot",
                                        subjects=("wren-halloway", "oskar-lind")),
    dict(size="MCU", framing="OTS", subjects=("oskar-lind", "wren-halloway"), lens_mm=65),
])
def test_at_least_half_of_the_image_variants_change_the_picture(drafter, kw):
    s = shot(**kw)
    variants = drafter.variants(s, [drafter._person(c, s) for c in s.subjects])
    assert variants[0].name == "as planned" and variants[0].change == "none"
    for n in range(2, 7):       # --variants 2 (the golden board) to 6 (the default)
        assert sum(v.change in PICTURE for v in variants[:n]) >= n / 2, \
            [v.name for v in variants[:n]]
    p = drafter.draft(s, "salt-pans")
    planned = words_but_lens(mj_text(p.midjourney[0]))
    changed = [k for k in range(len(p.midjourney))
               if words_but_lens(mj_text(p.midjourney[k])) != planned]
    # Not just the lens millimetres: the words of the picture differ.
    assert len(changed) >= len(p.midjourney) / 2, p.variant_names


def test_a_size_step_changes_the_size_words_of_every_image_tool(drafter):
    p = drafter.draft(shot(size="MS"), "salt-pans")
    tighter = p.variant_names.index("one size tighter")
    wider = p.variant_names.index("one size wider")
    assert "Medium shot" in p.midjourney[0]
    assert "Medium close-up, eye-level, 50mm lens." in p.midjourney[tighter]
    assert "Medium shot" not in p.midjourney[tighter]
    assert "Medium close-up" in p.flux[tighter]
    assert p.sdxl[tighter].prompt.startswith("(medium close-up:1.2)")
    assert p.kontext[tighter].startswith("Change the framing to a medium close-up;")
    assert "Full shot, eye-level" in p.midjourney[wider]
    assert p.sdxl[wider].prompt.startswith("(full shot:1.2)")


@pytest.mark.parametrize("size,missing", [("ECU", "one size tighter"),
                                          ("EWS", "one size wider"),
                                          ("INSERT", "one size tighter"),
                                          ("INSERT", "one size wider")])
def test_no_size_step_past_the_ladder_or_for_an_insert(drafter, size, missing):
    names = [v.name for v in drafter.variants(shot(size=size), [])]
    assert missing not in names and len(names) == 6
    other = {"one size tighter": "one size wider", "one size wider": "one size tighter"}
    assert (other[missing] in names) == (size != "INSERT")


def test_staging_is_in_every_image_template(drafter):
    p = drafter.draft(shot(size="FS"), "salt-pans")
    k = p.variant_names.index("seen from behind")
    assert "Seen from behind, back to the camera." in p.midjourney[k]
    assert "Seen from behind, back to the camera." in p.flux[k]
    assert "seen from behind, back to the camera" in p.sdxl[k].prompt
    assert p.kontext[k].startswith("Recompose the shot: seen from behind")
    assert WREN in p.midjourney[k] and LOOK in p.midjourney[k]
    assert "seen from behind" not in p.midjourney[0].lower()


def test_variant_conditions_hold_for_the_shot(tmp_path):
    config = make_config(tmp_path)
    drafter = PromptDrafter(config, people(config), (*PLACES, ROOM), variants=14)
    wren = [drafter._person("wren-halloway", shot())]
    outside = [v.name for v in drafter.variants(shot(size="FS"), wren, PLACES[0])]
    inside = [v.name for v in drafter.variants(shot(size="FS"), wren, ROOM)]
    nobody = [v.name for v in drafter.variants(shot(size="FS", subjects=()), [], ROOM)]
    close = [v.name for v in drafter.variants(shot(size="CU"), wren, ROOM)]
    assert "through a doorway" in inside and "through a doorway" not in outside
    assert "seen from behind" in inside and "seen from behind" not in nobody
    assert "seen from behind" not in close            # sizes: [WS, FS, MS]


def test_a_project_variants_file_can_step_two_sizes_and_stage(tmp_path):
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "variants.yaml").write_text(
        "variants:\n  - {name: as planned}\n  - {name: much wider, size_step: -2, seed_offset: 1}\n"
        "  - {name: in the crowd, staging: \"seen through a crowd\", seed_offset: 2}\n",
        encoding="utf-8")
    p = PromptDrafter(config, people(config), PLACES, 3).draft(shot(size="MCU"), None)
    assert p.variant_names == ("as planned", "much wider", "in the crowd")
    assert "Full shot" in p.midjourney[1] and "Seen through a crowd." in p.midjourney[2]
    assert len(set(p.seeds)) == 3


# ------------------------------------------------------- video variants
def video(p, tool="kling"):
    return dict(p.extra)[f"video_{tool}"]


def test_the_video_variants_of_a_shot_differ_and_keep_its_motion_first(drafter):
    p = drafter.draft(shot(description="Wren Halloway kicks a stone across the salt."),
                      "salt-pans")
    for tool in ("kling", "runway", "veo"):
        prompts = video(p, tool)
        assert len(prompts) == 6 and len(set(prompts)) == 6, prompts
        assert all(re.match(r"The (woman|subject) kicks a stone across the salt\.", t)
                   for t in prompts), prompts
        assert not any("Almost nothing moves" in t for t in prompts)
    assert video(p)[0].endswith("The camera slowly pushes in.")       # the planned move


def test_the_still_text_only_where_nothing_in_the_beat_moves(drafter):
    still = drafter.draft(shot(subjects=(), framing="none", size="WS", movement="static",
                               description="The salt is white and flat."), "salt-pans")
    assert all(t.startswith("Almost nothing moves") for t in video(still))
    assert len(set(video(still))) == 6           # the camera still changes
    moving = drafter.draft(shot(movement="static"), "salt-pans")
    assert not any("Almost nothing moves" in t for t in video(moving))


def test_a_walking_subject_is_tracked_and_a_look_is_followed(drafter):
    walk = drafter.draft(shot(movement="static", description="Wren Halloway walks out along "
                              "the pipeline toward the pump house."), "salt-pans")
    assert any("The camera tracks slowly alongside the woman." in t for t in video(walk))
    assert any("The camera tracks slowly alongside the subject." in t
               for t in video(walk, "runway"))
    look = drafter.draft(shot(movement="static", description="Wren Halloway looks back "
                              "toward the pump house."), "salt-pans")
    assert any(t.endswith("The camera pans slowly toward the pump house.") for t in video(look))
    # A planned pan goes where she looks.
    pan = drafter.draft(shot(movement="pan", description="Wren Halloway stares at the "
                             "rusted pump."), "salt-pans")
    assert video(pan)[0].endswith("The camera pans slowly toward the rusted pump.")


def test_tension_gets_a_handheld_variant_and_a_brisk_beat_a_brisk_camera(drafter):
    tense = drafter.draft(shot(movement="static", description="Wren Halloway stumbles and "
                               "grabs the rail."), "salt-pans")
    assert any("Handheld camera" in t for t in video(tense))
    run = drafter.draft(shot(movement="tracking", description="Wren Halloway runs across "
                             "the salt."), "salt-pans")
    assert video(run)[0].endswith("The camera tracks quickly alongside the woman.")
    # Slower, the camera only: a run is never called "unhurried".
    assert any(t.endswith("The camera tracks slowly alongside the woman.") for t in video(run))
    assert not any("Unhurried" in t for t in (*video(run), *video(tense)))
    walk = drafter.draft(shot(movement="tracking", description="Wren Halloway walks across "
                              "the salt."), "salt-pans")
    assert any("walks across the salt. Quick, purposeful movement. The camera tracks quickly"
               in t for t in video(walk))


def test_one_camera_sentence_in_every_video_variant(drafter):
    for movement in ("static", "pan", "dolly-in", "tracking", "handheld", "crane"):
        p = drafter.draft(shot(movement=movement, description="Wren Halloway walks to the "
                               "pump and looks at the gauge."), "salt-pans")
        for t in (*video(p), *video(p, "veo"), *video(p, "runway")):
            assert len(re.findall(r"(?:^|\. )(?:The camera|Handheld camera)", t)) == 1, t


def test_the_video_variants_are_data_a_project_can_override(tmp_path):
    source = (builtin_templates_dir() / "video_tools.yaml").read_text(encoding="utf-8")
    start = source.index("\nvariants:")
    end = source.index("\n\n", start + 1)
    mine = source[:start] + ("\nvariants:\n  - {name: as planned}\n"
                             "  - {name: crash zoom, move: zoom, pace: brisk}\n") + source[end:]
    config = make_config(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "video_tools.yaml").write_text(mine, encoding="utf-8")
    p = PromptDrafter(config, people(config), PLACES, 4).draft(shot(movement="static"), None)
    kling = video(p)
    assert kling[1].endswith("The camera zooms in quickly.")
    assert kling[2] == kling[0] and kling[3] == kling[0]    # the list ran out: as planned


def test_a_video_template_without_the_variant_renders_once_per_camera(tmp_path, monkeypatch):
    config = make_config(tmp_path)
    drafter = PromptDrafter(config, people(config), PLACES, 12)
    calls: list[str] = []
    render = PromptDrafter._render

    def counting(self, name, s, ctx):
        calls.append(name)
        return render(self, name, s, ctx)

    monkeypatch.setattr(PromptDrafter, "_render", counting)
    p = drafter.draft(shot(subjects=(), framing="none", size="WS", movement="static",
                           description="The salt is white and flat."), None)
    runway = video(p, "runway")
    assert 1 < len(set(runway)) < len(runway)
    assert calls.count("prompts/video_runway.j2") == len(set(runway))


# ------------------------------------------------------------- labels
def test_a_look_from_the_text_stands_in_for_a_missing_description(tmp_path):
    config = make_config(tmp_path)
    boatman = Character(id="the-boatman", name="the boatman", aliases=(), gender="male",
                        mentions=3, look="a boatman in a wet oilcloth coat")
    clerk = Character(id="the-clerk", name="the clerk", aliases=(), gender="female", mentions=2)
    oskar = replace(people(config)[1], look="an old man in a cap")
    drafter = PromptDrafter(config, (*people(config)[:1], oskar, people(config)[2], boatman,
                                     clerk), PLACES, 2)
    p = drafter.draft(shot(subjects=("the-boatman", "the-clerk", "oskar-lind"),
                           description="The boatman hands the clerk a rope. Oskar Lind "
                                       "watches."), "salt-pans")
    for prompt in (*p.midjourney, *p.flux, *(x.prompt for x in p.sdxl)):
        assert "The boatman: a boatman in a wet oilcloth coat." in prompt
        assert f"Oskar Lind: {OSKAR}" in prompt and "an old man in a cap" not in prompt
        assert "The clerk:" not in prompt and "a woman" not in prompt
        assert not re.search(r"\w: an? (man|woman|person)\.", prompt), prompt
    assert all("boatman in a wet" not in t and ":" not in t.split(".")[0] for t in video(p))
    # Video names them by a plain noun, as before.
    assert video(p)[0].startswith("The first man hands the woman a rope. The second man watches.")


def test_the_warning_no_longer_promises_a_man_a_woman_or_a_person():
    from novel2board.prompts import undescribed_warning
    message = undescribed_warning(["The Ferryman"])
    assert "man, woman or person" not in message and "only name them" in message


def test_a_name_after_the_late_becomes_no_double_article():
    from novel2board.prompts.motion import replace_names
    names = {"John Jacob Astor": "the man", "Ann": "the woman"}
    assert replace_names("The late John Jacob Astor nods. Ann waves at the door Ann opened.",
                         names) == "The late man nods. The woman waves at the door the woman opened."


def test_a_long_noun_phrase_owns_with_of_not_an_apostrophe():
    from novel2board.prompts.motion import replace_names
    names = {"Priya": "the woman in the middle", "Ilse Marr": "the woman on the right",
             "Tomas": "the man"}
    assert replace_names("Priya, seen over Ilse Marr's shoulder. Priya's hands hover. "
                         "Tomas's hands shake.", names) == (
        "The woman in the middle, seen over the shoulder of the woman on the right. "
        "The hands of the woman in the middle hover. The man's hands shake.")


def test_sdxl_chunks_skip_a_character_without_a_label(tmp_path):
    config = make_config(tmp_path)
    clerk = Character(id="the-clerk", name="the clerk", aliases=(), gender="female", mentions=2)
    drafter = PromptDrafter(config, people(config, (clerk,)), PLACES, 1)
    p = drafter.draft(shot(subjects=("greta-moss", "the-clerk", "oskar-lind"),
                           description="Greta Moss hands the clerk the lamp."), None)
    chunks = p.sdxl[0].chunks
    assert chunks and chunks[1] == f"Oskar Lind: {OSKAR}."
    assert all(c in p.sdxl[0].prompt for c in chunks)


# ----------------------------------------------------------- trimming
LONG_ACTION = ("Wren Halloway drags the sledge over the ridge of salt, leaning into the "
               "harness with her whole weight. She stops at the pump house and wipes her face. "
               "The wind rises from the east and lifts the loose salt in sheets. Far off, a "
               "gull turns over the water.")


def sentences_of(text: str) -> list[str]:
    return [s.text for s in passage(text).sentences]


def test_midjourney_drops_whole_sentences_later_ones_first(tmp_path):
    text = PROJECT.replace(LOOK, "gouache, ochre palette")
    config = make_config(tmp_path, text)
    drafter = PromptDrafter(config, people(config), PLACES, 3)
    p = drafter.draft(shot(description=LONG_ACTION), "salt-pans")
    for prompt in p.midjourney:
        body = mj_text(prompt)
        assert "..." not in body and "\u2026" not in body
        assert len(body.split()) <= 60
        assert "Wren Halloway drags the sledge over the ridge of salt" in body
        assert "gull" not in body                   # the last sentence went first
        # What is kept of the action is whole sentences of it, in order.
        kept = body[body.index("Wren Halloway drags"):body.index("White salt pans")]
        for piece in sentences_of(kept):
            assert piece.rstrip(".") in LONG_ACTION


def test_a_long_first_sentence_loses_trailing_clauses_never_half_a_phrase(drafter):
    action = ("Wren Halloway drags the sledge over the ridge of salt and past the pump house "
              "and the three rusted tanks, leaning into the harness, glancing back at the "
              "dark line of the shore.")
    p = drafter.draft(shot(description=action), "salt-pans")
    body = mj_text(p.midjourney[0])
    assert "Wren Halloway drags the sledge over the ridge of salt and past the pump house " \
           "and the three rusted tanks." in body
    assert "glancing" not in body
    for prompt in (*p.midjourney, *(s.prompt for s in p.sdxl)):
        assert "..." not in prompt and "\u2026" not in prompt


@pytest.mark.parametrize("text,limit,expected", [
    ("Ann walks in. She sits. She waits.", 5, "Ann walks in. She sits."),
    ("Ann walks to the door, waving at the crowd, then stops.", 6, "Ann walks to the door."),
    ("Ann holds out the cup of tea and the plate", 3, "Ann holds out the cup of tea and the plate"),
    ("At dawn, Ann rows out.", 2, "At dawn, Ann rows out."),
    ("The yard is lined with crates, swaying in the wind.", 4, "The yard is lined with crates."),
])
def test_fit_words_keeps_whole_thoughts(text, limit, expected):
    assert fit_words(text, limit, frozenset({"at"})) == expected
    out = fit_words(text, limit, frozenset({"at"}))
    assert not out.endswith(("...", "\u2026")) and out.split()[-1].lower() not in ("the", "and")


def test_sdxl_keeps_action_setting_and_state_within_one_chunk(drafter):
    from novel2board.prompts.tokens import clip_tokens
    p = drafter.draft(replace(shot(description=LONG_ACTION), state=NIGHT), "salt-pans")
    prompt = p.sdxl[0].prompt
    scene = prompt[prompt.index("Wren Halloway drags"):prompt.index(", eye-level")]
    assert clip_tokens(scene) <= 75
    assert "gull" not in scene and "night, moonlight through the window" in scene


# -------------------------------------------------------- scene state
def test_the_scene_time_light_and_weather_are_in_every_prompt(drafter):
    p = drafter.draft(replace(shot(), state=replace(NIGHT, spot="at the edge of the pans")),
                      "salt-pans")
    for prompt in (*p.midjourney, *p.flux):
        # Midjourney, over its budget here, drops the weather before any action.
        assert ("Night, moonlight through the window." if prompt in p.midjourney else
                "Night, moonlight through the window, heavy rain.") in prompt
        assert "on the horizon, at the edge of the pans." in prompt
        # after the setting, before the camera and the look
        assert prompt.index("on the horizon") < prompt.index("Night,") \
            < re.search(r"\d+mm lens", prompt).start() < prompt.index(LOOK)
    for s in p.sdxl:
        assert ", night, moonlight through the window, heavy rain, " in s.prompt
    assert "night, moonlight through the window, heavy rain" in p.kontext[0]
    for tool in ("kling", "runway", "veo"):
        assert all(t.endswith("Night, moonlight through the window, heavy rain.")
                   for t in video(p, tool))


def test_an_empty_state_leaves_no_stray_punctuation(drafter):
    p = drafter.draft(shot(), "salt-pans")
    for prompt in (*p.midjourney, *p.flux, *(s.prompt for s in p.sdxl), *p.kontext,
                   *video(p)):
        assert ". ." not in prompt and ", ," not in prompt and ",." not in prompt, prompt
        assert " ." not in prompt.replace("...", ""), prompt


def test_the_state_outranks_the_setting_detail_and_the_later_action(tmp_path):
    config = make_config(tmp_path, PROJECT.replace(LOOK, "gouache, ochre palette"))
    place = Location(id="yard", name="Yard", aliases=(), setting="EXT",
                     description="a yard of stacked crates, leaning against a rusted fence, "
                                 "with gulls on every post")
    drafter = PromptDrafter(config, people(config), (place,), 1)
    p = drafter.draft(replace(shot(description=LONG_ACTION), state=NIGHT), "yard")
    body = mj_text(p.midjourney[0])
    assert "Night, moonlight through the window" in body
    assert "gulls on every post" not in body and "gull turns" not in body
    assert len(body.split()) <= 60


def test_an_upper_case_time_of_day_reads_as_words(drafter):
    p = drafter.draft(replace(shot(), state=ShotState(time_of_day="NIGHT")), "salt-pans")
    assert "Night." in p.midjourney[0] and "NIGHT" not in p.midjourney[0]


def test_an_unknown_piece_in_the_drop_order_is_an_error(tmp_path):
    from novel2board.errors import Novel2BoardError
    config = make_config(tmp_path)
    source = (builtin_templates_dir() / "prompts" / "tools.yaml").read_text(encoding="utf-8")
    override(tmp_path, "tools.yaml", source.replace(
        "drop: [setting_detail, action_detail, weather, action_clauses]",
        "drop: [setting_details]", 1))
    forget_templates()
    with pytest.raises(Novel2BoardError) as err:
        PromptDrafter(config, people(config), PLACES, 1)
    assert "setting_details" in err.value.message and "setting_detail" in err.value.message


def test_kontext_names_read_mid_sentence_and_no_colon_follows_them():
    from novel2board.templating import mid_sentence
    assert mid_sentence("The gentleman") == "the gentleman"
    assert mid_sentence("Dr. Marr") == "Dr. Marr" and mid_sentence("A") == "A"
