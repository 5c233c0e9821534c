"""Stage 4, shots: each scene becomes coverage, by the rules in rules.yaml.

A scene opens wide.  Then paragraph by paragraph:

- narration is cut into beats (`beats.py`); a beat that a rule's cue claims
  strongly (a close-up on a physical tell, an insert of an object handled,
  a point of view, a tracking shot) starts a shot of its own, the rest join
  the beat before them, and a paragraph gets at most a few shots, so a
  paragraph of scenery is one or two shots and not one per sentence;
- speech is covered by `dialogue.py`: a two-shot to open an exchange, then
  over-the-shoulder shot/reverse-shot, each character kept on their side of
  the line, tightening as the exchange heats up, long speeches broken by
  the listener's reaction.

Every quote lands in the dialogue of exactly one shot; every paragraph lies
inside the shots made from it (or is listed as omitted, with the reason).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property

from ..config import PlannerSettings
from ..model import Analysis, ChapterText, Omitted, Scene, Shot
from .beats import ParagraphBeats, Unit, read_paragraph
from .camera import CameraLexicon, load_camera
from .state import with_states
from .coverage import (Draft, SceneState, cast_together, claim, narration_draft,
                       reaction_after)
from .dialogue import cover_turns
from .rules import SIZES, Rules
from .thirdperson import Narrator

log = logging.getLogger(__name__)
_INSERT_ANGLES = ("high", "overhead", "eye-level")
# The over-the-shoulder words of an exchange shot (dialogue.py's
# `_speech_text`): "Who, seen over X's shoulder. Action." or "Who, seen over
# X's shoulder, speaks."
_OVER_SHOULDER = re.compile(r"^(?:.+?, seen over .+?'s shoulder\. |(.+?), seen over .+?'s shoulder,)")


@dataclass(frozen=True)
class PlanContext:
    chapter: ChapterText
    analysis: Analysis
    docs: list
    rules: Rules
    settings: PlannerSettings
    # templates/camera.yaml: what a description may say (None: the built-in)
    camera: CameraLexicon | None = None

    @cached_property
    def _beats(self) -> dict:
        return {}

    @cached_property
    def quotes_by_paragraph(self) -> dict[int, list]:
        found: dict[int, list] = {}
        for q in self.analysis.quotes:
            found.setdefault(q.paragraph, []).append(q)
        return found

    @cached_property
    def name_mentions(self) -> list:
        """The analysis' name mentions in text order: who a line names as
        its addressee (dialogue.py)."""
        return sorted((m for m in self.analysis.mentions if m.kind == "name"),
                      key=lambda m: m.start)

    @cached_property
    def quote_order(self) -> dict[str, int]:
        """A quote's place in `analysis.quotes`, by id."""
        return {q.id: i for i, q in enumerate(self.analysis.quotes)}

    def beats(self, pindex: int):
        """Paragraph `pindex` read into beats, once: the planner and the scene
        summaries both read it."""
        if pindex not in self._beats:
            self._beats[pindex] = read_paragraph(
                self.chapter.paragraphs[pindex], self.docs[pindex],
                self.quotes_by_paragraph.get(pindex, []), self.analysis, self.rules,
                self.lexicon)
        return self._beats[pindex]

    def name(self, cid: str | None) -> str:
        for c in self.analysis.characters:
            if c.id == cid:
                return c.display_name
        return "Someone"

    @cached_property
    def lexicon(self) -> CameraLexicon:
        return self.camera if self.camera is not None else load_camera(None)

    @cached_property
    def narrator(self) -> Narrator | None:
        """The chapter's "I", whom descriptions name in the third person."""
        return Narrator.of(self.analysis.characters)


