"""What a shot is while the planner works on it, and how a beat of narration
is claimed by a rule and turned into a shot."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import DialogueLine, Paragraph
from .beats import Unit
from .describe import compose, describe
from .rules import Rule

# Screen positions in the order they are handed out within an exchange.
_SIDES = ("left", "right", "center", "center-left", "center-right")
# Cues decided by the scene's opening, not by a beat.
_OPENING_CUES = ("scene-opening", "scene-continues")


@dataclass
class Draft:
    """A shot before numbering, the 30-degree check and flags."""

    rule: str
    start: int
    end: int
    subjects: tuple[str, ...]
    description: str
    size: str
    framing: str
    angle: str
    movement: str
    duration: float
    lens: int | None = None
    dialogue: list[DialogueLine] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    screen: tuple[tuple[str, str], ...] = ()
    # Main shots of a paragraph are stretched to cover it together; reaction
    # shots and continuations overlap the shot they cut away from.
    tile: bool = True
    subtext: tuple[str, ...] = ()       # what the camera cannot see (describe.compose)
    vo: tuple[str, ...] = ()


@dataclass
class Exchange:
    """One run of talk: who has spoken, how hot it is."""

    speakers: list[str] = field(default_factory=list)
    last_speaker: str | None = None
    last_listener: str | None = None
    turn: int = 0
    heat: int = 0
    last_pos: int | None = None
    grouped: bool = False
    # Screen sides, fixed for the whole exchange (the 180-degree rule).
    sides: dict[str, str] = field(default_factory=dict)


@dataclass
class SceneState:
    """What the planner remembers while it walks one scene."""

    seen: set[str] = field(default_factory=set)         # characters already shown
    # The side each character last had in this scene: a new exchange keeps
    # it when it can, so the geography stays the same from talk to talk.
    sides: dict[str, str] = field(default_factory=dict)
    exchange: Exchange = field(default_factory=Exchange)
    last_turn_pos: int | None = None                    # paragraph of the last speech

    recent: list[str] = field(default_factory=list)     # most recently shown last

    def saw(self, characters) -> None:
        for cid in characters:
            self.seen.add(cid)
            if cid in self.recent:
                self.recent.remove(cid)
            self.recent.append(cid)

    def side_for(self, cid: str) -> str:
        """The character's side in the current exchange, chosen once."""
        fixed = self.exchange.sides
        if cid not in fixed:
            taken = set(fixed.values())
            wanted = [self.sides[cid]] if cid in self.sides else []
            fixed[cid] = next((s for s in (*wanted, *_SIDES) if s not in taken), "center")
            self.sides[cid] = fixed[cid]
        return fixed[cid]

    def known_side(self, cid: str) -> str | None:
        return self.exchange.sides.get(cid) or self.sides.get(cid)


@dataclass(frozen=True)
class Claim:
    """The rule that claims a beat, who the beat is about, and what at."""

    rule: Rule | None
    agent: str | None = None
    focus: tuple = ()
    focus_character: str | None = None
    together: bool = False


def claim(ctx, state: SceneState, pos: int, unit: Unit, first: bool,
          specific_only: bool = False, skip: str | None = None) -> Claim:
    """The first rule (in rules.yaml order) whose cue fires on this beat
    (`skip`: a rule's id not to ask)."""
    for rule in ctx.rules.rules:
        if rule.builtin in _OPENING_CUES or rule.id == skip:
            continue
        if specific_only and rule.fallback:
            continue
        if rule.builtin is None:
            hit = next((h for h in unit.hits if h.rule == rule.id and h.strong), None)
            if hit is not None and rule.needs == "listener":
                # A sound: heard by whoever does something in the beat, else
                # by the person last seen; with nobody in the scene, scenery.
                listener = unit.main_agent or (state.recent[-1] if state.recent else None)
                if listener is not None:
                    return Claim(rule, listener)
                continue
            if hit is not None:
                return Claim(rule, hit.agent or unit.main_agent, hit.focus, hit.focus_character,
                             hit.together and not hit.agent)
            continue
        agent = _builtin_fires(rule.builtin, state, pos, unit, first)
        if agent is not False:
            return Claim(rule, agent)
    return Claim(None)


def _builtin_fires(cue: str, state: SceneState, pos: int, unit: Unit, first: bool):
    """False when the cue does not fire; else the character it is about (or None)."""
    if cue == "first-appearance":
        # Someone who does something, not a name dropped ("angry at Brekke").
        new = [a for a in unit.agents if a not in state.seen]
        return new[0] if new else False
    if cue == "three-or-more":
        return unit.main_agent if len(set(unit.actors)) >= 3 else False
    if cue == "reaction":
        ex = state.exchange
        fires = (first and state.last_turn_pos == pos - 1 and ex.last_listener is not None
                 and unit.lead == ex.last_listener)
        return ex.last_listener if fires else False
    if cue == "named-feeling":
        return unit.feelers[0] if unit.feelers else False
    if cue == "any-character":
        return unit.main_agent if unit.actors else False
    if cue == "always":
        return unit.main_agent
    return False


