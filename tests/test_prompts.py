"""Stage 5, prompts: the promises every prompt draft keeps, tool by tool."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest

from novel2board.config import parse_config
from novel2board.errors import TemplateError
from novel2board.model import Character, DialogueLine, Location, Shot
from novel2board.prompts import PromptDrafter, undescribed_warning
from novel2board.prompts.draft import aspect_for_midjourney, clip_length, clips_for
from novel2board.prompts.motion import MotionLexicon, motion_text, visible_text
from novel2board.prompts.trim import fit_words
from novel2board.prompts.tokens import clip_tokens

LOOK = "hand-painted gouache, ochre and slate palette, low winter sun, 50mm film grain"
WREN = "a wiry girl of twelve with a shaved head, a torn red anorak and muddy wellingtons."
OSKAR = "a stooped old man with a white walrus moustache, a flat cap and a brown corduroy jacket"
LONG = ("an enormously tall, gaunt, broad-handed woman of sixty with a long grey plait down "
        "her back, a weathered face full of deep lines, a heavy oilskin coat the colour of "
        "wet sand over a thick fisherman's jumper, a red knitted scarf wound twice round "
        "her throat, brass-rimmed spectacles on a chain, a canvas satchel on one hip and "
        "tall black rubber boots to the knee.")

PROJECT = f"""
project: Salt Flats
style:
  look: "{LOOK}"
  aspect_ratio: "2.39:1"
  negative: "text, watermark"
  midjourney: {{version: 7, sref: "998877", stylize: 200}}
characters:
  - name: Wren Halloway
    aliases: [Wren]
    pronouns: she/her
    description: "{WREN}"
    reference: https://example.com/wren.png
  - name: Oskar Lind
    aliases: [Oskar]
    pronouns: he/him
    description: "{OSKAR}"
    seed: 4242
  - name: Greta Moss
    pronouns: she/her
    description: "{LONG}"
    lora: greta_v2
    trigger: gretamoss
locations:
  - name: Salt pans
    setting: EXT
    description: "white salt pans cracked into plates, a rusted pump house on the horizon"
