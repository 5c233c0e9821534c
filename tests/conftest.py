"""Shared fixtures. Tests never need ../shared: they use chapters/ and text
written here."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"


@pytest.fixture(scope="session")
def nlp():
    from novel2board.analyse import load_nlp
    return load_nlp()


@pytest.fixture
def write_chapter(tmp_path):
    """Write a chapter file into a temporary folder and return its path."""
    def write(text: str, name: str = "chapter.md", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path
    return write


@pytest.fixture
def analyse(nlp):
    """Read a chapter written in a test and analyse it: text -> Analysis."""
    from novel2board.analyse import analyse_chapter, parse_paragraphs
    from novel2board.config import Config
    from novel2board.model import Source
    from novel2board.read import split_chapters

    def run(text: str, config: Config | None = None):
        chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
        return analyse_chapter(chapter, parse_paragraphs(chapter, nlp), config or Config())
    return run
