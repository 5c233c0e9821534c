"""Stage 5, prompts: per shot and variant, a draft for each image and video tool.

The templates (templates/prompts/*.j2, overridable per project) decide the
wording; this module gathers what they need (the style, the bible entry of
each character in frame, the location, the variant, a stable seed) and
keeps the promises every prompt makes:

- each image prompt of a shot carries the description of every character in
  frame word for word, and the project's style look word for word;
- a character without a description is given as the look the text gives
  them, or named by the action alone: never "X: a man.";
- a Midjourney prompt stays near 60 words, and SDXL's action, setting and
  scene state within one CLIP chunk, by dropping whole sentences and
  clauses by priority (trim.py), never the look or a description, never a
  cut mid-thought;
- an SDXL prompt puts the characters first, so they fall inside CLIP's first
  75 tokens whenever their descriptions are short enough to;
- the image variants of a shot change its size, angle, staging or light
  (templates/variants.yaml);
- a video prompt says only what moves, per tool (Kling, Runway, Veo, ...),
  and its variants differ by camera move or pace (templates/video_tools.yaml).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace

from ..analyse.places import load_lexicon as load_place_lexicon
from ..config import CharacterBible, Config
from ..errors import Novel2BoardError
from ..model import Character, Location, SdxlPrompt, Shot, ShotPrompts, ShotState
from ..resources import load_data
from ..templating import get_template, may_read, render_template, sentence
from .motion import MotionLexicon, beat_of, motion_text, visible_text
from .tokens import clip_tokens
from .trim import Pieces, drop_order, fit, passage

log = logging.getLogger(__name__)

IMAGE_TOOLS = ("midjourney", "flux", "sdxl")
_NOUN = {"female": "woman", "male": "man", "unknown": "person"}
_FALLBACK = {"female": "a woman", "male": "a man", "unknown": "a person"}
# Where on screen, as a video prompt tells two people apart.
_SIDE = {"left": "on the left", "right": "on the right", "center": "in the middle",
         "center-left": "left of centre", "center-right": "right of centre"}
_LENS_RANGE = (12, 300)         # what real cine lenses cover
# The shot sizes from wide to tight: a size_step variant moves along it.
SIZES = ("EWS", "WS", "FS", "MS", "MCU", "CU", "ECU")
_VARIANT_VARIABLES = frozenset({"variant", "seed", "video_variant"})
# Video context values that differ between the variants of one shot: a video
# template that reads no variant is rendered once per distinct set of them.
_VIDEO_VARYING = ("motion", "camera", "move", "pace")
_STILL_MOVES = frozenset({"static", "hold"})


# --------------------------------------------------------------- the values
@dataclass(frozen=True)
class Variant:
    """One version of a shot, differing from the plan in one named way."""

    name: str
    lens_mm: int
    angle: str
    light: str
    seed: int
    change: str = "none"        # none | size | angle | staging | light | lens | seed
    size: str = "MS"            # the shot size this variant frames (the plan's, or a step off)
    staging: str = ""           # composition words ("seen from behind")
    size_step: int = 0


@dataclass(frozen=True)
class VideoVariant:
    """How one video prompt of a shot moves the camera."""

    name: str
    move: str                   # a key of camera_moves: static, hold, pan, look, ...
    pace: str                   # slow | measured | brisk
    camera: str                 # the camera sentence
    tempo: str = ""             # how the subjects move, when the pace was changed


@dataclass(frozen=True)
class Person:
    """A character in frame, as the templates see them."""

    id: str
    name: str
    description: str | None
    fallback: str               # "a woman": a plain noun phrase, for templates that want one
    noun: str                   # "the woman on the left", for video prompts
    look: str | None = None     # how the text shows them, when the bible has no description
    costume: str | None = None
    reference: str | None = None
    trigger: str | None = None
    lora: str | None = None
    lora_weight: float | None = None
    seed: int | None = None

    @property
    def text(self) -> str:
        """What image prompts say they look like: the bible description, else
        the look the text gives them, else "" (then no label at all)."""
        return self.description or self.look or ""

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
        self.paces: dict = video.get("paces") or {}
        self.video_variant_specs: list = list(video.get("variants") or [{"name": "as planned"}])
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
        sdxl = self.limits.get("sdxl") or {}
        self._mj_budget = int(midjourney.get("max_words", 60))
        self._mj_openers = frozenset(str(w).lower() for w in midjourney.get("opening_words") or ())
        self._mj_drop = drop_order(midjourney.get("drop"), "midjourney")
        self._mj_floors = {"action": int(midjourney.get("min_action_words", 8)),
                           "setting": int(midjourney.get("min_setting_words", 8))}
        self._sdxl_drop = drop_order(sdxl.get("drop"), "sdxl")
        self._sdxl_budget = int(sdxl.get("scene_tokens", 75))
        self._sdxl_floors = {"action": int(sdxl.get("min_action_words", 10)),
                             "setting": int(sdxl.get("min_setting_words", 6))}

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
            noun = f"{noun} {_SIDE.get(side, f'on the {side}')}"
        if c is None:
            return Person(id=cid, name=cid, description=None, fallback="a person", noun=noun)
        entry = self.bible.get(c.name)
        name = _cap(c.display_name)         # "The soldier steps ..." starts a sentence
        description = (c.description or "").strip() or None
        look = (c.look or "").strip() or None
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
                    "so image prompts cannot say what they look like; in "
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
                      look=None if description else look,
                      costume=entry.costume if entry else None,
                      reference=entry.reference if entry else None,
                      trigger=entry.trigger if entry else None,
                      lora=lora, lora_weight=weight,
                      seed=entry.seed if entry else None)

    def _narrator_entry(self) -> CharacterBible | None:
        return next((b for b in self.config.characters
                     if "narrator" in {a.lower() for a in (b.name, *b.aliases)}), None)

    # -- variants
    def variants(self, shot: Shot, people: list[Person],
                 location: Location | None = None) -> list[Variant]:
        """The first N variants that really differ from the plan for this shot.

        A spec that changes nothing here (a "low angle" variant of a shot
        already low, a size step past the ladder's end) or whose conditions
        the shot does not meet is skipped; when the specs run out, further
        variants change only the seed.
        """
        fixed = next((p.seed for p in people if p.seed is not None), None)
        base = fixed if fixed is not None else stable_seed(self.config.project, shot.id)
        out: list[Variant] = []
        for spec in self.variant_specs:
            if len(out) >= self.variant_count:
                break
            if not _applies(spec, shot, people, location):
                continue
            variant = self._variant(spec, shot, base)
            if variant is not None:
                out.append(variant)
        extra = 1
        while len(out) < self.variant_count:
            out.append(Variant(name=f"new seed {extra}", lens_mm=shot.lens_mm,
                               angle=shot.angle, light="", change="seed", size=shot.size,
                               seed=(base + 2000 + extra) % 2**32))
            extra += 1
        return out

    @staticmethod
    def _variant(spec: dict, shot: Shot, base: int) -> Variant | None:
        """The variant a spec of variants.yaml makes of this shot, or None if
        the change it asks for is no change here."""
        lens, angle, light, change = shot.lens_mm, shot.angle, "", "none"
        size, staging, step = shot.size, "", 0
        if spec.get("size_step"):
            step = int(spec["size_step"])
            if shot.size not in SIZES:
                return None             # an insert has no tighter or wider size
            at = SIZES.index(shot.size) + step
            if not 0 <= at < len(SIZES):
                return None
            size, change = SIZES[at], "size"
        elif spec.get("lens_mm") or spec.get("lens_factor"):
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
        elif spec.get("staging"):
            staging, change = str(spec["staging"]), "staging"
        elif spec.get("light"):
            light, change = str(spec["light"]), "light"
        elif spec.get("seed_offset"):
            change = "seed"
        return Variant(name=str(spec.get("name", "variant")), lens_mm=lens, angle=angle,
                       light=light, change=change, size=size, staging=staging,
                       size_step=step, seed=(base + int(spec.get("seed_offset", 0))) % 2**32)

    # -- the drafts
    def draft(self, shot: Shot, scene_location: str | None) -> ShotPrompts:
        people = _distinguish([self._person(cid, shot) for cid in shot.subjects])
        if shot.size == "INSERT":
            people = [_hands_of(p) for p in people]
        location = self.locations.get(scene_location) if scene_location else None
        style = self.config.style
        action = visible_text(shot.description)
        state = _plain_state(shot.state)
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
                      state=state, **_scene_words(setting, state, _posed(shot, people)),
                      style_lora=self.style_lora)
        self._check_references(people)
        variants = self.variants(shot, people, location)
        contexts = [dict(common, variant=v, seed=v.seed) for v in variants]
        whole = _pieces(common, self._mj_openers)       # parsed once for every variant
        mj = self._midjourneys(shot, contexts, whole)
        flux = self._render_each("prompts/flux.j2", shot, contexts)
        scene = self._sdxl_scene(common, whole.copy())      # the same for every variant
        positives = self._render_each("prompts/sdxl.j2", shot,
                                      [dict(ctx, **scene) for ctx in contexts])
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

    def _render_each(self, name: str, shot: Shot, contexts: list[dict],
                     varying: tuple[str, ...] = ()) -> list[str]:
        """The template rendered for each variant's context.  A template that
        cannot read the variant is rendered once per distinct value of the
        `varying` context keys (the video templates: once per camera move
        and pace, not per keyframe), which a novel's tens of thousands of
        prompts make worth knowing."""
        varies = self._reads_variant.get(name)
        if varies is None:      # looked up once per chapter, like the template itself
            varies = self._reads_variant[name] = may_read(
                self.config.templates_root, name, _VARIANT_VARIABLES)
        if varies or not contexts:
            return [self._render(name, shot, ctx) for ctx in contexts]
        done: dict[tuple, str] = {}
        out = []
        for ctx in contexts:
            key = tuple(ctx.get(k) for k in varying)
            if key not in done:
                done[key] = self._render(name, shot, ctx)
            out.append(done[key])
        return out

    def _midjourneys(self, shot: Shot, contexts: list[dict], whole: Pieces) -> list[str]:
        """One Midjourney prompt per variant.  The variants of a shot differ
        by a word or two, so the words the fixed parts of one take are the
        first guess for the next (mostly one render a variant, not two)."""
        out: list[str] = []
        fixed = None
        for ctx in contexts:
            prompt, fixed = self._midjourney(shot, ctx, whole, fixed)
            out.append(prompt)
        return out

    def _midjourney(self, shot: Shot, ctx: dict, whole: Pieces,
                    fixed: int | None = None) -> tuple[str, int]:
        """The prompt whole if its text fits the word budget; else with whole
        pieces of the action, setting and state dropped by priority
        (tools.yaml `drop`) until it does.  `fixed`: a guess at the words
        the fixed parts take (descriptions, camera, look), None to render
        the whole prompt first.  The pieces are always the ones the fixed
        words of the rendered prompt call for, so a guess changes the
        renders, never the prompt.  Returns the prompt and its fixed words."""
        budget = self._mj_budget
        rendered: Pieces | None = None
        prompt = ""
        if fixed is None:
            prompt = self._render("prompts/midjourney.j2", shot, _mj_context(ctx, whole))
            rendered, fixed = whole, _text_words(prompt) - whole.words()
        for _ in range(3):
            pieces = fit(whole.copy(), lambda p, f=fixed: f + p.words() > budget,
                         self._mj_drop, self._mj_floors)
            if pieces == rendered:
                break
            prompt = self._render("prompts/midjourney.j2", shot, _mj_context(ctx, pieces))
            rendered, fixed = pieces, _text_words(prompt) - pieces.words()
        if len(ctx["characters"]) <= 1 and fixed > budget:
            look = len(self.config.style.look.split())
            self._warn_once("mj-budget", (
                f"Midjourney: the style look ({look} words) and a character description "
                f"already pass the ~{budget} words Midjourney weighs, so only the action's "
                "first sentence is kept whole; a shorter style.look (with --sref carrying "
                "the style: style.midjourney.sref) leaves room for what happens"),
                # Advice about the project file, the same for every chapter: in
                # shots.json, and on the console with -v only.
                level=logging.INFO)
        return prompt, fixed

    def _sdxl_chunks(self, prompt: str, people: list[Person]) -> tuple[str, ...]:
        """The prompt cut before each character after the first and after the
        last description, when it is longer than one CLIP chunk; () if short
        or if a template override moved the characters out of reach."""
        chunk = int((self.limits.get("sdxl") or {}).get("chunk_tokens", 75))
        labelled = [p for p in people if p.text]     # the others have no label to keep whole
        if not labelled or clip_tokens(prompt) <= chunk:
            return ()
        cuts, pos = [], 0
        for p in labelled:
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

    def _sdxl_scene(self, ctx: dict, pieces: Pieces) -> dict:
        """Action, setting and scene state for SDXL: past CLIP's first chunks
        long prose only dilutes the characters and the look, so together
        they keep to `scene_tokens` (tools.yaml), whole pieces dropped by
        priority."""
        pieces = fit(pieces, lambda p: p.tokens(clip_tokens) > self._sdxl_budget,
                     self._sdxl_drop, self._sdxl_floors)
        return _piece_context(ctx, pieces)

    def _video(self, shot: Shot, people: list[Person], common: dict,
               variants: list[Variant]) -> tuple[list, list]:
        """Per video tool: one prompt per variant (animating that variant's
        keyframe, each with its own camera move or pace), and a negative
        prompt list for the tools that take one."""
        extra: list[tuple[str, tuple[str, ...]]] = []
        clips: list[tuple[str, tuple[int, ...]]] = []
        said_motion: dict[tuple, str] = {}
        for key, tool in self.video_tools.items():
            names = self._names(shot, people, tool)
            # The tools mostly name people alike: the motion is read once.
            said = (shot.description, tuple(names.items()))
            motion = said_motion.get(said)
            if motion is None:
                motion = said_motion[said] = motion_text(shot.description, names, self.lexicon)
            speakers = _speakers(shot, people, names)
            if not tool.get("speech") and speakers and not _mentions_speech(motion):
                motion = _join(motion, f"{_cap(speakers[0])} {self.lexicon.speaking}")
            speech = _speech(shot, self._speaker_nouns(names)) if tool.get("speech") else ""
            moves = bool(motion or speech)
            beat = beat_of(motion, self.lexicon, moves=moves, subject=bool(people),
                           camera_moves=shot.movement not in _STILL_MOVES)
            if not motion and not speech:
                motion = self.lexicon.still
            subject = _subject_phrase(people, names)
            base = dict(common, tool=tool, tool_key=key, speech=speech,
                        clips=clips_for(shot.duration_s, tool.get("clips") or [5]))
            contexts = [dict(base, variant=v, seed=v.seed, video_variant=vv, camera=vv.camera,
                             move=vv.move, pace=vv.pace, motion=_join(motion, vv.tempo))
                        for v, vv in zip(variants, self.video_variants(shot, beat, subject,
                                                                       len(variants)))]
            template = str(tool.get("template") or "prompts/video.j2")
            prompts = tuple(self._render_each(template, shot, contexts, _VIDEO_VARYING))
            extra.append((f"video_{key}", prompts))
            if tool.get("negative"):
                negative = self._video_negative_text(shot)
                extra.append((f"video_{key}_negative", tuple(negative for _ in variants)))
            clips.append((key, tuple(base["clips"])))
        return extra, clips

    def video_variants(self, shot: Shot, beat, subject: str, count: int) -> list[VideoVariant]:
        """The first `count` video variants of video_tools.yaml that hold for
        this beat and give a camera and pace not used yet; then the first
        again."""
        own_pace = "brisk" if beat.brisk else "slow"
        own_move = "look" if shot.movement == "pan" and beat.target else shot.movement
        out: list[VideoVariant] = []
        seen: set[tuple[str, str]] = set()
        for spec in self.video_variant_specs:
            if len(out) >= count:
                break
            if not all(beat.holds(str(w)) for w in _as_list(spec.get("when"))):
                continue
            move = str(spec.get("move") or own_move)
            pace = str(spec.get("pace") or own_pace)
            camera = self._camera(move, pace, subject, beat.target or "")
            tempo = self._tempo(spec, pace, own_pace, beat)
            if (camera, tempo) in seen:
                continue
            seen.add((camera, tempo))
            out.append(VideoVariant(name=str(spec.get("name", "variant")), move=move,
                                    pace=pace, camera=camera, tempo=tempo))
        if not out:
            out.append(VideoVariant(name="as planned", move=own_move, pace=own_pace,
                                    camera=self._camera(own_move, own_pace, subject,
                                                        beat.target or "")))
        return [*out, *[out[0]] * (count - len(out))]

    def _tempo(self, spec: dict, pace: str, own_pace: str, beat) -> str:
        """The sentence on how the subjects move, for a variant that changes
        only the pace of a beat where someone walks or moves sharply; never
        one slowing a run or a stumble ("The woman runs. Unhurried ...")."""
        if spec.get("move") or pace == own_pace or not (beat.walks or beat.tense or beat.brisk):
            return ""
        order = {"slow": 0, "measured": 1, "brisk": 2}
        if (beat.brisk or beat.tense) and order.get(pace, 1) < order.get(own_pace, 1):
            return ""
        return str((self.paces.get(pace) or {}).get("motion") or "")

    def _camera(self, move: str, pace: str, subject: str, target: str) -> str:
        """The camera sentence of camera_moves, with its pace, subject and target."""
        text = self.camera_moves.get(move)
        if text is None:
            return f"The camera moves: {move}"
        word = str((self.paces.get(pace) or {}).get("camera") or "slowly")
        text = str(text).replace("{pace}", word).replace("{subject}", subject)
        return " ".join(text.replace("{target}", target or "the scene").split())

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
        people = [p for p in people if p.text]
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
    warning = (f"{who} in frame with no description, so image prompts only name them "
               f"(or give the look the text shows)")
    if len(names) > 1:
        warning += f": {listed}"
    return (f"{warning}; add `description: \"age, build, face, hair, clothes\"` under "
            f"characters: in novel2board.yaml (`novel2board cast` proposes the entries)")


def _plain_state(state: ShotState) -> ShotState:
    """The scene state as prompts say it: "NIGHT" -> "night"."""
    time = state.time_of_day.strip()
    return replace(state, time_of_day=time.lower() if time.isupper() else time,
                   light=state.light.strip(), weather=state.weather.strip(),
                   spot=state.spot.strip())


def _posed(shot: Shot, people) -> dict:
    """Whose posture and props a prompt states: everyone in frame, but in an
    insert (only hands are seen)."""
    return {} if shot.size == "INSERT" else {p.id: p.name for p in people}


def _poses(state: ShotState, names: dict) -> list[str]:
    """"Tomas Okafor seated, holding a shear pin" for each subject in frame
    whose posture or props the scene's prose gave (shots/state.py)."""
    postures, holding = dict(state.postures), dict(state.holding)
    out = []
    for cid, name in names.items():
        parts = [p for p in (postures.get(cid), f"holding {holding[cid]}" if cid in holding
                             else "") if p and p not in ("walking", "running")]
        if parts:
            out.append(f"{name} " + ", ".join(parts))
    return out


def _pieces(ctx: dict, openers: frozenset[str]) -> Pieces:
    """What trimming may drop of a prompt's context."""
    state = ctx["state"]
    return Pieces(passage(ctx["action"], openers), passage(ctx["setting"], openers),
                  {"time": state.time_of_day, "light": state.light,
                   "weather": state.weather, "spot": state.spot})


def _piece_context(ctx: dict, pieces: Pieces) -> dict:
    """The action, setting and state of a context as trimming left them,
    with `place` (setting and spot) and `when` (time, light, weather)."""
    state = replace(ctx["state"], time_of_day=pieces.state.get("time", ""),
                    light=pieces.state.get("light", ""),
                    weather=pieces.state.get("weather", ""),
                    spot=pieces.state.get("spot", ""))
    setting = pieces.setting.text
    return dict(action=pieces.action.text.rstrip("."), setting=setting, state=state,
                **_scene_words(setting, state, _posed(ctx["shot"], ctx["characters"])))


def _scene_words(setting: str, state: ShotState, names: dict | None = None) -> dict:
    """`place`: the setting, then the spot within it ("..., at the edge of the
    crater"), then who sits and what they hold ("Tomas Okafor seated,
    holding a shear pin"); `when`: "night, moonlight through the window,
    heavy rain"."""
    poses = _poses(state, names or {})
    where = ", ".join(part for part in (setting.strip().rstrip("."), state.spot, *poses)
                      if part)
    return dict(place=where, when=", ".join(
        part for part in (state.time_of_day, state.light, state.weather) if part))


def _mj_context(ctx: dict, pieces: Pieces) -> dict:
    scene = _piece_context(ctx, pieces)
    return dict(ctx, action=_mj_safe(scene["action"]), setting=_mj_safe(scene["setting"]),
                place=_mj_safe(scene["place"]), when=_mj_safe(scene["when"]),
                state=scene["state"], characters=[_mj_person(p) for p in ctx["characters"]])


def _mj_person(person: Person) -> Person:
    """A character's words as Midjourney prose (`_mj_safe`): a bible entry
    may hold a dash Midjourney reads as a parameter."""
    return replace(person, name=_mj_safe(person.name),
                   description=_mj_safe(person.description) if person.description else None,
                   look=_mj_safe(person.look) if person.look else None,
                   costume=_mj_safe(person.costume) if person.costume else None)


def _applies(spec: dict, shot: Shot, people: list, location: Location | None) -> bool:
    """Do the conditions of a variants.yaml entry (sizes, framings, settings,
    needs_subject) hold for this shot?"""
    for key, value in (("sizes", shot.size), ("framings", shot.framing),
                       ("settings", location.setting if location else None)):
        allowed = spec.get(key)
        if allowed and value not in [str(a) for a in allowed]:
            return False
    return not (spec.get("needs_subject") and not people)


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
        worn = _WEARING.search(p.description or p.look or "")
        if worn and len(worn.group(1).split()) <= 6:
            noun = f"{p.noun} in the {worn.group(1)}"
        else:
            noun = p.noun.replace("the ", f"the {ordinals[min(seen[p.noun], 5)]} ", 1)
        seen[p.noun] += 1
        out.append(replace(p, noun=noun))
    return out

def _subject_phrase(people: list[Person], names: dict[str, str]) -> str:
    """Who the camera holds on or follows: "the woman" (or the tool's lone
    subject, "the subject"), "both of them", "the group", "the action"."""
    if not people:
        return "the action"
    if len(people) == 1:
        return names.get(people[0].name, people[0].noun)
    return "both of them" if len(people) == 2 else "the group"


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _dedupe_terms(text: str) -> str:
    """A comma list with each term once (style.negative may repeat a default)."""
    terms = [t.strip() for t in text.split(",")]
    return ", ".join(dict.fromkeys(t for t in terms if t))


def _mj_safe(text: str) -> str:
    """Prose inside a Midjourney prompt: `--` would start a parameter and
    `::` a multi-prompt, so both become plain punctuation; so do the dashes
    Midjourney reads as `--` (an em or en dash: "—no" is `--no`, as a
    phone's autocorrect writes it)."""
    text = re.sub(r"\s*(?:--+|[\u2012\u2013\u2014\u2015\u2e3a\u2e3b]+)\s*", ", ", str(text or ""))
    return text.replace("::", ":")


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
    if not second:
        return first
    return f"{first.rstrip('.')}. {second}" if first else second


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _line(text: str) -> str:
    return " ".join(text.split())


__all__ = ["IMAGE_TOOLS", "Person", "PromptDrafter", "Variant", "aspect_for_midjourney",
           "clip_length", "clips_for", "stable_seed"]


def _hands_of(person: Person) -> Person:
    """In an insert only the hands of whoever handles the thing are in frame:
    a face description (or a face reference) would make the model draw the
    face. The costume stays, for the sleeves."""
    return replace(person, name=f"{person.name}'s hands", description=None, look=None,
                   reference=None)
