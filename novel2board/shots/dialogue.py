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

The listener, whose shoulder an over-the-shoulder shot looks past, is the
one the line speaks to: the character it names as its addressee ("Juno,
there's a letter", "You're late, Juno,"), else the one who spoke before.

How a line reads on the sheets (`shown_lines`): "You're late, Juno," (the
comma led into "she said") shows as "You're late, Juno."; "I know," she
said, "but not yet." as one line, "I know, but not yet."; a line broken off
with a dash or an ellipsis keeps it.  The quote itself stays as written.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence

from ..model import DialogueLine, Paragraph, Quote
from .beats import Line, ParagraphBeats, Unit
from .coverage import (Draft, Exchange, SceneState, cast_together, claim, narration_draft,
                       reaction_after)
from .describe import Composed, compose, strip_markup
from .inflect import base_form, third_person_singular
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
    listener = _listener(ex, state, speaker, beats, _addressees(ctx, state, beats, lines, speaker))
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
              beats: ParagraphBeats, named: tuple[str | None, str | None] = (None, None)
              ) -> str | None:
    """The one spoken to: the one the turn's opening sentence names ("Juno,
    there's a letter"), else the one who spoke before, else one the turn
    names later; else the one spoken to before, or someone there."""
    opening, later = named
    if opening:
        return opening
    if ex.last_speaker and ex.last_speaker != speaker:
        return ex.last_speaker
    if later:
        return later
    if ex.last_listener and ex.last_listener != speaker:
        return ex.last_listener
    for cid in beats.actors:
        if cid != speaker:
            return cid
    # Nobody named: whoever was last seen in the scene is the one listening.
    others = [c for c in state.recent if c != speaker]
    return others[-1] if others else None


# Words that may stand before a name spoken to, without a comma ("Hey Juno").
_GREETINGS = frozenset({"hey", "hi", "hello", "oh", "ah", "dear", "morning", "evening",
                        "night", "goodbye", "bye", "thanks"})
_OPENING_MARKS = "\u201c\u2018\u201e\u00ab\"'"
_CLOSING_MARKS = "\u201d\u2019\u00bb\"'"