def plan_chapter(ctx: PlanContext, scenes: tuple[Scene, ...]
                 ) -> tuple[tuple[Shot, ...], tuple[Omitted, ...]]:
    shots: list[Shot] = []
    omitted: list[Omitted] = []
    time = None
    for scene in scenes:
        drafts, left_out = _plan_scene(ctx, scene)
        # A CONTINUOUS or LATER scene, or one whose time the prose never
        # says, keeps the time of day (and its light) of the one before.
        time = scene.time_of_day if scene.time_of_day not in (None, "CONTINUOUS", "LATER") \
            else time
        made = with_states(ctx, scene, _finish(ctx, scene, drafts), time)
        log.debug("scene %s: %d shots, %.1f s", scene.id, len(made),
                  sum(s.duration_s for s in made))
        shots.extend(made)
        omitted.extend(left_out)
    return tuple(shots), tuple(omitted)


def _plan_scene(ctx: PlanContext, scene: Scene) -> tuple[list[Draft], list]:
    state = SceneState()
    drafts: list[Draft] = []
    omitted = []
    for pos, pindex in enumerate(scene.paragraphs):
        para = ctx.chapter.paragraphs[pindex]
        beats = ctx.beats(pindex)
        if not beats.items:
            omitted.append(Omitted(para.start, para.end, "no words to show or speak"))
            continue
        items = list(beats.items)
        made: list[Draft] = []
        if pos == 0:
            opening, used = _opening(ctx, scene, beats)
            made.append(opening)
            items = items[used:]
        if beats.lines:
            made.extend(cover_turns(ctx, state, pos, beats, items,
                                    lambda units: _narration(ctx, state, pos, beats, units)))
        elif items:
            made.extend(_narration(ctx, state, pos, beats, items))
        _tile(made, beats)
        drafts.extend(made)
    return drafts, omitted


# -------------------------------------------------------------- the opening
def _opening(ctx: PlanContext, scene: Scene, beats: ParagraphBeats) -> tuple[Draft, int]:
    """The establishing (or re-establishing) wide shot, and how many of the
    paragraph's first items it shows: leading sentences of pure scenery."""
    rules = ctx.rules
    cue = "scene-opening" if scene.cause in rules.defaults.establish_on else "scene-continues"
    rule = rules.with_builtin(cue) or rules.with_builtin("scene-opening") or rules.rules[0]
    used, words = 0, 0
    for item in beats.items:
        if not isinstance(item, Unit) or item.actors:
            break
        if used and words + item.words > rules.defaults.words_per_shot:
            break
        used, words = used + 1, words + item.words
    shown = list(beats.items[:used]) or [i for i in beats.items[:1] if isinstance(i, Unit)]
    draft = narration_draft(ctx, rule, shown, agent=None, para=beats.paragraph)
    place = next((loc.name for loc in ctx.analysis.locations if loc.id == scene.location), None)
    if place and place.lower() not in draft.description.lower():
        draft.description = f"{place[:1].upper()}{place[1:]}. {draft.description}".strip()
    if not shown:
        draft.start, draft.end = beats.paragraph.start, beats.items[0].start
        if draft.end <= draft.start:
            draft.end = beats.items[0].end
    draft.tile = bool(used)
    if used == len(beats.items):
        draft.end = beats.paragraph.end
    return draft, used