def narration_draft(ctx, rule: Rule, units: list[Unit], agent: str | None,
                    para: Paragraph, focus: tuple = (), focus_character: str | None = None
                    ) -> Draft:
    spec = rule.shot
    actors = list(dict.fromkeys(a for u in units for a in u.actors))
    agents = list(dict.fromkeys(a for u in units for a in u.agents))
    lead = agent or (agents[0] if agents else (actors[0] if actors else None))
    subjects: tuple[str, ...] = ()
    framing = spec.framing
    if framing == "group":
        subjects = tuple(dict.fromkeys([lead, *actors])) if lead else tuple(actors)
    elif framing != "none" and lead:
        others = [a for a in agents if a != lead]
        subjects = (lead, *others[:1])
        if framing == "single" and len(subjects) == 2:
            framing = "two-shot"        # two people act in one beat
    else:
        # A wide shot or an insert frames nobody in particular, but whoever
        # does something in it is there: the figure at the crater's edge,
        # the hands that pick up the key, the elbow by the desk lamp.
        present = list(dict.fromkeys(a for u in units for a in u.present))
        subjects = tuple(dict.fromkeys([a for a in (lead,) if a in present] + present))[:2]
    shown = [u for u in units if not u.speech_tag] or units
    opener = shown[0].opener if shown else None
    composed = compose([u.tokens for u in shown], ctx.name(opener) if opener else None,
                       narrator=ctx.narrator, camera=ctx.lexicon)
    text = composed.text
    doer = shown[0].main_agent or lead if shown else None
    if shown and shown[0].headless and doer and text:
        text = f"{ctx.name(doer)} {text[:1].lower()}{text[1:]}"    # "Puts a bowl" after a tag
    # A lone "it" or "them" says nothing about what is seen: use the sentence.
    shows_thing = focus and not (len(focus) == 1 and focus[0].pos_ == "PRON")
    what = describe([focus], max_words=12, narrator=ctx.narrator).rstrip(".") \
        if shows_thing else ""
    first = focus[0] if shows_thing else None
    if focus_character:
        # Looking at oneself is a resolution slip, not a point of view.
        what = ctx.name(focus_character) if focus_character != lead else ""
        first = None
    if spec.framing == "POV" and lead and not what:
        # "Priya turns and looks at her" (her: Priya, a slip), "had looked
        # at it every time": nothing to see from their eyes, so the one
        # looking is shown.
        framing, subjects = "single", (lead,)
    elif spec.framing == "POV" and lead:
        text = f"{ctx.name(lead)}'s point of view: {_lower(what, first)}."
        # In frame is what the character sees, not the one looking: an image
        # prompt must describe the person seen, or nobody.
        seen = focus_character if focus_character and focus_character != lead else None
        subjects = (seen,) if seen else ()
    elif spec.size == "INSERT" and what:
        text = f"Close on {_lower(what, first)}. {text[:1].upper()}{text[1:]}"
    words = sum(u.words for u in shown)
    seconds = min(spec.duration_s + words * ctx.rules.defaults.action_s_per_word,
                  max(ctx.rules.defaults.max_action_s, spec.duration_s))
    start = units[0].start if units else para.start
    end = units[-1].end if units else para.end
    return Draft(rule=rule.id, start=start, end=end, subjects=subjects, description=text,
                 size=spec.size, framing=framing, angle=spec.angle, movement=spec.movement,
                 duration=seconds, lens=spec.lens_mm,
                 flags=set().union(*(u.flags for u in units)) if units else set(),
                 subtext=composed.subtext, vo=composed.vo)


def _lower(text: str, first) -> str:
    """"The mug" -> "the mug", "One earcup" -> "one earcup": lower case when
    the text starts with the word `first` as written (not a name, and not a
    narrator's "my" retold as their name).  `first` None: a character's name."""
    word = text.split(" ", 1)[0]
    lower = first is not None and first.pos_ != "PROPN" and word.lower() == first.lower_ \
        and first.lower_ != "i"
    return text[:1].lower() + text[1:] if lower else text


def reaction_after(ctx, state: SceneState, pos: int, close: Draft) -> Draft | None:
    """After a close-up on an emotional beat in the middle of an exchange,
    the other person's reaction (cinematography: CU, then the reaction)."""
    rule = ctx.rules.with_builtin("reaction")
    ex = state.exchange
    if (rule is None or close.size not in ("CU", "ECU") or not close.subjects
            or state.last_turn_pos is None
            or pos - state.last_turn_pos > ctx.rules.defaults.exchange_gap):
        return None
    who = close.subjects[0]
    other = next((c for c in (ex.last_listener, ex.last_speaker, *reversed(state.recent))
                  if c and c != who), None)
    if other is None:
        return None
    spec = rule.shot
    side = state.known_side(other)
    return Draft(rule=rule.id, start=close.start, end=close.end, subjects=(other,),
                 description=f"{ctx.name(other)} watches {ctx.name(who)}.", size=spec.size,
                 framing="single", angle=spec.angle, movement=spec.movement,
                 duration=min(spec.duration_s, 2.0), lens=spec.lens_mm,
                 screen=((other, side),) if side else (), tile=False)


def cast_together(draft: Draft, state: SceneState, found: Claim | None) -> None:
    """A beat done by "they": frame the two people last seen in the scene."""
    if found is None or not found.together or draft.subjects or draft.framing in ("none",):
        return
    people = tuple(reversed(state.recent[-2:]))
    if people:
        draft.subjects = people
        if draft.framing == "single" and len(people) == 2:
            draft.framing = "two-shot"
