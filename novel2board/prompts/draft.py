"""Stage 5, prompts: per shot and variant, a draft for each image and video tool.

The templates (templates/prompts/*.j2, overridable per project) decide the
wording; this module gathers what they need (the style, the bible entry of
each character in frame, the location, the variant, a stable seed) and
keeps the promises every prompt makes:

- each image prompt of a shot carries the description of every character in
  frame word for word, and the project's style look word for word;
- a Midjourney prompt stays near 60 words by trimming the shot's action and
  setting, never the look or a description;
- an SDXL prompt puts the characters first, so they fall inside CLIP's first
  75 tokens whenever their descriptions are short enough to;
- a video prompt says only what moves, per tool (Kling, Runway, Veo, ...).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from ..analyse.places import load_lexicon as load_place_lexicon
from ..config import CharacterBible, Config
from ..errors import Novel2BoardError
from ..model import Character, Location, SdxlPrompt, Shot, ShotPrompts
from ..resources import load_data
from ..templating import get_template, may_read, render_template, sentence
from .motion import MotionLexicon, motion_text, trim_words, visible_text
from .tokens import clip_tokens

log = logging.getLogger(__name__)

IMAGE_TOOLS = ("midjourney", "flux", "sdxl")
_NOUN = {"female": "woman", "male": "man", "unknown": "person"}
_FALLBACK = {"female": "a woman", "male": "a man", "unknown": "a person"}
_LENS_RANGE = (12, 300)         # what real cine lenses cover
_VARIANT_VARIABLES = frozenset({"variant", "seed"})


# --------------------------------------------------------------- the values
@dataclass(frozen=True)
class Variant:
    """One version of a shot, differing from the plan in one named way."""

    name: str
    lens_mm: int
    angle: str
    light: str
    seed: int
    change: str = "none"        # none | lens | angle | light | seed


@dataclass(frozen=True)
class Person:
    """A character in frame, as the templates see them."""

    id: str
    name: str
    description: str | None
    fallback: str               # "a woman" when there is no description
    noun: str                   # "the woman on the left", for video prompts
    costume: str | None = None
    reference: str | None = None
    trigger: str | None = None
    lora: str | None = None
    lora_weight: float | None = None
    seed: int | None = None

    @property
    def text(self) -> str:
        """The bible sentence used in image prompts."""
        return self.description or self.fallback

    @property
    def reference_url(self) -> str | None:
        """The reference if it is a URL (what Midjourney accepts)."""
        ref = self.reference or ""
        return ref if ref.startswith(("http://", "https://")) else None


# ------------------------------------------------------------- data files
def load_variants(config: Config) -> list[dict]:
    data = load_data("variants.yaml", config.templates_root) or {}
    return list(data.get("variants") or [{"name": "as planned"}])


def load_video_tools(config: Config) -> dict:
    data = load_data("video_tools.yaml", config.templates_root) or {}
    if not isinstance(data.get("tools"), dict) or not data["tools"]:
        raise Novel2BoardError("video_tools.yaml has no `tools:` section",
                               hint="compare your override with the built-in file")
    return data


def load_tool_limits(config: Config) -> dict:
    return load_data("prompts/tools.yaml", config.templates_root) or {}


def stable_seed(*parts: str) -> int:
    """A seed from the shot's identity: the same on every run and machine."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return int(digest[:8], 16)


def aspect_for_midjourney(ratio: str) -> str:
    """--ar takes integers: 2.39:1 -> 239:100, 1.85:1 -> 37:20."""
    from fractions import Fraction
    w, h = (Fraction(part.strip()) for part in ratio.split(":"))
    exact = w / h
    return f"{exact.numerator}:{exact.denominator}"


def clip_length(duration: float, clips: list) -> int:
    """The shortest clip the tool offers that holds the shot, else its longest."""
    for length in sorted(clips):
        if duration <= length:
            return int(length)
    return int(max(clips))


