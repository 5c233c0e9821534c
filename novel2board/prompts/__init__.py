"""Stage 5, prompts: image and video prompt drafts from templates/prompts/."""

from .draft import IMAGE_TOOLS, PromptDrafter, clip_length, stable_seed, undescribed_warning

__all__ = ["IMAGE_TOOLS", "PromptDrafter", "clip_length", "stable_seed", "undescribed_warning"]
