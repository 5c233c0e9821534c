"""Coverage of speech: two-shot, then shot/reverse-shot, with reactions.

A paragraph that holds quotes is one speech turn (or several, when two
people speak in it).  The first turn of an exchange is a two-shot; later
turns are over-the-shoulder shots on the speaker, over the listener's
shoulder, each character keeping their screen side for the whole scene
(the 180-degree rule).  Shots tighten as the exchange heats up (a `heat`
cue: an exclamation, a physical tell) and relax when it cools.

A turn longer than `dialogue.max_shot_s` is split: between its pieces the
listener's reaction plays under the speaker's voice, so the runtime stays
the length of the speech.  A beat of action inside a turn that a rule
claims (an insert, a close-up on a tell, a point of view) becomes its own
shot; other action plays while the line is spoken, in the same shot.
"""

from __future__ import annotations

import math

from ..model import DialogueLine
from .beats import Line, ParagraphBeats, Unit
from .coverage import (Draft, Exchange, SceneState, cast_together, claim, narration_draft,
                       reaction_after)
from .describe import Composed, compose, describe, strip_markup
from .rules import ShotSpec


def cover_turns(ctx, state: SceneState, pos: int, beats: ParagraphBeats,
                items: list, narrate) -> list[Draft]:
    """Shots for a paragraph with quotes.  `narrate(units)` plans a run of
    long narration inside it the way a paragraph of narration is planned."""
    ex = state.exchange
    if ex.last_pos is None or pos - ex.last_pos > ctx.rules.defaults.exchange_gap + 1:
        state.exchange = ex = Exchange()
    ex.last_pos = pos
    # Heat is counted in half steps: one heated line does not make a close-up
    # (a character who exclaims a lot is not a scene in crisis); two in a
    # row do, and calm lines let it fall back.
    top = 2 * (len(ctx.rules.dialogue.tighten) - 1)
    ex.heat = min(ex.heat + 1, top) if beats.heated else max(ex.heat - 1, 0)
    drafts: list[Draft] = []
    for run in _runs_by_speaker(items):
        drafts.extend(_turn(ctx, state, pos, beats, run, narrate))
    state.last_turn_pos = pos
    return drafts


def _runs_by_speaker(items: list) -> list[list]:
    """Items split where a quote has a different known speaker."""
    runs: list[list] = [[]]
    speaker = None
    for item in items:
        if isinstance(item, Line) and item.quote.speaker:
            if speaker and item.quote.speaker != speaker:
                runs.append([])
            speaker = item.quote.speaker
        runs[-1].append(item)
    return [r for r in runs if r]


def _turn(ctx, state: SceneState, pos: int, beats: ParagraphBeats, items: list,
          narrate) -> list[Draft]:
    ex = state.exchange
    lines = [i for i in items if isinstance(i, Line)]
    speaker = next((ln.quote.speaker for ln in lines if ln.quote.speaker), None) \
        or _guess_speaker(ex, items)
    listener = _listener(ex, state, speaker, beats)
    ex.turn += 1 if lines else 0
    if speaker and speaker not in ex.speakers:
        ex.speakers.append(speaker)
    if speaker:
        state.saw((speaker,))
    cutter = _TurnCutter(ctx, state, pos, beats, speaker, listener, narrate)
    for item in items:
        if isinstance(item, Unit):
            cutter.beat(item)
        else:
            cutter.line(item)
    out = cutter.finish()
    if lines:
        ex.last_speaker, ex.last_listener = speaker, listener
    return out


