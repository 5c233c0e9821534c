"""<slug>.fountain: the chapter as a screenplay draft.

Each scene: its heading (with the scene id as a Fountain scene number, so
the script and the storyboard point at each other), then the prose in
order: quotes lifted out as dialogue under the speaker's cue, narration as
action, the "he said" tags that only attributed a line dropped (the cue says
who speaks now); a transition between scenes.  Action is written in the
present tense, as screenplays are, by the shot descriptions' own machinery
(shots/describe.py, on the pipeline's own parse of the paragraph; a
first-person narrator is retold in the third person); a speaker who goes on after a line
of action gets (CONT'D).

Fountain reads plain text by its shape, so prose that would be misread is
forced: an action line in capitals (a would-be character cue), one starting
INT. or with a markup character is prefixed with "!", a cue that would not
read as one with "@", and the comment and note markers "/*" and "[[" that
would swallow the rest of the script are broken apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analyse.speakers import SPEECH_VERBS
from ..model import Board
from ..shots.describe import present_tense, strip_markup
from ..shots.thirdperson import Narrator, Retelling
from ..templating import render

_QUOTE_MARKS = "\"\u201c\u201d\u2018\u2019'"
_HEADING_LIKE = re.compile(r"^(INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[. ]", re.IGNORECASE)
_FOUNTAIN_MARKERS = (("/*", "/ *"), ("*/", "* /"), ("[[", "[ ["), ("]]", "] ]"))
UNKNOWN_CUE = "UNKNOWN"
CONTINUED = " (CONT'D)"
# A tag is short: "he said", "said Ilse Marr", "she asked quietly".
_TAG_MAX_WORDS = 5
_CLAUSE_END = re.compile(r"[.,;:!?\u2014]|\s-\s")


@dataclass(frozen=True)
class Element:
    kind: str           # "action", "dialogue"
    text: str
    character: str = ""


def _verb_forms(lemmas) -> frozenset[str]:
    """said, asked, replied, snapped, ... from the analysis' speech-verb lemmas."""
    irregular = {"say": "said", "tell": "told", "begin": "began", "breathe": "breathed"}
    forms = set()
    for verb in lemmas:
        forms.update({verb, verb + "s", irregular.get(verb, "")})
        if verb.endswith("e"):
            forms.add(verb + "d")
        elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
            forms.update({verb[:-1] + "ied", verb[:-1] + "ies"})
        else:
            forms.update({verb + "ed", verb + verb[-1] + "ed"})
    forms.discard("")
    return frozenset(forms)


SPEECH_FORMS = _verb_forms(SPEECH_VERBS)


def _is_tag(clause: str) -> bool:
    """"he said", "said Ilse", "Tomas asked quietly": a speech verb first, last
    or next to last in a short clause ("She pressed the button" is action)."""
    words = re.findall(r"[\w'’.-]+", clause.lower())
    if not 0 < len(words) <= _TAG_MAX_WORDS:
        return False
    return any(words[i] in SPEECH_FORMS for i in {0, len(words) - 1, len(words) - 2}
               if 0 <= i < len(words))


def drop_tags(text: str, after_quote: bool, before_quote: bool) -> str:
    """Narration around a quote without the clause that only attributes it."""
    text = text.strip()
    if after_quote:
        m = _CLAUSE_END.search(text)
        first = text[:m.start()] if m else text
        if _is_tag(first):
            text = text[m.end():] if m else ""
    if before_quote and text:
        clauses = [c for c in _CLAUSE_END.split(text.rstrip(" ,:;\u2014-")) if c.strip()]
        if clauses and _is_tag(clauses[-1]):
            text = text.rstrip(" ,:;\u2014-")[: -len(clauses[-1])]
    return text.strip(" ,;:\u2014-")


def _unbreak(text: str) -> str:
    for marker, safe in _FOUNTAIN_MARKERS:
        text = text.replace(marker, safe)
    return text


def _action(text: str) -> str:
    text = _unbreak(" ".join(strip_markup(text).split()))
    text = text[:1].upper() + text[1:]
    letters = [c for c in text if c.isalpha()]
    if _HEADING_LIKE.match(text) or (letters and all(c.isupper() for c in letters)) \
            or text[:1] in "!@~>.=#[(" or text.rstrip().endswith("TO:"):
        return "!" + text
    return text


def _dialogue_text(text: str) -> str:
    text = _unbreak(" ".join(strip_markup(text.strip().strip(_QUOTE_MARKS + " ")).split()))
    # "It's fourteen again," he said: the comma belonged to the tag.
    return text[:-1] + "." if text.endswith(",") else text


