"""Stage 5, prompts: per shot and variant, a draft for each image and video tool.

The templates (templates/prompts/*.j2, overridable per project) decide the
wording; this module only gathers what they need: the style, the bible of
each character in frame, the location, the variant, a stable seed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from ..config import Config
from ..model import Character, Location, SdxlPrompt, Shot, ShotPrompts
from ..resources import load_data
from ..templating import render

log = logging.getLogger(__name__)

IMAGE_TOOLS = ("midjourney", "flux", "sdxl")
_FALLBACK = {"female": "a woman", "male": "a man", "unknown": "a person"}


@dataclass(frozen=True)
class Variant:
    name: str
    lens_mm: int
    angle: str
    light: str
    seed: int


def load_variants(config: Config) -> list[dict]:
    data = load_data("variants.yaml", config.root) or {}
    return list(data.get("variants") or [{"name": "as planned"}])


def load_video_tools(config: Config) -> dict:
    return load_data("video_tools.yaml", config.root) or {}


def stable_seed(*parts: str) -> int:
    """A seed from the shot's identity: the same on every run and machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return int(digest[:8], 16)


def aspect_for_midjourney(ratio: str) -> str:
    """--ar takes integers: 2.39:1 -> 239:100."""
    w, h = ratio.split(":")
    if "." not in w and "." not in h:
        return f"{w}:{h}"
    scale = 100
    return f"{round(float(w) * scale)}:{round(float(h) * scale)}"


class PromptDrafter:
    """Drafts every prompt of a chapter; warns once per undescribed character."""

    def __init__(self, config: Config, characters: tuple[Character, ...],
                 locations: tuple[Location, ...], variants: int):
        self.config = config
        self.characters = {c.id: c for c in characters}
        self.locations = {loc.id: loc for loc in locations}
        self.variant_specs = load_variants(config)[:max(0, variants)]
        self.video_tools = load_video_tools(config)
        self.warned: set[str] = set()
        self.warnings: list[str] = []
        bible = {b.name: b for b in config.characters}
        self.bible = bible

    def _character(self, cid: str) -> dict:
        c = self.characters.get(cid)
        if c is None:
            return {"id": cid, "name": cid, "description": None, "fallback": "a person",
                    "costume": None, "reference": None, "lora": None, "seed": None}
        entry = self.bible.get(c.name)
        if not c.description and cid not in self.warned:
            self.warned.add(cid)
            message = (f"character '{c.name}' is in frame but has no description; "
                       f"add one under characters: in novel2board.yaml "
                       f"(`novel2board cast` proposes an entry)")
            self.warnings.append(message)
            log.warning(message)
        return {"id": cid, "name": c.name, "description": c.description,
                "fallback": _FALLBACK.get(c.gender, "a person"),
                "costume": entry.costume if entry else None,
                "reference": entry.reference if entry else None,
                "lora": entry.lora if entry else None,
                "seed": entry.seed if entry else None}

    def _variants(self, shot: Shot, people: list[dict]) -> list[Variant]:
        fixed = next((p["seed"] for p in people if p["seed"] is not None), None)
        base = fixed if fixed is not None else stable_seed(self.config.project, shot.id)
        out = []
        for spec in self.variant_specs:
            lens = int(spec.get("lens_mm") or round(shot.lens_mm * float(spec.get("lens_factor", 1))))
            out.append(Variant(name=str(spec.get("name", "variant")), lens_mm=lens,
                               angle=str(spec.get("angle") or shot.angle),
                               light=str(spec.get("light") or ""),
                               seed=(base + int(spec.get("seed_offset", 0))) % 2**32))
        return out

    def draft(self, shot: Shot, scene_location: str | None) -> ShotPrompts:
        people = [self._character(cid) for cid in shot.subjects]
        location = self.locations.get(scene_location) if scene_location else None
        style = self.config.style
        common = dict(shot=shot, characters=people, location=location, style=style,
                      aspect_ratio=style.aspect_ratio,
                      project=self.config.project)
        what = f"shot {shot.id}"
        variants = self._variants(shot, people)
        mj, flux, sdxl, video, kontext = [], [], [], [], []
        tool_key = str(style.video.get("tool") or "kling").lower()
        video_tool = self.video_tools.get(tool_key) or next(iter(self.video_tools.values()))
        clip = clip_length(shot.duration_s, video_tool.get("clips", [5, 10]))
        speech = _speech(shot, people)
        for v in variants:
            ctx = dict(common, variant=v, seed=v.seed)
            mj.append(_line(render(self.config.root, "prompts/midjourney.j2", what,
                                   **dict(ctx, aspect_ratio=aspect_for_midjourney(style.aspect_ratio)))))
            flux.append(_line(render(self.config.root, "prompts/flux.j2", what, **ctx)))
            sdxl.append(SdxlPrompt(
                prompt=_line(render(self.config.root, "prompts/sdxl.j2", what, **ctx)),
                negative=_line(render(self.config.root, "prompts/sdxl_negative.j2", what, **ctx))))
            video.append(_line(render(self.config.root, "prompts/video.j2", what,
                                      **dict(ctx, video_tool=video_tool, clip_s=clip,
                                             motion=shot.description, speech=speech))))
            kontext.append(_line(render(self.config.root, "prompts/kontext.j2", what, **ctx)))
        return ShotPrompts(midjourney=tuple(mj), flux=tuple(flux), sdxl=tuple(sdxl),
                           video=tuple(video), kontext=tuple(kontext),
                           variant_names=tuple(v.name for v in variants),
                           seeds=tuple(v.seed for v in variants))


def clip_length(duration: float, clips: list) -> int:
    """The shortest clip the tool offers that holds the shot, else its longest."""
    for length in sorted(clips):
        if duration <= length:
            return int(length)
    return int(max(clips))


def _speech(shot: Shot, people: list[dict]) -> str:
    """Veo style: `The woman says: text` (a colon, no quotes)."""
    parts = []
    by_id = {p["id"]: p for p in people}
    for line in shot.dialogue:
        who = by_id.get(line.speaker)
        noun = (who["description"] or who["fallback"]) if who else "a person"
        noun = re.split(r",| with | in ", noun)[0].strip()
        text = line.text.strip("\"\u201c\u201d' ")
        parts.append(f"{noun[:1].upper()}{noun[1:]} says: {text}")
    return " ".join(parts)


def _line(text: str) -> str:
    return " ".join(text.split())