def clips_for(duration: float, clips: list) -> list[int]:
    """The clips that cover a shot: the longest ones, then the shortest that
    holds the rest (a 25 s shot with 5/10 s clips: 10, 10, 5)."""
    longest = int(max(clips))
    out, left = [], float(duration)
    while left > longest + 1e-9:
        out.append(longest)
        left -= longest
    out.append(clip_length(left, clips))
    return out


def split_lora(value: str | None, default_weight: float) -> tuple[str | None, float | None]:
    """`name` or `name:0.6` -> (name, weight)."""
    if not value:
        return None, None
    name, _, weight = str(value).rpartition(":") if ":" in str(value) else (value, "", "")
    try:
        return (name or str(value)).strip(), float(weight) if weight else default_weight
    except ValueError:
        return str(value).strip(), default_weight


# ---------------------------------------------------------------- drafting
class PromptDrafter:
    """Drafts every prompt of a chapter; warns once per undescribed character."""

    def __init__(self, config: Config, characters: tuple[Character, ...],
                 locations: tuple[Location, ...], variants: int):
        self.config = config
        self.characters = {c.id: c for c in characters}
        self.locations = {loc.id: loc for loc in locations}
        self.variant_specs = load_variants(config)
        self.variant_count = max(0, variants)
        video = load_video_tools(config)
        self.video_tools: dict = video["tools"]
        self.camera_moves: dict = video.get("camera_moves") or {}
        self.video_negative: dict = video.get("negative") or {}
        self.lexicon = MotionLexicon.from_data(video.get("motion") or {})
        configured = str(config.style.video.get("tool") or video.get("default")
                         or next(iter(self.video_tools))).lower()
        self.default_video = configured if configured in self.video_tools \
            else next(iter(self.video_tools))
        self.limits = load_tool_limits(config)
        self.style_lora = split_lora(config.style.sdxl.get("lora"),
                                     float((self.limits.get("sdxl") or {}).get("lora_weight", 0.8)))
        if self.style_lora[0] is None:
            self.style_lora = None
        self.bible: dict[str, CharacterBible] = {b.name: b for b in config.characters}
        self.warned: set[str] = set()
        self.warnings: list[str] = []
        self.undescribed: list[str] = []     # names in frame with no description
        self.places = load_place_lexicon(config)
        # Templates looked up once per chapter, not once per prompt.
        self._templates: dict = {}
        self._reads_variant: dict[str, bool] = {}
        midjourney = self.limits.get("midjourney") or {}
        self._mj_budget = int(midjourney.get("max_words", 60))
        self._mj_openers = frozenset(str(w).lower() for w in midjourney.get("opening_words") or ())

    # -- who is in frame
    def _warn_once(self, key: str, message: str, level: int = logging.WARNING) -> None:
        """Once per chapter: into the board's warnings (each shots.json keeps
        its own) and the log.  Chapters are boarded in separate processes and
        cached, so each chapter's warnings must not depend on the others."""
        if key in self.warned:
            return
        self.warned.add(key)
        self.warnings.append(message)
        log.log(level, message)

    def _person(self, cid: str, shot: Shot) -> Person:
        c = self.characters.get(cid)
        gender = c.gender if c else "unknown"
        noun = f"the {_NOUN.get(gender, 'person')}"
        side = dict(shot.screen).get(cid)
        if side and len(shot.subjects) > 1:
            noun = f"{noun} on the {side}"
        if c is None:
            return Person(id=cid, name=cid, description=None, fallback="a person", noun=noun)
        entry = self.bible.get(c.name)
        name = _cap(c.display_name)         # "The soldier: a man." starts a sentence
        description = (c.description or "").strip() or None
        if c.narrator and description is None:
            # A first-person narrator the analysis could not name, or named
            # without a description: the bible entry that has "Narrator" as
            # its name or an alias speaks for them.
            stand_in = self._narrator_entry()
            if stand_in is not None:
                entry, name = stand_in, stand_in.name
                description = (stand_in.description or "").strip() or None
            if description is None:
                self._warn_once(cid, (
                    "the first-person narrator ('I') is in frame but has no description, "
                    "so prompts describe them only as a man, woman or person; in "
                    "novel2board.yaml give the narrating character the alias 'Narrator' "
                    "(aliases: [Narrator]) and a description"))
        elif description is None and c.name not in self.undescribed:
            # Gathered, not logged: the run prints one warning naming them
            # all (`undescribed_warning`), not one per character and chapter.
            self.undescribed.append(c.name)
        lora, weight = split_lora(entry.lora if entry else None,
                                  float((self.limits.get("sdxl") or {}).get("lora_weight", 0.8)))
        return Person(id=cid, name=name, description=description,
                      fallback=_FALLBACK.get(gender, "a person"), noun=noun,
                      costume=entry.costume if entry else None,
                      reference=entry.reference if entry else None,
                      trigger=entry.trigger if entry else None,
                      lora=lora, lora_weight=weight,
                      seed=entry.seed if entry else None)

    def _narrator_entry(self) -> CharacterBible | None:
        return next((b for b in self.config.characters
                     if "narrator" in {a.lower() for a in (b.name, *b.aliases)}), None)

    # -- variants
    def variants(self, shot: Shot, people: list[Person]) -> list[Variant]:
        """The first N variants that really differ from the plan for this shot.

        A spec that changes nothing here (a "low angle" variant of a shot
        already low, a lens clamped to the same length) is skipped; when the
        specs run out, further variants change only the seed.
        """
        fixed = next((p.seed for p in people if p.seed is not None), None)
        base = fixed if fixed is not None else stable_seed(self.config.project, shot.id)
        out: list[Variant] = []
        for spec in self.variant_specs:
            if len(out) >= self.variant_count:
                break
            variant = self._variant(spec, shot, base)
            if variant is not None:
                out.append(variant)
        extra = 1
        while len(out) < self.variant_count:
            out.append(Variant(name=f"new seed {extra}", lens_mm=shot.lens_mm,
                               angle=shot.angle, light="", change="seed",
                               seed=(base + 2000 + extra) % 2**32))
            extra += 1
        return out

    @staticmethod
    def _variant(spec: dict, shot: Shot, base: int) -> Variant | None:
        """The variant a spec of variants.yaml makes of this shot, or None if
        the change it asks for is no change here."""
        lens, angle, light, change = shot.lens_mm, shot.angle, "", "none"
        if spec.get("lens_mm") or spec.get("lens_factor"):
            lens = int(spec.get("lens_mm") or round(shot.lens_mm * float(spec["lens_factor"])))
            lens = min(max(lens, _LENS_RANGE[0]), _LENS_RANGE[1])
            if lens == shot.lens_mm:
                return None
            change = "lens"
        elif spec.get("angle"):
            angle = str(spec["angle"])
            if angle == shot.angle:
                return None
            change = "angle"
        elif spec.get("light"):
            light, change = str(spec["light"]), "light"
        elif spec.get("seed_offset"):
            change = "seed"
        return Variant(name=str(spec.get("name", "variant")), lens_mm=lens, angle=angle,
                       light=light, change=change,
                       seed=(base + int(spec.get("seed_offset", 0))) % 2**32)

    # -- the drafts
    def draft(self, shot: Shot, scene_location: str | None) -> ShotPrompts:
        people = _distinguish([self._person(cid, shot) for cid in shot.subjects])
        location = self.locations.get(scene_location) if scene_location else None
        style = self.config.style
        action = visible_text(shot.description)
        setting = ((location.description or location.name) if location else "").strip()
        if location is not None and self._seen_from_outside(shot, location):
            # "the control room ... is the only lit window on the plateau": the
            # room's own description would put a second, contradictory place
            # in the picture.
            setting = f"the {location.name[:1].lower()}{location.name[1:]}, seen from outside"
        common = dict(shot=shot, characters=people, location=location, style=style,
                      aspect_ratio=style.aspect_ratio,
                      mj_aspect=aspect_for_midjourney(style.aspect_ratio),
                      project=self.config.project, action=action, setting=setting,
                      style_lora=self.style_lora)
        self._check_references(people)
        variants = self.variants(shot, people)
        contexts = [dict(common, variant=v, seed=v.seed) for v in variants]
        mj = self._midjourneys(shot, contexts)
        flux = self._render_each("prompts/flux.j2", shot, contexts)
        positives = self._render_each("prompts/sdxl.j2", shot,
                                      [self._sdxl_context(ctx) for ctx in contexts])
        negatives = self._render_each("prompts/sdxl_negative.j2", shot, contexts)
        sdxl = [SdxlPrompt(prompt=positive, negative=_dedupe_terms(negative),
                           chunks=self._sdxl_chunks(positive, people))
                for positive, negative in zip(positives, negatives)]
        kontext = self._render_each("prompts/kontext.j2", shot, contexts)
        self._check_sdxl_tokens(shot, people, sdxl[0].prompt if sdxl else "")
        extra, clips = self._video(shot, people, common, variants)
        return ShotPrompts(midjourney=tuple(mj), flux=tuple(flux), sdxl=tuple(sdxl),
                           video=dict(extra)[f"video_{self.default_video}"],
                           kontext=tuple(kontext),
                           variant_names=tuple(v.name for v in variants),
                           seeds=tuple(v.seed for v in variants),
                           extra=tuple(extra), video_clips=tuple(clips))

    def _seen_from_outside(self, shot: Shot, location: Location) -> bool:
        """A wide shot of scenery in an interior scene whose words name an
        outdoor place (templates/places.yaml `exterior:`): the building seen
        from outside, as an establishing shot often is."""
        if location.setting != "INT" or shot.framing != "none" or shot.size not in ("EWS", "WS"):
            return False
        words = set(re.findall(r"[a-z]+", shot.description.lower()))
        return bool(words & self.places.exterior)

    def _render(self, name: str, shot: Shot, ctx: dict) -> str:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = get_template(self.config.templates_root, name)
        return _line(render_template(template, self.config.templates_root, name,
                                     f"shot {shot.id}", ctx))

    def _render_each(self, name: str, shot: Shot, contexts: list[dict]) -> list[str]:
        """The template rendered for each variant's context; once for all of
        them when it cannot read the variant (most video templates: the
        keyframe carries the variant, the motion is the same), which a
        novel's tens of thousands of prompts make worth knowing."""
        varies = self._reads_variant.get(name)
        if varies is None:      # looked up once per chapter, like the template itself
            varies = self._reads_variant[name] = may_read(
                self.config.templates_root, name, _VARIANT_VARIABLES)
        if varies or not contexts:
            return [self._render(name, shot, ctx) for ctx in contexts]
        return [self._render(name, shot, contexts[0])] * len(contexts)

    def _midjourneys(self, shot: Shot, contexts: list[dict]) -> list[str]:
        """One Midjourney prompt per variant.  The variants of a shot differ
        by a word or two, so once one needed no trimming the next is first
        rendered whole (one render instead of two when it fits again)."""
        out: list[str] = []
        whole_fit = False
        for ctx in contexts:
            prompt = self._whole_midjourney(shot, ctx) if whole_fit else None
            whole_fit = prompt is not None
            if prompt is None:
                prompt, whole_fit = self._midjourney(shot, ctx)
            out.append(prompt)
        return out

    def _whole_midjourney(self, shot: Shot, ctx: dict) -> str | None:
        """The prompt with action and setting whole, if its text fits the
        word budget, when it is exactly what `_midjourney` gives."""
        whole = self._render("prompts/midjourney.j2", shot,
                             dict(ctx, action=_mj_safe(ctx["action"]),
                                  setting=_mj_safe(ctx["setting"])))
        return whole if _text_words(whole) <= self._mj_budget else None

    def _midjourney(self, shot: Shot, ctx: dict) -> tuple[str, bool]:
        """Render twice: once without action and setting to see how many words
        the fixed parts take, then with both trimmed to the words left.
        Returns the prompt and whether it kept both whole."""
        limits = self.limits.get("midjourney") or {}
        budget = self._mj_budget
        bare = self._render("prompts/midjourney.j2", shot, dict(ctx, action="", setting=""))
        left = budget - _text_words(bare)
        if len(ctx["characters"]) <= 1 and left < 0:
            look = len(self.config.style.look.split())
            self._warn_once("mj-budget", (
                f"Midjourney: the style look ({look} words) and a character description "
                f"already pass the ~{budget} words Midjourney weighs, so the action is cut "
                "to its first clause; a shorter style.look (with --sref carrying the "
                "style: style.midjourney.sref) leaves room for what happens"),
                # Advice about the project file, the same for every chapter: in
                # shots.json, and on the console with -v only.
                level=logging.INFO)
        action = trim_words(ctx["action"], max(int(limits.get("min_action_words", 12)), left),
                            self._mj_openers)
        left -= len(action.split())
        setting = _first_clause(ctx["setting"], max(int(limits.get("min_setting_words", 8)), left))
        prompt = self._render("prompts/midjourney.j2", shot,
                              dict(ctx, action=_mj_safe(action), setting=_mj_safe(setting)))
        return prompt, (action, setting) == (ctx["action"], ctx["setting"])

    def _sdxl_chunks(self, prompt: str, people: list[Person]) -> tuple[str, ...]:
        """The prompt cut before each character after the first and after the
        last description, when it is longer than one CLIP chunk; () if short
        or if a template override moved the characters out of reach."""
        chunk = int((self.limits.get("sdxl") or {}).get("chunk_tokens", 75))
        if not people or clip_tokens(prompt) <= chunk:
            return ()
        cuts, pos = [], 0
        for p in people:
            start = prompt.find(f"{p.trigger}, {p.name}: " if p.trigger else f"{p.name}: ", pos)
            end = prompt.find(p.text, start) if start >= 0 else -1
            if end < 0:
                return ()
            cuts.append(start)
            pos = end + len(p.text)
            while pos < len(prompt) and prompt[pos] in ".,;":    # the sentence's own stop
                pos += 1
        bounds = [0, *cuts[1:], pos, len(prompt)]
        pieces = (prompt[a:b].strip(" ,") for a, b in zip(bounds, bounds[1:]))
        return tuple(piece for piece in pieces if piece)

    def _sdxl_context(self, ctx: dict) -> dict:
        """Action and setting trimmed: past CLIP's first chunks, long prose
        only dilutes the characters and the look."""
        limits = self.limits.get("sdxl") or {}
        return dict(ctx, action=trim_words(ctx["action"], int(limits.get("max_action_words", 30))),
                    setting=trim_words(ctx["setting"], int(limits.get("max_setting_words", 25))))

    def _video(self, shot: Shot, people: list[Person], common: dict,
               variants: list[Variant]) -> tuple[list, list]:
        """Per video tool: one prompt per variant (the variant's keyframe),
        and a negative prompt list for the tools that take one."""
        extra: list[tuple[str, tuple[str, ...]]] = []
        clips: list[tuple[str, tuple[int, ...]]] = []
        camera = self.camera_moves.get(shot.movement, f"The camera moves: {shot.movement}")
        for key, tool in self.video_tools.items():
            names = self._names(shot, people, tool)
            motion = motion_text(shot.description, names, self.lexicon)
            speakers = _speakers(shot, people, names)
            if not tool.get("speech") and speakers and not _mentions_speech(motion):
                motion = _join(motion, f"{_cap(speakers[0])} {self.lexicon.speaking}")
            speech = _speech(shot, self._speaker_nouns(names)) if tool.get("speech") else ""
            if not motion and not speech:
                motion = self.lexicon.still
            ctx = dict(common, tool=tool, tool_key=key, motion=motion, camera=camera,
                       speech=speech,
                       clips=clips_for(shot.duration_s, tool.get("clips") or [5]))
            template = str(tool.get("template") or "prompts/video.j2")
            prompts = tuple(self._render_each(
                template, shot, [dict(ctx, variant=v, seed=v.seed) for v in variants]))
            extra.append((f"video_{key}", prompts))
            if tool.get("negative"):
                negative = self._video_negative_text(shot)
                extra.append((f"video_{key}_negative", tuple(negative for _ in variants)))
            clips.append((key, tuple(ctx["clips"])))
        return extra, clips

    def _names(self, shot: Shot, people: list[Person], tool: dict) -> dict[str, str]:
        """Name or alias -> the noun a video model understands."""
        lone = str(tool.get("subject") or "noun")
        names: dict[str, str] = {}
        for c in self.characters.values():
            for alias in (c.name, c.display_name, *c.aliases):
                names[alias] = f"the {_NOUN.get(c.gender, 'person')}"
        for p in people:
            noun = p.noun if lone == "noun" or len(people) > 1 else lone
            c = self.characters.get(p.id)
            for alias in (p.name, *((c.name, c.display_name, *c.aliases) if c else ())):
                names[alias] = noun
        return names

    def _speaker_nouns(self, names: dict[str, str]) -> dict[str, str]:
        return {cid: names[c.name] for cid, c in self.characters.items() if c.name in names}

    def _video_negative_text(self, shot: Shot) -> str:
        parts = [str(self.video_negative.get("base") or ""), self.config.style.negative,
                 str(self.config.style.video.get("negative") or "")]
        flags = self.video_negative.get("flags") or {}
        parts += [str(flags[f]) for f in shot.flags if f in flags]
        return ", ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))

    # -- checks that become warnings
    def _check_references(self, people: list[Person]) -> None:
        version = str(self.config.style.midjourney.get("version") or 7)
        for p in people:
            if p.reference and not p.reference_url:
                self._warn_once(f"ref:{p.id}", (
                    f"character '{p.name}': reference '{p.reference}' is a file, and "
                    f"Midjourney's {'--cref' if version.startswith('6') else '--oref'} "
                    "needs an image URL; upload it and put the URL in `reference` "
                    "(the file is still listed in shots.json)"))

    def _check_sdxl_tokens(self, shot: Shot, people: list[Person], prompt: str) -> None:
        """One warning per character whose description alone overflows
        CLIP's first chunk; a pair that overflows together is only logged."""
        chunk = int((self.limits.get("sdxl") or {}).get("chunk_tokens", 75))
        for p in people:
            own = clip_tokens(f"{p.name}: {p.text}")
            if own > chunk - 8:
                self._warn_once(f"sdxl:{p.id}", (
                    f"character '{p.name}': the description is about {own} CLIP tokens, "
                    f"more than SDXL reads in its first {chunk}; it still comes first in "
                    "SDXL prompts, but a shorter one (under about 45 words) holds better"))
        if people:
            end = max(prompt.find(p.text) + len(p.text) for p in people)
            used = clip_tokens(prompt[:end])
            if used > chunk:
                log.debug("shot %s: SDXL characters end at about token %d (> %d)",
                          shot.id, used, chunk)


