"""<slug>.fountain: the chapter as a screenplay draft.

Each scene: its heading, then the prose in order, quotes lifted out as
dialogue under the speaker's cue, narration as action; a transition between
scenes.  Action that Fountain would misread (a line in capitals read as a
character cue, a line starting INT.) is forced with "!".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Board
from ..shots.describe import strip_markup
from ..templating import render

_QUOTE_MARKS = "\"\u201c\u201d"
_HEADING_LIKE = re.compile(r"^(INT|EXT|EST|INT\./EXT|I/E)[. ]", re.IGNORECASE)


@dataclass(frozen=True)
class Element:
    kind: str           # "action", "dialogue"
    text: str
    character: str = ""


def _action(text: str) -> str:
    text = " ".join(strip_markup(text).split())
    letters = [c for c in text if c.isalpha()]
    if _HEADING_LIKE.match(text) or (letters and all(c.isupper() for c in letters)) \
            or text[:1] in "!@~>.=#[":
        return "!" + text
    return text


def _dialogue_text(text: str) -> str:
    return " ".join(strip_markup(text.strip(_QUOTE_MARKS + " ")).split())


def scene_elements(board: Board, scene) -> list[Element]:
    names = {c.id: c.name for c in board.analysis.characters}
    quotes_by_para: dict[int, list] = {}
    for q in board.analysis.quotes:
        quotes_by_para.setdefault(q.paragraph, []).append(q)
    out: list[Element] = []
    for pindex in scene.paragraphs:
        para = board.chapter.paragraphs[pindex]
        pos = para.start
        for q in quotes_by_para.get(pindex, []):
            before = para.text[pos - para.start:q.start - para.start]
            if before.strip(" ,.;:\u2014-"):
                out.append(Element("action", _action(before)))
            cue = names.get(q.speaker, "VOICE").upper() if q.speaker else "VOICE"
            spoken = _dialogue_text(q.text)
            if spoken:
                if out and out[-1].kind == "dialogue" and out[-1].character == cue:
                    out[-1] = Element("dialogue", out[-1].text + " " + spoken, cue)
                else:
                    out.append(Element("dialogue", spoken, cue))
            pos = q.end
        rest = para.text[pos - para.start:]
        if rest.strip(" ,.;:\u2014-"):
            out.append(Element("action", _action(rest)))
    return out


def to_fountain(board: Board, author: str, project_root) -> str:
    scenes = [(scene, scene_elements(board, scene)) for scene in board.scenes]
    return render(project_root, "fountain.j2", f"the Fountain script of {board.slug}",
                  chapter=board.chapter, author=author, scenes=scenes,
                  heading=_forced_heading)


def _forced_heading(text: str) -> str:
    """A heading Fountain recognises: INT./EXT. prefixes, or forced with '.'."""
    return text if re.match(r"^(INT|EXT|INT\./EXT|I/E)\b", text) else "." + text
