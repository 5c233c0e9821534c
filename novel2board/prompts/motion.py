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


def visible_text(description: str) -> str:
    """A shot description fit for a prompt: planner annotations in
    parentheses (e.g. "(Tomas to Ilse)") removed, one line, no final period."""
    text = _PARENTHETICAL.sub("", description)
    return " ".join(text.split()).strip().rstrip(".").strip()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def is_motion(sentence: str, lexicon: MotionLexicon) -> bool:
    """Does the sentence show something moving (not a thought, not a state)?"""
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
    parts = _SENTENCE_END.split(text)
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def trim_words(text: str, limit: int) -> str:
    """About `limit` words, never ending mid-phrase.

    Cut at the end of a sentence if one ends between half the limit and half
    again past it; else at the last clause boundary (comma, semicolon) in
    the second half of the limit; else after `limit` words.
    """
    words = text.split()
    if len(words) <= limit:
        return text.strip()
    sentence_ends = [k for k in range(1, len(words) + 1)
                     if words[k - 1][-1] in ".!?" or k == len(words)]
    fits = [k for k in sentence_ends if limit / 2 <= k <= limit * 1.5]
    if fits:
        best = min(fits, key=lambda k: (abs(k - limit), -k))
        return " ".join(words[:best]).rstrip(" ,;.")
    clauses = [k for k in range(1, limit + 1) if words[k - 1][-1] in ",;:"]
    clauses = [k for k in clauses if k >= limit / 2]
    cut = clauses[-1] if clauses else limit
    return " ".join(words[:cut]).rstrip(" ,;:.")


def motion_text(description: str, names: dict[str, str], lexicon: MotionLexicon) -> str:
    """The visible motion of a shot, subjects named by their nouns, no final period."""
    kept = [s for s in sentences(visible_text(description)) if is_motion(s, lexicon)]
    if not kept:
        return ""
    text = replace_names(" ".join(s.rstrip(".") + "." for s in kept), names)
    return trim_words(text, lexicon.max_words).rstrip(".")