"""


def make_config(tmp_path: Path, text: str = PROJECT):
    path = tmp_path / "novel2board.yaml"
    path.write_text(text, encoding="utf-8")
    return parse_config(text, path)


def people(config, extra: tuple[Character, ...] = ()) -> tuple[Character, ...]:
    genders = {"Wren Halloway": "female", "Oskar Lind": "male", "Greta Moss": "female"}
    out = tuple(Character(id=c.name.lower().replace(" ", "-"), name=c.name,
                          aliases=c.aliases, gender=genders[c.name], mentions=5,
                          description=c.description) for c in config.characters)
    return out + extra


PLACES = (Location(id="salt-pans", name="Salt pans", aliases=(), setting="EXT",
                   description="white salt pans cracked into plates, a rusted pump house "
                               "on the horizon"),)


def shot(subjects=("wren-halloway",), description="Wren Halloway kicks a stone across the "
         "salt and watches it skid.", **kw) -> Shot:
    fields = dict(id="1.1.3", scene="1.1", number=3, size="MS", framing="single",
                  angle="eye-level", movement="dolly-in", lens_mm=50, subjects=subjects,
                  description=description, dialogue=(), duration_s=4.0, start=0, end=10,
                  rule="test")
    fields.update(kw)
    return Shot(**fields)


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path)


@pytest.fixture
def drafter(config):
    return PromptDrafter(config, people(config), PLACES, variants=6)


def image_prompts(p) -> list[str]:
    return [*p.midjourney, *p.flux, *(s.prompt for s in p.sdxl), *p.kontext]


# ----------------------------------------------------- the guarantees
@pytest.mark.parametrize("subjects", [("wren-halloway",), ("wren-halloway", "oskar-lind"),
                                      ("greta-moss", "oskar-lind", "wren-halloway"),
                                      ("greta-moss",)])
def test_every_image_prompt_carries_each_description_word_for_word(drafter, config, subjects):
    descriptions = {c.name.lower().replace(" ", "-"): c.description for c in config.characters}
    long_action = "Wren Halloway " + "runs and stumbles and runs again over the salt, " * 8
    for description in ("Wren Halloway kicks a stone.", long_action):
        p = drafter.draft(shot(subjects=subjects, description=description), "salt-pans")
        assert len(p.midjourney) == 6
        for prompt in image_prompts(p):
            for cid in subjects:
                assert descriptions[cid] in prompt, (cid, prompt)


def test_the_style_look_is_identical_in_every_image_prompt(drafter):
    shots = [shot(), shot(subjects=(), description="The pump house stands in the heat.",
                          size="EWS", lens_mm=18),
             shot(subjects=("oskar-lind", "wren-halloway"), size="CU", lens_mm=85,
                  framing="OTS", description="Oskar Lind leans over the map.")]
    for s in shots:
        p = drafter.draft(s, "salt-pans")
        for prompt in [*p.midjourney, *p.flux, *(x.prompt for x in p.sdxl)]:
            assert LOOK in prompt


def test_a_character_without_description_is_warned_once_and_gets_no_label(config, caplog):
    stranger = Character(id="the-ferryman", name="The Ferryman", aliases=(),
                         gender="male", mentions=2, description=None)
    drafter = PromptDrafter(config, people(config, (stranger,)), PLACES, variants=3)
    with caplog.at_level(logging.WARNING):
        for n in range(3):
            drafter.draft(shot(subjects=("the-ferryman",), id=f"1.1.{n}",
                               description="The Ferryman rows."), None)
    # Gathered for the run's one warning, not logged per character.
    assert drafter.undescribed == ["The Ferryman"] and not caplog.records
    message = undescribed_warning(drafter.undescribed)
    assert "The Ferryman" in message and "description" in message
    assert "novel2board.yaml" in message and "novel2board cast" in message
    p = drafter.draft(shot(subjects=("the-ferryman",), description="The Ferryman rows."), None)
    # The action names him; "The Ferryman: a man." would tell a model nothing.
    for prompt in image_prompts(p):
        assert "The Ferryman:" not in prompt and "a man" not in prompt, prompt
    for prompt in [*p.midjourney, *p.flux, *(s.prompt for s in p.sdxl)]:
        assert prompt.split("), ")[-1].startswith("The Ferryman rows")


def test_the_undescribed_warning_lists_the_names_and_gives_the_advice_once():
    message = undescribed_warning(["Ilse Marr", "Tomas Okafor", "Ilse Marr"])
    assert message.startswith("2 characters are in frame with no description")
    assert "'Ilse Marr', 'Tomas Okafor'" in message
    assert message.count("novel2board.yaml") == 1 and len(message) < 300


# ------------------------------------------------------------ Midjourney
def test_midjourney_parameters(drafter):
    p = drafter.draft(shot(), "salt-pans")
    prompt = p.midjourney[0]
    text, params = prompt.split(" --", 1)
    assert "--ar 239:100" in prompt and "--oref https://example.com/wren.png" in prompt
    assert "--cref" not in prompt
    assert "--sref 998877" in prompt and "--s 200" in prompt and "--v 7" in prompt
    assert f"--seed {p.seeds[0]}" in prompt and "--no text, watermark" in prompt
    assert "::" not in text and "--" not in text
    assert all(part.split()[0].isalpha() for part in ("--" + params).split(" --")[1:])


def test_midjourney_v6_uses_cref_never_oref(tmp_path):
    config = make_config(tmp_path, PROJECT.replace("version: 7", "version: 6.1"))
    p = PromptDrafter(config, people(config), PLACES, 2).draft(shot(), None)
    assert "--cref https://example.com/wren.png --cw 100" in p.midjourney[0]
    assert "--oref" not in p.midjourney[0] and "--v 6.1" in p.midjourney[0]


def test_an_interior_seen_from_outside_does_not_get_the_rooms_description(config):
    room = Location(id="control-room", name="Control room", aliases=(), setting="INT",
                    description="a long room of humming receiver racks")
    drafter = PromptDrafter(config, people(config), (room,), variants=1)
    outside = shot(subjects=(), size="EWS", framing="none", description=(
        "The control room is the only lit window on the plateau."))
    inside = shot(subjects=(), size="EWS", framing="none", description=(
        "The racks hum in the dark."))
    p = drafter.draft(outside, "control-room")
    assert all("receiver racks" not in text and "control room, seen from outside" in text
               for text in [*p.midjourney, *p.flux, *(s.prompt for s in p.sdxl)])
    p = drafter.draft(inside, "control-room")
    assert all("receiver racks" in text for text in [*p.midjourney, *p.flux])


def test_an_action_is_not_cut_to_its_opening_when_or_where(drafter):
    action = ("At ten past two in the morning, the control room of the Listening Array "
              "is the only lit window on the plateau.")
    p = drafter.draft(shot(subjects=("wren-halloway",), description=action), "salt-pans")
    for prompt in p.midjourney:
        assert "the only lit window" in prompt.split(" --")[0]
    openers = frozenset({"at"})
    assert fit_words(action, 8, openers) == action          # one thought: kept whole
    opening = "At ten past two in the morning, walking to the door, Wren stops."
    assert fit_words(opening, 4, openers) == opening        # never just "At ten past two"


def test_midjourney_trims_the_action_not_the_bible(drafter):
    action = ("Wren Halloway drags the sledge over the ridge of salt, stops, wipes her "
              "face with a sleeve, looks back toward the pump house, and then sets off "
              "again with her head down against the wind that is rising from the east.")
    p = drafter.draft(shot(description=action), "salt-pans")
    text = p.midjourney[0].split(" --")[0]
    assert WREN in text and LOOK in text
    assert "rising from the east" not in text       # the action was trimmed ...
    assert "drags the sledge" in text               # ... from its end
    flux = p.flux[0]
    assert "rising from the east" in flux           # Flux reads 512 tokens: kept whole


def test_midjourney_stays_near_sixty_words_when_the_bible_allows(tmp_path):
    text = PROJECT.replace(LOOK, "gouache, ochre palette").replace(WREN, "a wiry girl")
    config = make_config(tmp_path, text)
    drafter = PromptDrafter(config, people(config), PLACES, 1)
    long = "Wren Halloway " + " ".join(["walks on and on across the salt."] * 20)
    words = len(drafter.draft(shot(description=long), "salt-pans").midjourney[0]
                .split(" --")[0].split())
    assert 30 <= words <= 70


@pytest.mark.parametrize("ratio,expected", [("2.39:1", "239:100"), ("16:9", "16:9"),
                                            ("1.85:1", "37:20"), ("4:3", "4:3")])
def test_aspect_ratio_becomes_integers_for_midjourney(ratio, expected):
    assert aspect_for_midjourney(ratio) == expected


# -------------------------------------------------------------- Flux, SDXL
def test_flux_is_sentences_without_weights_or_negatives(drafter):
    for prompt in drafter.draft(shot(), "salt-pans").flux:
        assert not re.search(r"\(\w[^()]*:\d", prompt) and "--" not in prompt
        assert "negative" not in prompt.lower()
        assert prompt.endswith(".")


def test_sdxl_puts_the_characters_inside_the_first_75_tokens(drafter):
    p = drafter.draft(shot(subjects=("wren-halloway", "oskar-lind"),
                           description="Wren Halloway hands Oskar Lind the rope."), None)
    prompt = p.sdxl[0].prompt
    end = max(prompt.index(WREN) + len(WREN), prompt.index(OSKAR) + len(OSKAR))
    assert clip_tokens(prompt[:end]) <= 75
    assert prompt.index(OSKAR) < prompt.index("hands") < prompt.index(LOOK)
    assert re.match(r"\(medium shot:1\.2\)", prompt)
    assert "text, watermark" in p.sdxl[0].negative


def test_sdxl_long_description_comes_first_and_warns(drafter):
    p = drafter.draft(shot(subjects=("greta-moss",), description="Greta Moss waits."), None)
    prompt = p.sdxl[0].prompt
    assert prompt.index("gretamoss, Greta Moss: " + LONG) < 30
    assert prompt.endswith("<lora:greta_v2:0.8>")
    assert any("Greta Moss" in w and "CLIP tokens" in w for w in drafter.warnings)


def test_clip_token_estimate_errs_high_on_known_counts():
    # Real CLIP BPE counts: "a photo of a cat" 5; "35mm" 3 (3, 5, mm).
    assert clip_tokens("a photo of a cat") >= 5
    assert clip_tokens("35mm") == 3
    assert clip_tokens("Venkataraman, (close-up:1.2)") >= 6


# ------------------------------------------------------------------ video
def test_video_prompts_are_motion_only_per_tool(drafter):
    p = drafter.draft(shot(description="Wren Halloway kicks a stone across the salt. "
                                       "She thinks about her brother."), "salt-pans")
    extra = dict(p.extra)
    for key in ("video_kling", "video_runway", "video_veo"):
        prompt = extra[key][0]
        assert LOOK not in prompt and WREN not in prompt and "Wren" not in prompt
        assert "kicks a stone" in prompt and "thinks" not in prompt
        assert "The camera slowly pushes in." in prompt
        assert "salt pans cracked" not in prompt        # the keyframe shows the place
    assert extra["video_runway"][0].startswith("The subject kicks")
    assert extra["video_kling"][0].startswith("The woman kicks")
    assert "negative" not in extra["video_kling"][0].lower()
    assert "text, watermark" in extra["video_kling_negative"][0]
    assert "video_runway_negative" not in extra      # Runway takes no negative
    assert p.video == extra["video_kling"]           # the default tool


def test_video_has_exactly_one_camera_move(drafter):
    for movement in ("static", "pan", "orbit", "handheld", "tracking"):
        for prompt in dict(drafter.draft(shot(movement=movement), None).extra)["video_kling"]:
            moves = re.findall(r"(?:^|\. )(?:The camera|Handheld camera)", prompt)
            assert len(moves) == 1, prompt


def test_veo_speech_has_a_colon_and_no_quotation_marks(drafter):
    line = DialogueLine(quote="q1", speaker="oskar-lind", text="\u201cMind the edge,")
    more = DialogueLine(quote="q2", speaker="oskar-lind", text="\u201cit crumbles.\u201d")
    s = shot(subjects=("oskar-lind",), description="Oskar Lind points.",
             dialogue=(line, more))
    extra = dict(drafter.draft(s, None).extra)
    veo = extra["video_veo"][0]
    assert "The man says: Mind the edge, it crumbles." in veo
    assert "\u201c" not in veo and '"' not in veo
    assert "speaks" in extra["video_kling"][0]       # Kling cannot voice it: lips move


def test_video_tool_in_config_picks_prompts_video(tmp_path):
    text = PROJECT.replace("  negative: \"text, watermark\"",
                           "  negative: \"text, watermark\"\n  video: {tool: runway}")
    config = make_config(tmp_path, text)
    p = PromptDrafter(config, people(config), PLACES, 2).draft(shot(), None)
    assert p.video == dict(p.extra)["video_runway"]


@pytest.mark.parametrize("duration,clips,expected", [
    (3.0, [5, 10], [5]), (7.0, [5, 10], [10]), (25.0, [5, 10], [10, 10, 5]),
    (5.0, [4, 6, 8], [6]), (8.0, [4, 6, 8], [8]), (9.0, [4, 6, 8], [8, 4])])
def test_durations_round_up_to_the_tool_clip_lengths(duration, clips, expected):
    assert clips_for(duration, clips) == expected
    assert clip_length(duration, clips) == (expected[0] if len(expected) == 1 else max(clips))


def test_clip_lengths_are_in_the_prompts(drafter):
    clips = dict(drafter.draft(shot(duration_s=12.0), None).video_clips)
    assert clips == {"kling": (10, 5), "runway": (10, 5), "veo": (8, 4)}


def test_motion_helpers():
    lexicon = MotionLexicon.from_data({"inner_words": ["thinks"], "state_words": ["is"]})
    assert visible_text("Ann waves. (Ann to Bo)") == "Ann waves"
    assert motion_text("Ann says. Ann waves.", {"Ann": "the woman"}, lexicon) == "The woman waves"
    assert visible_text("Ann walks to the door and...") == "Ann walks to the door"
    assert motion_text("The room is dark. Ann is shaking. Ann thinks.",
                       {"Ann": "the woman"}, lexicon) == "The woman is shaking"
    assert fit_words("Ann walks to the door, waving at the crowd. She waits there.", 6) == \
        "Ann walks to the door."
    assert fit_words("short text", 6) == "short text"


# --------------------------------------------------------------- variants
def test_variants_are_named_distinct_and_deterministic(config, drafter):
    p = drafter.draft(shot(), "salt-pans")
    again = PromptDrafter(config, people(config), PLACES, 6).draft(shot(), "salt-pans")
    assert p == again
    assert len(set(p.variant_names)) == 6 and len(set(p.seeds)) == 6
    assert len(set(p.midjourney)) == 6 and len(set(p.flux)) == 6
    many = PromptDrafter(config, people(config), PLACES, 12).draft(shot(), None)
    assert len(many.midjourney) == 12 and len(set(many.seeds)) == 12


def test_a_variant_that_changes_nothing_is_skipped(drafter):
    low = drafter.variants(shot(angle="low"), [])
    assert "low angle" not in [v.name for v in low]
    plain = drafter.variants(shot(), [])
    assert "low angle" in [v.name for v in plain]
    for v in plain[1:]:
        assert v.change in ("size", "angle", "staging", "light", "lens", "seed")


def test_a_character_seed_fixes_the_seeds_of_their_shots(drafter):
    p = drafter.draft(shot(subjects=("oskar-lind",), description="Oskar Lind sits."), None)
    assert p.seeds[0] == 4242
    assert "--seed 4242" in p.midjourney[0]
    other = drafter.draft(replace(shot(subjects=("oskar-lind",)), id="2.1.1"), None)
    assert other.seeds == p.seeds


def test_kontext_keeps_face_hair_and_clothes(drafter):
    p = drafter.draft(shot(), "salt-pans")
    for prompt in p.kontext:
        assert "same face, hairstyle and clothing" in prompt
        assert WREN.rstrip(".") in prompt
    assert p.kontext[1].startswith("Change ")


# --------------------------------------------------------------- templates
def override(project: Path, name: str, source: str) -> None:
    """The project's own templates/prompts/<name>."""
    folder = project / "templates" / "prompts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(source, encoding="utf-8")


