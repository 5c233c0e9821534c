"""bench/eval_camera.py: the yardstick's classifiers, on sentences written here,
and one small run end to end.  Nothing here needs ../shared."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("eval_camera", ROOT / "bench" / "eval_camera.py")
ec = importlib.util.module_from_spec(_spec)
sys.modules["eval_camera"] = ec
_spec.loader.exec_module(ec)


def kinds(nlp, text, names=frozenset()):
    return {f.kind for f in ec.nonvisual(text, nlp, names)}


# ------------------------------------------------------------ 1. non-visual
@pytest.mark.parametrize("text, kind", [
    ("She wondered whether he had lied.", "interior"),
    ("He knows the way to the harbour.", "interior"),
    ("Ilse wants to go home.", "interior"),
    ("She is angry.", "interior"),
    ("It seemed to him that the room was smaller.", "interior"),
    ("He had lost his wife.", "backstory"),
    ("Thirty years ago the town was smaller.", "backstory"),
    ("He used to walk here with his father.", "backstory"),
    ("The boat must have sunk.", "speculation"),
    ("Perhaps he is asleep.", "speculation"),
    ("No doubt the ferry is late.", "speculation"),
    ("She always opens the shutters.", "habit"),
    ("Every day the postman comes at noon.", "habit"),
    ("Dr. Marr watches from the window and says nothing for hours.", "habit"),
    ("He says that the road is closed.", "reported"),
    ("He told her about the letter.", "reported"),
    ("She asked whether the ferry was running.", "reported"),
    ("The air smells of warm dust and stewed tea.", "smell"),
])
def test_non_visual_sentences(nlp, text, kind):
    assert kind in kinds(nlp, text)


@pytest.mark.parametrize("text", [
    "He walks to the window.",
    "The rain runs off the rim of the dish in a continuous curtain.",
    "Tomas leans toward the third monitor from the left.",
    "Brekke picks up the drive and weighs it in his palm.",
    "She looks angry.",                                  # a face, not a named feeling
    "His face, lit from below, tells her nothing.",      # a look, not speech
    "Ilse turns the mug on her knee, handle back to where it had started.",
    "A man in an oilcloth coat stands at the edge of the crater.",
])
def test_visible_sentences(nlp, text):
    assert kinds(nlp, text) == set()


def test_quoted_words_are_not_the_description(nlp):
    assert kinds(nlp, "Priya turns to the window. “I think it knows,” she says.") == set()


def test_a_finding_names_its_cue_and_sentence(nlp):
    (finding,) = ec.nonvisual("Ilse sits down. She wondered whether he had lied.", nlp)
    assert finding.kind == "interior" and finding.cue == "wondered"
    assert finding.sentence == "She wondered whether he had lied."


# --------------------------------------------------------- 6. about someone
@pytest.mark.parametrize("text, names, who", [
    ("Priya walks in.", frozenset({"priya"}), "Priya"),
    ("The door opens and Priya walks in.", frozenset({"priya"}), "Priya"),
    ("She stands alone at the edge of the crater.", frozenset(), "She"),
    ("There is a man at the edge of the crater.", frozenset(), "man"),
    ("The boatman pulls on the oars.", frozenset(), "boatman"),
    ("The wind comes across the high grass.", frozenset(), None),
    ("Close on the mug.", frozenset(), None),
])
def test_person_subject(nlp, text, names, who):
    assert ec.person_subject(nlp(text), names) == who


def test_name_words_leave_out_titles_and_articles():
    cast = [{"name": "Dr. Ilse Marr", "aliases": ["Ilse", "the soldier"]}]
    assert ec.name_words(cast) == frozenset({"ilse", "marr", "soldier"})


# ------------------------------------------------------------- 2. light
@pytest.mark.parametrize("text, lit", [
    ("A lamp burns in the window. Yard. Wide shot, eye-level, 24mm lens. --ar 16:9", True),
    ("Ilse at the console at night. Control room.", True),
    ("Rain on the glass.", True),
    ("Hard side light, deep shadows.", True),
    ("The grey light of the harbour.", True),
    ("Ilse Marr sits at the console. Control room. Full shot, eye-level, 35mm lens. --v 7",
     False),
    ("He wears a light coat and moves light on his feet.", False),
])
def test_time_or_light(text, lit):
    assert ec.has_time_or_light(text) is lit


def test_fixed_words_say_nothing_of_the_shots_light():
    look = "muted teal palette, soft haze"
    prompt = "Ilse: a woman with dark hair. Ilse reads. Muted teal palette, soft haze. --v 7"
    assert ec.has_time_or_light(prompt)
    assert not ec.has_time_or_light(ec.without(prompt, [look, "a woman with dark hair"]))


def test_scene_time_must_be_the_scenes_own():
    assert ec.names_scene_time("A moonlit yard.", "NIGHT") is True
    assert ec.names_scene_time("A sunlit yard.", "NIGHT") is False
    assert ec.names_scene_time("A sunlit yard.", "DAY") is True
    assert ec.names_scene_time("A yard.", "LATER") is None
    assert ec.names_scene_time("A yard.", None) is None


# ------------------------------------------------------------- 3. labels
@pytest.mark.parametrize("text, labels", [
    ("Mara: a woman. Mara walks in.", ["Mara: a woman"]),
    ("The narrator: a person. Tomas: a man.", ["The narrator: a person", "Tomas: a man"]),
    ("(full shot:1.2), Dr. Venkataraman: a person, control room", ["Dr. Venkataraman: a person"]),
    ("keep the same face, hairstyle and clothing. Alice: a woman.", ["Alice: a woman"]),
    ("Mara: a woman in a grey wool coat, cropped silver hair.", []),
    ("The setting: The control room. Lighting: hard side light.", []),
    ("The man's point of view: the woman.", []),
])
def test_content_free_labels(text, labels):
    assert ec.content_free_labels(text) == labels


# ------------------------------------------------------------ 4. cut-offs
def test_cut_off_unless_the_source_has_it_there():
    assert ec.is_cut_off("Her hair is cut short enough that...", "Her hair was cut short enough "
                         "that the wind could not move it.")
    assert ec.is_cut_off("Racks… of radios.", "Racks of radios.")
    assert not ec.is_cut_off("He waits... and waits.", "He waited... and waited.")
    assert not ec.is_cut_off("He waits.", "He waited.")


# ----------------------------------------------------------- 5. non-words
@pytest.fixture(scope="module")
def dictionary():
    return ec.Dictionary()


@pytest.mark.parametrize("word", ["remaineds", "cames", "childs", "holded", "teh"])
def test_non_words(dictionary, word):
    assert not ec.is_word(word, dictionary)


@pytest.mark.parametrize("word", ["walks", "tilted", "oilcloth", "colour", "realised", "centre",
                                  "travelled", "didn't", "Tomas's", "can't", "o'clock", "lowres"])
def test_words(dictionary, word):
    assert ec.is_word(word, dictionary)


def test_non_words_skip_quotes_numbers_parameters_and_known_words(dictionary):
    prompt = ("Vennor unclips the lead and remaineds there. “Mmmph,” he says. Full shot, 35mm "
              "lens, 16:9. --ar 2.39:1 --seed 123 --oref https://x.example/t.png --v 7")
    known = ec.source_words("Vennor unclipped the lead.")
    assert ec.non_words(prompt, dictionary, known, ec.rare_bases(known, dictionary)) \
        == ["remaineds"]
    # without the source, the name and the rare verb's new form are not words either
    assert ec.non_words(prompt, dictionary) == ["Vennor", "unclips", "remaineds"]


def test_a_known_words_made_up_form_is_not_excused_by_the_source(dictionary):
    known = ec.source_words("She remained. He came.")
    assert ec.non_words("She remaineds. He cames.", dictionary, known,
                        ec.rare_bases(known, dictionary)) == ["remaineds", "cames"]


# ------------------------------------------------------------ 7-8. variants
MJ = ("Mara walks in. Control room. Full shot, eye-level, {lens}mm lens.{extra} "
      "--ar 16:9 --seed {seed}")


def mj(lens=35, extra="", seed=1):
    return MJ.format(lens=lens, extra=extra, seed=seed)


def test_variant_change():
    assert ec.variant_change(mj(), mj(seed=2)) == {"identical"}
    assert ec.variant_change(mj(), mj(lens=85, seed=2)) == {"lens"}
    assert ec.variant_change(mj(), mj().replace("eye-level", "low angle")) == {"angle"}
    assert ec.variant_change(mj(), mj().replace("Full shot", "Close-up")) == {"size"}
    assert ec.variant_change(mj(), mj(extra=" Soft diffused light, low contrast.")) == {"light"}
    assert ec.variant_change(mj(), mj().replace("walks in", "sits by the stove")) == {"staging"}


def test_lens_only_shot():
    angle = mj().replace("eye-level", "high angle")
    assert ec.lens_only_shot([mj(), mj(50), mj(24), mj(seed=9), angle, angle]) is True
    assert ec.lens_only_shot([mj(), mj(50), mj(24), angle, angle, angle]) is False
    assert ec.lens_only_shot([mj()]) is None


def test_video_variants():
    prompts = {"video": ["a", "a"], "video_kling": ["a", "b"], "video_kling_negative": ["n", "n"],
               "video_clips": {"kling": [5]}, "midjourney": ["x", "x"]}
    lists = ec.video_lists(prompts)
    assert set(lists) == {"video", "video_kling"}
    assert ec.all_same(lists["video"]) and not ec.all_same(lists["video_kling"])
    assert not ec.all_same(["one variant"])


# ------------------------------------------------------------- LitBank
def test_excerpt_strips_the_gutenberg_header_and_cuts_at_a_paragraph():
    header = "The Project Gutenberg eBook of X\n\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n"
    paragraphs = [" ".join(f"w{i}x{j}" for j in range(150)) for i in range(30)]
    footer = "\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence"
    text = header + "\n\n".join(paragraphs) + footer
    out = ec.excerpt(text)
    assert "Gutenberg" not in out and "licence" not in out
    assert out == "\n\n".join(paragraphs[:14]) + "\n"          # 14 x 150 = 2,100 >= 2,000
    assert ec.excerpt("Para one.\n\nPara two.\n") == "Para one.\n\nPara two.\n"


def test_litbank_split_is_fixed_by_gutenberg_number():
    halves = ec.litbank_split(["10_b", "2_c", "1_a", "105_d"])
    assert halves == {"dev": ["1_a", "10_b"], "held-out": ["2_c", "105_d"]}


# ------------------------------------------------------------ one board
def _fake_board(tmp_path):
    source = tmp_path / "ch.md"
    text = "Mara stood alone at the edge of the crater.\n\nThe wind came... and went.\n"
    source.write_text(text, encoding="utf-8")
    first_end = text.index("\n")
    dull = [mj(35, seed=1), mj(50, seed=2), mj(24, seed=3)]
    shots = [
        {"id": "1.1.1", "scene": "1.1", "subjects": [], "start": 0, "end": first_end,
         "description": "Mara stands alone at the edge of the crater.",
         "prompts": {"midjourney": ["Mara: a woman. Mara remaineds at the crater..."] * 2,
                     "flux": ["Mara stands at dusk."], "video": ["She stands."] * 3}},
        {"id": "1.1.2", "scene": "1.1", "subjects": [], "start": first_end + 2, "end": len(text),
         "description": "The wind comes... and goes.",
         "prompts": {"midjourney": dull, "flux": ["Wind on the crater rim."],
                     "video": ["The grass moves.", "The camera pans."]}},
    ]
    board = {"source": {"path": str(source)}, "chapter": {"start": 0, "end": len(text)},
             "characters": [{"name": "Mara", "aliases": []}], "locations": [],
             "scenes": [{"id": "1.1", "time_of_day": "NIGHT"}], "shots": shots}
    folder = tmp_path / "ch"
    (folder / "prompts").mkdir(parents=True)
    (folder / "shots.json").write_text(json.dumps(board), encoding="utf-8")
    (folder / "prompts" / "midjourney.txt").write_text(
        "\n".join(shots[0]["prompts"]["midjourney"] + dull) + "\n", encoding="utf-8")
    return folder


def test_measure_board(nlp, dictionary, tmp_path):
    report = ec.measure_board(_fake_board(tmp_path), nlp, dictionary)
    t = report.tally
    assert t.get("nonvisual") == (0, 2)
    assert t.get("no_light") == (3, 4)           # "dusk" in one Flux prompt; the rest unlit
    assert t.get("no_scene_time") == (4, 4)      # a NIGHT scene: dusk is not night
    assert t.get("labels") == (2, 5) and t.get("labels.shots") == (1, 2)
    assert report.labels == {"Mara: a woman": 2}
    assert t.get("cutoffs.shots") == (1, 2)      # shot 2's ellipsis is in its source span
    assert t.get("nonwords.shots") == (1, 2) and report.nonwords == {"remaineds": 2}
    assert t.get("no_subject") == (1, 1)
    assert report.no_subject[0][:2] == ("1.1.1", "Mara")
    assert t.get("same_video") == (1, 2)
    assert t.get("lens_only") == (2, 2)           # identical variants change nothing either
    assert t.get("variant_changes") == (0, 3)
    # the project's look is in every prompt: its words are not the shot's light
    again = ec.measure_board(tmp_path / "ch", nlp, dictionary, style_look="at dusk")
    assert again.tally.get("no_light") == (4, 4)


def test_a_run_end_to_end(tmp_path, capsys):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "one.md").write_text(
        "# One\n\nAt dawn Mara walked down to the harbour. She wondered whether the ferry "
        "would come.\n\nThe ferryman waved from the jetty.\n", encoding="utf-8")
    out_json = tmp_path / "figures.json"
    assert ec.main([str(chapters), "--out", str(tmp_path / "out"), "--json", str(out_json),
                    "--jobs", "1", "--sample", "1"]) == 0
    printed = capsys.readouterr().out
    assert "== chapters: 1 chapter(s)" in printed and "TOTAL" in printed
    figures = json.loads(out_json.read_text(encoding="utf-8"))
    group = figures["groups"]["chapters"]
    assert group["project_file"] is None
    assert group["total"]["nonvisual"]["of"] >= 1
    assert len(group["sample"]) == 1
    assert (tmp_path / "out" / "chapters" / "one" / "shots.json").is_file()


def test_held_out_prints_figures_only(nlp, dictionary, tmp_path, capsys):
    report = ec.measure_board(_fake_board(tmp_path), nlp, dictionary)
    ec.print_group("LitBank held-out", [report], sample=1, seed=13, details=False)
    hidden = capsys.readouterr().out
    ec.print_group("LitBank dev", [report], sample=1, seed=13)
    shown = capsys.readouterr().out
    assert "TOTAL" in hidden and "remaineds" not in hidden and "sample" not in hidden
    assert "remaineds" in shown and "Mara: a woman" in shown and "sample (1 shots" in shown
    assert "sentence" not in json.dumps(ec.group_json([report], report.tally, 1, 13, False))
