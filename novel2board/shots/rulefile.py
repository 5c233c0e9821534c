"""Checking a rules file (templates/rules.yaml) before anything uses it.

Every problem is collected with its line number and reported at once, in
the style of novel2board.yaml's ConfigError: an unknown key gets a "did you
mean", a wrong value names the allowed ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from .. import yamlcheck
from ..yamlcheck import check_mapping, did_you_mean

SIZES = ("EWS", "WS", "FS", "MS", "MCU", "CU", "ECU", "INSERT")
FRAMINGS = ("single", "two-shot", "group", "OTS", "POV", "none")
ANGLES = ("eye-level", "high", "low", "dutch", "overhead", "worms-eye")
MOVES = ("static", "pan", "tilt", "dolly-in", "dolly-out", "truck", "pedestal",
         "crane", "tracking", "handheld", "orbit", "zoom")
NUMBER = (int, float)
ANY = object()          # a value not checked here (a spaCy pattern is checked by spaCy)
ANY_KEY = "*"           # a mapping whose keys are names the user chooses

SHOT = {"size": str, "framing": str, "angle": str, "movement": str,
        "duration_s": NUMBER, "lens_mm": int}
CUE = {"matcher": ANY, "dependency": ANY}
RULE = {"id": str, "cue": (str, CUE), "needs": str, "shot": SHOT, "why": str,
        "keep_apart": bool}
DIALOGUE_SHOT = {"id": str, **SHOT}
SCHEMA: dict[str, Any] = {
    "defaults": {"lens_mm": {ANY_KEY: int}, "action_s_per_word": NUMBER,
                 "max_action_s": NUMBER, "establish_on": [str],
                 "words_per_shot": NUMBER, "max_shots_per_paragraph": int,
                 "scenery_max_shots": int, "exchange_gap": int,
                 "body_parts": [str], "summary_paragraphs": int,
                 "summary_max_words": int},
    "rules": [RULE],
    "dialogue": {"opening": DIALOGUE_SHOT, "exchange": DIALOGUE_SHOT,
                 "single": DIALOGUE_SHOT, "group": DIALOGUE_SHOT,
                 "reaction": DIALOGUE_SHOT, "tighten": [str],
                 "max_shot_s": NUMBER, "action_s": NUMBER, "absorb_words": int,
                 "speech_verbs": [str], "heat": {"matcher": ANY, "dependency": ANY}},
    "flags": {ANY_KEY: {"matcher": ANY, "dependency": ANY, "cue": str, "suggest": str}},
}
NEEDS = ("character", "listener", "thing")
# (low, high) of every number in a rules file, by its key: a 0 or a 1e-300
# would divide by zero or fill memory, a negative duration means nothing.
RANGES = {"duration_s": (0.1, 600), "lens_mm": (8, 1200), "action_s_per_word": (0, 10),
          "max_action_s": (0.1, 600), "words_per_shot": (1, 10000),
          "max_shots_per_paragraph": (1, 100), "scenery_max_shots": (1, 100),
          "exchange_gap": (0, 1000), "summary_paragraphs": (1, 100),
          "summary_max_words": (1, 1000), "max_shot_s": (0.5, 600), "action_s": (0, 60),
          "absorb_words": (0, 10000)}
REQUIRED_RULE_KEYS = ("id", "cue", "shot")


def check_rule_file(text: str, path: Path) -> tuple[Any, list[tuple[int | None, str]]]:
    """The file's data and every problem found in it (line, message); a
    ConfigError only when it is not YAML at all."""
    root = yamlcheck.compose(text, path)
    if root is None:
        raise ConfigError([(None, "is empty; it needs a `rules:` list")], path)
    problems: list[tuple[int | None, str]] = []
    _check(root, SCHEMA, "", problems)
    if isinstance(root, yaml.MappingNode):
        _check_rule_values(root, problems)
    data = yamlcheck.construct(root)
    return (data if isinstance(data, dict) else {}), problems


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check(node: yaml.Node, schema: Any, where: str, problems: list) -> None:
    if schema is ANY:
        return
    if isinstance(schema, tuple) and any(isinstance(s, dict) for s in schema):
        # a string or a mapping (a rule's cue)
        if isinstance(node, yaml.MappingNode):
            _check(node, next(s for s in schema if isinstance(s, dict)), where, problems)
        elif not isinstance(node, yaml.ScalarNode):
            problems.append((_line(node), f"'{where}' should be a built-in cue name "
                                          "or a mapping with matcher: or dependency:"))
        return
    if isinstance(schema, dict):
        _check_mapping(node, schema, where, problems)
    elif isinstance(schema, list):
        if not isinstance(node, yaml.SequenceNode):
            problems.append((_line(node), f"'{where}' should be a list"))
            return
        for i, item in enumerate(node.value):
            _check(item, schema[0], f"{where}[{i}]", problems)
    else:
        _check_scalar(node, schema, where, problems)


def _check_mapping(node, schema: dict, where: str, problems: list) -> None:
    seen = check_mapping(node, schema, where, problems, _check, any_key=ANY_KEY)
    if seen is not None and schema is RULE:
        for key in REQUIRED_RULE_KEYS:
            if key not in seen:
                problems.append((_line(node), f"{where} needs a '{key}'"))


def _check_scalar(node, schema, where: str, problems: list) -> None:
    if not isinstance(node, yaml.ScalarNode):
        problems.append((_line(node), f"'{where}' should be a single value"))
        return
    value = yaml.safe_load(node.value) if node.style is None else node.value
    allowed = schema if isinstance(schema, tuple) else (schema,)
    ok = isinstance(value, allowed) and (bool in allowed or not isinstance(value, bool))
    # A number where text is expected is fine as text (`id: 7`).
    ok = ok or (allowed == (str,) and isinstance(value, NUMBER) and not isinstance(value, bool))
    if not ok:
        what = "true or false" if bool in allowed else "a number" if float in allowed \
            else "a whole number" if int in allowed else "text"
        problems.append((_line(node), f"'{where}' should be {what}, not {value!r}"))
        return
    key = "lens_mm" if ".lens_mm." in where else where.rsplit(".", 1)[-1]
    if key in RANGES and (int in allowed or float in allowed) \
            and isinstance(value, NUMBER) and not isinstance(value, bool):
        low, high = RANGES[key]
        if not low <= value <= high:
            problems.append((_line(node), f"'{where}' is {value}; it should be between "
                                          f"{low} and {high}"))


def _check_rule_values(root: yaml.MappingNode, problems: list) -> None:
    """Sizes, framings, angles, moves and `needs` against their allowed words."""
    allowed = {"size": SIZES, "framing": FRAMINGS, "angle": ANGLES, "movement": MOVES}
    for key_node, value_node in root.value:
        if key_node.value == "rules" and isinstance(value_node, yaml.SequenceNode):
            for i, rule in enumerate(value_node.value):
                _check_words(rule, f"rules[{i}]", allowed, problems)
        if key_node.value == "dialogue" and isinstance(value_node, yaml.MappingNode):
            for k, entry in value_node.value:
                if isinstance(entry, yaml.MappingNode):
                    _check_shot_words(entry, f"dialogue.{k.value}", allowed, problems)
                if k.value == "tighten" and isinstance(entry, yaml.SequenceNode):
                    for item in entry.value:
                        _check_word(item, "dialogue.tighten", SIZES, problems)


def _check_words(rule, where: str, allowed: dict, problems: list) -> None:
    if not isinstance(rule, yaml.MappingNode):
        return
    for key_node, value_node in rule.value:
        if key_node.value == "shot" and isinstance(value_node, yaml.MappingNode):
            _check_shot_words(value_node, f"{where}.shot", allowed, problems)
        if key_node.value == "needs":
            _check_word(value_node, f"{where}.needs", NEEDS, problems)


def _check_shot_words(shot, where: str, allowed: dict, problems: list) -> None:
    for key_node, value_node in shot.value:
        if key_node.value in allowed:
            _check_word(value_node, f"{where}.{key_node.value}", allowed[key_node.value],
                        problems)


def _check_word(node, where: str, words: tuple, problems: list) -> None:
    if not isinstance(node, yaml.ScalarNode) or node.value in words:
        return
    hint = did_you_mean(node.value, words, cutoff=0.5)
    problems.append((_line(node), f"'{where}' is '{node.value}', not one of "
                                  f"{', '.join(words)}{hint}"))