class _TurnCutter:
    """Walks one speech turn's lines and beats in order and cuts it into
    shots: lines go together until they fill a shot; a beat a rule claims
    gets its own shot; a long beat is planned as narration; other beats play
    during the line next to them."""

    def __init__(self, ctx, state: SceneState, pos: int, beats: ParagraphBeats,
                 speaker, listener, narrate):
        self.ctx, self.state, self.pos, self.beats = ctx, state, pos, beats
        self.speaker, self.listener, self.narrate = speaker, listener, narrate
        self.out: list[Draft] = []
        self.units: list[Unit] = []         # beats waiting to play during a line
        self.lines: list[Line] = []         # lines for the next speech shot
        self.told: list[Unit] = []          # long narration, planned as narration

    def beat(self, unit: Unit) -> None:
        if unit.speech_tag:
            return
        found = claim(self.ctx, self.state, self.pos, unit, first=False, specific_only=True)
        if found.rule is None and unit.words > self.ctx.rules.dialogue.absorb_words:
            # Too much to play during a line: a beat of narration of its own.
            if self.lines:
                self._flush()
            self.told.extend(self.units)    # what came before it, in order
            self.units.clear()
            self.told.append(unit)
            return
        self._tell()
        if found.rule is None:
            self.units.append(unit)
        else:
            self._claimed(unit, found)
        self.state.saw(unit.actors)

    def line(self, line: Line) -> None:
        limit = self.ctx.rules.dialogue.max_shot_s
        if self.lines and _speech_s(self.ctx, self.lines + [line]) > limit:
            self._flush()
        self.lines.append(line)

    def finish(self) -> list[Draft]:
        self._flush()
        self._tell()
        if self.units:
            # Action after the last line: it plays in the shot before it.
            _absorb(self.ctx, self.state, self.beats, self.out, self.units)
        return self.out

    def _claimed(self, unit: Unit, found) -> None:
        self._flush()
        # Action still waiting for a line goes with this beat: no line came.
        shown = [*self.units, unit]
        self.units.clear()
        draft = narration_draft(self.ctx, found.rule, shown, found.agent,
                                self.beats.paragraph, found.focus, found.focus_character)
        cast_together(draft, self.state, found)
        draft.screen = _screen(self.state, draft.subjects, draft.framing)
        self.out.append(draft)
        reaction = reaction_after(self.ctx, self.state, self.pos, draft)
        if reaction is not None:
            self.out.append(reaction)

    def _tell(self) -> None:
        if self.told:
            self.out.extend(self.narrate(list(self.told)))
            self.told.clear()

    def _flush(self) -> None:
        self._tell()
        if self.lines:
            self.out.extend(_speech_shots(self.ctx, self.state, self.speaker, self.listener,
                                          self.lines, self.units, self.out))
            self.lines = []
            self.units = []


def _absorb(ctx, state, beats, out: list[Draft], units: list[Unit]) -> None:
    if out:
        out[-1].end = max(out[-1].end, units[-1].end)
        out[-1].flags |= set().union(*(u.flags for u in units))
        return
    rule = ctx.rules.with_builtin("any-character") or ctx.rules.with_builtin("always")
    agent = next((u.main_agent for u in units if u.main_agent), None)
    draft = narration_draft(ctx, rule, units, agent, beats.paragraph)
    draft.screen = _screen(state, draft.subjects, draft.framing)
    out.append(draft)


def _guess_speaker(ex: Exchange, items: list) -> str | None:
    """An unattributed line: in a two-way exchange, the other person speaks;
    else whoever acts in the paragraph."""
    if ex.last_speaker and ex.last_listener:
        return ex.last_listener
    for item in items:
        if isinstance(item, Unit) and item.main_agent:
            return item.main_agent
    return None


def _listener(ex: Exchange, state: SceneState, speaker: str | None,
              beats: ParagraphBeats) -> str | None:
    if ex.last_speaker and ex.last_speaker != speaker:
        return ex.last_speaker
    if ex.last_listener and ex.last_listener != speaker:
        return ex.last_listener
    for cid in beats.actors:
        if cid != speaker:
            return cid
    # Nobody named: whoever was last seen in the scene is the one listening.
    others = [c for c in state.recent if c != speaker]
    return others[-1] if others else None


# ------------------------------------------------------------- speech shots
def _speech_s(ctx, lines: list[Line], pause: bool = True) -> float:
    """Seconds to speak the lines: words at the speech rate, plus one pause
    for the turn (a turn broken into several shots pauses once)."""
    s = ctx.settings
    words = sum(len(strip_markup(ln.quote.text).split()) for ln in lines)
    return words / s.words_per_second + (s.line_pause_s if pause else 0.0)