def test_a_project_template_overrides_the_built_in_one(tmp_path):
    config = make_config(tmp_path)
    override(tmp_path, "flux.j2", "MINE {{ characters[0].name }} {{ style.look }}")
    p = PromptDrafter(config, people(config), PLACES, 1).draft(shot(), None)
    assert p.flux[0] == f"MINE Wren Halloway {LOOK}"


@pytest.mark.parametrize("source,reads", [
    ("{{ sentence(motion) }} {{ sentence(camera) }}", False),
    ("{{ motion }} --seed {{ seed }}", True),
    ("{{ motion }}{% if variant.light %} {{ variant.light }}{% endif %}", True),
    ('{% include "prompts/video_veo.j2" %}', True),       # the include sees everything
    ('{% import "prompts/_macros.j2" as m with context %}{{ m.size(shot) }}', True),
    ('{% import "prompts/_macros.j2" as m %}{{ m.size(shot) }}', False),
    ('{% set variant = 1 %}{{ variant }}', False),        # its own, not the context's
])
def test_may_read_tells_which_templates_can_see_the_variant(tmp_path, source, reads):
    from novel2board.templating import forget_templates, may_read
    override(tmp_path, "video.j2", source)
    forget_templates()
    assert may_read(tmp_path, "prompts/video.j2", frozenset({"variant", "seed"})) is reads


