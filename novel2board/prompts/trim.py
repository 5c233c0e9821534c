"""Fitting a prompt to its tool's budget by dropping whole pieces.

A prompt over its budget (Midjourney's ~60 words, SDXL's CLIP chunk, a video
model's few words of motion) loses whole sentences and whole trailing
clauses, lowest priority first, never a cut mid-thought and never a "...".
The order is data (`drop:` in templates/prompts/tools.yaml); the pieces are:

    setting_detail   the setting's later sentences, then its trailing clauses
    action_detail    the action's later sentences, last first
    weather          the scene state's weather ("heavy rain")
    action_clauses   the trailing clauses of the action's sentences kept
                     (", rolling a pin between his fingers"), last first
    setting          the setting as a whole
    spot             the spot within the place ("at the edge of the crater")
    light, time      the scene state's light and time of day

A trailing clause is one a sentence reads whole without: it follows a comma,
semicolon, colon or dash and opens with an -ing word, "with", "as", "while",
"and", "then"...; or it is an unpunctuated "while ..." / "as if ..." phrase
(not "with ...": "lined with", "filled with" need theirs).  What is left must be at least three words, must not end
on "the", "of", "and"..., and must not be only an opening "when or where"
("At ten past two in the morning").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

from ..errors import Novel2BoardError

# Words a kept text must not end on ("... in long", "... and his").
DANGLING = frozenset("""a an the and or but nor of in on at to for from with by into onto
    over under his her their its my your our as than that which who whose while
    where when if is are was were be""".split())

# Words that open a trailing clause after a comma, semicolon, colon or dash.
_TAIL_OPENERS = frozenset("""with without as while and but then before after until till
    where which who whose so because though although leaving letting making""".split())
_ABBREVIATIONS = frozenset("""dr mr mrs ms st prof capt lt col gen sgt jr sr mt no vs""".split())
_BOUNDARY = re.compile(r"(?:[,;:]|\s[\u2014\u2013-])\s+|\s(?=(?:while|as if|as though)\s)")
_SENTENCE = re.compile(r"(?<=[.!?])([\"\u201d\u2019')]*)\s+(?=[\"\u201c\u2018'(]?\w)")

PIECES = ("setting_detail", "action_detail", "weather", "action_clauses", "setting",
          "spot", "light", "time")
DEFAULT_DROP = ("setting_detail", "action_detail", "weather", "action_clauses")


# ------------------------------------------------------------- passages
@dataclass(frozen=True)
class Sentence:
    """A sentence as its head clause, its droppable trailing clauses (each
    with the separator before it) and its end punctuation."""

    head: str
    tails: tuple[str, ...] = ()
    end: str = ""

    @property
    def text(self) -> str:
        return self.head + "".join(self.tails) + self.end


@dataclass(frozen=True)
class Passage:
    sentences: tuple[Sentence, ...] = ()

    @functools.cached_property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @functools.cached_property
    def words(self) -> int:
        return len(self.text.split())

    def without_last_sentence(self) -> "Passage | None":
        return Passage(self.sentences[:-1]) if len(self.sentences) > 1 else None

    def without_last_clause(self, index: int = 0) -> "Passage | None":
        """Sentence `index` without its last trailing clause."""
        if index >= len(self.sentences) or not self.sentences[index].tails:
            return None
        s = self.sentences[index]
        shorter = Sentence(s.head, s.tails[:-1], s.end)
        return Passage(self.sentences[:index] + (shorter,) + self.sentences[index + 1:])


def split_sentences(text: str) -> list[str]:
    """Sentences, not broken after "Dr.", "St." or an initial."""
    text = " ".join(str(text or "").split())
    out: list[str] = []
    pos = 0
    for m in _SENTENCE.finditer(text):
        before = text[pos:m.start()].rsplit(None, 1)
        last = before[-1].rstrip(".").lower() if before else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or "." in last:
            continue            # "Dr. Marr", "J. Smith", "at 3 a.m. the"
        out.append(text[pos:m.end(1)].strip())
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(rest)
    return out


def passage(text: str, openers: frozenset[str] = frozenset()) -> Passage:
    """The text as sentences of head and droppable clauses."""
    return Passage(tuple(_sentence(s, openers) for s in split_sentences(text)))


def _sentence(text: str, openers: frozenset[str]) -> Sentence:
    m = re.search(r"[.!?\u2026]+[\"\u201d\u2019')]*$", text)
    end = m.group(0) if m else ""
    body = text[:len(text) - len(end)] if end else text
    cuts = [c for c in _cuts(body) if _keeps(body[:c], body[c:], openers)]
    if not cuts:
        return Sentence(body, (), end)
    bounds = [*cuts, len(body)]
    return Sentence(body[:cuts[0]], tuple(body[a:b] for a, b in zip(bounds, bounds[1:])), end)


def _cuts(body: str) -> list[int]:
    """Where a trailing clause could start: at its separator."""
    out = []
    for m in _BOUNDARY.finditer(body):
        after = body[m.end():].split(None, 1)
        word = after[0].lower().strip("\"'\u201c\u2018(") if after else ""
        sep = m.group(0).strip()
        if not word:
            continue
        if m.group(0).isspace() or sep == ":" or word in _TAIL_OPENERS \
                or (word.endswith("ing") and len(word) > 4):
            out.append(m.start())
    return out


def _keeps(head: str, tail: str, openers: frozenset[str]) -> bool:
    """Can the sentence end after `head`?"""
    words = head.split()
    if len(words) < 3 or words[-1].lower().strip(",;:\"'") in DANGLING:
        return False
    if tail.lstrip()[:1] == "," and not re.search(r"[,;:]", head):
        # "At ten past two in the morning, walking ...": only when or where.
        first = words[0].lower().strip("\"'\u201c\u2018(")
        if first in openers:
            return False
    return True


# ------------------------------------------------------------- fitting
@dataclass
class Pieces:
    """What a prompt may lose: the action, the setting, the scene state."""

    action: Passage
    setting: Passage
    state: dict            # time, light, weather, spot -> text

    def words(self) -> int:
        return self.action.words + self.setting.words + \
            sum(len(v.split()) for v in self.state.values())

    def copy(self) -> "Pieces":
        return Pieces(self.action, self.setting, dict(self.state))

    def tokens(self, count: Callable[[str], int]) -> int:
        return count(self.action.text) + count(self.setting.text) + \
            sum(count(v) for v in self.state.values() if v)


def _steps(pieces: Pieces, name: str, floors: dict[str, int]):
    """The successive drops of one named piece, each applied in place;
    a drop that would take the action or setting under its floor is not made."""
    def shorten(attr: str, make):
        while True:
            candidate = make(getattr(pieces, attr))
            if candidate is None or candidate.words < floors.get(attr, 0):
                return
            setattr(pieces, attr, candidate)
            yield

    if name == "setting_detail":
        yield from shorten("setting", Passage.without_last_sentence)
        yield from shorten("setting", Passage.without_last_clause)
    elif name == "action_detail":
        yield from shorten("action", Passage.without_last_sentence)
    elif name == "action_clauses":
        # From the last sentence kept back to the first (a later sentence
        # the floor kept may still lose its trailing clauses).
        for index in reversed(range(len(pieces.action.sentences))):
            yield from shorten("action", lambda a, i=index: a.without_last_clause(i))
    elif name == "setting":
        if pieces.setting.sentences:
            pieces.setting = Passage()
            yield
    elif name in ("weather", "spot", "light", "time") and pieces.state.get(name):
        pieces.state[name] = ""
        yield


def fit(pieces: Pieces, over: Callable[[Pieces], bool], order, floors: dict[str, int]) -> Pieces:
    """Drop pieces in `order` until `over(pieces)` is false (or nothing in the
    order is left to drop)."""
    if not over(pieces):
        return pieces
    for name in order:
        for _ in _steps(pieces, str(name), floors):
            if not over(pieces):
                return pieces
    return pieces


def fit_words(text: str, limit: int, openers: frozenset[str] = frozenset()) -> str:
    """A text of at most about `limit` words: later sentences, then trailing
    clauses of the first, dropped; the first sentence's head always kept."""
    pieces = Pieces(passage(text, openers), Passage(), {})
    fit(pieces, lambda p: p.words() > limit, ("action_detail", "action_clauses"), {})
    return pieces.action.text


def drop_order(value, tool: str) -> tuple[str, ...]:
    """The `drop:` list of a tool in tools.yaml (default: DEFAULT_DROP)."""
    if value is None:
        return DEFAULT_DROP
    names = [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
    unknown = [n for n in names if n not in PIECES]
    if unknown:
        import difflib
        guess = difflib.get_close_matches(unknown[0], PIECES, n=1)
        raise Novel2BoardError(
            f"templates/prompts/tools.yaml: {tool}.drop: unknown piece '{unknown[0]}'"
            + (f"; did you mean '{guess[0]}'?" if guess else ""),
            hint=f"the pieces are {', '.join(PIECES)}")
    return tuple(names)


__all__ = ["DANGLING", "DEFAULT_DROP", "PIECES", "Passage", "Pieces", "Sentence", "drop_order",
           "fit", "fit_words", "passage", "split_sentences"]