def _speech_shots(ctx, state: SceneState, speaker, listener, lines: list[Line],
                  units: list[Unit], made: list[Draft]) -> list[Draft]:
    """The shot carrying these lines, split into pieces with reaction shots
    when it runs longer than dialogue.max_shot_s."""
    spec_d = ctx.rules.dialogue
    ex = state.exchange
    kind, spec = _coverage(ctx, state, speaker, listener)
    speech = _speech_s(ctx, lines, pause=not any(d.dialogue for d in made))
    seconds = max(speech, spec_d.action_s * len(units))
    subjects = _subjects(kind, ex, speaker, listener)
    text = _speech_text(ctx, kind, speaker, listener, lines, units)
    # What the narration around the lines says that no camera sees.
    unseen = compose([u.tokens for u in units], narrator=ctx.narrator,
                     camera=ctx.lexicon) if units else Composed("")
    main = Draft(rule=spec.id, start=min(i.start for i in [*lines, *units]),
                 end=max(i.end for i in [*lines, *units]), subjects=subjects,
                 description=text, size=spec.size, framing=spec.framing, angle=spec.angle,
                 movement=spec.movement, duration=seconds, lens=spec.lens_mm,
                 dialogue=[DialogueLine(ln.quote.id, ln.quote.speaker, ln.quote.text)
                           for ln in lines],
                 flags=set().union(*(u.flags for u in units)) if units else set(),
                 screen=_screen(state, subjects, spec.framing),
                 subtext=unseen.subtext, vo=unseen.vo)
    shots = [main]
    if (made and made[-1].dialogue and made[-1].subjects[:1] == subjects[:1] and listener
            and made[-1].duration >= 2.0 + ctx.rules.dialogue.reaction.duration_s):
        # The same speaker again, straight after: cut away to the listener
        # under the end of the first line, so the runtime stays the speech's.
        shots.insert(0, _reaction(ctx, state, speaker, listener, made[-1]))
    if seconds > spec_d.max_shot_s:
        shots.extend(_split(ctx, state, main, speaker, listener))
    return shots


