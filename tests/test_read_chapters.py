"""Reading: chapters, paragraphs and scene-break markers, with offsets into
the source file.  Every text here is written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from novel2board.model import Source
from novel2board.read import read_source, split_chapters
from novel2board.read.chapters import parse_number

PROSE_A = ("The kettle had boiled twice before anyone noticed. Mara poured it "
           "into the pot and waited, watching the steam climb the window.")
PROSE_B = ("Outside the harbour lights came on one by one, yellow and uncertain, "
           "and the gulls settled on the railings for the night.")
PROSE_C = "Nobody came up the stairs. She drank her tea alone."


def chapters_of(text: str, name: str = "book.md"):
    return split_chapters(Source(path=Path(name), text=text, sha256=""))


def assert_offsets(text: str, chapters) -> None:
    """Every paragraph is exactly its slice of the source text, in order."""
    last_end = 0
    for chapter in chapters:
        for para in chapter.paragraphs:
            assert text[para.start:para.end] == para.text
            assert para.start >= last_end
            last_end = para.end
        for brk in chapter.breaks:
            assert not any(p.start <= brk < p.end for p in chapter.paragraphs)


def book(*headings: str, body: str = PROSE_A + "\n\n" + PROSE_B) -> str:
    return "".join(f"{h}\n\n{body}\n\n" for h in headings)


# ------------------------------------------------------------ heading styles
@pytest.mark.parametrize("headings, numbers, titles", [
    (["# Chapter 3: The Harbour", "# Chapter 4: The Stairs"], [3, 4],
     ["The Harbour", "The Stairs"]),
    (["Chapter 12", "Chapter 13"], [12, 13], ["Chapter 12", "Chapter 13"]),
    (["CHAPTER XII.", "CHAPTER XIII."], [12, 13], ["Chapter 12", "Chapter 13"]),
    (["CHAPTER TWELVE", "CHAPTER TWENTY-ONE"], [12, 21], ["Chapter 12", "Chapter 21"]),
    (["Chapter One: Salt", "Chapter Two: Rope"], [1, 2], ["Salt", "Rope"]),
    (["_Chapter I_", "_Chapter II_"], [1, 2], ["Chapter 1", "Chapter 2"]),
    (["## Chapter 5 - Low Tide", "## Chapter 6 - High Tide"], [5, 6], ["Low Tide", "High Tide"]),
    (["CHAPTER I. The Harbour", "CHAPTER II. The Stairs"], [1, 2], ["The Harbour", "The Stairs"]),
    (["Chapter the First", "Chapter the Second"], [1, 2], ["Chapter 1", "Chapter 2"]),
    (["CHAPTER 1 \u2014 THE HARBOUR", "CHAPTER 2 \u2014 THE STAIRS"], [1, 2],
     ["THE HARBOUR", "THE STAIRS"]),
    (["Chapter iv", "Chapter v"], [4, 5], ["Chapter 4", "Chapter 5"]),
])
def test_heading_styles(headings, numbers, titles):
    text = book(*headings)
    found = chapters_of(text)
    assert [c.number for c in found] == numbers
    assert [c.title for c in found] == titles
    assert all(len(c.paragraphs) == 2 for c in found)
    assert_offsets(text, found)


def test_title_on_the_line_below_the_heading():
    text = ("CHAPTER ONE\n\nTHE KETTLE\n\n" + PROSE_A + "\n\nCHAPTER TWO\n\n"
            "Out to Sea\n\n" + PROSE_B + "\n\nChapter 3.\nThe Missing Key.\n\n\n" + PROSE_C + "\n")
    found = chapters_of(text)
    assert [c.title for c in found] == ["THE KETTLE", "Out to Sea", "The Missing Key"]
    assert [len(c.paragraphs) for c in found] == [1, 1, 1]


def test_first_line_of_dialogue_is_not_a_title():
    text = "Chapter 1\n\n\u201cMARA!\u201d\n\n" + PROSE_A + "\n\nChapter 2\n\n" + PROSE_B + "\n"
    first = chapters_of(text)[0]
    assert first.title == "Chapter 1"
    assert first.paragraphs[0].text == "\u201cMARA!\u201d"


@pytest.mark.parametrize("part", ["VOLUME I", "BOOK TWO", "PART ONE", "Book First",
                                  "PART ONE--The Coast"])
def test_part_headings_above_chapters_are_not_chapters(part):
    text = f"{part}\n\n" + book("CHAPTER I", "CHAPTER II")
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2]
    assert all(part.split()[0] not in p.text for c in found for p in c.paragraphs)


def test_books_restarting_their_chapter_numbers_get_distinct_slugs():
    text = ("BOOK ONE\n\nTHE COAST\n\n" + book("CHAPTER ONE", "CHAPTER TWO")
            + "BOOK TWO\n\nTHE HILLS\n\n" + book("CHAPTER ONE", "CHAPTER TWO"))
    found = chapters_of(text, "novel.txt")
    assert [c.slug for c in found] == ["novel-book-1-01", "novel-book-1-02",
                                       "novel-book-2-01", "novel-book-2-02"]
    # The book's own title line is neither a chapter nor a paragraph.
    assert all("THE HILLS" not in p.text for c in found for p in c.paragraphs)


def test_letters_then_chapters():
    text = book("Letter 1", "Letter 2") + book("Chapter 1", "Chapter 2")
    found = chapters_of(text, "novel.txt")
    assert [c.title for c in found] == ["Letter 1", "Letter 2", "Chapter 1", "Chapter 2"]
    assert [c.slug for c in found] == ["novel-letter-01", "novel-letter-02",
                                       "novel-01", "novel-02"]


def test_prologue_and_epilogue():
    text = book("PROLOGUE", "Chapter 1", "Chapter 2", "EPILOGUE")
    found = chapters_of(text, "novel.md")
    assert [c.title for c in found] == ["Prologue", "Chapter 1", "Chapter 2", "Epilogue"]
    assert [c.number for c in found] == [0, 1, 2, 3]
    assert found[0].slug == "novel-prologue"


def test_bare_numerals_are_chapters_when_they_count_up_over_prose():
    long_body = "\n\n".join([PROSE_A, PROSE_B] * 12)
    text = book("I.", "II.", "III.", body=long_body)
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2, 3]


def test_numbered_stanzas_of_a_poem_are_not_chapters():
    long_body = "\n\n".join([PROSE_A, PROSE_B] * 12)
    text = (long_body + "\n\nI.\n\nThe sea is grey.\n\nII.\n\nThe sky is low.\n\n"
            "III.\n\nThe gulls go home.\n\n" + long_body + "\n")
    found = chapters_of(text)
    assert len(found) == 1
    assert "The sky is low." in [p.text for p in found[0].paragraphs]


def test_numerals_inside_keyword_chapters_are_section_breaks():
    text = "CHAPTER I\n\nI\n\n" + PROSE_A + "\n\nII\n\n" + PROSE_B + "\n\nCHAPTER II\n\n" + PROSE_C
    found = chapters_of(text)
    assert len(found) == 2
    assert len(found[0].paragraphs) == 2 and len(found[0].breaks) == 1


def test_markdown_titles_repeated_at_one_level_are_chapters():
    text = "# The Harbour\n\n" + PROSE_A + "\n\n# The Stairs\n\n" + PROSE_B + "\n"
    found = chapters_of(text)
    assert [c.title for c in found] == ["The Harbour", "The Stairs"]


def test_single_markdown_title_names_the_one_chapter():
    text = "# The Harbour\n\n" + PROSE_A + "\n\n" + PROSE_B + "\n"
    (only,) = chapters_of(text, "chapter7.md")
    assert only.title == "The Harbour" and only.number == 7 and only.slug == "chapter7"


def test_setext_headings():
    text = "Chapter One\n===========\n\n" + PROSE_A + "\n\nChapter Two\n-----------\n\n" + PROSE_B
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2]
    assert all("===" not in p.text and "---" not in p.text for c in found for p in c.paragraphs)


@pytest.mark.parametrize("line", [
    "Chapter 3 was the worst thing she had ever written.",
    "I went home.",
    "Part of the roof had gone.",
])
def test_prose_that_starts_like_a_heading_is_prose(line):
    text = book("Chapter 1", "Chapter 2", body=line + "\n\n" + PROSE_A)
    found = chapters_of(text)
    assert len(found) == 2
    assert found[0].paragraphs[0].text == line


def test_parse_number():
    assert parse_number("XII") == 12
    assert parse_number("twenty-one") == 21
    assert parse_number("the First") == 1
    assert parse_number("civil") is None
    assert parse_number("42") == 42


# ---------------------------------------------------- encodings and layouts
def test_bom_and_crlf_keep_offsets_into_the_decoded_text(write_chapter):
    text = "# Chapter 2: Rope\r\n\r\n" + PROSE_A + "\r\n\r\n* * *\r\n\r\n" + PROSE_B + "\r\n"
    path = write_chapter("\ufeff" + text, name="c.md")
    source = read_source(path)
    assert source.text == open(path, encoding="utf-8-sig").read()
    (chapter,) = split_chapters(source)
    assert chapter.number == 2 and chapter.title == "Rope"
    assert [p.text for p in chapter.paragraphs] == [PROSE_A, PROSE_B]
    assert_offsets(source.text, [chapter])
    assert len(chapter.breaks) == 1


def wrap(text: str, width: int = 60) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def test_hard_wrapped_and_one_paragraph_per_line_read_alike():
    long_a, long_b = PROSE_A * 2, PROSE_B * 2
    flat = f"Chapter 1\n\n{long_a}\n\n{long_b}\n"
    wrapped = f"Chapter 1\n\n{wrap(long_a)}\n\n{wrap(long_b)}\n"
    (f,), (w,) = chapters_of(flat), chapters_of(wrapped)
    assert len(f.paragraphs) == len(w.paragraphs) == 2
    assert [" ".join(p.text.split()) for p in w.paragraphs] == [long_a, long_b]
    assert "\n" in w.paragraphs[0].text
    assert_offsets(wrapped, [w])


def test_one_paragraph_per_line_without_blank_lines():
    long_a, long_b, long_c = PROSE_A * 2, PROSE_B * 2, PROSE_C * 4
    text = f"Chapter 1\n\n{long_a}\n{long_b}\n{long_c}\n"
    (chapter,) = chapters_of(text)
    assert [p.text for p in chapter.paragraphs] == [long_a, long_b, long_c]


def test_hard_wrapped_paragraphs_without_blank_lines_split_at_short_lines():
    text = "Chapter 1\n\n" + wrap(PROSE_A * 2) + "\n" + wrap(PROSE_B * 2) + "\n" + wrap(PROSE_C) + "\n"
    (chapter,) = chapters_of(text)
    assert len(chapter.paragraphs) == 3
    assert_offsets(text, [chapter])


# ----------------------------------------------------------- break markers
@pytest.mark.parametrize("marker", ["* * *", "***", "*", "#", "---", "\u2042", "~~~", "~",
                                    "\u2766", "\u2022 \u2022 \u2022", "- - -", "_____", "\u00a7"])
def test_each_scene_break_marker(marker):
    text = f"# Chapter 1\n\n{PROSE_A}\n\n{marker}\n\n{PROSE_B}\n"
    (chapter,) = chapters_of(text)
    assert [p.text for p in chapter.paragraphs] == [PROSE_A, PROSE_B]
    assert chapter.breaks == (text.index(marker, text.index(PROSE_A)),)


def test_markdown_emphasis_stays_in_paragraph_text():
    body = f"She wrote: *02:11. Channel nine.* and _underlined_ it. {PROSE_C}"
    (chapter,) = chapters_of(f"# Chapter 1\n\n{body}\n")
    assert chapter.paragraphs[0].text == body


# --------------------------------------------- front matter, licence, contents
def test_gutenberg_header_and_licence_are_skipped():
    text = ("The Project Gutenberg eBook of Salt, by A. Writer\n\nThis eBook is for the use "
            "of anyone anywhere.\n\n*** START OF THE PROJECT GUTENBERG EBOOK SALT ***\n\n"
            + book("CHAPTER I", "CHAPTER II")
            + "*** END OF THE PROJECT GUTENBERG EBOOK SALT ***\n\nSection 1. General Terms "
            "of Use and Redistributing Project Gutenberg works.\n\n" + PROSE_C * 20 + "\n")
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2]
    assert all("Gutenberg" not in p.text for c in found for p in c.paragraphs)


def test_markdown_front_matter_is_skipped():
    text = "---\ntitle: Salt\nauthor: A. Writer\n---\n\n# Chapter 4: Rope\n\n" + PROSE_A + "\n"
    (chapter,) = chapters_of(text)
    assert chapter.number == 4 and [p.text for p in chapter.paragraphs] == [PROSE_A]


@pytest.mark.parametrize("contents", [
    "CONTENTS\n\nCHAPTER I. The Harbour\nCHAPTER II. The Stairs\nCHAPTER III. The Tea",
    "Contents\n\nChapter I\n\nChapter II\n\nChapter III",
    "Table of Contents\n\nChapter 1 .......... 5\nChapter 2 .......... 19\nChapter 3 .......... 33",
])
def test_table_of_contents_makes_no_chapters(contents):
    text = "SALT\n\nA Novel\n\n" + contents + "\n\n" + book("CHAPTER I", "CHAPTER II", "CHAPTER III")
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2, 3]
    assert all(len(c.paragraphs) == 2 for c in found)


def test_a_long_table_of_contents_of_titles_is_not_a_chapter():
    titles = "\n".join(f"The Harbour at Low Tide, Part {n} ........ {n * 7}" for n in range(1, 41))
    text = "Contents\n\n" + titles + "\n\n" + book("CHAPTER I", "CHAPTER II")
    found = chapters_of(text)
    assert [c.number for c in found] == [1, 2]


def test_long_prose_before_the_first_heading_is_kept():
    opening = "\n\n".join([PROSE_A, PROSE_B] * 8)
    found = chapters_of(opening + "\n\n" + book("Chapter 1", "Chapter 2"), "novel.md")
    assert [c.number for c in found] == [0, 1, 2]
    assert found[0].title == "Opening"
    assert len({c.slug for c in found}) == 3


def test_single_chapter_file_uses_the_number_in_its_name():
    (only,) = chapters_of(PROSE_A + "\n\n" + PROSE_B, "chapter12.txt")
    assert only.number == 12 and only.slug == "chapter12"


# ------------------------------------------------------------------ property
_WORDS = st.sampled_from("the harbour kettle Mara rope salt tide quietly said and "
                         "window stairs gulls night morning".split())
# Every sentence ends "in the rain.", so no paragraph reads as a title line.
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + " in the rain.")
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=6).map(" ".join)
_MARKERS = st.sampled_from(["* * *", "***", "#", "---", "\u2042", "~~~", "\u2766"])
_ITEM = st.one_of(_PARAGRAPH.map(lambda p: ("p", p)), _PARAGRAPH.map(lambda p: ("w", p)),
                  _MARKERS.map(lambda m: ("m", m)),
                  st.integers(1, 30).map(lambda n: ("h", f"Chapter {n}")),
                  st.sampled_from(["BOOK ONE", "PART TWO", "PROLOGUE", "# Chapter 9: Rope",
                                   "CHAPTER XII.", "Contents"]).map(lambda h: ("h", h)))


@settings(max_examples=150, deadline=None)
@given(st.lists(_ITEM, min_size=1, max_size=25), st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
def test_every_paragraph_is_read_once_with_offsets_into_the_source(items, gap):
    text = gap.join(wrap(body, 40) if kind == "w" else body for kind, body in items) + "\n"
    found = chapters_of(text)
    assert_offsets(text, found)
    read = [" ".join(p.text.split()) for c in found for p in c.paragraphs]
    prose = [" ".join(body.split()) for kind, body in items if kind in "pw"]
    # No paragraph is invented, dropped or read twice; only text before the
    # first heading may be skipped as front matter when it is short.
    assert read == prose[len(prose) - len(read):]
    if not any(kind == "h" for kind, _ in items):
        assert read == prose


def test_a_chapter_whose_only_paragraph_looks_like_a_title_keeps_it():
    """Found by hypothesis: the one short line under a heading was taken for
    the chapter's title, leaving a chapter with no paragraph (IndexError)."""
    from novel2board.model import Source
    source = Source(Path("x.md"), "The the the.\n\nChapter 1\n\nHarbour the the.", "0")
    (chapter,) = split_chapters(source)
    assert [p.text for p in chapter.paragraphs] == ["Harbour the the."]