# ------------------------------------------------------------------ helpers
_WEARING = re.compile(r"\bwearing (?:an? |the )?(.+?)(?= over | under | with |,|\.|;| and |$)")


def undescribed_warning(names) -> str:
    """One warning for every character in frame without a description: the
    names, then the advice once."""
    names = list(dict.fromkeys(names))
    listed = ", ".join(f"'{n}'" for n in names)
    who = f"character {listed} is" if len(names) == 1 else f"{len(names)} characters are"
    warning = (f"{who} in frame with no description, so prompts describe them only as a "
               f"man, woman or person")
    if len(names) > 1:
        warning += f": {listed}"
    return (f"{warning}; add `description: \"age, build, face, hair, clothes\"` under "
            f"characters: in novel2board.yaml (`novel2board cast` proposes the entries)")


def _first_clause(text: str, limit: int) -> str:
    """A place description shortened for Midjourney: the words that fit, or
    else its first clause (up to the first comma) when that is not too long,
    since half a clause ("dishes in long") draws nothing."""
    if len(text.split()) <= limit:
        return text
    # The first boundary with at least six words before it: "A long,
    # low-ceilinged room of receiver racks, with ..." keeps its adjectives.
    for m in re.finditer(r",|;| with ", text):
        first = text[:m.start()].strip()
        if len(first.split()) >= 6:
            return first if len(first.split()) <= max(25, limit) else trim_words(text, limit)
    return trim_words(text, limit)


