"""Stage 2, analyse: quotes, characters, speakers and places of a chapter."""

from .chapter import NARRATOR_ID, analyse_chapter, parse_paragraphs
from .nlp import load_nlp, model_id

__all__ = ["NARRATOR_ID", "analyse_chapter", "load_nlp", "model_id", "parse_paragraphs"]
