"""novel2board: turn novel chapters into shot lists, AI prompts and storyboards.

    import novel2board
    result = novel2board.build(["chapters/"], out="out")

The stages, each a subpackage: read -> analyse -> scenes -> shots ->
prompts -> render.
"""

__version__ = "0.1.0"

from .errors import Novel2BoardError  # noqa: E402
from .pipeline import build  # noqa: E402

__all__ = ["Novel2BoardError", "__version__", "build"]
