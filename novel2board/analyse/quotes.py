"""Find every quotation in a chapter, none invented.

A chapter has one dialogue style, detected from the marks it uses:

* double quotes, straight or curly ("..." and \u201c...\u201d);
* British single quotes (\u2018...\u2019 or '...'), told apart from apostrophes: a
  mark between two letters (don\u2019t) is an apostrophe, a leading one before an
  elision (\u2019tis, 'em) is too, and a closing one after a plural "s" followed
  by a word (the girls\u2019 coats) closes nothing while a better close follows;
* dialogue introduced by a dash (\u2014 or --) at the start of a paragraph, the
  speech running to the paragraph's end except for a short speech tag
  ("\u2014Thanks, he said. That will do.").

Marks of the other quote style inside a speech are a quote within the quote
and belong to it.  A speech that runs over several paragraphs (an opening
mark at each, the closing mark only at the last) gives one quote per
paragraph, all marked as one speech so they share a speaker.

Quoted words inside a sentence of narration ("the \u201cRed Death\u201d had",
"known as a \u201cmasher\u201d") are titles, names or irony, not speech: a quote
right after a word that is not a speech verb is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Paragraph
from .nlp import ReadingLexicon, load_lexicon

DOUBLE, SINGLE, DASH = "double", "single", "dash"

_DOUBLE_MARKS = re.compile(r"[\"\u201c\u201d]")
_SINGLE_MARKS = re.compile(r"['\u2018\u2019]")
_ANY_MARK = re.compile(r"[\"'\u201c\u2018]")
# A dash that opens a line of dialogue: an em/horizontal-bar dash or "--".
_DASH_OPEN = re.compile(r"^(?:\u2014|\u2015|--(?!-))\s*(?=\S)")
# Inside a dash paragraph, a later dash after a colon or sentence end opens
# another line of speech.
_DASH_AGAIN = re.compile(r"(?<=[:.!?])\s+(?:\u2014|\u2015|--)\s*(?=\S)")
_CLOSE_PUNCT = set(".,!?;:\u2014\u2013-\u2026)")
_WORD = re.compile(r"[A-Za-z]+")
_TAG_PRONOUNS = {"he", "she", "i", "they", "we", "you", "it"}
# Speech tags in dash dialogue may be this many words long at most.
_TAG_MAX_WORDS = 8
# A quoted phrase right after a narration word is kept as speech when it is
# longer than this and holds a sentence of its own.
_EMBEDDED_MAX_WORDS = 12


@dataclass(frozen=True)
class QuoteSpan:
    start: int
    end: int
    paragraph: int
    # True when this quote continues the previous paragraph's unclosed speech.
    continues: bool = False


def find_quote_spans(paragraphs: tuple[Paragraph, ...],
                     lexicon: ReadingLexicon | None = None) -> list[QuoteSpan]:
    lexicon = lexicon or load_lexicon()
    style = detect_style(paragraphs, lexicon)
    use_dashes = _uses_dash_dialogue(paragraphs)
    spans: list[QuoteSpan] = []
    carrying = False        # the previous paragraph ended inside a speech
    for para in paragraphs:
        if use_dashes and _DASH_OPEN.match(para.text):
            found, open_at_end = _scan_dash(para, lexicon), False
        elif style == SINGLE:
            found, open_at_end = _scan_single(para, lexicon)
        else:
            found, open_at_end = _scan_double(para)
        found = [(s, e) for k, (s, e) in enumerate(found)
                 if _is_speech(para, s, e, lexicon, found[k - 1][1] if k else 0)]
        for i, (start, end) in enumerate(found):
            spans.append(QuoteSpan(para.start + start, para.start + end, para.index,
                                   continues=carrying and i == 0 and start == 0))
        carrying = open_at_end
    return spans


# ------------------------------------------------------------------ style
def detect_style(paragraphs, lexicon: ReadingLexicon) -> str:
    """DOUBLE or SINGLE: the kind of mark that opens the paragraphs' first quotes.

    Only the first opening mark of each paragraph votes, so the nested
    quotes of the other kind do not.
    """
    votes = {DOUBLE: 0, SINGLE: 0}
    for para in paragraphs:
        first = _first_opening(para.text, lexicon)
        if first:
            votes[first] += 1
    return SINGLE if votes[SINGLE] > votes[DOUBLE] else DOUBLE


def _first_opening(text: str, lexicon: ReadingLexicon) -> str | None:
    for m in _ANY_MARK.finditer(text):
        i, ch = m.start(), m.group()
        if ch in "\"\u201c" and _opens(text, i):
            return DOUBLE
        if ch in "'\u2018" and _opens(text, i) and not _is_elision(text, i, lexicon):
            return SINGLE
    return None


def _uses_dash_dialogue(paragraphs) -> bool:
    """Several paragraphs open with a dash, more than open with a quote mark."""
    dashes = sum(1 for p in paragraphs if _DASH_OPEN.match(p.text))
    marks = sum(1 for p in paragraphs if p.text[:1] in "\"\u201c\u2018'")
    return dashes >= 3 and dashes > marks


def _opens(text: str, i: int) -> bool:
    """A mark at a word start: after a space, an opening bracket or a dash."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isspace() and (before.isspace() or before in "([\u2014\u2013-\u2018\u201c\"'")


def _closes(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _is_elision(text: str, i: int, lexicon: ReadingLexicon) -> bool:
    """'tis, 'em, 'cause: a leading apostrophe, not an opening quote."""
    word = _WORD.match(text, i + 1)
    if not word:
        return False
    w = word.group()
    if w.lower() in ("tis", "twas", "twere", "twill", "twould"):
        return True
    return w[0].islower() and w.lower() in lexicon.elisions


# ---------------------------------------------------------------- scanners
def _scan_double(para: Paragraph) -> tuple[list[tuple[int, int]], bool]:
    """Double-quote spans in one paragraph, and whether a speech is left open."""
    text = para.text
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _DOUBLE_MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if open_at is None:
            if ch != "\u201d" and not _is_inch_mark(text, i):
                open_at = i
        elif ch == "\u201d" or (ch == '"' and text[open_at] == '"'):
            spans.append((open_at, i + 1))
            open_at = None
        elif ch == "\u201c" or (ch == '"' and _opens(text, i) and not _closes(text, i)):
            # A second opening mark before a close: the writer left the first
            # quote unclosed; end it before this one.
            spans.append((open_at, _rstrip_at(text, i)))
            open_at = i
    return _finish(text, spans, open_at)


def _scan_single(para: Paragraph, lexicon: ReadingLexicon):
    """Single-quote spans; apostrophes are not marks."""
    text = para.text
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    weak_close: int | None = None       # "girls' " - a close only if nothing better
    for m in _SINGLE_MARKS.finditer(text):
        i, ch = m.start(), m.group()
        opens = ch != "\u2019" and _opens(text, i) and not _is_elision(text, i, lexicon)
        closes = ch != "\u2018" and _closes(text, i)
        if open_at is None:
            if opens:
                open_at, weak_close = i, None
            continue
        if closes and (text[i - 1] in _CLOSE_PUNCT or not text[i + 1:i + 2].isspace()):
            spans.append((open_at, i + 1))
            open_at = None
        elif closes:
            weak_close = i            # a possessive plural or a dropped "g"
        elif opens:
            end = weak_close + 1 if weak_close is not None else _rstrip_at(text, i)
            spans.append((open_at, end))
            open_at, weak_close = i, None
    return _finish(text, spans, open_at)


def _scan_dash(para: Paragraph, lexicon: ReadingLexicon) -> list[tuple[int, int]]:
    """Dash dialogue: the speech runs to the paragraph end, minus speech tags."""
    text = para.text.rstrip()
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        tag = _speech_tag(text, start, lexicon)
        if tag is None:
            spans.append((start, len(text)))
            break
        spans.append((start, tag[0]))
        again = _DASH_AGAIN.search(text, tag[1])
        # After the tag either the speech goes on ("he said. That will do.")
        # or narration runs up to the next dash ("He added: --For this").
        start = _skip_space(text, again.start()) if again else _skip_space(text, tag[1])
    return [(s, _rstrip_at(text, e)) for s, e in spans if e - s > 1]


def _speech_tag(text: str, start: int, lexicon: ReadingLexicon):
    """(start, end) of a short "he said coldly." after the speech begun at start."""
    for m in re.finditer(r"[,!?.\u2026]\s+", text[start:]):
        tag_start = start + m.end()
        stop = re.search(r"[.,:;!?]", text[tag_start:])
        if not stop:
            return None
        words = _WORD.findall(text[tag_start:tag_start + stop.start()])
        if not words or len(words) > _TAG_MAX_WORDS:
            continue
        first = words[0]
        if (first.lower() in _TAG_PRONOUNS or first[0].isupper()
                or lexicon.is_speech_word(first)) \
                and any(lexicon.is_speech_word(w) for w in words[:4]):
            return start + m.start() + 1, tag_start + stop.end()
    return None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _finish(text: str, spans, open_at):
    if open_at is not None:
        end = _rstrip_at(text, len(text))
        if end > open_at + 1:
            spans.append((open_at, end))
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


# ---------------------------------------------------------- speech or not
def _is_speech(para: Paragraph, start: int, end: int, lexicon: ReadingLexicon,
               previous_end: int) -> bool:
    """False for a quoted word or title inside a sentence of narration."""
    text = para.text
    before = text[previous_end:start].rstrip()
    if not before or not before[-1].isalnum():
        return True                 # after punctuation, a dash or at the start
    previous_word = _WORD.findall(before[-30:])
    if previous_word and lexicon.is_speech_word(previous_word[-1]):
        return True                 # said "Good night"
    inner = text[start + 1:end - 1].strip()
    words = inner.split()
    return len(words) > _EMBEDDED_MAX_WORDS and bool(re.search(r"[.!?]", inner))
