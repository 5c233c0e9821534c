"""Find every quotation in a chapter, none invented.

Straight and curly double quotes; a speech that runs over several paragraphs
(an opening mark at each paragraph, the closing mark only at the last) gives
one quote per paragraph, all marked as one speech so they share a speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Paragraph

OPEN_MARKS = {"\u201c": "\u201d", '"': '"'}
CLOSE_MARKS = {"\u201d", '"'}


@dataclass(frozen=True)
class QuoteSpan:
    start: int
    end: int
    paragraph: int
    # True when this quote continues the previous paragraph's unclosed speech.
    continues: bool = False


def find_quote_spans(paragraphs: tuple[Paragraph, ...]) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    carrying = False        # the previous paragraph ended inside a speech
    for para in paragraphs:
        spans_here, open_at_end = _scan(para)
        for i, (start, end) in enumerate(spans_here):
            spans.append(QuoteSpan(start, end, para.index,
                                   continues=carrying and i == 0))
        carrying = open_at_end
    return spans


def _scan(para: Paragraph) -> tuple[list[tuple[int, int]], bool]:
    """Quote spans in one paragraph, and whether a speech is left open."""
    text = para.text
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if open_at is None:
            if ch in OPEN_MARKS and not _is_inch_mark(text, i):
                open_at = i
        elif ch in CLOSE_MARKS and (ch == OPEN_MARKS[text[open_at]]):
            spans.append((para.start + open_at, para.start + i + 1))
            open_at = None
        elif ch == "\u201c" and text[open_at] == "\u201c":
            # A second opening curly mark before a close: the first quote was
            # left unclosed by the writer; end it before this one.
            spans.append((para.start + open_at, para.start + _rstrip_at(text, i)))
            open_at = i
    if open_at is not None:
        end = _rstrip_at(text, len(text))
        if end > open_at + 1:
            spans.append((para.start + open_at, para.start + end))
        return spans, True
    return spans, False


def _rstrip_at(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _is_inch_mark(text: str, i: int) -> bool:
    """5'11" or a 12" record: a straight quote right after a digit."""
    return text[i] == '"' and i > 0 and text[i - 1].isdigit() and (
        i + 1 == len(text) or not text[i + 1].isalpha())
