"""Folder names made from file stems: safe on every file system, never `../`."""

from __future__ import annotations

import re
import unicodedata

_MAX_LEN = 60
# Names Windows refuses for a file or folder, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def slugify(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:_MAX_LEN].rstrip("-")
    if not slug:
        slug = "chapter"
    if slug in _RESERVED:
        slug = f"{slug}-chapter"
    return slug


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
