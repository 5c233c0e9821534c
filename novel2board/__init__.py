"""novel2board: turn novel chapters into shot lists, AI prompts and storyboards.

    import novel2board
    result = novel2board.build(["chapters/"], out="out")

The stages, each a subpackage: read -> analyse -> scenes -> shots ->
prompts -> render.
"""

__version__ = "0.1.0"

from .errors import Novel2BoardError  # noqa: E402


def __getattr__(name: str):
    # `build` is imported on first use: the pipeline pulls in spaCy, Jinja2
    # and YAML, and the CLI must be inside its Ctrl-C handling (exit 130,
    # one line) before that slow import starts, not after.
    if name == "build":
        from .pipeline import build
        return build
    raise AttributeError(f"module 'novel2board' has no attribute {name!r}")

__all__ = ["Novel2BoardError", "__version__", "build"]