def test_a_video_template_that_reads_the_variant_gets_one_prompt_per_variant(tmp_path):
    config = make_config(tmp_path)
    override(tmp_path, "video_kling.j2",
             "{{ sentence(motion) }} Variant {{ variant.name }}, seed {{ seed }}.")
    p = PromptDrafter(config, people(config), PLACES, 4).draft(shot(), None)
    kling = dict(p.extra)["video_kling"]
    assert len(kling) == 4 and len(set(kling)) == 4
    assert all(f"seed {seed}." in text for text, seed in zip(kling, p.seeds))
    # The built-in reads no variant: rendered once per camera move and pace,
    # which differ from variant to variant.
    runway = dict(p.extra)["video_runway"]
    assert len(runway) == 4 and len(set(runway)) == 4


@pytest.mark.parametrize("budget", range(20, 52, 2))
def test_a_midjourney_prompt_that_fits_is_the_whole_one(tmp_path, budget):
    """Over budgets where some variants fit and some must be cut: a variant
    whose whole text fits is exactly the whole render; the others keep to
    the budget, or have nothing left to drop but the action's first sentence."""
    text = PROJECT.replace(LOOK, "gouache, ochre palette").replace(WREN, "a wiry girl")
    config = make_config(tmp_path, text)
    drafter = PromptDrafter(config, people(config), PLACES, 6)
    drafter._mj_budget = budget
    the_shot = shot(description="Wren Halloway kicks a stone across the salt. It skids "
                                "away toward the pump house.")
    prompts = drafter.draft(the_shot, "salt-pans").midjourney
    full = PromptDrafter(config, people(config), PLACES, 6)
    full._mj_budget = 1000
    whole = full.draft(the_shot, "salt-pans").midjourney
    for cut, entire in zip(prompts, whole):
        if len(entire.split(" --")[0].split()) <= budget:
            assert cut == entire
        else:       # the later sentence goes; the first always stays
            assert cut == entire.replace(" It skids away toward the pump house.", "")
    if budget >= 50:        # short look and description: the whole text fits
        assert prompts == whole


