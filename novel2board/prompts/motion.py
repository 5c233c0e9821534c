"""What moves in a shot: the text of a video prompt before its template.

An image-to-video model starts from the keyframe, which already shows who is
where, in what light.  Its prompt should say only what moves: the subjects'
visible motion (named by a plain noun, since "Tomas Okafor" means nothing to
the model) and the shot's one camera move.  Sentences about thoughts or
states are left out; the lexicons for that live in templates/video_tools.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
_WORD = re.compile(r"[\w'\u2019]+")


@dataclass(frozen=True)
class MotionLexicon:
    inner_words: frozenset[str]
    state_words: frozenset[str]
    max_words: int
    still: str
    speaking: str

    @classmethod
    def from_data(cls, data: dict) -> "MotionLexicon":
        return cls(inner_words=frozenset(w.lower() for w in data.get("inner_words") or ()),
                   state_words=frozenset(w.lower() for w in data.get("state_words") or ()),
                   max_words=int(data.get("max_words") or 40),
                   still=str(data.get("still") or "Almost nothing moves"),
                   speaking=str(data.get("speaking") or "speaks"))


_ELLIPSIS = re.compile(r"\s*(\.\.\.|\u2026)\s*$")
# Words a cut text must not end on ("... in long", "... and his").
_DANGLING = frozenset("""a an the and or but nor of in on at to for from with by into onto
    over under his her their its my your our as than that which who whose while
    where when if is are was were be""".split())


def visible_text(description: str) -> str:
    """A shot description fit for a prompt: planner annotations in
    parentheses (e.g. "(Tomas to Ilse)") removed, a sentence cut off with
    "..." taken back to its last whole clause, one line, no final period."""
    text = " ".join(_PARENTHETICAL.sub("", description).split()).strip()
    if _ELLIPSIS.search(text):
        text = _ELLIPSIS.sub("", text)
        cut = max(text.rfind(". "), text.rfind(", "), text.rfind("; "))
        if cut > 0:
            text = text[:cut]
        text = _drop_dangling(text)
    return text.rstrip(".").strip()


def _drop_dangling(text: str) -> str:
    words = text.rstrip(" ,;:").split()
    while len(words) > 3 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


_ATTRIBUTION = re.compile(r"^(?:\S+\s+){1,3}(?:says|asks|answers|replies|whispers|shouts|"
                          r"calls|murmurs|mutters|adds|goes on|says quietly)\W*$", re.IGNORECASE)


def is_motion(sentence: str, lexicon: MotionLexicon) -> bool:
    """Does the sentence show something moving (not a thought, not a state,
    not a bare "Ilse says" left over from a line of dialogue)?"""
    if _ATTRIBUTION.match(sentence.strip()):
        return False
    words = [w.lower().replace("\u2019", "'") for w in _WORD.findall(sentence)]
    if any(w in lexicon.inner_words for w in words):
        return False
    for i, w in enumerate(words):
        # "the room is dark" is a state; "her hand is shaking" a motion.
        if w in lexicon.state_words:
            after = words[i + 1] if i + 1 < len(words) else ""
            if not (after.endswith("ing") and len(after) > 4):
                return False
    return bool(words)


def replace_names(text: str, names: dict[str, str]) -> str:
    """Every name or alias (longest first, whole words) by its noun phrase."""
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?:'s|\u2019s)?(?![\w])")
        noun = names[name]
        text = pattern.sub(lambda m, noun=noun: _possessive(noun, m.group(0)), text)
    return _capitalise_sentences(text)


def _possessive(noun: str, matched: str) -> str:
    return noun + matched[-2:] if matched.endswith(("'s", "\u2019s")) else noun


def _capitalise_sentences(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def trim_words(text: str, limit: int, openers: frozenset[str] = frozenset()) -> str:
    """About `limit` words, never ending mid-phrase.

    Cut at the end of a sentence if one ends between half the limit and half
    again past it; else at the clause boundary (comma, semicolon) nearest
    the limit, up to a third past it; else after `limit` words, less any
    dangling "of", "the", "and".  A clause that starts a sentence with one
    of `openers` ("At ten past two in the morning,") is only when, where or
    how: cut there, nothing happens, so the whole sentence is kept (up to
    three times the limit), or `limit` words after the opening clause.
    """
    words = text.split()
    if len(words) <= limit:
        return text.strip()

    def nearest(ends: list[int], stretch: float) -> int | None:
        fits = [k for k in ends if limit / 2 <= k <= limit * stretch]
        return min(fits, key=lambda k: (abs(k - limit), -k)) if fits else None

    sentence_ends = [k for k in range(1, len(words) + 1)
                     if words[k - 1][-1] in ".!?" or k == len(words)]
    starts = [0] + sentence_ends
    only_when = {k for k in range(1, len(words)) if words[k - 1][-1] in ",;:"
                 and _opening_clause(words, k, starts, openers)}
    clause_ends = [k for k in range(1, len(words)) if words[k - 1][-1] in ",;:"
                   and k not in only_when]
    best = nearest(sentence_ends, 1.5) or nearest(clause_ends, 1.34)
    if best is None and only_when:
        opener = min(only_when)
        best = next((k for k in sentence_ends if opener < k <= 3 * limit), None)
        if best is None and opener < limit:
            return _drop_dangling(" ".join(words[:opener + limit]))
    if best:
        return " ".join(words[:best]).rstrip(" ,;:.")
    return _drop_dangling(" ".join(words[:limit]))


def _opening_clause(words: list[str], end: int, starts: list[int], openers) -> bool:
    """words[:end] ends with a clause that opens its sentence with an opener."""
    start = max(k for k in starts if k < end)
    clause = words[start:end]
    return bool(clause) and clause[0].lower().strip("\"'“") in openers \
        and not any(w[-1] in ",;:" for w in clause[:-1])


def motion_text(description: str, names: dict[str, str], lexicon: MotionLexicon) -> str:
    """The visible motion of a shot, subjects named by their nouns, no final period."""
    kept = [s for s in sentences(visible_text(description)) if is_motion(s, lexicon)]
    if not kept:
        return ""
    text = replace_names(" ".join(s.rstrip(".") + "." for s in kept), names)
    return trim_words(text, lexicon.max_words).rstrip(".")