# --------------------------------------------------------------- narration
def _narration(ctx: PlanContext, state: SceneState, pos: int, beats: ParagraphBeats,
               units: list[Unit]) -> list[Draft]:
    segments: list[list] = []           # [rule, agent, units, the claim that started it]
    apart: set = set()                  # (rule, agent) given a shot of its own here
    for unit in units:
        found = claim(ctx, state, pos, unit, first=(unit is beats.units[0]))
        if found.rule is not None and found.rule.keep_apart:
            if (found.rule.id, found.agent) in apart:
                # One close-up of a feeling a paragraph: "I was angry. I was
                # angry at Brekke... Mostly I was angry" is not three.
                found = claim(ctx, state, pos, unit, first=(unit is beats.units[0]),
                              skip=found.rule.id)
            else:
                apart.add((found.rule.id, found.agent))
        rule, agent = found.rule, found.agent
        state.saw(unit.actors)
        last = segments[-1] if segments else None
        if last is None:
            segments.append([rule, agent, [unit], found])
        elif rule.fallback:
            # Description and action that no rule claims stay with the beat
            # before, unless somebody else now does something.
            if unit.main_agent and last[1] and unit.main_agent != last[1] and unit.agents:
                segments.append([rule, unit.main_agent, [unit], None])
            elif unit.agents and last[1] is None and last[0].shot.framing == "none":
                # Someone acts after a shot that frames nobody: scenery becomes
                # the shot of who acts; an insert of a thing is cut away from.
                if last[0].fallback:
                    last[0], last[1], last[3] = rule, unit.main_agent, found
                    last[2].append(unit)
                else:
                    segments.append([rule, unit.main_agent, [unit], found])
            else:
                last[2].append(unit)
                last[1] = last[1] or agent
        elif last[0] is rule and last[1] == agent:
            last[2].append(unit)
        else:
            segments.append([rule, agent, [unit], found])
    segments = _merge_to_cap(ctx, segments, beats)
    out = []
    for rule, agent, seg_units, found in segments:
        d = narration_draft(ctx, rule, seg_units, agent, beats.paragraph,
                            found.focus if found else (),
                            found.focus_character if found else None)
        cast_together(d, state, found)
        # Characters already placed on screen keep their side (180-degree rule).
        if d.framing not in ("none", "POV"):
            d.screen = tuple((c, state.known_side(c)) for c in d.subjects
                             if state.known_side(c))
        out.append(d)
        reaction = reaction_after(ctx, state, pos, d) if d.rule != "reaction" else None
        if reaction is not None:
            out.append(reaction)
    return out


