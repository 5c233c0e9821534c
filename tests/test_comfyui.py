"""ComfyUI workflows: graphs a ComfyUI server would accept, and the prompt files.

The node table below is written from ComfyUI's own node definitions
(nodes.py: INPUT_TYPES / RETURN_TYPES of the stock nodes), independently of
novel2board's builder, so the test checks the builder against ComfyUI's
shape rather than against itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from novel2board.render.comfyui import resolution, split_loras

# class_type -> (required inputs: name -> link type or a Python type, outputs)
NODES = {
    "CheckpointLoaderSimple": ({"ckpt_name": str}, ("MODEL", "CLIP", "VAE")),
    "LoraLoader": ({"model": "MODEL", "clip": "CLIP", "lora_name": str,
                    "strength_model": float, "strength_clip": float}, ("MODEL", "CLIP")),
    "CLIPTextEncode": ({"text": str, "clip": "CLIP"}, ("CONDITIONING",)),
    "ConditioningConcat": ({"conditioning_to": "CONDITIONING",
                            "conditioning_from": "CONDITIONING"}, ("CONDITIONING",)),
    "EmptyLatentImage": ({"width": int, "height": int, "batch_size": int}, ("LATENT",)),
    "KSampler": ({"model": "MODEL", "seed": int, "steps": int, "cfg": float,
                  "sampler_name": str, "scheduler": str, "positive": "CONDITIONING",
                  "negative": "CONDITIONING", "latent_image": "LATENT",
                  "denoise": float}, ("LATENT",)),
    "VAEDecode": ({"samples": "LATENT", "vae": "VAE"}, ("IMAGE",)),
    "SaveImage": ({"images": "IMAGE", "filename_prefix": str}, ()),
}
SAMPLERS = {"euler", "euler_ancestral", "heun", "dpm_2", "lms", "dpmpp_2m", "dpmpp_sde",
            "dpmpp_2m_sde", "ddim", "uni_pc"}
SCHEDULERS = {"normal", "karras", "exponential", "simple", "sgm_uniform", "beta"}


def check_graph(graph: dict) -> list[str]:
    """Every node known with all its inputs; every link to an existing node's
    output of the right type; at least one output node.  Returns the
    SaveImage prefixes."""
    assert isinstance(graph, dict) and graph
    prefixes = []
    for node_id, node in graph.items():
        assert isinstance(node_id, str) and set(node) == {"class_type", "inputs"}
        spec, _ = NODES[node["class_type"]]
        assert set(spec) <= set(node["inputs"]), (node_id, node)
        for name, expected in spec.items():
            value = node["inputs"][name]
            if isinstance(expected, str):       # a link
                assert isinstance(value, list) and len(value) == 2, (node_id, name)
                source, index = value
                assert source in graph, f"node {node_id}.{name} links to missing {source}"
                outputs = NODES[graph[source]["class_type"]][1]
                assert outputs[index] == expected, (node_id, name, outputs, index)
            elif expected is float:
                assert isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                assert isinstance(value, expected), (node_id, name, value)
        if node["class_type"] == "KSampler":
            inputs = node["inputs"]
            assert inputs["sampler_name"] in SAMPLERS and inputs["scheduler"] in SCHEDULERS
            assert 0 <= inputs["seed"] < 2**64 and inputs["steps"] >= 1
        if node["class_type"] == "EmptyLatentImage":
            assert node["inputs"]["width"] % 8 == 0 and node["inputs"]["height"] % 8 == 0
        if node["class_type"] == "SaveImage":
            prefixes.append(node["inputs"]["filename_prefix"])
        if node["class_type"] == "CLIPTextEncode":
            assert "<lora:" not in node["inputs"]["text"]
    assert prefixes, "a graph without an output node does nothing"
    return prefixes


CHAPTER = """# Chapter 1: The Quay

Maren Holt waits on the quay while the ferry comes in. The gulls wheel over the harbour.

"You're late," Maren says when Jonah Vale steps off the ramp.

Jonah Vale sets his bag down on the wet stones. "The tide was wrong," Jonah says.

* * *

At dusk the harbour office is empty. Maren Holt locks the door and walks home along the sea wall.
"""

PROJECT = """project: Harbour
style:
  look: "watercolour, grey-green sea palette, overcast light"
  aspect_ratio: "16:9"
  negative: "text"
  sdxl: {checkpoint: my_sdxl.safetensors, steps: 25, lora: painterly:0.5}
characters:
  - name: Maren Holt
    aliases: [Maren]
    pronouns: she/her
    description: "a broad woman of forty with a grey bob and a yellow oilskin"
    lora: maren_v1
    trigger: marenholt
  - name: Jonah Vale
    aliases: [Jonah]
    pronouns: he/him
    description: "a lanky young man with a ginger beard and a navy pea coat"
