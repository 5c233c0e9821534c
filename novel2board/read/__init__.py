"""Stage 1, read: files -> decoded sources -> chapters of paragraphs."""

from .chapters import split_chapters
from .slugs import slugify
from .source import find_chapter_files, read_source

__all__ = ["find_chapter_files", "read_source", "slugify", "split_chapters"]
