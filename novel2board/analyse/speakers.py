"""Who speaks each quote: a sieve of rules, tried in order.

The quotes of one paragraph (and of a speech running over several
paragraphs) form one *turn* and share a speaker.  Each turn records the
sieve that decided it; earlier sieves rest on evidence in the turn's own
paragraph, later ones on the conversation around it.

  1. `tag-name`     a speech verb next to the quote whose subject is a name:
                    "said Elizabeth", "Darcy replied coldly", "Ilse said:";
     `tag-noun`     or a person noun: "cried his wife", "the convict said"
                    (the speaker becomes a character "the convict");
  2. `tag-pronoun`  the same with a pronoun ("she asked"): resolved to the
                    most recent character of that gender, not the one who
                    spoke the turn before when someone else fits; "I said"
                    is the narrator;
  3. `actor`        the first character who is the subject of a verb in the
                    turn's narration ("Tomas looked up. 'No.'");
  4. `vocative`     the previous turn addressed someone by name ("Tomas.")
                    and this turn follows straight on: that one answers; or
                    the reply to this turn names its speaker;
  5. `alternation`  in a two-person exchange the speakers alternate: the
                    speaker of two turns back (or, looking ahead, of two
                    turns on) speaks again;
  6. `turn-taking`  in a running conversation, the most recent other speaker
                    (else the most recently mentioned character) that is not
                    the previous speaker;
  7. `nearest`      the character mentioned most recently before the quote,
                    else the most recent speaker.

No sieve picks a character this very quote addresses by name.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from .nlp import load_lexicon

# The speech verbs of the built-in templates/reading.yaml, for other stages
# (the Fountain writer strips speech tags with them).
SPEECH_VERBS = load_lexicon().speech_lemmas
FIRST_PERSON = {"i", "me", "my", "mine", "myself"}
SUBJECT_PRONOUNS = {"he": "male", "she": "female"}
# Turns further apart than this many paragraphs of narration are not one
# conversation.
_CONVERSATION_GAP = 1
# How far back (characters of text) a pronoun or nearest-name looks.
_LOOKBACK = 6000
# How far back (characters) a subject is preferred as a pronoun's antecedent.
_SUBJECT_WINDOW = 400
# How many turns back a conversation partner is looked for.
_CONVERSATION_TURNS = 8


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: the quotes of a paragraph or of a long speech."""

    index: int
    quotes: tuple[int, ...]          # quote indices
    first_paragraph: int
    last_paragraph: int
    start: int                       # offset of the first quote
    tag_name: str | None = None      # character id, from "said Elizabeth"
    tag_by_noun: bool = False        # ... or from "said his wife"
    tag_pronoun: str | None = None   # "he", "she", "i" of "she asked"
    tag_at: int = 0                  # offset of that pronoun
    actors: tuple[str, ...] = ()     # subjects of narration verbs, in order
    vocatives: tuple[str, ...] = ()  # characters the turn addresses by name
    gap_before: int = 99             # paragraphs since the previous turn
    last_actor: str | None = None    # subject the narration just before ends on


@dataclass
class Memory:
    """Who was mentioned where, to resolve pronouns and nearest names."""

    positions: list[int] = field(default_factory=list)   # sorted offsets
    characters: list[str] = field(default_factory=list)
    genders: dict = field(default_factory=dict)           # id -> gender
    subjects: list[bool] = field(default_factory=list)    # mention is a subject

    def recent_subject(self, before: int, gender: str, within: int) -> str | None:
        """The most recent subject of that gender no further back than `within`."""
        i = bisect_left(self.positions, before) - 1
        while i >= 0 and before - self.positions[i] < within:
            if self.subjects and self.subjects[i] \
                    and self.genders.get(self.characters[i]) == gender:
                return self.characters[i]
            i -= 1
        return None

    def recent(self, before: int, gender: str | None = None,
               exclude: set | None = None) -> list[str]:
        """Characters mentioned before `before`, most recent first."""
        i = bisect_left(self.positions, before) - 1
        seen: list[str] = []
        while i >= 0 and before - self.positions[i] < _LOOKBACK:
            cid = self.characters[i]
            i -= 1
            if cid in seen or (exclude and cid in exclude):
                continue
            if gender and self.genders.get(cid) not in (gender, None, "unknown"):
                continue
            seen.append(cid)
        return seen


def attribute(turns: list[Turn], memory: Memory,
              narrator: str | None) -> list[tuple[str | None, str | None]]:
    """(speaker id, sieve name) per turn."""
    result: list[tuple[str | None, str | None]] = [(None, None)] * len(turns)
    for t in turns:                       # local evidence first
        result[t.index] = _local(t, turns, result, memory, narrator)
    _two_party_parity(turns, result, memory)
    changed = True
    while changed:                        # then the conversation, to a fixed point
        changed = False
        for t in turns:
            if result[t.index][0] is None:
                found = _conversation(t, turns, result, memory)
                if found[0]:
                    result[t.index] = found
                    changed = True
    for t in turns:
        if result[t.index][0] is None:
            result[t.index] = _fallback(t, turns, result, memory)
    return result


# How much a sieve's answer is trusted as an anchor for alternation.
_ANCHOR_TRUST = {"tag-name": 3, "tag-noun": 3, "tag-pronoun": 2, "actor": 1, "last-actor": 1}