def _distinguish(people: list[Person]) -> list[Person]:
    """Two "the man" in one frame (and no screen sides to tell them apart)
    become "the man in the orange storm jacket" (from the description's
    "wearing ..."), else "the first man", "the second man"."""
    from collections import Counter
    from dataclasses import replace
    counts = Counter(p.noun for p in people)
    ordinals = ("first", "second", "third", "fourth", "fifth", "sixth")
    seen: Counter = Counter()
    out = []
    for p in people:
        if counts[p.noun] < 2:
            out.append(p)
            continue
        worn = _WEARING.search(p.description or "")
        if worn and len(worn.group(1).split()) <= 6:
            noun = f"{p.noun} in the {worn.group(1)}"
        else:
            noun = p.noun.replace("the ", f"the {ordinals[min(seen[p.noun], 5)]} ", 1)
        seen[p.noun] += 1
        out.append(replace(p, noun=noun))
    return out

def _dedupe_terms(text: str) -> str:
    """A comma list with each term once (style.negative may repeat a default)."""
    terms = [t.strip() for t in text.split(",")]
    return ", ".join(dict.fromkeys(t for t in terms if t))


def _mj_safe(text: str) -> str:
    """Prose inside a Midjourney prompt: `--` would start a parameter and
    `::` a multi-prompt, so both become plain punctuation."""
    return re.sub(r"\s*--+\s*", ", ", str(text or "")).replace("::", ":")


