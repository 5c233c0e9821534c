"""Decode a chapter file into the text every offset refers to.

Users feed novel2board whatever their writing tools export, so this is the
place that says, in one sentence, what a file is when it is not a chapter
(a Word document, a PDF, a picture), and reads the text that is a chapter in
the wrong encoding (Windows cp1252, latin-1, UTF-16) with a warning naming
the encoding and how to convert it, instead of refusing.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import stat
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model import ChapterText, Source

log = logging.getLogger(__name__)

CHAPTER_SUFFIXES = (".md", ".markdown", ".txt")

# Share of control characters above which a file is taken for binary.
_BINARY_SHARE = 0.05
# spaCy refuses a text longer than its `max_length` (1,000,000 characters by
# default); one paragraph that long means the file lost its paragraph breaks.
MAX_PARAGRAPH_CHARS = 1_000_000
# A long novel is 2-5 MB of text; a file 20 times that is not a manuscript.
MAX_FILE_BYTES = 100_000_000
# Below this many words the language guess is not worth making.
_MIN_WORDS_FOR_LANGUAGE = 20
# Share of words that are English function words ("the", "and", "she", ...)
# below which a text is taken for another language.  English prose runs at
# 0.4-0.55; German, French or Spanish prose at 0.02-0.15.
_MIN_ENGLISH_SHARE = 0.22
_LANGUAGE_SAMPLE_CHARS = 200_000

# Formats a writing tool exports that are not plain text, by their first bytes.
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (a Word .docx, OpenDocument .odt, Scrivener or "
                    "Pages file)", "save or export it as plain text (.txt) or Markdown (.md)"),
    (b"%PDF-", "a PDF", "export the chapter from your writing tool as plain text (.txt)"),
    (b"{\\rtf", "an RTF document", "save it as plain text (.txt) from your word processor"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc file", "save it as plain text (.txt)"),
    (b"\x89PNG", "a PNG image", "give the chapter's text file instead"),
    (b"\xff\xd8\xff", "a JPEG image", "give the chapter's text file instead"),
    (b"GIF8", "a GIF image", "give the chapter's text file instead"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
)
_UTF16_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
               (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def normalise_newlines(text: str) -> str:
    """Line endings as `open(..., encoding="utf-8-sig").read()` gives them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------ what is it?
def _known_format(data: bytes) -> tuple[str, str] | None:
    for magic, what, todo in _SIGNATURES:
        if data.startswith(magic):
            return what, todo
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when every other byte is NUL, as in UTF-16 ASCII text."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    if odd_nuls > 0.7 and even_nuls < 0.1:
        return "utf-16-le"
    if even_nuls > 0.7 and odd_nuls < 0.1:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > _BINARY_SHARE


def _few_stray_nuls(data: bytes) -> bool:
    """Text with a NUL or two in it (a glitch), rather than a binary file."""
    nuls = data.count(0)
    if not nuls or nuls > max(2, len(data) // 1000):
        return False
    return not _looks_binary(data.replace(b"\x00", b""))


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


# --------------------------------------------------------------- decoding
def _decode(data: bytes, path: Path) -> tuple[str, str, str | None]:
    """Text, the encoding it was read with, and a warning when not UTF-8.

    UTF-8 is the contract.  Text exported from older Windows tools is often
    cp1252 and some tools write UTF-16; both are read with a warning rather
    than refusing the chapter.  A UTF-8 file with a few broken bytes keeps
    its UTF-8 (reading it all as cp1252 would garble every curly quote).
    """
    for bom, codec in _UTF16_BOMS:
        if data.startswith(bom):
            return _decoded_with_note(data, codec, path, f"is {codec.upper()} text, not UTF-8")
    if codec := _utf16_without_bom(data):
        return _decoded_with_note(data, codec, path, "is UTF-16 text, not UTF-8")
    try:
        return data.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lenient = data.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd") - data.count("\ufffd".encode())
    good_multibyte = sum(1 for ch in lenient if ord(ch) > 127) - bad
    line = _line_of(data, first_bad)
    if good_multibyte > bad:
        note = (f"{path}:{line}: is UTF-8 with {bad} broken byte(s); each is shown "
                f"as \ufffd. Fix the text there, or re-export the file as UTF-8")
        return lenient, "utf-8", note
    codec = "cp1252" if _decodes(data, "cp1252") else "latin-1"
    note = (f"{path}:{line}: is not UTF-8; read it as {codec}, which it seems to be. "
            f"Convert it with `iconv -f {codec.upper()} -t UTF-8 {path.name} > "
            f"{path.stem}-utf8{path.suffix}` (or save as UTF-8 from your editor) to "
            "silence this; shots.json offsets refer to the decoded text")
    return data.decode(codec), codec, note


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _decoded_with_note(data: bytes, codec: str, path: Path,
                       what: str) -> tuple[str, str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"{what}, and could not be decoded", path=path,
                         hint="save it as UTF-8 from your editor") from None
    text = text.lstrip("\ufeff")
    note = (f"{path}: {what}; read it as {codec.upper()}. Convert it with `iconv -f "
            f"{codec.upper()} -t UTF-8` (or save as UTF-8 from your editor) to silence "
            "this; shots.json offsets refer to the decoded text")
    return text, codec, note


# ---------------------------------------------------------------- reading
def read_source(path: Path) -> Source:
    """Read one chapter file; refuse what cannot be a chapter, saying what it is."""
    data = _read_bytes(path)
    if known := _known_format(data):
        what, todo = known
        raise InputError(f"is {what}, not a plain-text chapter", path=path, hint=todo)
    wide = _utf16_without_bom(data) is not None or data.startswith(
        tuple(bom for bom, _ in _UTF16_BOMS))
    if not wide and _few_stray_nuls(data):
        raise InputError("contains a NUL byte, which plain text never has", path=path,
                         line=_line_of(data, data.index(0)),
                         hint="delete it (an editor may show it as ^@ or \\0), or "
                              "export the chapter again")
    if not wide and _looks_binary(data):
        raise InputError("looks like a binary file, not a chapter", path=path,
                         hint="give a .md or .txt file; export it from your "
                              "writing tool as plain text")
    text, encoding, note = _decode(data, path)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError("is empty" if not text else "holds only blank space", path=path,
                         hint="write the chapter, or leave the file out")
    notes = []
    if note:
        log.warning("%s", note)
        notes.append(note)
    if language := language_note(text, path):
        log.warning("%s", language)
        notes.append(language)
    digest = hashlib.sha256(data).hexdigest()
    source = Source(path=path, text=text, sha256=digest, encoding=encoding)
    return replace(source, notes=tuple(notes)) if notes else source


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; only a regular file of a chapter's size is read.

    A device or a pipe given by mistake (`/dev/zero`, a FIFO) would never
    end, and a multi-gigabyte file would fill the memory before any check.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory", path=path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a device, pipe or socket)",
                             path=path, hint="give a .md or .txt chapter file")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(f"is {info.st_size / 1e6:,.0f} MB, too big for a chapter or "
                             f"a manuscript (the limit is {MAX_FILE_BYTES / 1e6:,.0f} MB)",
                             path=path, hint="split it into smaller files")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory", path=path) from None
    except PermissionError:
        raise InputError("permission denied", path=path,
                         hint="make the file readable") from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=path,
                         hint="check the file") from None


