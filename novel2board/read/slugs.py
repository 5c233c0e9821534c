"""Folder names made from file stems: safe on every file system, never `../`."""

from __future__ import annotations

import unicodedata

_MAX_LEN = 60
# Names Windows refuses for a file or folder, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens; never empty.  Latin
    letters lose their accents ("Café" -> "cafe"); the letters of other
    scripts stay as they are ("Глава 1" -> "глава-1", "第一章"), so a folder
    of Cyrillic or CJK file names does not become "chapter" many times."""
    plain = _without_latin_accents(text).lower()
    # A letter's marks (a Devanagari vowel sign) are part of the word.
    kept = "".join(ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " "
                   for ch in plain)
    slug = "-".join(kept.split())
    slug = unicodedata.normalize("NFC", slug)[:_MAX_LEN].rstrip("-")
    if not slug:
        slug = "chapter"
    if slug in _RESERVED:
        slug = f"{slug}-chapter"
    return slug


def _without_latin_accents(text: str) -> str:
    """NFKD, then the combining marks on ASCII letters dropped; marks on the
    letters of other scripts kept (a Cyrillic "й" stays "й")."""
    out: list[str] = []
    base_is_ascii = False
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            if not base_is_ascii:
                out.append(ch)
            continue
        base_is_ascii = ch.isascii()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def chapter_slug(stem: str, number: int | None, prefix: str = "") -> str:
    """`chapter3` alone; `novel-07` for one chapter of many; `novel-letter-02`,
    `novel-book-2-01`, `novel-prologue` when a prefix tells chapters apart."""
    parts = [slugify(stem)]
    if prefix:
        parts.append(slugify(prefix))
    if number is not None:
        parts.append(f"{number:02d}")
    return "-".join(parts)


def id_slug(name: str) -> str:
    """An id for a character or location ("Ilse Marr" -> "ilse-marr")."""
    return slugify(name) if name.strip() else "unnamed"