"""


@pytest.fixture(scope="module")
def boarded(tmp_path_factory, nlp):
    from novel2board import build
    root = tmp_path_factory.mktemp("harbour")
    (root / "ch1.md").write_text(CHAPTER, encoding="utf-8")
    (root / "novel2board.yaml").write_text(PROJECT, encoding="utf-8")
    result = build([root / "ch1.md"], out=root / "out", config=root / "novel2board.yaml",
                   formats=("json", "prompts"), variants=3)
    return result.boards[0], root / "out" / result.boards[0].slug


def test_every_shot_has_a_valid_workflow_with_all_variants(boarded):
    board, folder = boarded
    for shot in board.shots:
        graph = json.loads((folder / "comfyui" / f"{shot.id}.json").read_text(encoding="utf-8"))
        prefixes = check_graph(graph)
        assert prefixes == [f"{board.slug}/{shot.id}", f"{board.slug}/{shot.id}_v2",
                            f"{board.slug}/{shot.id}_v3"]
        seeds = [n["inputs"]["seed"] for n in graph.values() if n["class_type"] == "KSampler"]
        assert seeds == list(board.prompts[shot.id].seeds)


def test_the_chapter_workflow_holds_every_shot_once(boarded):
    board, folder = boarded
    graph = json.loads((folder / "comfyui.json").read_text(encoding="utf-8"))
    prefixes = check_graph(graph)
    assert prefixes == [f"{board.slug}/{shot.id}" for shot in board.shots]
    checkpoints = [n for n in graph.values() if n["class_type"] == "CheckpointLoaderSimple"]
    assert len(checkpoints) == 1 and checkpoints[0]["inputs"]["ckpt_name"] == "my_sdxl.safetensors"


def test_loras_become_loader_nodes_and_triggers_stay_in_the_text(boarded):
    board, folder = boarded
    maren = next(s for s in board.shots if "maren-holt" in s.subjects)
    graph = json.loads((folder / "comfyui" / f"{maren.id}.json").read_text(encoding="utf-8"))
    loras = {n["inputs"]["lora_name"]: n["inputs"]["strength_model"]
             for n in graph.values() if n["class_type"] == "LoraLoader"}
    assert loras == {"maren_v1.safetensors": 0.8, "painterly.safetensors": 0.5}
    texts = [n["inputs"]["text"] for n in graph.values() if n["class_type"] == "CLIPTextEncode"]
    assert any(t.startswith("(") and "marenholt, Maren Holt: a broad woman" in t for t in texts)
    lines = (folder / "prompts" / "sdxl.txt").read_text(encoding="utf-8").splitlines()
    line = lines[board.shots.index(maren) * 3]          # three variants per shot
    assert line.endswith("<lora:maren_v1:0.8> <lora:painterly:0.5>")


def test_prompt_files_have_one_line_per_shot_and_variant(boarded):
    board, folder = boarded
    expected = len(board.shots) * 3
    for name in ("midjourney", "flux", "sdxl", "sdxl_negative", "kontext", "video",
                 "video_kling", "video_kling_negative", "video_runway", "video_veo",
                 "video_veo_negative"):
        lines = (folder / "prompts" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == expected and all(line.strip() for line in lines), name
    data = json.loads((folder / "shots.json").read_text(encoding="utf-8"))
    prompts = data["shots"][0]["prompts"]
    for key in ("midjourney", "flux", "sdxl", "video", "video_kling", "video_runway",
                "video_veo", "video_clips", "variants", "seeds"):
        assert key in prompts, key
    assert set(prompts["video_clips"]) == {"kling", "runway", "veo"}


def test_resolution_and_lora_tags():
    buckets = [[1024, 1024], [1344, 768], [1536, 640], [768, 1344]]
    assert resolution("2.39:1", buckets) == (1536, 640)
    assert resolution("16:9", buckets) == (1344, 768)
    assert resolution("9:16", buckets) == (768, 1344)
    text, loras = split_loras("a cat, <lora:cat_v1:0.7> <lora:style>")
    assert text == "a cat," and loras == [("cat_v1", 0.7), ("style", 1.0)]


def test_an_unknown_sampler_is_a_warning_with_a_guess(tmp_path, caplog):
    from novel2board.config import parse_config
    from novel2board.render.comfyui import WorkflowBuilder
    text = "style:\n  sdxl: {sampler: dpmpp_2n}\n"
    builder = WorkflowBuilder(parse_config(text, tmp_path / "novel2board.yaml"))
    assert any("did you mean 'dpmpp_2m'" in w for w in builder.warnings)
    assert builder.sampler == "dpmpp_2n"


def test_builtin_defaults_are_stock_comfyui_names():
    from novel2board.resources import load_data
    data = load_data("prompts/tools.yaml", None)["comfyui"]
    assert data["sampler"] in SAMPLERS and data["scheduler"] in SCHEDULERS
    assert Path(data["checkpoint"]).suffix == ".safetensors"


def test_a_long_prompt_is_encoded_with_each_character_starting_a_chunk(tmp_path):
    from novel2board.model import SdxlPrompt
    from novel2board.prompts.tokens import clip_tokens
    from novel2board.render.comfyui import WorkflowBuilder, _Graph
    from novel2board.config import parse_config
    ann = "Ann: a tall woman " + "with a long green scarf " * 9 + "."
    bob = "Bob: a short man " + "with a red cap " * 9 + "."
    chunks = ("(close-up:1.2), " + ann, bob, "the harbour at dusk, film grain")
    prompt = SdxlPrompt(prompt=" ".join(chunks), negative="text", chunks=chunks)
    graph = _Graph()
    WorkflowBuilder(parse_config("project: x\n", tmp_path / "n.yaml")).add_shot(
        graph, "x/1.1.1", prompt, 7)
    check_graph(graph.nodes)
    texts = [n["inputs"]["text"] for n in graph.nodes.values()
             if n["class_type"] == "CLIPTextEncode"]
    assert texts[:2] == [chunks[0], chunks[1]] and chunks[2] in texts
    assert all(clip_tokens(t) <= 75 for t in chunks)
    concat = [n for n in graph.nodes.values() if n["class_type"] == "ConditioningConcat"]
    assert len(concat) == 2


MJ_PARAMS = {"ar", "s", "chaos", "seed", "no", "raw", "style", "sref", "sw", "oref", "ow",
             "cref", "cw", "v", "q", "p", "niji", "draft"}


def check_midjourney(prompt: str) -> None:
    """Text, then only known --parameters, each once, --ar in integers."""
    text, _, params = prompt.partition(" --")
    assert text and "::" not in text and "--" not in text
    names = [part.split()[0] for part in ("--" + params).split(" --") if part.strip("-")]
    names = [n.lstrip("-") for n in names]
    assert set(names) <= MJ_PARAMS, names
    assert len(names) == len(set(names)), names
    ar = prompt.split("--ar ")[1].split()[0]
    assert all(part.isdigit() for part in ar.split(":")), ar


def test_a_new_project_boards_into_prompts_that_paste_without_edits(tmp_path, nlp):
    """The issue's "done when": init, a style and three characters, one chapter."""
    from novel2board import build
    from novel2board.project import init_project
    init_project(tmp_path)
    project = (tmp_path / "novel2board.yaml").read_text(encoding="utf-8")
    people = """characters:
  - name: Maren Holt
    aliases: [Maren]
    pronouns: she/her
    description: "a broad woman of forty with a grey bob and a yellow oilskin"
    reference: https://example.com/maren.png
  - name: Jonah Vale
    aliases: [Jonah]
    pronouns: he/him
    description: "a lanky young man with a ginger beard and a navy pea coat"
  - name: Ada Quist
    aliases: [Ada]
    pronouns: she/her
    description: "a tiny old woman in a black shawl with a silver-topped cane"
"""
    project = project.replace("characters:\n", people, 1).replace(
        'aspect_ratio: "16:9"', 'aspect_ratio: "2.39:1"')
    (tmp_path / "novel2board.yaml").write_text(project, encoding="utf-8")
    chapter = tmp_path / "chapters" / "ch1.md"
    chapter.write_text(CHAPTER.replace("the sea wall.", "the sea wall, where Ada Quist "
                                       "waves her cane at the gulls."), encoding="utf-8")
    result = build([chapter], out=tmp_path / "out", config=tmp_path / "novel2board.yaml",
                   formats=("json", "prompts"), variants=2)
    board = result.boards[0]
    folder = tmp_path / "out" / board.slug
    data = json.loads((folder / "shots.json").read_text(encoding="utf-8"))
    look = "Live-action 35mm film still, muted natural palette, soft window light, fine film grain"
    descriptions = {c["id"]: c["description"] for c in data["characters"]}
    assert sum(1 for d in descriptions.values() if d) == 3
    for shot in data["shots"]:
        p = shot["prompts"]
        for prompt in p["midjourney"]:
            check_midjourney(prompt)
        for prompt in [*p["midjourney"], *p["flux"], *(s["prompt"] for s in p["sdxl"])]:
            assert look in prompt
            for cid in shot["subjects"]:
                if descriptions.get(cid):
                    # an insert shows the hands only: no face to draw (#13)
                    assert (descriptions[cid] in prompt) == (shot["size"] != "INSERT")
        for prompt in p["flux"]:
            assert "--" not in prompt and ":1." not in prompt
        for prompt in [*p["video_kling"], *p["video_runway"]]:
            assert "--" not in prompt and "Negative" not in prompt and "\n" not in prompt
            assert look not in prompt
        check_graph(json.loads((folder / "comfyui" / f"{shot['id']}.json")
                               .read_text(encoding="utf-8")))
    maren = [s for s in data["shots"] if s["subjects"][:1] == ["maren-holt"]]
    assert maren and all("--oref https://example.com/maren.png" in s["prompts"]["midjourney"][0]
                         for s in maren)
    check_graph(json.loads((folder / "comfyui.json").read_text(encoding="utf-8")))