def test_a_misspelt_template_variable_is_an_error_naming_the_file(tmp_path):
    config = make_config(tmp_path)
    override(tmp_path, "flux.j2", "{{ style.lok }}")
    with pytest.raises(TemplateError) as err:
        PromptDrafter(config, people(config), PLACES, 1).draft(shot(), None)
    assert "flux.j2" in err.value.render()


def test_a_first_person_narrator_takes_the_bible_entry_aliased_narrator(tmp_path):
    narrator = Character(id="narrator", name="Narrator", aliases=("I",), gender="unknown",
                         mentions=9, narrator=True)
    config = make_config(tmp_path)
    plain = PromptDrafter(config, people(config, (narrator,)), PLACES, 1)
    p = plain.draft(shot(subjects=("narrator",), description="I wade in."), None)
    assert "a person" not in p.flux[0] and "Narrator:" not in p.flux[0]
    assert len(plain.warnings) == 1 and "alias 'Narrator'" in plain.warnings[0]
    config = make_config(tmp_path, PROJECT.replace("aliases: [Wren]", "aliases: [Wren, Narrator]"))
    drafter = PromptDrafter(config, people(config, (narrator,)), PLACES, 1)
    p = drafter.draft(shot(subjects=("narrator",), description="I wade in."), None)
    assert f"Wren Halloway: {WREN}" in p.flux[0] and not drafter.warnings


