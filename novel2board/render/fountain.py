"""<slug>.fountain: the chapter as a screenplay draft.

Each scene: its heading (with the scene id as a Fountain scene number, so
the script and the storyboard point at each other), then the prose in
order: quotes lifted out as dialogue under the speaker's cue, narration as
action, the "he said" tags that only attributed a line dropped (the cue says
who speaks now) and what the speaker did while saying it kept, as a
parenthetical under the cue or an action line of its own (speechtags.py);
a transition between scenes.  A line a tag broke in two is one line again,
as on the sheets (shots/dialogue.py, `shown_lines`).  Action is written in
the present tense, as screenplays are, by the shot descriptions' own
machinery (shots/describe.py, on the pipeline's own parse of the paragraph;
a first-person narrator is retold in the third person); a speaker who goes
on after a line of action gets (CONT'D).

Fountain reads plain text by its shape, so prose that would be misread is
forced: an action line in capitals (a would-be character cue), one starting
INT. or with a markup character is prefixed with "!", a cue that would not
read as one with "@", and the comment and note markers "/*" and "[[" that
would swallow the rest of the script are broken apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Board
from ..shots.beats import clipped, set_clip
from ..shots.camera import CameraLexicon, load_camera
from ..shots.describe import compose, present_tense, strip_markup
from ..shots.dialogue import shown_lines, spoken_text
from ..shots.inflect import base_form, third_person_singular
from ..shots.thirdperson import Narrator, Retelling
from ..templating import render
from .speechtags import read_gap, tag_may_follow, words_of

_HEADING_LIKE = re.compile(r"^(INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[. ]", re.IGNORECASE)
_FOUNTAIN_MARKERS = (("/*", "/ *"), ("*/", "* /"), ("[[", "[ ["), ("]]", "] ]"))
UNKNOWN_CUE = "UNKNOWN"
CONTINUED = " (CONT'D)"


@dataclass(frozen=True)
class Element:
    kind: str           # "action", "dialogue"
    # Dialogue: the speech, with any parenthetical on a line of its own
    # before the words it qualifies ("(without turning round)\nYou're late.").
    text: str
    character: str = ""


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


def _dialogue_text(display: str) -> str:
    """A line as the sheets show it (shots/dialogue.py: its own end, the
    pieces a tag broke joined), without its quotation marks."""
    return _unbreak(" ".join(strip_markup(spoken_text(display)).split()))


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

    def __init__(self, board: Board, nlp=None, docs: list | None = None,
                 camera: CameraLexicon | None = None):
        self.paragraphs = board.chapter.paragraphs
        # A screenplay's action says what is seen; a first-person
        # narrator's thoughts are heard as voice-over (templates/camera.yaml).
        self.camera = camera if camera is not None else load_camera(None)
        self.voice_over: list[str] = []
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

    def tokens(self, pindex: int, start: int, end: int) -> list:
        """The parsed words at offsets `start`..`end` of paragraph `pindex`."""
        doc = self.docs.get(pindex)
        if doc is None:     # only without the pipeline's parse (a board from elsewhere)
            if self.nlp is None:
                from ..analyse.nlp import load_nlp
                self.nlp = load_nlp()
            doc = self.docs[pindex] = self.nlp(self.paragraphs[pindex].text.replace("\n", " "))
        span = doc.char_span(start, end, alignment_mode="expand") if start < end else None
        out = [t for t in span if not t.is_space] if span is not None else []
        for tok in out[:1] + out[-1:]:
            # A word a quotation mark cuts ("there”—she"): its part out here.
            lo, hi = max(start, tok.idx), min(end, tok.idx + len(tok.text))
            if (lo, hi) != (tok.idx, tok.idx + len(tok.text)):
                set_clip(tok, tok.text[lo - tok.idx:hi - tok.idx])
            elif clipped(tok) is not None:
                set_clip(tok, None)
        return out

    def action(self, tokens, subject: str | None = None) -> str:
        """An action line: the tokens in the present tense; with `subject`,
        a sentence the tokens lacked the subject of ("hands her one" ->
        "Juno hands her one")."""
        if subject is None:
            told = compose([tokens], max_words=10_000, camera=self.camera,
                           retelling=self.retelling)
            self.voice_over.extend(told.vo)
            return _action(_sentence(told.text)) if told.text else ""
        if tokens[0].tag_ != "VBG":
            return _action(_sentence(f"{subject} {present_tense(tokens, self.retelling)}"))
        # "looking full at him ... and toying with her screen": each
        # participle of the run a verb of the subject's ("looks", "toys").
        verbs = {tokens[0].i}
        for k, tok in enumerate(tokens):
            linked = next((t for t in reversed(tokens[:k]) if t.tag_ != "RB"), None)
            if tok.tag_ == "VBG" and tok.dep_ == "conj" and tok.head.i in verbs \
                    and linked is not None and linked.lower_ in ("and", "or") \
                    and not any(c.dep_ == "aux" for c in tok.children):
                verbs.add(tok.i)
        text, run = "", []
        for tok in [*tokens, None]:
            if tok is None or tok.i in verbs:
                text += present_tense(run, self.retelling) if run else ""
                run = []
                if tok is not None:
                    text += third_person_singular(base_form(tok)) + tok.whitespace_
            else:
                run.append(tok)
        return _action(_sentence(f"{subject} {text}"))

    def parenthetical(self, tokens) -> str:
        """"without turning round" (the script puts it in brackets): lower
        case unless it starts with a name, no full stop."""
        text = _unbreak(" ".join(strip_markup(present_tense(tokens, self.retelling)).split()))
        text = text.strip(" ,;:.\u2014-")
        first = words_of(tokens)[:1]
        if first and first[0].pos_ != "PROPN" and first[0].lower_ != "i":
            text = text[:1].lower() + text[1:]
        return text


def _sentence(text: str) -> str:
    """Narration cut off where a quote began ("eyes half-closed,"), ended
    as a sentence."""
    text = text.strip(" ,;:\u2014\u2013-")
    if text and text[-1] not in ".!?\u2026\"'\u201d\u2019)*_":
        text += "."
    return text


@dataclass
class _Spoken:
    """A quote on its way into a dialogue block, with the parentheticals
    that go before it."""

    quote: object
    cue: str
    said: list = field(default_factory=list)


def _subject_name(subject: list, speaker: str | None, names: dict) -> str:
    """Who does the action a tag left without its subject: the tag's own
    subject when it is a name ("said Edda, and put a bowl"), else the
    speaker's name ("he said, handing her one": "Tomas hands her one")."""
    if subject and not (len(words_of(subject)) == 1 and words_of(subject)[0].tag_ == "PRP"):
        text = " ".join(t.text for t in subject)
        return text[:1].upper() + text[1:]
    name = names.get(speaker) if speaker else None
    if name:
        return name[:1].upper() + name[1:]
    words = words_of(subject)
    return words[0].text.capitalize() if words else "Someone"