def _text_words(prompt: str) -> int:
    """Words of a Midjourney prompt before its --parameters."""
    return len(prompt.split(" --")[0].split())


def _speakers(shot: Shot, people: list[Person], names: dict[str, str]) -> list[str]:
    in_frame = {p.id: p for p in people}
    out = []
    for line in shot.dialogue:
        p = in_frame.get(line.speaker or "")
        if p is not None:
            noun = names.get(p.name, p.noun)
            if noun not in out:
                out.append(noun)
    return out


def _speech(shot: Shot, nouns: dict[str, str]) -> str:
    """Veo style: `The woman says: text` (a colon, no quotation marks); the
    pieces of one speaker's line broken by "she said" are joined again."""
    turns: list[tuple[str, list[str]]] = []
    for line in shot.dialogue:
        text = line.text.strip().strip("\"\u201c\u201d\u2018\u2019' ").strip()
        if not text.rstrip(",;:\u2014\u2013- "):
            continue
        who = nouns.get(line.speaker or "") or "a voice off screen"
        if turns and turns[-1][0] == who:
            turns[-1][1].append(text)
        else:
            turns.append((who, [text]))
    return " ".join(f"{_cap(who)} says: {_join_pieces(parts)}" for who, parts in turns)


def _join_pieces(pieces: list[str]) -> str:
    """One speaker's pieces as sentences; a piece that starts in lower case
    continues the one before ("What you see there" + "is the sky")."""
    text = ""
    for piece in pieces:
        if text and piece[:1].islower():
            text = f"{_open_end(text)}, {piece}"
        else:
            text = f"{sentence(_open_end(text) if text.endswith(',') else text)} {piece}".strip()
    return sentence(_open_end(text))


def _open_end(text: str) -> str:
    """A piece of a broken line without the comma or dash it broke at."""
    return text.rstrip(",;:\u2014\u2013- ")


_SPEECH_WORDS = re.compile(r"\b(speaks?|says?|asks?|answers?|replies|whispers?|"
                           r"shouts?|calls?|talks?|murmurs?|mutters?)\b", re.IGNORECASE)


def _mentions_speech(text: str) -> bool:
    return bool(_SPEECH_WORDS.search(text))


def _join(first: str, second: str) -> str:
    return f"{first}. {second}" if first else second


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _line(text: str) -> str:
    return " ".join(text.split())


__all__ = ["IMAGE_TOOLS", "Person", "PromptDrafter", "Variant", "aspect_for_midjourney",
           "clip_length", "clips_for", "stable_seed"]