def test_a_long_sdxl_prompt_is_cut_where_each_character_starts(drafter):
    p = drafter.draft(shot(subjects=("greta-moss", "oskar-lind"),
                           description="Greta Moss hands Oskar Lind the lamp."), None)
    chunks = p.sdxl[0].chunks
    assert chunks[0].startswith("(medium shot:1.2), gretamoss, Greta Moss: " + LONG)
    assert chunks[1] == f"Oskar Lind: {OSKAR}."
    assert chunks[2].startswith("Greta Moss hands") and LOOK in chunks[2]
    assert all(c in p.sdxl[0].prompt for c in chunks)
    short = drafter.draft(shot(subjects=("wren-halloway",), description="Wren sits."), None)
    assert all(c in short.sdxl[0].prompt for c in short.sdxl[0].chunks)


def test_each_chapter_notes_its_own_undescribed_characters(config):
    # Chapters are boarded in parallel processes and cached one by one: a
    # chapter's list must not depend on which chapters came before.
    stranger = Character(id="the-ferryman", name="The Ferryman", aliases=(),
                         gender="male", mentions=2, description=None)
    for _chapter in range(2):
        drafter = PromptDrafter(config, people(config, (stranger,)), PLACES, 1)
        for n in range(3):
            drafter.draft(shot(subjects=("the-ferryman",), id=f"1.1.{n}"), None)
        assert drafter.undescribed == ["The Ferryman"]