def cue(name: str | None) -> str:
    """A character cue Fountain reads as one: capitals, forced with "@" if need be."""
    if not name:
        return UNKNOWN_CUE
    upper = " ".join(name.upper().split())
    if not any(c.isalpha() for c in upper) or _HEADING_LIKE.match(upper) \
            or upper[:1] in "!@~>.=#[(":
        return "@" + upper
    return upper


class _PresentTense:
    """A stretch of a paragraph's narration in the present tense, from a
    parse of the whole paragraph (a piece alone parses worse)."""

    def __init__(self, board: Board, nlp=None, docs: list | None = None):
        self.paragraphs = board.chapter.paragraphs
        self.nlp = nlp
        # The pipeline's own parse when given: parsing again would cost as
        # much as reading the chapter did.
        self.docs: dict[int, object] = dict(enumerate(docs)) if docs else {}
        self.narrator = Narrator.of(board.analysis.characters)
        self.retelling = None
        self.new_scene()

    def new_scene(self) -> None:
        """A scene names the narrator afresh before any "she" (a Retelling
        remembers whom it has named)."""
        self.retelling = Retelling(self.narrator) if self.narrator is not None else None

    def text(self, pindex: int, start: int, end: int, fallback: str) -> str:
        """Offsets `start`..`end` into paragraph `pindex`'s text."""
        doc = self.docs.get(pindex)
        if doc is None:     # only without the pipeline's parse (a board from elsewhere)
            if self.nlp is None:
                from ..analyse.nlp import load_nlp
                self.nlp = load_nlp()
            doc = self.docs[pindex] = self.nlp(self.paragraphs[pindex].text.replace("\n", " "))
        tokens = [t for t in doc if start <= t.idx and t.idx + len(t.text) <= end]
        return present_tense(tokens, self.retelling) if tokens else fallback


def scene_elements(board: Board, scene, tense: _PresentTense | None = None) -> list[Element]:
    names = {c.id: c.name for c in board.analysis.characters}
    quotes_by_para: dict[int, list] = {}
    for q in board.analysis.quotes:
        quotes_by_para.setdefault(q.paragraph, []).append(q)
    tense = tense or _PresentTense(board)
    tense.new_scene()
    out: list[Element] = []
    last_speaker = None

    def add_action(pindex: int, piece: str, offset: int, kept: str) -> None:
        if not kept.strip(" ,.;:\u2014-"):
            return
        start = offset + piece.find(kept)
        out.append(Element("action", _action(tense.text(pindex, start, start + len(kept),
                                                        kept))))

    for pindex in scene.paragraphs:
        para = board.chapter.paragraphs[pindex]
        pos = para.start
        quotes = sorted(quotes_by_para.get(pindex, []), key=lambda q: q.start)
        for i, q in enumerate(quotes):
            before = para.text[pos - para.start:q.start - para.start]
            add_action(pindex, before, pos - para.start,
                       drop_tags(before, after_quote=i > 0, before_quote=True))
            who = cue(names.get(q.speaker, q.speaker) if q.speaker else None)
            spoken = _dialogue_text(q.text)
            if spoken:
                if out and out[-1].kind == "dialogue" \
                        and out[-1].character in (who, who + CONTINUED):
                    out[-1] = Element("dialogue", out[-1].text + " " + spoken,
                                      out[-1].character)
                else:
                    # The same speaker again after a line of action: (CONT'D).
                    again = who == last_speaker and who != UNKNOWN_CUE and out \
                        and out[-1].kind == "action"
                    out.append(Element("dialogue", spoken, who + CONTINUED if again else who))
                last_speaker = who
            pos = q.end
        rest = para.text[pos - para.start:]
        add_action(pindex, rest, pos - para.start,
                   drop_tags(rest, after_quote=bool(quotes), before_quote=False))
    return out


def to_fountain(board: Board, author: str, project_root, docs: list | None = None) -> str:
    """`docs`: the chapter's parsed paragraphs if the caller has them."""
    tense = _PresentTense(board, docs=docs)
    scenes = [(scene, scene_elements(board, scene, tense)) for scene in board.scenes]
    return render(project_root, "fountain.j2", f"the Fountain script of {board.slug}",
                  chapter=board.chapter, author=author, scenes=scenes,
                  heading=_forced_heading)


def _forced_heading(text: str, number: str | None = None) -> str:
    """A heading Fountain recognises (INT./EXT., else forced with '.'),
    with the scene id as its scene number."""
    text = " ".join(text.split()).replace("#", "")
    text = text if re.match(r"^(INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[. ]", text,
                            re.IGNORECASE) else "." + text
    return f"{text} #{number}#" if number else text
