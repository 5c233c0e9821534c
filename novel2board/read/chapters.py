"""Split a source text into chapters, paragraphs and scene-break markers.

Handles one-paragraph-per-line files and hard-wrapped (Project Gutenberg
style) text alike; every offset stays an index into the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import ChapterText, Paragraph, Source
from .slugs import chapter_slug

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
# A line this long is a whole paragraph, not a hard-wrapped line.
_HARD_WRAP_MAX = 100

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "first": 1, "second": 2, "third": 3,
}
_NUMBER = (r"(?:\d+|[ivxlcdm]+|(?:" + "|".join(_NUMBER_WORDS)
           + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)")
_CHAPTER_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:chapter|letter)\s+(?P<num>" + _NUMBER + r")\b\.?"
    r"(?:\s*[:.\-\u2013\u2014]\s*|\s+)?(?P<title>.*)$", re.IGNORECASE)
_PART_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:volume|vol\.|book|part)\s+" + _NUMBER + r"\b.*$",
    re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<title>\S.*)$")
_SCENE_BREAK = re.compile(
    r"^\s*(?:(?:[*\u2217\u2731]\s*){1,}|#{1,3}|-{3,}|_{3,}|={3,}|~{3,}|\u2042|"
    r"[\u2022\u25c6\u25c7\u2756\u2766\u2767\u2619\u2726\u2727\u2735\u00b7\u2043"
    r"\u2e31\u25cf\u25cb\u2605\u2606\u2748\u274b\u2740\u273b\s]{1,})\s*$")
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG.*$",
                              re.MULTILINE | re.IGNORECASE)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG.*$",
                            re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str
    kind: str            # "text", "chapter", "part", "heading", "break"


def parse_number(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if re.fullmatch(r"[ivxlcdm]+", token):
        return _roman(token)
    total = 0
    for word in re.split(r"[- ]", token):
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


def _body_region(text: str) -> tuple[int, int]:
    """Skip a Project Gutenberg header and licence when present."""
    start, end = 0, len(text)
    if m := _GUTENBERG_START.search(text):
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


def _split_lines(text: str, start: int, end: int):
    """A block of long lines is one paragraph per line; short lines are wrap."""
    lines = text[start:end].split("\n")
    if len(lines) > 1 and any(len(line) > _HARD_WRAP_MAX for line in lines):
        pos = start
        for line in lines:
            yield from _trimmed(text, pos, pos + len(line))
            pos += len(line) + 1
    else:
        yield start, end


def _classify(line: str) -> str:
    stripped = line.strip()
    if _SCENE_BREAK.match(stripped):
        return "break"
    if len(stripped) > 120:
        return "text"
    if _CHAPTER_HEADING.match(stripped):
        return "chapter"
    if _PART_HEADING.match(stripped) and len(stripped.split()) <= 8:
        return "part"
    if _MD_HEADING.match(stripped):
        return "heading"
    return "text"


def _blocks(source: Source) -> list[_Block]:
    text = source.text
    region_start, region_end = _body_region(text)
    blocks: list[_Block] = []
    for bstart, bend in _raw_blocks(text, region_start, region_end):
        for start, end in _split_lines(text, bstart, bend):
            chunk = text[start:end]
            first_line = chunk.split("\n", 1)[0]
            # A heading is one line; a multi-line block is prose that
            # merely starts with a word like "Chapter".
            kind = _classify(first_line)
            if "\n" in chunk and kind != "break":
                kind = "text"
            block = _Block(start, end, chunk, kind)
            if blocks and blocks[-1].kind == "part" and _is_title_line(block):
                block = _Block(start, end, chunk, "part")   # "BOOK ONE" / its title
            blocks.append(block)
    return blocks


def _is_title_line(block: _Block) -> bool:
    """An all-capitals short line right under a chapter heading is its title."""
    words = block.text.split()
    letters = [c for c in block.text if c.isalpha()]
    return (block.kind == "text" and 0 < len(words) <= 12 and "\n" not in block.text
            and bool(letters) and all(c.isupper() for c in letters))


def _heading_parts(line: str) -> tuple[int | None, str]:
    m = _CHAPTER_HEADING.match(line.strip())
    if not m:
        return None, line.strip().lstrip("#").strip()
    return parse_number(m.group("num")), m.group("title").strip().rstrip(".").strip()


def split_chapters(source: Source) -> tuple[ChapterText, ...]:
    """The chapters of a source file, each with its body paragraphs."""
    blocks = _blocks(source)
    has_chapter_headings = any(b.kind == "chapter" for b in blocks)
    groups: list[tuple[_Block | None, list[_Block]]] = []
    current: tuple[_Block | None, list[_Block]] = (None, [])
    for block in blocks:
        starts_chapter = block.kind == "chapter" or (
            not has_chapter_headings and block.kind == "heading"
            and block.text.startswith("# ") and current[0] is None
            and not any(b.kind == "text" for b in current[1]))
        if starts_chapter:
            if current[0] is not None or current[1]:
                groups.append(current)
            current = (block, [])
        else:
            current[1].append(block)
    groups.append(current)

    chapters: list[ChapterText] = []
    several = sum(1 for h, body in groups if _has_text(body)) > 1
    for heading, body in groups:
        if not _has_text(body):
            continue            # a table of contents line or front matter
        if heading is None and has_chapter_headings and several and not chapters:
            # Front matter before the first chapter heading: title page,
            # contents, epigraphs. Board it only if it is real prose.
            if sum(len(b.text.split()) for b in body if b.kind == "text") < 150:
                continue
        chapters.append(_make_chapter(source, heading, body, len(chapters), several))
    return tuple(_unique_slugs(chapters))


def _has_text(body: list[_Block]) -> bool:
    return any(b.kind == "text" for b in body)


def _make_chapter(source: Source, heading: _Block | None, body: list[_Block],
                  index: int, several: bool) -> ChapterText:
    number, title = (None, "")
    if heading is not None:
        number, title = _heading_parts(heading.text)
    body = list(body)
    if heading is not None and not title and body and _is_title_line(body[0]):
        title = body.pop(0).text.strip()
    # Leading part/volume headings belong to the chapter's front, not its body.
    paragraphs: list[Paragraph] = []
    breaks: list[int] = []
    for block in body:
        if block.kind == "text":
            paragraphs.append(Paragraph(len(paragraphs), block.start, block.end,
                                        block.text))
        elif block.kind == "break" and paragraphs:
            breaks.append(block.start)
    if number is None:
        number = _number_from_stem(source.path.stem) if not several else index + 1
    if not title:
        title = f"Chapter {number}"
    start = heading.start if heading is not None else paragraphs[0].start
    end = paragraphs[-1].end
    slug = chapter_slug(source.path.stem, number if several else None)
    return ChapterText(number=number, title=_clean_title(title), slug=slug,
                       start=start, end=end, paragraphs=tuple(paragraphs),
                       breaks=tuple(b for b in breaks if b < end))


def _clean_title(title: str) -> str:
    return re.sub(r"[*_]+", "", title).strip() or title


def _number_from_stem(stem: str) -> int:
    digits = re.findall(r"\d+", stem)
    return int(digits[-1]) if digits else 1


def _unique_slugs(chapters: list[ChapterText]):
    """Two chapters numbered alike (BOOK ONE ch. 1, BOOK TWO ch. 1) differ."""
    seen: dict[str, int] = {}
    for chapter in chapters:
        slug = chapter.slug
        if slug in seen:
            seen[slug] += 1
            slug = f"{slug}-{seen[chapter.slug]}"
        else:
            seen[slug] = 1
        if slug != chapter.slug:
            from dataclasses import replace
            chapter = replace(chapter, slug=slug)
        yield chapter