def test_the_sample_board_keeps_the_guarantees():
    """On the golden board of the sample project (chapter4.md with
    novel2board.yaml): every image prompt has the look and the description
    of each described character in frame, word for word (but an insert,
    which shows only the hands)."""
    import json
    from novel2board.config import load_config
    root = Path(__file__).resolve().parent.parent
    board = json.loads((root / "tests" / "golden" / "shots.json").read_text(encoding="utf-8"))
    look = load_config(root / "novel2board.yaml").style.look
    descriptions = {c["id"]: c["description"] for c in board["characters"]}
    checked = 0
    for s in board["shots"]:
        p = s["prompts"]
        for prompt in [*p["midjourney"], *p["flux"], *(x["prompt"] for x in p["sdxl"])]:
            assert look in prompt, s["id"]
            for cid in s["subjects"]:
                if descriptions.get(cid):
                    # an insert shows the hands only: no face to draw (#13)
                    assert (descriptions[cid] in prompt) == (s["size"] != "INSERT"), \
                        (s["id"], cid)
                    checked += 1
        for prompt in p["midjourney"]:
            assert "--ar 239:100" in prompt and "--" not in prompt.split(" --")[0]
    assert checked > 100


def test_a_narrator_the_analysis_named_keeps_their_own_bible_entry(tmp_path):
    """Others call the "I" Wren: her own description, no "Narrator" alias needed."""
    config = make_config(tmp_path)
    cast = tuple(replace(c, narrator=True, aliases=(*c.aliases, "I"))
                 if c.name == "Wren Halloway" else c for c in people(config))
    drafter = PromptDrafter(config, cast, PLACES, 1)
    p = drafter.draft(shot(description="Wren Halloway wades in."), None)
    assert f"Wren Halloway: {WREN}" in p.flux[0]
    assert "narrator" not in p.flux[0].lower() and not drafter.warnings


def test_a_character_named_in_lower_case_starts_its_sentence_with_a_capital(tmp_path):
    config = make_config(tmp_path)
    soldier = Character(id="the-soldier", name="the soldier", aliases=(), gender="male",
                        mentions=4)
    drafter = PromptDrafter(config, people(config, (soldier,)), PLACES, 1)
    p = drafter.draft(shot(subjects=("the-soldier",),
                           description="The soldier steps into the road."), None)
    assert p.flux[0].startswith("The soldier steps into the road.")
    # the video prompt still knows him by the name the description uses
    assert dict(p.extra)["video_kling"][0].startswith("The man steps into the road")


def test_an_insert_shows_only_the_hands_of_who_handles_the_thing(tmp_path):
    from dataclasses import replace as _replace
    config = make_config(tmp_path)
    insert = _replace(shot(), size="INSERT", description="Close on the key. Wren picks it up.")
    p = PromptDrafter(config, people(config), PLACES, 1).draft(insert, None)
    # no face description for the model to draw a face from
    assert WREN.rstrip(".") not in p.midjourney[0] and "--oref" not in p.midjourney[0]
    assert p.midjourney[0].startswith("Close on the key. Wren picks it up.")
    assert WREN.rstrip(".") in PromptDrafter(config, people(config), PLACES, 1).draft(
        shot(), None).midjourney[0]


def test_who_sits_and_what_they_hold_is_in_every_image_prompt(tmp_path):
    from dataclasses import replace as _replace
    from novel2board.model import ShotState
    config = make_config(tmp_path)
    state = ShotState(time_of_day="night", light="lamplight",
                      postures=(("wren-halloway", "seated"),),
                      holding=(("wren-halloway", "a chipped mug"),))
    p = PromptDrafter(config, people(config), PLACES, 2).draft(_replace(shot(), state=state),
                                                               None)
    for prompt in (*p.midjourney, *p.flux, *(s.prompt for s in p.sdxl)):
        assert "Wren Halloway seated, holding a chipped mug" in prompt, prompt
