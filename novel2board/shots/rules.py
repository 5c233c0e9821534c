"""The shot rules (templates/rules.yaml) loaded, checked and compiled.

A rule's cue is a named built-in cue or a spaCy Matcher pattern list; the
planner asks `Rules.matches(rule, doc, keep)` without knowing which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..resources import find_file, load_yaml_file

BUILTIN_CUES = {
    "scene-opening": "the first paragraph of a scene",
    "three-or-more": "three or more characters named or acting in the paragraph",
    "first-appearance": "a character named for the first time in the scene",
    "any-character": "any character named or acting in the paragraph",
    "always": "every paragraph (a fallback)",
    "complex-motion": "several characters and movement in one shot",
    "long-close-up": "a CU/ECU held longer than 4 seconds",
    "longer-than-clip": "a shot longer than the video tool's longest clip",
}
SIZES = ("EWS", "WS", "FS", "MS", "MCU", "CU", "ECU", "INSERT")
FRAMINGS = ("single", "two-shot", "group", "OTS", "POV", "none")
ANGLES = ("eye-level", "high", "low", "dutch", "overhead", "worms-eye")
MOVES = ("static", "pan", "tilt", "dolly-in", "dolly-out", "truck", "pedestal",
         "crane", "tracking", "handheld", "orbit", "zoom")


@dataclass(frozen=True)
class ShotSpec:
    size: str
    framing: str
    angle: str
    movement: str
    duration_s: float = 3.0
    lens_mm: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    cue: str | None                 # a built-in cue name, or None for a matcher
    shot: ShotSpec | None
    why: str = ""
    suggest: str = ""


@dataclass
class Rules:
    rules: tuple[Rule, ...]
    dialogue: dict
    flags: tuple[Rule, ...]
    lens_by_size: dict
    action_s_per_word: float
    max_action_s: float
    path: Path
    _matcher: object = field(default=None, repr=False)

    def compile(self, nlp, data: dict) -> None:
        """One spaCy Matcher holding every rule's and flag's patterns."""
        from spacy.matcher import Matcher
        matcher = Matcher(nlp.vocab)
        for section in ("rules", "flags"):
            entries = data.get(section) or []
            items = entries.items() if isinstance(entries, dict) else \
                ((e.get("id"), e) for e in entries)
            for rid, entry in items:
                cue = entry.get("cue") if section == "rules" else entry
                if isinstance(cue, dict) and cue.get("matcher"):
                    try:
                        matcher.add(f"{section}:{rid}", cue["matcher"])
                    except (ValueError, KeyError, TypeError) as exc:
                        raise ConfigError([(None, f"rule '{rid}': bad Matcher pattern: "
                                                  f"{str(exc).splitlines()[0]}")],
                                          self.path) from None
        self._matcher = matcher

    def matched(self, doc, keep) -> set[str]:
        """Ids ("rules:<id>", "flags:<id>") whose patterns match outside quotes."""
        found = set()
        for match_id, start, end in self._matcher(doc):
            if keep(doc[start].idx):
                found.add(doc.vocab.strings[match_id])
        return found


def load_rules(project_root: Path | None, override: Path | None, nlp) -> Rules:
    path = override or find_file("rules.yaml", project_root)
    if not path.is_file():
        raise ConfigError([(None, "no such rules file; check planner.rules")], path)
    data = load_yaml_file(path) or {}
    problems: list[tuple[int | None, str]] = []
    rules = tuple(_rule(entry, problems) for entry in data.get("rules") or [])
    flags = tuple(Rule(id=str(fid), cue=(entry.get("cue") if isinstance(entry.get("cue"), str) else None),
                       shot=None, suggest=str(entry.get("suggest", "")))
                  for fid, entry in (data.get("flags") or {}).items())
    for rule in (*rules, *flags):
        if rule.cue is not None and rule.cue not in BUILTIN_CUES:
            problems.append((None, f"rule '{rule.id}': unknown cue '{rule.cue}' "
                                   f"(built-in cues: {', '.join(BUILTIN_CUES)})"))
    if problems:
        raise ConfigError(problems, path)
    defaults = data.get("defaults") or {}
    result = Rules(rules=rules, dialogue=data.get("dialogue") or {}, flags=flags,
                   lens_by_size=dict(defaults.get("lens_mm") or {}),
                   action_s_per_word=float(defaults.get("action_s_per_word", 0.06)),
                   max_action_s=float(defaults.get("max_action_s", 8)), path=path)
    result.compile(nlp, data)
    return result


def _rule(entry: dict, problems) -> Rule:
    rid = str(entry.get("id", "?"))
    cue = entry.get("cue")
    shot = entry.get("shot") or {}
    spec = ShotSpec(size=shot.get("size", "MS"), framing=shot.get("framing", "single"),
                    angle=shot.get("angle", "eye-level"),
                    movement=shot.get("movement", "static"),
                    duration_s=float(shot.get("duration_s", 3)),
                    lens_mm=shot.get("lens_mm"))
    for value, allowed, what in ((spec.size, SIZES, "size"), (spec.framing, FRAMINGS, "framing"),
                                 (spec.angle, ANGLES, "angle"), (spec.movement, MOVES, "movement")):
        if value not in allowed:
            problems.append((None, f"rule '{rid}': {what} '{value}' is not one of "
                                   f"{', '.join(allowed)}"))
    return Rule(id=rid, cue=cue if isinstance(cue, str) else None, shot=spec,
                why=str(entry.get("why", "")))
