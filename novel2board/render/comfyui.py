"""ComfyUI workflows ("API format") from the SDXL prompts of a board.

Written with the prompts (``--format prompts``):

    out/<slug>/comfyui/<shot id>.json   one graph per shot, every variant
                                        (each its own sampler and SaveImage)
    out/<slug>/comfyui.json             one graph for the whole chapter, the
                                        first variant ("as planned") of each shot

A graph is a JSON object of nodes keyed by id, each
``{"class_type": ..., "inputs": {...}}``, a link written ``["node id", output
index]``: what ComfyUI's "Save (API format)" writes and its ``POST /prompt``
endpoint takes as ``{"prompt": <graph>}``.  The text-to-image chain is the
stock one: CheckpointLoaderSimple -> (LoraLoader per LoRA) -> CLIPTextEncode
(positive, negative) + EmptyLatentImage -> KSampler -> VAEDecode -> SaveImage;
a positive prompt longer than one CLIP chunk is encoded in pieces, cut where
each character starts, joined by ConditioningConcat.
A1111-style ``<lora:name:weight>`` tags in the SDXL prompt become LoraLoader
nodes (ComfyUI's text encoder does not read them).  Images are saved as
``<slug>/<shot id>_00001_.png`` (variant k: ``<shot id>_v<k>_00001_.png``) in
ComfyUI's output folder.
"""

from __future__ import annotations

import difflib
import json
import logging
import re

from ..config import Config, parse_aspect_ratio
from ..model import Board, SdxlPrompt
from ..resources import load_data

log = logging.getLogger(__name__)

_LORA_TAG = re.compile(r"\s*<lora:([^:>]+)(?::([0-9.]+))?>")