def _two_party_parity(turns, result, memory: Memory) -> None:
    """In an exchange between exactly two people, an untagged turn is said by
    whoever the nearest trusted turn makes it by parity, looking both ways:
    one early mistake then does not flip the rest of the exchange."""
    for chain in _exchanges(turns):
        anchors = [(t.index, result[t.index][0]) for t in chain
                   if result[t.index][1] in _ANCHOR_TRUST]
        people = {cid for _, cid in anchors}
        if len(people) != 2:
            continue
        for t in chain:
            if result[t.index][0] is not None:
                continue
            best = min(anchors, key=lambda a: (abs(a[0] - t.index),
                                               -_ANCHOR_TRUST[result[a[0]][1]]))
            same = (t.index - best[0]) % 2 == 0
            speaker = best[1] if same else next(c for c in people if c != best[1])
            if speaker not in t.vocatives and _fits(t, speaker, memory):
                result[t.index] = (speaker, "alternation")


def _exchanges(turns) -> list[list[Turn]]:
    """Runs of turns with at most one paragraph of narration between them."""
    runs: list[list[Turn]] = []
    for t in turns:
        if runs and _adjacent(t):
            runs[-1].append(t)
        else:
            runs.append([t])
    return [r for r in runs if len(r) > 2]


def _local(t: Turn, turns, result, memory: Memory, narrator):
    if t.tag_name and t.tag_name not in t.vocatives:
        return t.tag_name, "tag-noun" if t.tag_by_noun else "tag-name"
    if t.tag_pronoun:
        if t.tag_pronoun == "i":
            if narrator:
                return narrator, "tag-pronoun"
        else:
            found = _resolve(t, turns, result, memory, SUBJECT_PRONOUNS[t.tag_pronoun])
            if found:
                return found, "tag-pronoun"
    # The narrator is the subject of most of a first-person narration, so
    # "I" acting counts only when no one else acts.
    actors = [a for a in t.actors if a != narrator] + [a for a in t.actors if a == narrator]
    for actor in actors:
        if actor not in t.vocatives:
            return actor, "actor"
    if t.last_actor and t.last_actor not in t.vocatives:
        return t.last_actor, "last-actor"
    return None, None


def _resolve(t: Turn, turns, result, memory: Memory, gender: str) -> str | None:
    """The pronoun's character: the most recent subject or mention that fits."""
    candidates = [c for c in memory.recent(t.tag_at, gender) if c not in t.vocatives]
    if not candidates:
        return None
    # A subject is a likelier antecedent than an object: "Tom saw Bill. He said".
    subject = memory.recent_subject(t.tag_at, gender, _SUBJECT_WINDOW)
    if subject in candidates and subject != candidates[0]:
        candidates.remove(subject)
        candidates.insert(0, subject)
    # The last speaker is not pushed aside: "she said" after her own speech
    # is as often her again (a monologue, a speech resumed) as her partner.
    return candidates[0]


def _fits(t: Turn, cid: str | None, memory: Memory) -> bool:
    """A "he said" turn is not given to a woman, nor "she said" to a man."""
    if cid is None or t.tag_pronoun not in SUBJECT_PRONOUNS:
        return cid is not None
    known = memory.genders.get(cid)
    return known in (None, "unknown", SUBJECT_PRONOUNS[t.tag_pronoun])


def _adjacent(t: Turn) -> bool:
    return t.gap_before <= _CONVERSATION_GAP


def _conversation(t: Turn, turns, result, memory: Memory):
    i = t.index
    prev = result[i - 1][0] if i >= 1 and _adjacent(t) else None
    if prev is not None:
        p_turn = turns[i - 1]
        for name in p_turn.vocatives:
            if name != prev and name not in t.vocatives and _fits(t, name, memory):
                return name, "vocative"
        if i >= 2 and _adjacent(p_turn):
            two_back = result[i - 2][0]
            if two_back and two_back != prev and two_back not in t.vocatives \
                    and _fits(t, two_back, memory):
                return two_back, "alternation"
    if i + 1 < len(turns) and _adjacent(turns[i + 1]):
        # The reply names this turn's speaker: "Tuppence, old bean!"
        nxt = result[i + 1][0]
        for name in turns[i + 1].vocatives:
            if name != nxt and name not in t.vocatives and _fits(t, name, memory):
                return name, "vocative"
        # Looking ahead: the turn after next is said by this turn's speaker.
        if i + 2 < len(turns) and _adjacent(turns[i + 2]):
            after = result[i + 2][0]
            if nxt and after and nxt != after and after not in t.vocatives \
                    and _fits(t, after, memory):
                return after, "alternation"
    return None, None


def _fallback(t: Turn, turns, result, memory: Memory):
    i = t.index
    prev = result[i - 1][0] if i >= 1 and _adjacent(t) else None
    exclude = set(t.vocatives)
    if prev:
        exclude.add(prev)
        # The other party of the running conversation.
        j = i - 1
        while j >= 0 and _adjacent(turns[j + 1]) and i - j <= _CONVERSATION_TURNS:
            speaker = result[j][0]
            if speaker and speaker not in exclude and _fits(t, speaker, memory):
                return speaker, "turn-taking"
            j -= 1
        found = [c for c in memory.recent(t.start, exclude=exclude) if _fits(t, c, memory)]
        if found:
            return found[0], "turn-taking"
    found = [c for c in memory.recent(t.start, exclude=exclude) if _fits(t, c, memory)]
    if found:
        return found[0], "nearest"
    for j in range(i - 1, -1, -1):
        if result[j][0] and result[j][0] not in exclude and _fits(t, result[j][0], memory):
            return result[j][0], "nearest"
    return None, None
