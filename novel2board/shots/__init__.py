"""Stage 4, shots: film grammar from templates/rules.yaml, scene by scene."""

from .planner import PlanContext, plan_chapter
from .rules import Rules, load_rules

__all__ = ["PlanContext", "Rules", "load_rules", "plan_chapter"]
