"""Stage 4, shots: each scene becomes coverage, by the rules in rules.yaml.

One shot per beat: a scene opens wide; each narration paragraph makes the
shot of the first rule whose cue it matches (a long paragraph with two
different cues makes two); each speech turn makes one dialogue shot, a
two-shot to open an exchange, then over-the-shoulder shot/reverse-shot with
each speaker kept on their own side of the line and tightening as the
exchange goes on.  Every quote lands in exactly one shot.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..config import PlannerSettings
from ..model import (Analysis, ChapterText, DialogueLine, Omitted, Scene, Shot)
from .describe import describe, strip_markup
from .rules import SIZES, Rule, Rules

_LONG_PARAGRAPH_WORDS = 90


@dataclass
class _SceneState:
    """What the planner remembers while it walks one scene."""

    seen: set = field(default_factory=set)          # characters already shown
    sides: dict = field(default_factory=dict)       # character -> left/right
    last_speakers: list = field(default_factory=list)
    turn: int = 0                                   # turns in this exchange
    last_quote_para: int | None = None


@dataclass(frozen=True)
class PlanContext:
    chapter: ChapterText
    analysis: Analysis
    docs: list
    rules: Rules
    settings: PlannerSettings

    def name(self, cid: str | None) -> str:
        for c in self.analysis.characters:
            if c.id == cid:
                return c.name if not c.narrator else "The narrator"
        return "Someone"


def plan_chapter(ctx: PlanContext, scenes: tuple[Scene, ...]) -> tuple[tuple[Shot, ...], tuple[Omitted, ...]]:
    shots: list[Shot] = []
    for scene in scenes:
        shots.extend(_plan_scene(ctx, scene))
    return tuple(shots), ()


def _plan_scene(ctx: PlanContext, scene: Scene) -> list[Shot]:
    state = _SceneState()
    drafts: list[dict] = []
    quotes_by_para: dict[int, list] = {}
    for q in ctx.analysis.quotes:
        quotes_by_para.setdefault(q.paragraph, []).append(q)
    for pos, pindex in enumerate(scene.paragraphs):
        para = ctx.chapter.paragraphs[pindex]
        doc = ctx.docs[pindex]
        quotes = quotes_by_para.get(pindex, [])
        keep = _outside(quotes, para.start)
        actors = _actors(ctx.analysis, para.start, para.end, quotes)
        if pos == 0:
            drafts.append(_establishing(ctx, scene, para, doc, keep))
        if quotes:
            drafts.append(_dialogue(ctx, scene, state, para, doc, quotes, actors, keep))
        elif pos > 0 or len(doc) > 0:
            drafts.extend(_narration(ctx, scene, state, para, doc, actors, keep,
                                     skip_scenery=(pos == 0)))
        state.seen.update(actors)
    return _finish(ctx, scene, drafts)


# ----------------------------------------------------------- the shot kinds
def _establishing(ctx, scene, para, doc, keep) -> dict:
    rule = _rule(ctx, "establishing")
    sents = list(doc.sents)[:1]
    place = next((loc.name for loc in ctx.analysis.locations if loc.id == scene.location), None)
    text = describe(sents)
    if place and place.lower() not in text.lower():
        text = f"{place[:1].upper()}{place[1:]}. {text}"
    return _draft(ctx, rule, para.start, _sent_end(para, sents), (), text, (), doc, keep)


def _narration(ctx, scene, state, para, doc, actors, keep, skip_scenery) -> list[dict]:
    matched = ctx.rules.matched(doc, keep)
    sents = list(doc.sents)
    chosen = _choose_rules(ctx, state, actors, matched)
    if skip_scenery and chosen and chosen[0].id == "scenery":
        return []           # the establishing shot already covers this paragraph
    words = len(para.text.split())
    if words >= _LONG_PARAGRAPH_WORDS and len(sents) >= 4 and len(chosen) > 1:
        half = len(sents) // 2
        first, second = sents[:half], sents[half:]
        return [
            _draft(ctx, chosen[0], para.start, _sent_end(para, first), actors,
                   describe(first, ctx.name(actors[0]) if actors else None), (), doc, keep, first),
            _draft(ctx, chosen[1], para.start + second[0].start_char, para.end, actors,
                   describe(second, ctx.name(actors[0]) if actors else None), (), doc, keep, second),
        ]
    rule = chosen[0]
    return [_draft(ctx, rule, para.start, para.end, actors,
                   describe(sents[:3], ctx.name(actors[0]) if actors else None), (), doc, keep,
                   sents)]


def _choose_rules(ctx, state, actors, matched) -> list[Rule]:
    chosen = []
    for rule in ctx.rules.rules:
        if rule.id == "establishing":
            continue
        if _cue_fires(rule, state, actors, matched):
            chosen.append(rule)
    return chosen or [ctx.rules.rules[-1]]


def _cue_fires(rule: Rule, state, actors, matched) -> bool:
    if rule.cue is None:
        return f"rules:{rule.id}" in matched
    if rule.cue == "always":
        return True
    if rule.cue == "any-character":
        return bool(actors)
    if rule.cue == "three-or-more":
        return len(set(actors)) >= 3
    if rule.cue == "first-appearance":
        return any(a not in state.seen for a in actors)
    return False


def _dialogue(ctx, scene, state, para, doc, quotes, actors, keep) -> dict:
    spec = ctx.rules.dialogue
    speaker = next((q.speaker for q in quotes if q.speaker), None)
    if state.last_quote_para is None or para.index - state.last_quote_para > 2:
        state.turn, state.last_speakers = 0, []
    state.turn += 1
    state.last_quote_para = para.index
    if speaker and (not state.last_speakers or state.last_speakers[-1] != speaker):
        state.last_speakers.append(speaker)
    recent = list(dict.fromkeys(reversed(state.last_speakers)))[:3]
    listener = next((s for s in recent if s != speaker), None)
    if listener is None:
        listener = next((a for a in actors if a != speaker), None) or next(
            (c for c in scene.characters if c != speaker and c in state.seen), None)
    present = len({c for c in (speaker, listener, *actors) if c})
    if len(recent) >= 3 and present >= 3:
        kind, subjects = "group", tuple(recent)
    elif state.turn == 1 and speaker and listener:
        kind, subjects = "opening", (speaker, listener)
    elif speaker and listener:
        kind, subjects = "exchange", (speaker, listener)
    else:
        kind, subjects = "single", tuple(c for c in (speaker,) if c)
    entry = spec.get(kind, {})
    tighten = spec.get("tighten") or ["MS"]
    size = entry.get("size") or tighten[min(state.turn, len(tighten)) - 1]
    for cid in subjects[:2]:
        if cid not in state.sides:
            state.sides[cid] = "left" if "left" not in state.sides.values() else "right"
    lines = tuple(DialogueLine(q.id, q.speaker, q.text) for q in quotes)
    action = [s for s in doc.sents if keep(s.start_char)
              and not any(q.start - para.start <= s.start_char < q.end - para.start for q in quotes)]
    verb = "asks" if quotes[-1].text.rstrip("\u201d\"' ").endswith("?") else "speaks"
    who = ctx.name(speaker) if speaker else "Someone"
    text = describe(action[:2], who) if action else f"{who} {verb}"
    if listener and action:
        text = f"{text} ({who} to {ctx.name(listener)})"
    elif listener:
        text = f"{who} {verb} to {ctx.name(listener)}"
    rule = Rule(id=entry.get("id", f"dialogue-{kind}"), cue="dialogue", shot=None)
    draft = _draft(ctx, rule, para.start, para.end, subjects, text, lines, doc, keep)
    draft.update(size=size, framing=entry.get("framing", "single"),
                 angle=entry.get("angle", "eye-level"),
                 movement=entry.get("movement", "static"),
                 screen=tuple((c, state.sides[c]) for c in subjects if c in state.sides))
    return draft


# ---------------------------------------------------------------- assembly
def _draft(ctx, rule: Rule, start, end, subjects, description, lines, doc, keep,
           sents=None) -> dict:
    spec = rule.shot
    flag_ids = _flags_in(ctx.rules, doc, keep, sents)
    return dict(rule=rule.id, start=start, end=end, subjects=tuple(dict.fromkeys(subjects)),
                description=description, dialogue=lines, flags=flag_ids,
                size=spec.size if spec else "MS", framing=spec.framing if spec else "single",
                angle=spec.angle if spec else "eye-level",
                movement=spec.movement if spec else "static",
                base_s=spec.duration_s if spec else 0.0,
                lens=spec.lens_mm if spec else None,
                words=sum(len(s.text.split()) for s in sents) if sents else 0,
                screen=())


def _flags_in(rules: Rules, doc, keep, sents) -> set[str]:
    """Flag ids whose patterns match outside quotes, within the shot's sentences."""
    if sents:
        bounds = [(sent.start_char, sent.end_char) for sent in sents]
        inside = lambda idx: keep(idx) and any(a <= idx < b for a, b in bounds)  # noqa: E731
    else:
        inside = keep
    return {m.split(":", 1)[1] for m in rules.matched(doc, inside) if m.startswith("flags:")}