class _Graph:
    """Nodes with string ids "1", "2", ...; identical nodes are shared."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict] = {}
        self._index: dict[tuple, str] = {}

    def add(self, class_type: str, **inputs) -> str:
        key = (class_type, *sorted((name, type(value).__name__,
                                    tuple(value) if isinstance(value, list) else value)
                                   for name, value in inputs.items()))
        if key in self._index:
            return self._index[key]
        node_id = str(len(self.nodes) + 1)
        self.nodes[node_id] = {"class_type": class_type, "inputs": inputs}
        self._index[key] = node_id
        return node_id


def split_loras(prompt: str) -> tuple[str, list[tuple[str, float]]]:
    """The prompt without its <lora:...> tags, and the LoRAs they name."""
    if "<lora:" not in prompt:
        return prompt.strip(), []
    loras = [(name.strip(), float(weight) if weight else 1.0)
             for name, weight in _LORA_TAG.findall(prompt)]
    return _LORA_TAG.sub("", prompt).strip(), loras


def resolution(aspect_ratio: str, buckets: list) -> tuple[int, int]:
    """The SDXL bucket (about one megapixel) nearest the aspect ratio."""
    import math
    ratio = parse_aspect_ratio(aspect_ratio) or 16 / 9
    w, h = min(buckets, key=lambda b: abs(math.log(b[0] / b[1]) - math.log(ratio)))
    return int(w), int(h)


class WorkflowBuilder:
    """Settings from style.sdxl in novel2board.yaml over templates/prompts/tools.yaml."""

    def __init__(self, config: Config):
        data = load_data("prompts/tools.yaml", config.templates_root) or {}
        defaults = data.get("comfyui") or {}
        sdxl = {k: v for k, v in config.style.sdxl.items() if v is not None}
        self.checkpoint = str(sdxl.get("checkpoint") or defaults.get("checkpoint"))
        self.steps = int(sdxl.get("steps") or defaults.get("steps") or 30)
        self.cfg = float(sdxl.get("cfg") or defaults.get("cfg") or 6.5)
        self.sampler = str(sdxl.get("sampler") or defaults.get("sampler") or "euler")
        self.scheduler = str(sdxl.get("scheduler") or defaults.get("scheduler") or "normal")
        self.width, self.height = resolution(
            config.style.aspect_ratio,
            (data.get("sdxl") or {}).get("resolutions") or [[1024, 1024]])
        self.warnings: list[str] = []
        self._check_name("sampler", self.sampler, defaults.get("samplers"))
        self._check_name("scheduler", self.scheduler, defaults.get("schedulers"))

    def _check_name(self, what: str, value: str, known) -> None:
        if not known or value in known:
            return
        guess = difflib.get_close_matches(value, list(known), n=1)
        message = (f"style.sdxl.{what} '{value}' is not one of stock ComfyUI's"
                   + (f"; did you mean '{guess[0]}'?" if guess else "")
                   + " (kept, in case a custom node provides it)")
        self.warnings.append(message)
        log.warning(message)

    def add_shot(self, graph: _Graph, prefix: str, prompt: SdxlPrompt, seed: int) -> None:
        """One variant of one shot: its own encoders, sampler and SaveImage."""
        checkpoint = graph.add("CheckpointLoaderSimple", ckpt_name=self.checkpoint)
        model, clip, vae = [checkpoint, 0], [checkpoint, 1], [checkpoint, 2]
        text, loras = split_loras(prompt.prompt)
        for name, weight in loras:
            lora = graph.add("LoraLoader", model=model, clip=clip,
                             lora_name=_lora_file(name), strength_model=weight,
                             strength_clip=weight)
            model, clip = [lora, 0], [lora, 1]
        # A long prompt is encoded piece by piece (each character's description
        # starting a CLIP chunk of its own) and the pieces concatenated, which
        # is what ComfyUI does with a long prompt anyway, minus the cuts
        # falling mid-description.  The first piece gives the pooled output.
        pieces = [split_loras(piece)[0] for piece in prompt.chunks] or [text]
        positive = graph.add("CLIPTextEncode", text=pieces[0], clip=clip)
        for piece in pieces[1:]:
            more = graph.add("CLIPTextEncode", text=piece, clip=clip)
            positive = graph.add("ConditioningConcat", conditioning_to=[positive, 0],
                                 conditioning_from=[more, 0])
        negative = graph.add("CLIPTextEncode", text=prompt.negative, clip=clip)
        latent = graph.add("EmptyLatentImage", width=self.width, height=self.height,
                           batch_size=1)
        sampled = graph.add("KSampler", model=model, seed=int(seed), steps=self.steps,
                            cfg=self.cfg, sampler_name=self.sampler,
                            scheduler=self.scheduler, positive=[positive, 0],
                            negative=[negative, 0], latent_image=[latent, 0], denoise=1.0)
        image = graph.add("VAEDecode", samples=[sampled, 0], vae=vae)
        graph.add("SaveImage", images=[image, 0], filename_prefix=prefix)


def _lora_file(name: str) -> str:
    return name if name.endswith((".safetensors", ".pt", ".ckpt")) else f"{name}.safetensors"


def _prefix(slug: str, shot_id: str, variant: int) -> str:
    return f"{slug}/{shot_id}" + (f"_v{variant + 1}" if variant else "")


def comfyui_files(board: Board, config: Config) -> dict[str, str]:
    """comfyui/<shot id>.json per shot and comfyui.json for the chapter."""
    builder = WorkflowBuilder(config)
    files: dict[str, str] = {}
    chapter = _Graph()
    for shot in board.shots:
        p = board.prompts.get(shot.id)
        if p is None or not p.sdxl:
            continue
        graph = _Graph()
        for k, (prompt, seed) in enumerate(zip(p.sdxl, p.seeds)):
            builder.add_shot(graph, _prefix(board.slug, shot.id, k), prompt, seed)
        files[f"comfyui/{shot.id}.json"] = _dump(graph)
        builder.add_shot(chapter, _prefix(board.slug, shot.id, 0), p.sdxl[0], p.seeds[0])
    if chapter.nodes:
        files["comfyui.json"] = _dump(chapter)
    return files


def _dump(graph: _Graph) -> str:
    """One node per line: readable and diffable, and written by json's C
    encoder (an `indent` would take the pure-Python one, several times
    slower on the tens of thousands of nodes of a novel)."""
    lines = (f"{json.dumps(node_id)}: {json.dumps(node, ensure_ascii=False)}"
             for node_id, node in graph.nodes.items())
    return "{\n" + ",\n".join(lines) + "\n}\n"