# The end of a quote's first sentence (not the dot of "Dr. Marr").
_FIRST_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?\u2026](?=[\s\u201d\u2019\"']|$)")


def _addressees(ctx, state: SceneState, beats: ParagraphBeats, lines: list[Line],
                speaker: str | None) -> tuple[str | None, str | None]:
    """Whom the turn speaks to by name: (the one its opening sentence names,
    the first one named anywhere in it).  Only characters in the scene
    (seen already, or in this paragraph), never the speaker."""
    present = state.seen | set(beats.actors)
    later = None
    for n, line in enumerate(lines):
        text = line.quote.text
        end = _FIRST_SENTENCE_END.search(text)
        for mention in _names_in(ctx, line.quote):
            cid, at = mention.character, mention.start - line.quote.start
            if cid == speaker or cid not in present \
                    or not _is_vocative(text, at, mention.end - line.quote.start):
                continue
            if n == 0 and (end is None or at < end.start()):
                return cid, cid
            later = later or cid
    return None, later


def _names_in(ctx, quote: Quote) -> list:
    """The names (not pronouns) the analysis found inside a quote."""
    mentions = ctx.name_mentions
    i = bisect_left(mentions, quote.start, key=lambda m: m.start)
    out = []
    while i < len(mentions) and mentions[i].start < quote.end:
        out.append(mentions[i])
        i += 1
    return out


def _is_vocative(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is the one spoken to: it opens a
    sentence and a comma, "!", "?" or a dash follows ("Juno, there's a
    letter", "Juno!"), or the quote is the name alone; or a comma, a dash or
    "hey" comes before it and its clause ends after it ("You're late,
    Juno,", "Listen, Juno, I ...").  The speaker sieve has a test of its own
    on the parse (analyse/chapter.py), to tell who does not speak; this one
    reads the quote as written, so "Stop. Juno, listen." counts too."""
    lead = text[:start].rstrip()
    follow = text[end:].lstrip()
    rest = follow.strip(_CLOSING_MARKS + " ")
    if follow.startswith(("'s", "\u2019s")):
        return False
    if not lead.strip(_OPENING_MARKS + " ") or lead.endswith((".", "!", "?", "\u2026")):
        return (bool(follow) and follow[0] in ",!?\u2014\u2013") \
            or (not rest and not lead.strip(_OPENING_MARKS))
    ends = not rest or follow[0] in ",.!?;\u2026\u2014\u2013"
    words = lead.lower().split()
    return ends and (lead.endswith((",", "\u2014", "\u2013"))
                     or words[-1].strip(_OPENING_MARKS) in _GREETINGS)


# ---------------------------------------------------------- lines as shown
def _marks(text: str) -> tuple[str, str, str]:
    """A quote as written, in three: its opening marks, its words, its
    closing marks."""
    text = text.strip()
    body = text.lstrip(_OPENING_MARKS)
    words = body.rstrip(_CLOSING_MARKS + " ")
    return text[:len(text) - len(body)], words, body[len(words):]


def _own_end(words: str) -> str:
    """The words ended as a line on their own: the comma or semicolon that
    led into the tag ("You're late, Juno," she said) becomes a full stop;
    "?", "!", a dash or an ellipsis stays."""
    words = words.rstrip()
    if words.endswith((",", ";")):
        return words[:-1].rstrip() + "."
    return words


def goes_on(before: Quote, after: Quote, paragraphs: Sequence[Paragraph]) -> bool:
    """`after` carries on the sentence `before` broke off at a tag, said by
    the same speaker in the same paragraph: “I know,” she said, “but not
    yet.” (the tag ends in a comma, or the second piece starts in lower
    case), “listening to that”—she lifted a hand—“and hoping.” (no stop at
    all, and lower case)."""
    return _joint(before, after, paragraphs) is not None


def _joint(before: Quote, after: Quote, paragraphs: Sequence[Paragraph]) -> str | None:
    """What joins `after` to `before` when it goes on with its sentence (a
    space; ", " when the comma stood outside the marks: ‘I know’, she
    said, ‘but not yet.’), else None."""
    if before.paragraph != after.paragraph or before.speaker != after.speaker \
            or after.start < before.end:
        return None
    words, lower = _marks(before.text)[1], _marks(after.text)[1][:1].islower()
    para = paragraphs[before.paragraph]
    between = para.text[before.end - para.start:after.start - para.start].strip()
    if words[-1:].isalnum():
        return (", " if between.startswith(",") else " ") if lower else None
    if words.endswith(",") and (between.endswith(",") or lower):
        return " "
    return None


def shown_lines(quotes: Sequence[Quote], paragraphs: Sequence[Paragraph],
                before: Quote | None = None, after: Quote | None = None) -> list[str]:
    """Each quote as the sheets show it (`DialogueLine.display`): its own end
    (`_own_end`), and a quote that goes on with the one before it (`goes_on`)
    joined to that one, "I know, but not yet.", showing "" itself.

    `before`, `after`: the quotes said just before and after these, in
    another shot (a long speech is cut into several): a sentence that goes
    on there ends, or starts, with an ellipsis ("When I was nine…",
    "…my father showed me")."""
    pieces: list[list[str] | None] = []     # [opening, words, closing], None: joined
    head = None
    for i, quote in enumerate(quotes):
        opening, words, closing = _marks(quote.text)
        joint = _joint(quotes[i - 1], quote, paragraphs) if head is not None else None
        if joint is not None:
            line = pieces[head]
            line[1], line[2] = f"{line[1].rstrip()}{joint}{words.lstrip()}", closing
            pieces.append(None)
            continue
        if i == 0 and before is not None and goes_on(before, quote, paragraphs):
            words = "\u2026" + words.lstrip()
        head = len(pieces)
        pieces.append([opening, words, closing])
    shown = ["" if p is None else p[0] + _own_end(p[1]) + p[2] for p in pieces]
    if head is not None and after is not None and goes_on(quotes[-1], after, paragraphs):
        opening, words, closing = pieces[head]
        shown[head] = opening + words.rstrip().rstrip(",;") + "\u2026" + closing
    return shown


def spoken_text(display: str) -> str:
    """A shown line without its quotation marks (for the Fountain script)."""
    return _marks(display)[1]


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
    # The narration around the lines, composed once: what the camera sees
    # for the description, the rest for the notes.
    opener = units[0].opener if units else None
    seen = compose([u.tokens for u in units], ctx.name(opener) if opener else None,
                   narrator=ctx.narrator, camera=ctx.lexicon) if units else Composed("")
    text = _speech_text(ctx, kind, speaker, listener, lines, units, seen.text)
    main = Draft(rule=spec.id, start=min(i.start for i in [*lines, *units]),
                 end=max(i.end for i in [*lines, *units]), subjects=subjects,
                 description=text, size=spec.size, framing=spec.framing, angle=spec.angle,
                 movement=spec.movement, duration=seconds, lens=spec.lens_mm,
                 dialogue=_dialogue(ctx, lines),
                 flags=set().union(*(u.flags for u in units)) if units else set(),
                 screen=_screen(state, subjects, spec.framing),
                 subtext=seen.subtext, vo=seen.vo)
    shots = [main]
    if (made and made[-1].dialogue and made[-1].subjects[:1] == subjects[:1] and listener
            and made[-1].duration >= 2.0 + ctx.rules.dialogue.reaction.duration_s):
        # The same speaker again, straight after: cut away to the listener
        # under the end of the first line, so the runtime stays the speech's.
        shots.insert(0, _reaction(ctx, state, speaker, listener, made[-1]))
    if seconds > spec_d.max_shot_s:
        shots.extend(_split(ctx, state, main, speaker, listener))
    return shots


def _dialogue(ctx, lines: list[Line]) -> list[DialogueLine]:
    quotes = [ln.quote for ln in lines]
    said = ctx.analysis.quotes
    first, last = ctx.quote_order[quotes[0].id], ctx.quote_order[quotes[-1].id]
    shown = shown_lines(quotes, ctx.chapter.paragraphs,
                        before=said[first - 1] if first > 0 else None,
                        after=said[last + 1] if last + 1 < len(said) else None)
    return [DialogueLine(q.id, q.speaker, q.text, line) for q, line in zip(quotes, shown)]


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


def _leading_participle(units: list[Unit]):
    """"touching a man ..." left after "said Edda,": a gesture of the speaker's
    own (spaCy's VBG tag; "Something happens" only ends in -ing).  The
    participle's token, else None."""
    first = next((t for t in units[0].tokens if not t.is_punct), None) if units else None
    return first if first is not None and first.tag_ == "VBG" else None


def _cap(text: str) -> str:
    """"the soldier asks ..." at the start of a description."""
    return text[:1].upper() + text[1:]


def _speech_text(ctx, kind: str, speaker, listener, lines: list[Line], units: list[Unit],
                 action: str) -> str:
    """`action`: the narration of the turn as described (`compose`)."""
    who = ctx.name(speaker) if speaker else None
    opener = units[0].opener if units else None
    gender = next((c.gender for c in ctx.analysis.characters if c.id == speaker), None)
    pronoun = {"female": "She ", "male": "He "}.get(gender or "")
    if action and who and opener is None and pronoun and action.startswith(pronoun):
        action = who + " " + action[len(pronoun):]   # the speaker's own gesture
    participle = _leading_participle(units) if action and who else None
    if participle is not None and action.lower().startswith(participle.lower_):
        # "Touching a man ..." after a tag: "Edda touches a man ...".
        verb = third_person_singular(base_form(participle))
        action = f"{who} {verb}{action[len(participle.text):]}"
    elif action and who and units[0].headless:
        action = f"{who} {action[:1].lower()}{action[1:]}"       # "Lifts a hand" after a tag
    asks = strip_markup(lines[-1].quote.text).rstrip("\u201d\"'\u2019 ").endswith("?")
    if not who:
        return action or "A voice speaks, off screen."
    if kind == "exchange" and listener:
        # The listener is the shoulder in the foreground: name them once.
        said = action or (f"{who} asks." if asks else f"{who} speaks.")
        over = f"seen over {ctx.name(listener)}'s shoulder"
        if said.startswith(who + " "):
            return f"{who}, {over},{said[len(who):]}"
        if said.startswith(who + ", "):                 # "Mara, pale, nods."
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