def _merge_to_cap(ctx: PlanContext, segments: list[list], beats: ParagraphBeats) -> list[list]:
    """At most a few shots per paragraph: merge the smallest neighbours."""
    d = ctx.rules.defaults
    words = sum(u.words for s in segments for u in s[2])
    cap = max(1, min(d.max_shots_per_paragraph, 1 + int(words // d.words_per_shot)))
    if not beats.actors:
        cap = min(cap, d.scenery_max_shots)
    order = {r.id: i for i, r in enumerate(ctx.rules.rules)}

    def rank(segment) -> tuple:
        """A specific rule before a fallback, then file order: of two
        fallbacks, the shot of a character (`action`) before scenery."""
        return (segment[0].fallback, order[segment[0].id])

    # A rule with `keep_apart` keeps its own shot: the cap grows by those.
    cap += sum(1 for s in segments if s[0].keep_apart)
    while len(segments) > cap:
        sizes = [sum(u.words for u in a[2]) + sum(u.words for u in b[2])
                 if not (a[0].keep_apart or b[0].keep_apart) else float("inf")
                 for a, b in zip(segments, segments[1:])]
        if min(sizes) == float("inf"):
            break
        i = sizes.index(min(sizes))
        a, b = segments[i], segments[i + 1]
        keep = a if rank(a) <= rank(b) else b
        segments[i:i + 2] = [[keep[0], keep[1] or a[1] or b[1], a[2] + b[2], keep[3]]]
    return segments


# ----------------------------------------------------------------- assembly
def _tile(drafts: list[Draft], beats: ParagraphBeats) -> None:
    """Stretch the paragraph's main shots so that together they cover it all:
    words no shot shows ("she said") still lie inside a shot's span."""
    para = beats.paragraph
    main = [d for d in drafts if d.tile]
    if not main:
        return
    main[0].start = min(main[0].start, para.start)
    main[-1].end = max(main[-1].end, para.end)
    for a, b in zip(main, main[1:]):
        if a.end < b.start:
            a.end = b.start


def _finish(ctx: PlanContext, scene: Scene, drafts: list[Draft]) -> list[Shot]:
    shots: list[Shot] = []
    prev = None
    flag_order = [f.id for f in ctx.rules.flags]
    suggest = {f.id: f.suggest for f in ctx.rules.flags}
    for n, d in enumerate(drafts, start=1):
        if prev is not None and _same_setup(prev, d):
            _vary(d)        # 30-degree rule: never the same set-up twice in a row
        flags = _flags(ctx, d)
        ordered = tuple(f for f in flag_order if f in flags)
        lens = d.lens or ctx.rules.defaults.lens_mm.get(d.size, 50)
        shots.append(Shot(
            id=f"{scene.id}.{n}", scene=scene.id, number=n, size=d.size,
            framing=d.framing, angle=d.angle, movement=d.movement, lens_mm=int(lens),
            subjects=d.subjects, description=_said(d, ctx, scene),
            dialogue=tuple(d.dialogue),
            duration_s=_half_seconds(d.duration), start=d.start, end=d.end, rule=d.rule,
            flags=ordered, screen=d.screen, notes=tuple(suggest[f] for f in ordered),
            transition=scene.transition_in if n == 1 else "",
            subtext=tuple(d.subtext), vo=tuple(d.vo)))
        prev = d
    return shots


def _said(d: Draft, ctx: PlanContext, scene: Scene) -> str:
    """The description, capitalised; a shot whose words were all thought,
    backstory or smell shows its subjects, or the place."""
    text = d.description.strip()
    if not text or text == ".":
        names = [ctx.name(s) for s in d.subjects]
        place = next((loc.name for loc in ctx.analysis.locations if loc.id == scene.location),
                     None)
        text = (" and ".join(names) + ("." if not place else f", {place}.")) if names \
            else f"{place or 'The scene'}."
    return text[:1].upper() + text[1:]


def _same_setup(a: Draft, b: Draft) -> bool:
    # Subjects in order: the first faces the camera, so a reverse angle
    # (Ilse over Tomas, then Tomas over Ilse) is a different set-up.
    return (a.subjects == b.subjects and a.size == b.size
            and a.angle == b.angle and a.framing == b.framing)


def _vary(d: Draft) -> None:
    if d.size == "INSERT":
        i = _INSERT_ANGLES.index(d.angle) if d.angle in _INSERT_ANGLES else -1
        d.angle = _INSERT_ANGLES[(i + 1) % len(_INSERT_ANGLES)]
        return
    if d.framing == "OTS":
        # The same speaker again: a clean single instead of another OTS.
        d.framing, d.subjects = "single", d.subjects[:1]
        d.screen = tuple(p for p in d.screen if p[0] in d.subjects)
        d.description = _OVER_SHOULDER.sub(lambda m: m.group(1) or "", d.description, count=1)
        return
    if d.framing == "none" and d.size in ("EWS", "WS"):
        d.size = "EWS" if d.size == "WS" else "WS"      # scenery stays wide
        d.lens = None
        return
    order = [s for s in SIZES if s != "INSERT"]
    i = order.index(d.size)
    # One step tighter, but never past a close-up: from CU or ECU, one wider.
    d.size = order[i + 1] if order[i + 1:i + 2] and i + 1 <= order.index("CU") else order[i - 1]
    d.lens = None           # the lens follows the new size


def _flags(ctx: PlanContext, d: Draft) -> set[str]:
    flags = set(d.flags)
    builtin = {f.builtin: f.id for f in ctx.rules.flags if f.builtin}
    checks = {
        "complex-motion": len(d.subjects) >= 2 and d.movement in
        ("tracking", "handheld", "crane", "orbit"),
        "long-close-up": d.size in ("CU", "ECU") and d.duration > 4,
        "longer-than-clip": d.duration > ctx.settings.max_clip_s,
    }
    for cue, fires in checks.items():
        if fires and cue in builtin:
            flags.add(builtin[cue])
    return flags


def _half_seconds(seconds: float) -> float:
    return round(max(seconds, 1.0) * 2) / 2     # half seconds: an editor's grid
