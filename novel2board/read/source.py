"""Decode a chapter file into the text every offset refers to."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ..errors import InputError
from ..model import Source

log = logging.getLogger(__name__)

CHAPTER_SUFFIXES = (".md", ".markdown", ".txt")

# Share of control characters above which a file is taken for binary.
_BINARY_SHARE = 0.05


def normalise_newlines(text: str) -> str:
    """Line endings as `open(..., encoding="utf-8-sig").read()` gives them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and control / len(sample) > _BINARY_SHARE


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Text and the encoding it was read with.

    UTF-8 is the contract; text exported from older Windows tools is often
    cp1252, which we read with a warning rather than refusing the chapter.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for fallback in ("cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        log.warning(
            "%s is not UTF-8 (byte %d); read it as %s. Offsets in shots.json "
            "refer to the text as decoded; convert the file with "
            "`iconv -f %s -t utf-8` to silence this.",
            path, utf8_error.start, fallback, fallback.upper())
        return text, fallback
    raise InputError("is not UTF-8 text", path=path,
                     hint="convert it with `iconv -t utf-8`")  # pragma: no cover


def read_source(path: Path) -> Source:
    """Read one chapter file; refuse what cannot be a chapter."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path,
                         hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory", path=path) from None
    except PermissionError:
        raise InputError("permission denied", path=path,
                         hint="make the file readable") from None
    if _looks_binary(data):
        raise InputError("looks like a binary file, not a chapter", path=path,
                         hint="give a .md or .txt file; export it from your "
                              "writing tool as plain text")
    text, encoding = _decode(data, path)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError("is empty", path=path,
                         hint="write the chapter, or leave the file out")
    digest = hashlib.sha256(data).hexdigest()
    return Source(path=path, text=text, sha256=digest, encoding=encoding)


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
            files.append(path)
        else:
            raise InputError("no such file or directory", path=path,
                             hint="check the path")
    return files


def natural_key(path: Path) -> list:
    """chapter2 before chapter10."""
    import re
    return [int(part) if part.isdigit() else part.lower()
            for part in re.split(r"(\d+)", path.name)]
