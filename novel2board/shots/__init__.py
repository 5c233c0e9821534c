"""Stage 4, shots: film grammar from templates/rules.yaml, scene by scene."""

from .planner import PlanContext, plan_chapter
from .rules import Rules, load_rules
from .summary import summarise_scenes

__all__ = ["PlanContext", "Rules", "load_rules", "plan_chapter", "summarise_scenes"]