def _paragraph_items(board: Board, pindex: int, tense: _PresentTense, quotes: list,
                     names: dict, shown: dict) -> list:
    """A paragraph as actions (Element) and quotes (_Spoken), in order;
    `names` and `shown`: character names for cues and for actions."""
    para = board.chapter.paragraphs[pindex]
    items: list = []
    bounds = [(q.start - para.start, q.end - para.start) for q in quotes]
    edges = [0] + [e for _, e in bounds]
    for i in range(len(quotes) + 1):
        lo, hi = edges[i], bounds[i][0] if i < len(quotes) else len(para.text)
        after = i > 0 and tag_may_follow(quotes[i - 1].text, para.text[lo:hi])
        gap = read_gap(tense.tokens(pindex, lo, hi), after_quote=after,
                       before_quote=i < len(quotes))
        if gap.said_before and items and isinstance(items[-1], _Spoken):
            items[-1].said.append(tense.parenthetical(gap.said_before))
        speaker = quotes[i - 1].speaker if i > 0 else (
            quotes[i].speaker if i < len(quotes) else None)
        told = [tense.action(tokens, None if subject is None
                             else _subject_name(subject, speaker, shown))
                for subject, tokens in gap.actions if words_of(tokens)]
        if any(told):
            items.append(Element("action", " ".join(t for t in told if t)))
        if tense.voice_over:
            items.append(Element("dialogue", " ".join(tense.voice_over),
                                 _voice_over_cue(tense.narrator)))
            tense.voice_over.clear()
        if i < len(quotes):
            q = quotes[i]
            spoken = _Spoken(q, cue(names.get(q.speaker, q.speaker) if q.speaker else None))
            if gap.said_next:
                spoken.said.append(tense.parenthetical(gap.said_next))
            items.append(spoken)
    return items


