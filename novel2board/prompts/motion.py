"""What moves in a shot: the text of a video prompt before its template.

An image-to-video model starts from the keyframe, which already shows who is
where, in what light.  Its prompt should say only what moves: the subjects'
visible motion (named by a plain noun, since "Tomas Okafor" means nothing to
the model) and the shot's one camera move.  Sentences about thoughts or
states are left out; the lexicons for that live in templates/video_tools.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .trim import DANGLING as _DANGLING
from .trim import fit_words, split_sentences

_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_WORD = re.compile(r"[\w'\u2019]+")


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in data.get(key) or ())


@dataclass(frozen=True)
class MotionLexicon:
    inner_words: frozenset[str]
    state_words: frozenset[str]
    max_words: int
    still: str
    speaking: str
    walk_words: frozenset[str] = frozenset()
    look_words: frozenset[str] = frozenset()
    watch_words: frozenset[str] = frozenset()
    tense_words: frozenset[str] = frozenset()
    brisk_words: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict) -> MotionLexicon:
        return cls(inner_words=_words(data, "inner_words"),
                   state_words=_words(data, "state_words"),
                   max_words=int(data.get("max_words") or 50),
                   still=str(data.get("still") or "Almost nothing moves"),
                   speaking=str(data.get("speaking") or "speaks"),
                   walk_words=_words(data, "walk_words"),
                   look_words=_words(data, "look_words"),
                   watch_words=_words(data, "watch_words"),
                   tense_words=_words(data, "tense_words"),
                   brisk_words=_words(data, "brisk_words"))


@dataclass(frozen=True)
class Beat:
    """What a shot's motion offers the camera of its video variants."""

    moves: bool             # something in the beat moves
    subject: bool           # someone is in frame
    camera_moves: bool      # the planned movement is not static
    walks: bool = False
    tense: bool = False
    brisk: bool = False
    target: str | None = None   # what is looked at: "the door"

    def holds(self, condition: str) -> bool:
        """A `when:` condition of video_tools.yaml's variants."""
        return {"moves": self.moves, "still": not self.moves, "subject": self.subject,
                "walks": self.walks, "looks": bool(self.target), "tense": self.tense,
                "camera-moves": self.camera_moves}.get(condition, False)


def beat_of(motion: str, lexicon: MotionLexicon, *, moves: bool, subject: bool,
            camera_moves: bool) -> Beat:
    """The beat of a shot from its motion text (subjects already nouns)."""
    words = [w.lower().replace("\u2019", "'") for w in _WORD.findall(motion)]
    found = set(words)
    return Beat(moves=moves, subject=subject, camera_moves=camera_moves,
                walks=bool(found & lexicon.walk_words),
                tense=bool(found & lexicon.tense_words),
                # "the cable runs along the ridge" sets no pace: a person must.
                brisk=subject and bool(found & lexicon.brisk_words),
                target=look_target(motion, lexicon))


_PARTICLES = frozenset("up down back out over round around across away off".split())
_TOWARD = frozenset("at toward towards into across over through to past along onto".split())
_DETERMINERS = frozenset("""the a an his her their its my your our this that these those one
    both""".split())
_NP_STOP = frozenset("""and or but as while with then before after until when where which who
    that because if so""".split())


def look_target(motion: str, lexicon: MotionLexicon) -> str | None:
    """What a subject looks at, when the motion names it: "looks back toward
    the pump house" -> "the pump house"; "watches the gate" -> "the gate"."""
    tokens = re.findall(r"[\w'\u2019-]+|[^\w\s]", motion)
    for i, token in enumerate(tokens):
        verb = token.lower()
        if verb not in lexicon.look_words and verb not in lexicon.watch_words:
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].lower() in _PARTICLES:
            j += 1
        if verb in lexicon.look_words:
            if j >= len(tokens) or tokens[j].lower() not in _TOWARD:
                continue
            j += 1
            if j < len(tokens) and tokens[j].lower() == "of":     # "out of the window"
                j += 1
        if j >= len(tokens) or tokens[j].lower() not in _DETERMINERS:
            continue
        phrase = [tokens[j]]
        for token2 in tokens[j + 1:j + 6]:
            if not re.match(r"[\w'\u2019-]", token2) or token2.lower() in _NP_STOP:
                break
            phrase.append(token2)
        while len(phrase) > 1 and phrase[-1].lower() in _DANGLING:
            phrase.pop()
        if len(phrase) > 1:
            return " ".join(phrase)
    return None


_ELLIPSIS = re.compile(r"\s*(\.\.\.|\u2026)\s*$")


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
    return split_sentences(text)


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


# "The late John Jacob Astor" -> "the late man", not "The late the man".
_BEFORE_NAME = (r"((?<![\w])(?:[Tt]he|[Aa]n?) (?:(?:late|old|young|little|poor|dear|great|"
                r"good|elder|younger|famous|unfortunate) )?)?")


# What a possessive owns, when it is turned round: "X's left hand".
_OWNED = r"(?:(?:left|right|own|other|free|bare) )?[A-Za-z][\w-]*"
# A noun phrase with words after its noun ("the woman on the right") takes
# no "'s": "the shoulder of the woman on the right".
_POSTMODIFIED = re.compile(r"\w \b(?:on|in|at|with|by|near|behind|beside|of|from)\b ")


def replace_names(text: str, names: dict[str, str]) -> str:
    """Every name or alias (longest first, whole words) by its noun phrase."""
    for name in sorted(names, key=len, reverse=True):
        if name not in text:
            continue                    # the patterns below only match the name
        noun = names[name]
        owned, plain = _name_patterns(name)
        if _POSTMODIFIED.search(noun):
            text = owned.sub(lambda m, noun=noun: f"the {m.group(2)} of {noun}", text)
        text = plain.sub(lambda m, noun=noun: _named(noun, m), text)
    return _capitalise_sentences(text)


@functools.lru_cache(maxsize=4096)
def _name_patterns(name: str) -> tuple[re.Pattern, re.Pattern]:
    """(the name owning something, the name) as patterns: a cast's names
    are matched in every video prompt of a novel."""
    escaped = re.escape(name)
    return (re.compile(rf"{_BEFORE_NAME}(?<![\w]){escaped}(?:'s|\u2019s) ({_OWNED})"),
            re.compile(rf"{_BEFORE_NAME}(?<![\w]){escaped}(?:'s|\u2019s)?(?![\w])"))


def _named(noun: str, m: re.Match) -> str:
    before, matched = m.group(1) or "", m.group(0)[len(m.group(1) or ""):]
    if before and noun.startswith("the "):
        noun = noun[4:]
    return before + _possessive(noun, matched)


def _possessive(noun: str, matched: str) -> str:
    return noun + matched[-2:] if matched.endswith(("'s", "\u2019s")) else noun


def _capitalise_sentences(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(p[:1].upper() + p[1:] for p in parts)


def motion_text(description: str, names: dict[str, str], lexicon: MotionLexicon) -> str:
    """The visible motion of a shot, subjects named by their nouns, no final period."""
    kept = [s for s in sentences(visible_text(description)) if is_motion(s, lexicon)]
    if not kept:
        return ""
    text = replace_names(" ".join(s.rstrip(".") + "." for s in kept), names)
    return fit_words(text, lexicon.max_words).rstrip(".")
