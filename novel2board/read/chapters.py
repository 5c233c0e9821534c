"""Split a source text into chapters, paragraphs and scene-break markers.

Reads what novelists and Project Gutenberg actually produce: Markdown or
plain text, one paragraph per line or hard-wrapped lines, and the usual
headings (`# Chapter 3: Title`, `Chapter 12`, `CHAPTER XII.`, `CHAPTER
TWELVE`, `Letter 4`, `PROLOGUE`, a bare `IV.` or `12`), with `VOLUME I`,
`BOOK TWO`, `PART ONE` above them and a title on the line below.  A table of
contents never produces chapters, and a Project Gutenberg header and licence
are skipped.  Every offset stays an index into the source text.

The work is line classification with a few regular expressions, one pass
over the blocks of the file: it never looks at single words of the prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import ChapterText, Paragraph, Source
from .slugs import chapter_slug

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
# A line this long is a whole paragraph, not a hard-wrapped line.
_HARD_WRAP_MAX = 100
# Longer lines are never headings.
_HEADING_MAX = 120

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "last": None, "final": None,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER = (r"(?:\d{1,4}|[ivxlcdm]+|(?:the\s+)?(?:" + "|".join(_ORDINALS) + r")|(?:"
           + "|".join(_NUMBER_WORDS) + r")(?:[- ](?:" + _UNITS + r"))?)")
_CANONICAL_ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_TITLE_SEP = r"(?:\s*[:.\-\u2013\u2014]+\s*|\s+)"
_CHAPTER_HEADING = re.compile(
    r"^(?:chapter|chap\.|letter|adventure|stave|canto|episode)\s+(?P<num>" + _NUMBER
    + r")(?![\w'])\.?(?:" + _TITLE_SEP + r"(?P<title>.*))?$", re.IGNORECASE)
_SPECIAL_HEADING = re.compile(
    r"^(?P<kind>prologue|epilogue|interlude|afterword|postscript)\.?"
    r"(?:" + _TITLE_SEP + r"(?P<title>.*))?$", re.IGNORECASE)
_PART_HEADING = re.compile(
    r"^(?P<kind>volume|vol\.|book|part|phase)\s+(?P<num>" + _NUMBER + r")(?![\w'])\.?"
    r"(?:" + _TITLE_SEP + r"(?P<title>.*))?$", re.IGNORECASE)
# "IV.", "12", "[ 3 ]", "01 My Early Home", "I. THE PRISON DOOR", "I  The Old House".
# Roman numerals in capitals only, so a sentence starting "I went" is prose.
_NUMERAL_HEADING = re.compile(
    r"^\[?\s*(?P<num>\d{1,3}|[IVXLC]{1,7})\s*\]?\.?"
    r"(?:(?:\.\s*|\s{2,}|\s*[\u2013\u2014:]\s*|(?<=\d)\s+)(?P<title>[A-Z\"'\u2018\u201c].*))?$")
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>\S.*?)\s*#*$")
_SETEXT_RULE = re.compile(r"^(?:={3,}|-{3,})\s*$")
_CONTENTS_HEADING = re.compile(r"^(?:table\s+of\s+)?contents\.?$", re.IGNORECASE)
# A scene-break line: asterisms, rules, a lone "#", tildes, dingbats.
_SCENE_BREAK = re.compile(
    r"^\s*(?:(?:[*\u2217\u2731\u2042\u2051]\s*){1,}|#{1,3}|(?:-\s*){3,}|(?:_\s*){3,}"
    r"|(?:=\s*){3,}|(?:~\s*){1,}|(?:[.\u2022\u00b7]\s*){3,}|"
    r"[\u2022\u25c6\u25c7\u2756\u2766\u2767\u2619\u2726\u2727\u2735\u00b7\u2043"
    r"\u2e31\u25cf\u25cb\u2605\u2606\u2748\u274b\u2740\u273b\u2766\u2619\u00a7"
    r"\u2055\u2055\u25aa\u25ab\u2318\s]{1,})\s*$")
_GUTENBERG_START = re.compile(
    r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG.*$", re.MULTILINE | re.IGNORECASE)
_GUTENBERG_END = re.compile(
    r"^(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG.*"
    r"|End of (?:the )?Project Gutenberg'?s? .*)$", re.MULTILINE | re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:[\w-]+[ \t]*:.*\n|[ \t]*\n|[ \t]+.*\n){1,60}?---[ \t]*\n")
_EMPHASIS = re.compile(r"^[*_]+|[*_]+$")
# Median words per chapter below which bare numerals ("I.", "II.") number
# something smaller than chapters (stanzas, short sections).
_MIN_NUMBERED_CHAPTER_WORDS = 400
# Words of prose before the first heading below which it is front matter
# (a title page, contents, an epigraph) and not boarded.
_FRONT_MATTER_WORDS = 150


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str
    # "text", "break", "chapter", "special", "part", "numeral", "md", "contents", "toc"
    kind: str
    number: int | None = None
    title: str = ""
    level: int = 0                  # Markdown heading level
    label: str = ""                 # "chapter", "letter", "prologue", "book", ...


# ------------------------------------------------------------------ numbers
def parse_number(token: str) -> int | None:
    """12, XII, twelve, twenty-one, the first -> an int (None if not a number)."""
    token = re.sub(r"^the\s+", "", token.strip().lower())
    if token.isdigit():
        return int(token)
    if token in _ORDINALS:
        return _ORDINALS[token]
    if re.fullmatch(r"[ivxlcdm]+", token):
        value = _roman(token) if _CANONICAL_ROMAN.fullmatch(token) else None
        return value if value is not None and value < 200 else None
    total = 0
    for word in re.split(r"[- ]+", token):
        if word not in _NUMBER_WORDS:
            return None
        total += _NUMBER_WORDS[word]
    return total or None


def _roman(token: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total, prev = 0, 0
    for ch in reversed(token):
        value = values[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total or None


# ------------------------------------------------------------------- blocks
def _body_region(text: str) -> tuple[int, int]:
    """Skip a Project Gutenberg header and licence, or Markdown front matter."""
    start, end = 0, len(text)
    if m := _GUTENBERG_START.search(text):
        start = m.end()
    elif m := _FRONT_MATTER.match(text):
        start = m.end()
    if m := _GUTENBERG_END.search(text, start):
        end = m.start()
    return start, end


def _raw_blocks(text: str, start: int, end: int):
    """(start, end) of each blank-line separated block, whitespace trimmed."""
    pos = start
    for m in _BLANK_LINES.finditer(text, start, end):
        yield from _trimmed(text, pos, m.start())
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, start: int, end: int):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for line in text[start:end].split("\n"):
        spans.extend(_trimmed(text, pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _split_block(text: str, start: int, end: int):
    """One blank-line block -> the paragraphs and heading lines in it.

    Long lines are one paragraph each; a heading line keeps its title line
    apart from it; a hard-wrapped block without blank lines between its
    paragraphs is cut where a short line ends a sentence.
    """
    lines = _line_spans(text, start, end)
    if len(lines) == 1:
        return lines
    lengths = [e - s for s, e in lines]
    if any(n > _HARD_WRAP_MAX for n in lengths):
        return lines
    first = _plain(text[lines[0][0]:lines[0][1]])
    if len(lines) == 2 and _SETEXT_RULE.match(text[lines[1][0]:lines[1][1]]):
        return [lines[0]]                   # a Setext heading: the rule is markup
    if _heading_kind(first) and len(lines) <= 4 and max(lengths) < 80:
        return lines                        # "Chapter I." / "The Missing Heir."
    if len(lines) >= 6:
        return _paragraphs_by_short_lines(text, lines)
    return [(start, end)]


def _paragraphs_by_short_lines(text: str, lines: list[tuple[int, int]]):
    """Hard-wrapped text with no blank line between paragraphs."""
    width = max(e - s for s, e in lines)
    paragraphs, first = [], lines[0][0]
    for i, (s, e) in enumerate(lines):
        ends_sentence = text[e - 1] in ".!?:\"'\u201d\u2019)"
        if i + 1 < len(lines) and ends_sentence and e - s < 0.6 * width:
            paragraphs.append((first, e))
            first = lines[i + 1][0]
    paragraphs.append((first, lines[-1][1]))
    return paragraphs


def _plain(line: str) -> str:
    """A heading line without Markdown emphasis: `_Chapter I_` -> `Chapter I`."""
    return _EMPHASIS.sub("", line.strip()).strip()


def _heading_kind(line: str) -> str | None:
    if len(line) > _HEADING_MAX:
        return None
    if (m := _CHAPTER_HEADING.match(line)) and _is_heading_match(m):
        return "chapter"
    if (m := _SPECIAL_HEADING.match(line)) and _is_heading_match(m):
        return "special"
    if (m := _PART_HEADING.match(line)) and _is_heading_match(m) and len(line.split()) <= 10:
        return "part"
    if _NUMERAL_HEADING.match(line) and len(line) <= 70:
        return "numeral"
    return None


def _is_heading_match(m: re.Match) -> bool:
    """A real number, and a title that does not read as the rest of a sentence.

    "Chapter 3 The Storm" is a heading; "Chapter 3 was the worst." and
    "Part civil war" are prose.
    """
    if "num" in m.groupdict() and parse_number(m.group("num")) is None:
        return False
    title = m.group("title")
    if not title:
        return True
    separator = m.string[m.end("num") if "num" in m.groupdict() else m.end("kind"):m.start("title")]
    return bool(separator.strip()) or not title[0].islower()


def _classify(text: str, start: int, end: int) -> _Block:
    chunk = text[start:end]
    if "\n" in chunk:
        if _is_toc(chunk):
            return _Block(start, end, chunk, "toc")
        setext = chunk.split("\n")
        if len(setext) == 2 and _SETEXT_RULE.match(setext[1].strip()):
            return _classify_line(text, start, start + len(setext[0]),
                                  setext_level=1 if setext[1].strip()[0] == "=" else 2)
        return _Block(start, end, chunk, "text")
    return _classify_line(text, start, end)


def _classify_line(text: str, start: int, end: int, setext_level: int = 0) -> _Block:
    line = text[start:end]
    if _SCENE_BREAK.match(line):
        return _Block(start, end, line, "break")
    md = _MD_HEADING.match(line.strip())
    level = len(md.group("hashes")) if md else setext_level
    plain = _plain(md.group("title") if md else line)
    kind = _heading_kind(plain)
    if kind == "chapter":
        m = _CHAPTER_HEADING.match(plain)
        label = plain.split()[0].lower().rstrip(".")
        return _Block(start, end, line, "chapter", parse_number(m.group("num")),
                      _clean_title(m.group("title") or ""), level,
                      "chapter" if label == "chap" else label)
    if kind == "special":
        m = _SPECIAL_HEADING.match(plain)
        return _Block(start, end, line, "special", None, _clean_title(m.group("title") or ""),
                      level, m.group("kind").lower())
    if kind == "part":
        m = _PART_HEADING.match(plain)
        return _Block(start, end, line, "part", parse_number(m.group("num")),
                      _clean_title(m.group("title") or ""), level,
                      m.group("kind").lower().rstrip("."))
    if kind == "numeral":
        m = _NUMERAL_HEADING.match(plain)
        num = m.group("num")
        return _Block(start, end, line, "numeral",
                      int(num) if num.isdigit() else _roman(num.lower()),
                      _clean_title(m.group("title") or ""), level, "chapter")
    if _CONTENTS_HEADING.match(plain):
        return _Block(start, end, line, "contents", level=level)
    if level:
        return _Block(start, end, line, "md", title=_clean_title(plain), level=level)
    return _Block(start, end, line, "text")


def _is_toc(chunk: str) -> bool:
    """A block of lines that are mostly chapter headings: a table of contents."""
    lines = [_plain(re.sub(r"[\s.]*\d+$", "", line)) for line in chunk.split("\n")
             if line.strip()]
    headings = sum(1 for line in lines if _heading_kind(line) in ("chapter", "part", "special"))
    return len(lines) >= 2 and headings * 3 >= len(lines) * 2


def _blocks(source: Source) -> list[_Block]:
    text = source.text
    region_start, region_end = _body_region(text)
    blocks = []
    for bstart, bend in _raw_blocks(text, region_start, region_end):
        for start, end in _split_block(text, bstart, bend):
            blocks.append(_classify(text, start, end))
    return blocks


# ----------------------------------------------------------------- chapters
def _chapter_starters(blocks: list[_Block]) -> set[str]:
    """Which kinds of heading start chapters in this file.

    Keyword headings ("Chapter 3") win; bare numerals ("IV.") are chapters
    only when they count up from one and there are no keyword headings
    (otherwise they number sections inside a chapter); Markdown headings of
    the shallowest repeated level are chapters when nothing else is.
    """
    kinds = {b.kind for i, b in enumerate(blocks) if _has_text_after(blocks, i)}
    if "chapter" in kinds:
        return {"chapter", "special"}
    if _numerals_are_chapters(blocks):
        return {"numeral", "special"}
    if "special" in kinds:
        return {"special"} | ({"part"} if "part" in kinds else set())
    if "part" in kinds:
        return {"part"}
    return {"md"}


def _numerals_are_chapters(blocks: list[_Block]) -> bool:
    """Bare numerals that count up from one over chapter-sized stretches of
    prose, not the numbered stanzas of a poem quoted in the story."""
    positions = [i for i, b in enumerate(blocks) if b.kind == "numeral"]
    numbers = [blocks[i].number for i in positions]
    if not numbers or numbers[0] != 1 or numbers.count(1) * 2 > len(numbers) + 2:
        return False
    if len(numbers) == 1:
        return all(b.kind != "text" for b in blocks[:positions[0]])
    ends = positions[1:] + [len(blocks)]
    words = sorted(sum(len(b.text.split()) for b in blocks[start:end] if b.kind == "text")
                   for start, end in zip(positions, ends))
    return words[len(words) // 2] >= _MIN_NUMBERED_CHAPTER_WORDS


def _has_text_after(blocks: list[_Block], i: int) -> bool:
    for later in blocks[i + 1:i + 4]:
        if later.kind == "text":
            return True
        if later.kind != "md":
            return False
    return False


def _md_chapter_level(blocks: list[_Block]) -> int | None:
    """The shallowest Markdown heading level used more than once."""
    levels = [b.level for b in blocks if b.kind == "md"]
    repeated = sorted({lv for lv in levels if levels.count(lv) > 1})
    return repeated[0] if repeated else None


def split_chapters(source: Source) -> tuple[ChapterText, ...]:
    """The chapters of a source file, each with its body paragraphs."""
    blocks = _blocks(source)
    starters = _chapter_starters(blocks)
    md_level = _md_chapter_level(blocks) if starters == {"md"} else None
    groups: list[tuple[_Block | None, _Block | None, list[_Block]]] = []
    heading: _Block | None = None
    part: _Block | None = None
    body: list[_Block] = []
    in_contents = False
    previous = None
    for block in blocks:
        kind = _role(block, starters, md_level)
        part_title = (previous == "part" and kind == "text" and not part.title
                      and _is_title_line(block.text))
        previous = kind
        if part_title:
            part = replace(part, title=_clean_title(_plain(block.text)))
            continue                    # "BOOK TWO" / "THE EARTH UNDER THE MARTIANS"
        if kind == "contents":
            in_contents = True
            continue
        if kind == "title" and _has_text(body):
            kind = "break"              # a subheading inside a chapter
        if kind in ("chapter", "part-chapter"):
            groups.append((heading, part, body))
            heading, body, in_contents = block, [], False
            if kind == "part-chapter":
                part = None
        elif kind == "part":
            groups.append((heading, part, body))
            heading, body, part = None, [], block
        elif in_contents and (block.kind != "text" or _is_contents_entry(block.text)):
            continue                    # "The Harbour ....... 5" under "Contents"
        else:
            body.append(replace(block, kind=kind))
    groups.append((heading, part, body))
    return _make_chapters(source, groups)


def _is_contents_entry(text: str) -> bool:
    """A line of a table of contents: short, not a sentence, maybe a page number."""
    lines = text.split("\n")
    return all(len(line) <= 90 and (re.search(r"\d+\s*$", line) or
                                    not line.rstrip().endswith((".", "!", "?", "\"", "\u201d")))
               for line in lines)


def _role(block: _Block, starters: set[str], md_level: int | None) -> str:
    """What a block does here: "chapter", "part", "text", "break", "title", ..."""
    kind = block.kind
    if kind in ("text", "break", "toc"):
        return kind
    if kind == "contents":
        return "contents"
    if kind in starters and kind != "md":
        return "part-chapter" if kind == "part" else "chapter"
    if kind == "md":
        if md_level is not None and block.level == md_level:
            return "chapter"
        if md_level is None and block.level == 1:
            return "title"              # the one title of a single-chapter file
        return "break" if md_level is not None and block.level > md_level else "title"
    if kind == "part":
        return "part"
    if kind == "numeral":
        return "break"                  # a numbered section inside a chapter
    return "title"


def _make_chapters(source: Source, groups) -> tuple[ChapterText, ...]:
    text_groups = [(h, p, body) for h, p, body in groups if _has_text(body)]
    several = len(text_groups) > 1
    has_headings = any(h is not None for h, _, _ in text_groups)
    chapters: list[ChapterText] = []
    for heading, part, body in text_groups:
        if heading is None and has_headings and several and not chapters:
            # Prose before the first heading: a title page, an epigraph,
            # a preface.  Board it only if it is a real stretch of prose.
            if sum(len(b.text.split()) for b in body if b.kind == "text") < _FRONT_MATTER_WORDS:
                continue
        chapters.append(_make_chapter(source, heading, part, body, chapters, several))
    return tuple(_unique_slugs(chapters, source))


def _has_text(body: list[_Block]) -> bool:
    return any(b.kind == "text" for b in body)


def _make_chapter(source: Source, heading: _Block | None, part: _Block | None,
                  body: list[_Block], done: list[ChapterText], several: bool) -> ChapterText:
    body = list(body)
    title, label = "", "chapter"
    number = None
    if heading is not None:
        number, title, label = heading.number, heading.title, heading.label
        if heading.kind == "md":
            title = heading.title
    while body and body[0].kind == "title" and not title:
        block = body.pop(0)
        title = block.title or _clean_title(_plain(block.text))
    # A short line under the heading is its title, unless it is all the
    # chapter has: then it is the chapter's one paragraph.
    if heading is not None and not title and body and _is_title_line(body[0].text) \
            and sum(1 for b in body if b.kind == "text") > 1:
        title = _clean_title(_plain(body.pop(0).text))
    paragraphs: list[Paragraph] = []
    breaks: list[int] = []
    for block in body:
        if block.kind == "text":
            paragraphs.append(Paragraph(len(paragraphs), block.start, block.end, block.text))
        elif block.kind == "break" and paragraphs:
            breaks.append(block.start)
    number = _chapter_number(source, heading, number, done, several, label)
    if not title:
        title = "Opening" if heading is None and several else _default_title(label, number)
    start = heading.start if heading is not None else paragraphs[0].start
    end = paragraphs[-1].end
    part_label = f"{part.label}-{part.number}" if part is not None and part.number else ""
    return ChapterText(number=number, title=title, slug=_slug_stub(label, part_label),
                       start=start, end=end, paragraphs=tuple(paragraphs),
                       breaks=tuple(b for b in breaks if b < end))


def _chapter_number(source, heading, number, done, several, label) -> int:
    if number is not None:
        return number
    if label == "prologue":
        return 0
    if done:
        return done[-1].number + 1
    if heading is None and not several:
        return _number_from_stem(source.path.stem)
    return 0 if heading is None else 1       # prose before the first heading


def _default_title(label: str, number: int) -> str:
    if label in ("chapter", "md", "numeral"):
        return f"Chapter {number}"
    if label in ("prologue", "epilogue", "interlude", "afterword", "postscript"):
        return label.capitalize()
    return f"{label.capitalize()} {number}"


_SMALL_WORDS = {"a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at",
                "to", "with", "from", "for", "by", "into", "upon", "as", "over",
                "under", "is", "its", "his", "her", "de", "la", "von", "van"}


def _is_title_line(line: str) -> bool:
    """A short line (or two of capitals) right under a heading that names it.

    Capitals ("THE EVE OF THE WAR") or Title Case ("Out to Sea"); never a
    line of dialogue, a bare number or a sentence of prose.
    """
    lines = [_plain(part) for part in line.split("\n")]
    line = " ".join(lines)
    words = line.split()
    if not 0 < len(words) <= 16 or len(line) > 100:
        return False
    letters = [c for c in line if c.isalpha()]
    if not letters or (_NUMERAL_HEADING.fullmatch(line)
                       and not _NUMERAL_HEADING.match(line).group("title")):
        return False
    upper_share = sum(c.isupper() for c in letters) / len(letters)
    quoted = line[0] in "\"'\u201c\u2018(["
    if upper_share >= 0.7:
        return len(lines) <= 3 and (not quoted or len(words) > 1)
    if quoted or len(lines) > 1 or any(c.isdigit() for c in line) \
            or line.endswith((",", ";")):
        return False
    content = [w for w in words if w.lower().strip(".,:;!?-") not in _SMALL_WORDS]
    title_case = bool(content) and words[0][0].isupper() and all(
        w[0].isupper() or not w[0].isalpha() for w in content)
    return title_case and not (len(words) == 1 and line[-1] in ".!?")


def _clean_title(title: str) -> str:
    title = re.sub(r"[*_]+", "", title).strip()
    return title.rstrip(".").strip() if not title.endswith("..") else title


def _number_from_stem(stem: str) -> int:
    digits = re.findall(r"\d+", stem)
    return int(digits[-1]) if digits else 1


def _slug_stub(label: str, part_label: str) -> str:
    """Kept in `slug` until _unique_slugs turns it into the real folder name."""
    return f"{label}|{part_label}"


def _unique_slugs(chapters: list[ChapterText], source: Source):
    """Folder names: stem, plus the number when the file holds several chapters.

    Letters and prologues say so ("...-letter-01"); when chapter numbers start
    again in each book, the book goes into the name ("...-book-2-01").
    """
    stem = source.path.stem
    several = len(chapters) > 1
    keys = [(c.slug.split("|")[0], c.number) for c in chapters]
    repeats = len(set(keys)) < len(keys)
    seen: dict[str, int] = {}
    for chapter in chapters:
        label, part_label = chapter.slug.split("|")
        if not several:
            slug = chapter_slug(stem, None)
        else:
            prefix = "" if label in ("chapter", "md", "numeral") else label
            if repeats and part_label:
                prefix = "-".join(p for p in (part_label, prefix) if p)
            if label in ("prologue", "epilogue", "interlude", "afterword", "postscript"):
                slug = chapter_slug(stem, None, prefix)
            else:
                slug = chapter_slug(stem, chapter.number, prefix)
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug = f"{slug}-{seen[slug]}"
        yield replace(chapter, slug=slug)