def _finish(ctx: PlanContext, scene: Scene, drafts: list[dict]) -> list[Shot]:
    shots: list[Shot] = []
    prev = None
    for n, d in enumerate(drafts, start=1):
        size = d["size"]
        if prev is not None and prev.subjects == d["subjects"] and prev.size == size \
                and prev.angle == d["angle"] and prev.framing == d["framing"]:
            size = _step(size)      # 30-degree rule: never the same set-up twice
        duration = _duration(ctx, d)
        flags = set(d["flags"])
        if len(d["subjects"]) >= 2 and d["movement"] in ("tracking", "handheld"):
            flags.add("complex-motion")
        if size in ("CU", "ECU") and duration > 4:
            flags.add("long-close-up")
        if duration > ctx.settings.max_clip_s:
            flags.add("longer-than-clip")
        flag_rules = {f.id: f for f in ctx.rules.flags}
        ordered_flags = tuple(f for f in flag_rules if f in flags)
        shot = Shot(
            id=f"{scene.id}.{n}", scene=scene.id, number=n, size=size,
            framing=d["framing"], angle=d["angle"], movement=d["movement"],
            lens_mm=int(d["lens"] or ctx.rules.lens_by_size.get(size, 50)),
            subjects=d["subjects"], description=d["description"],
            dialogue=d["dialogue"], duration_s=duration, start=d["start"], end=d["end"],
            rule=d["rule"], flags=ordered_flags, screen=d["screen"],
            notes=tuple(flag_rules[f].suggest for f in ordered_flags))
        shots.append(shot)
        prev = shot
    return shots