# --------------------------------------------------------------- language
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Markup and URLs are not prose: tags, link targets, bare URLs.
_NOT_PROSE = re.compile(r"<[^>\n]*>|\]\([^)\n]*\)|\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def english_share(text: str) -> tuple[float, int]:
    """Share of words that are English stop words, and the number of words."""
    try:
        from spacy.lang.en.stop_words import STOP_WORDS  # a word list, not the model
    except ImportError:     # no spaCy: load_nlp will say how to install it
        return 1.0, 0

    prose = _NOT_PROSE.sub(" ", text[:_LANGUAGE_SAMPLE_CHARS])
    words = _WORD.findall(prose.lower())
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w.replace("\u2019", "'") in STOP_WORDS)
    return hits / len(words), len(words)


def language_note(text: str, path: Path) -> str | None:
    """A warning when the text does not look like English, else None."""
    share, words = english_share(text)
    if words < _MIN_WORDS_FOR_LANGUAGE or share >= _MIN_ENGLISH_SHARE:
        return None
    return (f"{path}: does not look like English ({share:.0%} English function words, "
            "against 40-55% in English prose); novel2board's language analysis is "
            "English-only, so it boards with reduced features: characters, speakers, "
            "places and times of day may be missed or wrong")


def check_paragraph_lengths(source: Source, chapters: tuple[ChapterText, ...]) -> None:
    """Refuse a paragraph too long to parse: the file lost its paragraph breaks."""
    for chapter in chapters:
        for para in chapter.paragraphs:
            if para.end - para.start > MAX_PARAGRAPH_CHARS:
                line = source.text.count("\n", 0, para.start) + 1
                raise InputError(
                    f"one paragraph here is {para.end - para.start:,} characters long; "
                    f"novel2board reads paragraphs of up to {MAX_PARAGRAPH_CHARS:,}",
                    path=source.path, line=line,
                    hint="the file seems to have lost its paragraph breaks: export it "
                         "again with a blank line between paragraphs")


# ------------------------------------------------------------------ files
def find_chapter_files(paths: list[Path]) -> list[Path]:
    """Expand directories to the chapter files in them, in natural order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted((p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in CHAPTER_SUFFIXES
                            and not p.name.startswith(".")),
                           key=natural_key)
            if not found:
                raise InputError(
                    "holds no chapter files", path=path,
                    hint="put .md, .markdown or .txt chapters in it")
            files.extend(found)
        elif path.exists():
            if path.suffix.lower() not in CHAPTER_SUFFIXES:
                # Named on purpose, so read it; but a binary export is refused
                # later by its content, and the user should know we guessed.
                log.warning("%s: not a .md, .markdown or .txt file; reading it as "
                            "plain text", path)
            files.append(path)
        else:
            raise InputError("no such file or directory", path=path,
                             hint="check the path")
    # The same file named twice (ch.md and ./ch.md, or a path and its folder)
    # is boarded once.
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def natural_key(path: Path) -> list:
    """chapter2 before chapter10."""
    return [int(part) if part.isdigit() else part.lower()
            for part in re.split(r"(\d+)", path.name)]
