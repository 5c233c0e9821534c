"""Stage 3, scenes: breaks, time jumps and changes of place -> sluglines."""

from .split import SceneCues, slugline, split_scenes

__all__ = ["SceneCues", "slugline", "split_scenes"]