def _step(size: str) -> str:
    order = [s for s in SIZES if s != "INSERT"]
    if size not in order:
        return size
    i = order.index(size)
    return order[i + 1] if i + 1 < len(order) else order[i - 1]


def _duration(ctx: PlanContext, d: dict) -> float:
    s = ctx.settings
    if d["dialogue"]:
        seconds = sum(len(strip_markup(line.text).split()) / s.words_per_second + s.line_pause_s
                      for line in d["dialogue"])
    else:
        seconds = min(d["base_s"] + d["words"] * ctx.rules.action_s_per_word,
                      ctx.rules.max_action_s)
    return round(max(seconds, 1.0) * 2) / 2     # half seconds: an editor's grid


# ----------------------------------------------------------------- helpers
def _rule(ctx: PlanContext, rid: str) -> Rule:
    for rule in ctx.rules.rules:
        if rule.id == rid:
            return rule
    return ctx.rules.rules[-1]


def _outside(quotes, para_start: int):
    spans = [(q.start - para_start, q.end - para_start) for q in quotes]
    return lambda idx: not any(a <= idx < b for a, b in spans)


def _actors(analysis: Analysis, start: int, end: int, quotes) -> tuple[str, ...]:
    starts = [m.start for m in analysis.mentions]
    lo, hi = bisect_right(starts, start - 1), bisect_right(starts, end - 1)
    found = []
    for m in analysis.mentions[lo:hi]:
        if any(q.start <= m.start < q.end for q in quotes):
            continue
        if m.character not in found:
            found.append(m.character)
    return tuple(found)


def _sent_end(para, sents) -> int:
    return para.start + sents[-1].end_char if sents else para.end