def _coverage(ctx, state: SceneState, speaker, listener) -> tuple[str, ShotSpec]:
    d = ctx.rules.dialogue
    ex = state.exchange
    tighten = d.tighten
    # Calm talk settles from MS to MCU; only heat takes it closer.
    step = min(len(tighten) - 1, min(1, max(ex.turn - 2, 0) // 4) + ex.heat // 2)
    if speaker is None:
        return "single", _sized(d.single, tighten[step])
    if len(ex.speakers) >= 3 and not ex.grouped:
        ex.grouped = True
        return "group", d.group
    if ex.turn == 1 and listener:
        return "opening", d.opening
    if listener:
        return "exchange", _sized(d.exchange, tighten[step])
    return "single", _sized(d.single, tighten[step])


def _sized(spec: ShotSpec, size: str) -> ShotSpec:
    return ShotSpec(size=size, framing=spec.framing, angle=spec.angle,
                    movement=spec.movement, duration_s=spec.duration_s,
                    lens_mm=spec.lens_mm, id=spec.id)


def _subjects(kind: str, ex: Exchange, speaker, listener) -> tuple[str, ...]:
    if kind == "group":
        return tuple(dict.fromkeys([speaker, *ex.speakers]))
    return tuple(c for c in (speaker, listener) if c)


def _screen(state: SceneState, subjects, framing: str) -> tuple[tuple[str, str], ...]:
    if framing in ("none", "POV") or not subjects:
        return ()
    if framing == "single" and state.known_side(subjects[0]) is None:
        return ()       # a lone character: no line to keep yet
    return tuple((c, state.side_for(c)) for c in subjects)


def _reaction(ctx, state: SceneState, speaker, listener, before: Draft) -> Draft:
    """The listener, under the end of the speaker's previous shot."""
    spec = ctx.rules.dialogue.reaction
    borrowed = min(spec.duration_s, max(before.duration - 2.0, 0.0))
    before.duration -= borrowed
    start = _quote_start(ctx, before) if before.dialogue else before.start
    return Draft(rule=spec.id, start=start, end=before.end, subjects=(listener,),
                 description=f"{ctx.name(listener)} listens to {ctx.name(speaker)}.",
                 size=spec.size, framing=spec.framing, angle=spec.angle,
                 movement=spec.movement, duration=max(borrowed, 1.0), lens=spec.lens_mm,
                 screen=_screen(state, (listener,), "single"), tile=False)


def _quote_start(ctx, draft: Draft) -> int:
    last = draft.dialogue[-1].quote
    return next(q.start for q in ctx.analysis.quotes if q.id == last)


def _split(ctx, state: SceneState, main: Draft, speaker, listener) -> list[Draft]:
    """A speech too long for one shot, in pieces under max_shot_s: the
    listener's reaction, then the speaker again (a clean single pushing in,
    then a wider two-shot), and so on, so a long speech never repeats one
    set-up."""
    spec_d = ctx.rules.dialogue
    pieces = math.ceil(main.duration / spec_d.max_shot_s)
    each = main.duration / pieces
    main.duration = each
    who = ctx.name(speaker) if speaker else "the voice"
    out = []
    for i in range(1, pieces):
        piece = Draft(rule=main.rule, start=main.start, end=main.end, subjects=main.subjects,
                      description=f"{who} goes on.", size=main.size, framing=main.framing,
                      angle=main.angle, movement=main.movement, duration=each,
                      lens=main.lens, screen=main.screen, tile=False)
        if i % 2 == 1 and listener:
            spec = spec_d.reaction
            piece.rule, piece.subjects = spec.id, (listener,)
            piece.description = f"{ctx.name(listener)} listens as {who} goes on."
            piece.size, piece.framing, piece.angle = spec.size, spec.framing, spec.angle
            piece.movement, piece.lens = spec.movement, spec.lens_mm
        elif (i // 2) % 2 == 1 or not listener:
            piece.subjects, piece.framing = main.subjects[:1], "single"
            piece.size, piece.movement, piece.lens = "CU", "dolly-in", None
            piece.description = f"{who} goes on; the camera eases in."
        else:
            piece.framing, piece.size, piece.lens = "two-shot", "MS", None
            piece.description = f"{who} and {ctx.name(listener)}; {who} goes on."
        piece.screen = _screen(state, piece.subjects, piece.framing)
        out.append(piece)
    return out


def _starts_with_participle(units: list[Unit]) -> bool:
    """"touching a man ..." left after "said Edda,": a gesture of the speaker's
    own (spaCy's VBG tag; "Something happens" only ends in -ing)."""
    first = next((t for t in units[0].tokens if not t.is_punct), None) if units else None
    return first is not None and first.tag_ == "VBG"


def _cap(text: str) -> str:
    """"the soldier asks ..." at the start of a description."""
    return text[:1].upper() + text[1:]


def _speech_text(ctx, kind: str, speaker, listener, lines: list[Line], units: list[Unit]) -> str:
    who = ctx.name(speaker) if speaker else None
    opener = units[0].opener if units else None
    action = describe([u.tokens for u in units], ctx.name(opener) if opener else None,
                      narrator=ctx.narrator, camera=ctx.lexicon) if units else ""
    gender = next((c.gender for c in ctx.analysis.characters if c.id == speaker), None)
    pronoun = {"female": "She ", "male": "He "}.get(gender or "")
    if action and who and opener is None and pronoun and action.startswith(pronoun):
        action = who + " " + action[len(pronoun):]   # the speaker's own gesture
    if action and who and units[0].headless:
        action = f"{who} {action[:1].lower()}{action[1:]}"       # "Lifts a hand" after a tag
    elif action and who and _starts_with_participle(units):
        action = f"{who}, {action[:1].lower()}{action[1:]}"      # "Touching ..." after a tag
    asks = strip_markup(lines[-1].quote.text).rstrip("\u201d\"'\u2019 ").endswith("?")
    if not who:
        return action or "A voice speaks, off screen."
    if kind == "exchange" and listener:
        # The listener is the shoulder in the foreground: name them once.
        said = action or (f"{who} asks." if asks else f"{who} speaks.")
        over = f"seen over {ctx.name(listener)}'s shoulder"
        if said.startswith(who + " "):
            return f"{who}, {over},{said[len(who):]}"
        if said.startswith(who + ", "):                 # "Mara, touching the rope."
            return f"{who}, {over},{said[len(who) + 1:]}"
        # An action that does not start with the speaker ("On the screen,
        # the stitches keep falling.") is not what is seen over the
        # shoulder: the framing comes first, as a sentence of its own.
        return f"{who}, {over}. {said}"
    to = f" {ctx.name(listener)}" if listener else ""
    said = action or _cap(f"{who} asks{to}." if asks else
                          f"{who} speaks to{to}." if to else f"{who} speaks.")
    if kind == "opening" and listener:
        return f"{who} and {ctx.name(listener)} together. {said}"
    return said