def _voice_over_cue(narrator: Narrator | None) -> str:
    name = narrator.name if narrator is not None else ""
    return cue("Narrator" if not name or name.lower() == "the narrator" else name) + " (V.O.)"


def _block_text(spoken: list[_Spoken], paragraphs, before=None, after=None) -> str:
    """One speaker's consecutive lines as one dialogue block: the pieces a
    tag broke joined again ("I know, but not yet."), each parenthetical on
    its own line before the words it qualifies.  `before`, `after`: the
    quotes said just before and after the block (shots/dialogue.py,
    `shown_lines`)."""
    shown = shown_lines([s.quote for s in spoken], paragraphs, before, after)
    groups: list[tuple[list[str], str]] = []
    for item, display in zip(spoken, shown):
        if display == "" and groups:
            groups[-1][0].extend(item.said)     # a piece joined to the line before
            continue
        text = _dialogue_text(display)
        if text:
            groups.append((list(item.said), text))
    lines: list[str] = []
    for said, text in groups:
        if said:
            lines.append(f"({', '.join(said)})")
            lines.append(text)
        elif lines and not lines[-1].startswith("("):
            lines[-1] += " " + text
        else:
            lines.append(text)
    return "\n".join(lines)


def scene_elements(board: Board, scene, tense: _PresentTense | None = None) -> list[Element]:
    names = {c.id: c.name for c in board.analysis.characters}
    shown = {c.id: c.display_name for c in board.analysis.characters}
    quotes_by_para: dict[int, list] = {}
    for q in board.analysis.quotes:
        quotes_by_para.setdefault(q.paragraph, []).append(q)
    tense = tense or _PresentTense(board)
    tense.new_scene()
    items: list = []
    for pindex in scene.paragraphs:
        quotes = sorted(quotes_by_para.get(pindex, []), key=lambda q: q.start)
        items.extend(_paragraph_items(board, pindex, tense, quotes, names, shown))
    out: list[Element] = []
    block: list[_Spoken] = []
    last_speaker = None
    said = board.analysis.quotes
    order = {q.id: i for i, q in enumerate(said)}

    def close_block() -> None:
        nonlocal last_speaker
        if not block:
            return
        first, last = order[block[0].quote.id], order[block[-1].quote.id]
        text = _block_text(block, board.chapter.paragraphs,
                           said[first - 1] if first > 0 else None,
                           said[last + 1] if last + 1 < len(said) else None)
        who = block[0].cue
        if text:
            # The same speaker again after a line of action: (CONT'D).
            again = who == last_speaker and who != UNKNOWN_CUE and out \
                and out[-1].kind == "action"
            out.append(Element("dialogue", text, who + CONTINUED if again else who))
            last_speaker = who
        block.clear()

    for item in items:
        if isinstance(item, _Spoken):
            if block and block[0].cue != item.cue:
                close_block()
            block.append(item)
        else:
            close_block()
            out.append(item)
    close_block()
    return out


def to_fountain(board: Board, author: str, project_root, docs: list | None = None) -> str:
    """`docs`: the chapter's parsed paragraphs if the caller has them."""
    tense = _PresentTense(board, docs=docs, camera=load_camera(project_root))
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
