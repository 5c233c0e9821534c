"""The project file, novel2board.yaml: read, check everything, then build.

Every problem in the file is collected (with its line number, and a "did you
mean" for a misspelt key) and reported at once, so a user fixes the file in
one pass instead of one error per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .resources import read_regular_text
from . import yamlcheck
from .yamlcheck import check_mapping, did_you_mean

CONFIG_NAME = "novel2board.yaml"

# --------------------------------------------------------------- the schema
# A key maps to a type, a nested schema (dict), or a one-item list holding
# the schema of each element.  Types: str, int, float, bool, or a tuple of
# allowed types.
_MIDJOURNEY = {"version": (int, float, str), "sref": str, "sw": int,
               "stylize": int, "chaos": int, "raw": bool, "ow": int,
               "cw": int, "quality": (int, float), "extra": str}
_SDXL = {"checkpoint": str, "steps": int, "cfg": (int, float),
         "sampler": str, "scheduler": str, "lora": str}
_VIDEO = {"tool": str, "negative": str}
SCHEMA: dict[str, Any] = {
    "project": str,
    "author": str,
    "style": {"look": str, "aspect_ratio": str, "negative": str,
              "midjourney": _MIDJOURNEY, "sdxl": _SDXL, "flux": {"model": str},
              "video": _VIDEO},
    "characters": [{"name": str, "aliases": [str], "pronouns": str,
                    "description": str, "reference": str, "costume": str,
                    "lora": str, "trigger": str, "seed": int}],
    "locations": [{"name": str, "aliases": [str], "setting": str,
                   "description": str}],
    "planner": {"seconds_per_day": (int, float), "words_per_second": (int, float),
                "line_pause_s": (int, float), "rules": str,
                "max_clip_s": (int, float)},
    "output": {"layout": str, "paper": str, "variants": int, "formats": [str]},
}
_REQUIRED_IN_LISTS = {"characters": ("name",), "locations": ("name",)}
_SETTINGS = ("INT", "EXT", "INT/EXT")
_PRONOUNS = {"she": "female", "he": "male", "they": "unknown"}


# ------------------------------------------------------------ the results
@dataclass(frozen=True)
class CharacterBible:
    name: str
    aliases: tuple[str, ...] = ()
    pronouns: str | None = None
    description: str | None = None
    reference: str | None = None
    costume: str | None = None
    lora: str | None = None
    trigger: str | None = None
    seed: int | None = None
    line: int | None = None

    @property
    def gender(self) -> str:
        first = (self.pronouns or "").split("/")[0].strip().lower()
        return _PRONOUNS.get(first, "unknown")


@dataclass(frozen=True)
class LocationBible:
    name: str
    aliases: tuple[str, ...] = ()
    setting: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Style:
    look: str = ""
    aspect_ratio: str = "16:9"
    negative: str = ""
    midjourney: dict = field(default_factory=lambda: _with_keys(_MIDJOURNEY, None), hash=False)
    sdxl: dict = field(default_factory=lambda: _with_keys(_SDXL, None), hash=False)
    flux: dict = field(default_factory=lambda: _with_keys({"model": str}, None), hash=False)
    video: dict = field(default_factory=lambda: _with_keys(_VIDEO, None), hash=False)


@dataclass(frozen=True)
class PlannerSettings:
    seconds_per_day: float = 45.0
    words_per_second: float = 2.5
    line_pause_s: float = 0.7
    max_clip_s: float = 10.0
    rules: Path | None = None


@dataclass(frozen=True)
class OutputSettings:
    layout: str | None = None
    paper: str | None = None
    variants: int | None = None
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    project: str = ""
    author: str = ""
    style: Style = field(default_factory=Style)
    characters: tuple[CharacterBible, ...] = ()
    locations: tuple[LocationBible, ...] = ()
    planner: PlannerSettings = field(default_factory=PlannerSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    path: Path | None = None        # the file it came from, if any
    text: str = ""                  # its text, part of the cache key

    @property
    def root(self) -> Path:
        """The project folder: relative paths in the project file start here."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def templates_root(self) -> Path | None:
        """Where a templates/ override folder is looked for: next to the
        project file, and nowhere without one (README: "copy it into a
        templates/ folder next to your novel2board.yaml")."""
        return self.path.parent if self.path else None


# ------------------------------------------------------------- validation
def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _type_name(expected) -> str:
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    if isinstance(expected, tuple):
        if float in expected:      # "a number" already includes whole numbers
            expected = tuple(t for t in expected if t is not int)
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def _construct(node: yaml.Node) -> Any:
    try:
        return yamlcheck.construct(node)
    except yaml.constructor.ConstructorError as exc:
        # A tag the safe loader will not build (`!!python/object`, ...):
        # report it as a problem in the file, never run or trace it.
        raise _UnsafeTag(node, exc) from None


class _UnsafeTag(Exception):
    def __init__(self, node: yaml.Node, exc: yaml.constructor.ConstructorError):
        mark = exc.problem_mark or node.start_mark
        self.line = mark.line + 1
        found = re.search(r"tag '([^']+)'", exc.problem or "")
        tag = (found.group(1) if found else node.tag).replace("tag:yaml.org,2002:", "!!")
        self.message = (f"uses the YAML tag '{tag}', which novel2board does not "
                        "read; remove it and write the value as plain text")


def _check(node: yaml.Node, schema: Any, where: str,
           problems: list[tuple[int | None, str]]) -> None:
    if isinstance(schema, dict):
        seen = check_mapping(node, schema, where, problems, _check)
        if seen is None:
            return
        required = _REQUIRED_IN_LISTS.get(where.split("[")[0], ())
        if "[" in where:
            for key in required:
                if key not in seen:
                    problems.append((_line(node), f"{where} needs a '{key}'"))
        return
    if isinstance(schema, list):
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return
        if not isinstance(node, yaml.SequenceNode):
            hint = " (start each entry on its own line with '- ')" \
                if where in _REQUIRED_IN_LISTS else ""
            problems.append((_line(node), f"'{where}' should be a list{hint}"))
            return
        for i, item in enumerate(node.value):
            _check(item, schema[0], f"{where}[{i}]", problems)
        return
    # a scalar
    if not isinstance(node, yaml.ScalarNode):
        problems.append((_line(node), f"'{where}' should be {_type_name(schema)}"))
        return
    value = _construct(node)
    if value is None:
        return
    allowed = schema if isinstance(schema, tuple) else (schema,)
    if float in allowed:
        allowed = (*allowed, int)
    if isinstance(value, bool):
        ok = bool in allowed
    elif isinstance(value, allowed):
        ok = True
    else:
        # A number where text is expected is fine as text (`sref: 1234567`).
        ok = allowed == (str,) and isinstance(value, (int, float))
    if not ok:
        problems.append((_line(node), f"'{where}' should be {_type_name(schema)}, "
                                      f"not {value!r}"))


_MJ_VERSIONS = ("6", "6.0", "6.1", "7")
# Prompt variants per shot, for output.variants and --variants alike.
VARIANTS_RANGE = (1, 100)
# (low, high) for the numbers a tool would reject.
_RANGES = {("style", "midjourney", "stylize"): (0, 1000),
           ("style", "midjourney", "chaos"): (0, 100),
           ("style", "midjourney", "sw"): (0, 1000),
           ("style", "midjourney", "ow"): (1, 1000),
           ("style", "midjourney", "cw"): (0, 100),
           ("style", "sdxl", "steps"): (1, 200),
           ("style", "sdxl", "cfg"): (0, 30),
           ("style", "midjourney", "quality"): (0.25, 4),
           ("output", "variants"): VARIANTS_RANGE,
           # Speech faster than 10 words a second or slower than one word in
           # two is no speech; a 0 would divide by zero, a tiny one fill memory.
           ("planner", "words_per_second"): (0.5, 10),
           ("planner", "seconds_per_day"): (1, 86400),
           ("planner", "line_pause_s"): (0, 10),
           ("planner", "max_clip_s"): (1, 600)}
_SEED_MAX = 2**32 - 1           # Midjourney's --seed range
# The outputs `--format` and `output.formats` may name (pipeline.py uses them).
FORMATS = ("pdf", "html", "json", "csv", "prompts", "fountain")
_PAPERS = ("a4", "letter")


def _semantic_checks(data: dict, root: yaml.Node, path: Path | None,
                     problems: list[tuple[int | None, str]]) -> None:
    """What types cannot say: settings, ranges, names that must be unique,
    names that must exist, files that must be there."""
    lines = _all_lines(root)
    style = _mapping(data.get("style"))
    ratio = style.get("aspect_ratio")
    if ratio is not None and parse_aspect_ratio(str(ratio)) is None:
        problems.append((lines.get(("style", "aspect_ratio")),
                         f"style.aspect_ratio '{ratio}' should look like 16:9 or 2.39:1"))
    version = _mapping(style.get("midjourney")).get("version")
    if version is not None and str(version) not in _MJ_VERSIONS:
        problems.append((lines.get(("style", "midjourney", "version")),
                         f"style.midjourney.version '{version}' should be 7, 6.1 or 6"))
    for key, (low, high) in _RANGES.items():
        value = _dig(data, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and not low <= value <= high:
            problems.append((lines.get(key), f"'{'.'.join(key)}' is {value}; it should be "
                                             f"between {low} and {high}"))
    rules = _mapping(data.get("planner")).get("rules")
    if rules and path is not None and not (path.parent / str(rules)).is_file():
        problems.append((lines.get(("planner", "rules")),
                         f"planner.rules '{rules}' is not a file in {path.parent}; give a "
                         "path relative to the project file, or remove the key to use "
                         "the built-in rules"))
    _check_video_tool(style, lines, path, problems)
    _check_output(_mapping(data.get("output")), lines, problems)
    _check_characters(_list(data.get("characters")), lines, path, problems)
    _check_locations(_list(data.get("locations")), lines, problems)


def _check_characters(characters: list, lines: dict, path: Path | None,
                      problems: list[tuple[int | None, str]]) -> None:
    claimed: dict[str, str] = {}
    names: set[str] = set()
    for i, character in enumerate(characters):
        if not isinstance(character, dict) or not character.get("name"):
            continue
        name = str(character["name"])
        if name.lower() in names:
            problems.append((lines.get(("characters", i, "name")),
                             f"character '{name}' is listed twice; merge the two entries"))
            continue
        names.add(name.lower())
        for alias in [name, *[str(a) for a in _list(character.get("aliases"))]]:
            owner = claimed.get(alias.lower())
            if owner and owner != name:
                problems.append((lines.get(("characters", i)),
                                 f"alias '{alias}' is claimed by both '{owner}' and "
                                 f"'{name}'; give it to one of them"))
            claimed.setdefault(alias.lower(), name)
        pronouns = character.get("pronouns")
        if pronouns and str(pronouns).split("/")[0].strip().lower() not in _PRONOUNS:
            problems.append((lines.get(("characters", i, "pronouns")),
                             f"characters[{i}].pronouns '{pronouns}' should start with "
                             "she, he or they (she/her, he/him, they/them)"))
        seed = character.get("seed")
        if isinstance(seed, int) and not isinstance(seed, bool) and not 0 <= seed <= _SEED_MAX:
            problems.append((lines.get(("characters", i, "seed")),
                             f"characters[{i}].seed {seed} should be between 0 and {_SEED_MAX}"))
        # A `reference` that is not a file is a warning after boarding (cli.py),
        # not an error: the board does not need the image.


def _check_locations(locations: list, lines: dict,
                     problems: list[tuple[int | None, str]]) -> None:
    claimed: dict[str, str] = {}
    names: set[str] = set()
    for i, location in enumerate(locations):
        if not isinstance(location, dict):
            continue
        setting = location.get("setting")
        if setting is not None and str(setting).upper() not in _SETTINGS:
            problems.append((lines.get(("locations", i, "setting")),
                             f"locations[{i}].setting '{setting}' should be INT, EXT or INT/EXT"))
        if not location.get("name"):
            continue
        name = str(location["name"])
        if name.lower() in names:
            problems.append((lines.get(("locations", i, "name")),
                             f"location '{name}' is listed twice; merge the two entries"))
            continue
        names.add(name.lower())
        for alias in [name, *[str(a) for a in _list(location.get("aliases"))]]:
            owner = claimed.get(alias.lower())
            if owner is not None and owner != name:
                problems.append((lines.get(("locations", i, "aliases")) or
                                 lines.get(("locations", i)),
                                 f"alias '{alias}' is claimed by both locations '{owner}' "
                                 f"and '{name}'; give it to one of them"))
            claimed.setdefault(alias.lower(), name)


def _check_video_tool(style: dict, lines: dict, path: Path | None,
                      problems: list[tuple[int | None, str]]) -> None:
    tool = _mapping(style.get("video")).get("tool")
    if tool is None:
        return
    from .resources import load_data
    try:
        known = list((load_data("video_tools.yaml", path.parent if path else None)
                      or {}).get("tools") or {})
    except Exception:  # noqa: BLE001 - a broken tools file is reported where it is used
        return
    if known and str(tool).lower() not in known:
        problems.append((lines.get(("style", "video", "tool")),
                         f"style.video.tool '{tool}' is not a video tool I know"
                         + did_you_mean(str(tool).lower(), known)
                         + f" (known: {', '.join(known)}; add others in "
                           "templates/video_tools.yaml)"))


def _check_output(output: dict, lines: dict, problems: list[tuple[int | None, str]]) -> None:
    for j, fmt in enumerate(_list(output.get("formats"))):
        if str(fmt).lower() not in FORMATS:
            problems.append((lines.get(("output", "formats", j)),
                             f"output.formats: unknown format '{fmt}'"
                             + did_you_mean(str(fmt).lower(), FORMATS)
                             + f" (choose from {', '.join(FORMATS)})"))
    paper = output.get("paper")
    if paper is not None and str(paper).lower() not in _PAPERS:
        problems.append((lines.get(("output", "paper")),
                         f"output.paper '{paper}' should be a4 or letter"))


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dig(data, key: tuple):
    for part in key:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _all_lines(node: yaml.Node, prefix: tuple = ()) -> dict[tuple, int]:
    """The line of every value in the file, by its path: ("characters", 0,
    "seed") -> 17.  A list item's own path gives the line it starts on."""
    lines: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, str(key_node.value))
            lines[path] = _line(value_node if isinstance(value_node, yaml.ScalarNode)
                                else key_node)
            lines.update(_all_lines(value_node, path))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*prefix, i)] = _line(item)
            lines.update(_all_lines(item, (*prefix, i)))
    return lines


def _item_lines(root: yaml.Node) -> dict[tuple, int]:
    """Line numbers of list items, kept on CharacterBible for later messages."""
    return _all_lines(root)


def parse_aspect_ratio(text: str) -> float | None:
    try:
        w, h = (float(part) for part in text.split(":"))
    except ValueError:
        return None
    return w / h if w > 0 and h > 0 else None


# ---------------------------------------------------------------- loading
def load_config(path: Path | None, search_dir: Path | None = None) -> Config:
    """The project file at `path`, or ./novel2board.yaml if present, or defaults."""
    if path is None:
        candidate = (search_dir or Path.cwd()) / CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    try:
        text = read_regular_text(path)
    except FileNotFoundError:
        raise ConfigError([(None, "no such file; check --config")], path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([(None, f"cannot be read ({exc})")], path) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    root = yamlcheck.compose(text, path)
    if root is None:
        return Config(path=path, text=text)
    problems: list[tuple[int | None, str]] = []
    try:
        _check(root, SCHEMA, "", problems)
        data = _construct(root)
    except _UnsafeTag as exc:
        raise ConfigError([(exc.line, exc.message)], path) from None
    if isinstance(data, dict):
        _semantic_checks(data, root, path, problems)
    if problems:
        raise ConfigError(problems, path)
    return _build(_one_line_strings(data), path, text)


# Line breaks, tabs and other control characters: every config string ends
# up on one line somewhere (a prompt per line, a Fountain title-page key).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def _one_line_strings(data):
    """Every string of the config on one line: a folded `description: >`
    keeps its words, a newline can no longer start a second prompt or a
    `Title:` key of its own."""
    if isinstance(data, str):
        return " ".join(_CONTROL.sub(" ", data).split()) if _CONTROL.search(data) else data
    if isinstance(data, dict):
        return {k: _one_line_strings(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_one_line_strings(v) for v in data]
    return data


def _with_keys(schema: dict, values) -> dict:
    return {key: None for key in schema} | dict(values or {})


def _strs(values) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _build(data: dict, path: Path, text: str) -> Config:
    style = data.get("style") or {}
    planner = data.get("planner") or {}
    output = data.get("output") or {}
    lines = _item_lines(yamlcheck.compose(text, path))
    rules = planner.get("rules")
    return Config(
        project=str(data.get("project") or ""),
        author=str(data.get("author") or ""),
        style=Style(look=str(style.get("look") or ""),
                    aspect_ratio=str(style.get("aspect_ratio") or "16:9"),
                    negative=str(style.get("negative") or ""),
                    # Every known key present (None when unset), so templates
                    # can test `mj.sref` under StrictUndefined.
                    midjourney=_with_keys(_MIDJOURNEY, style.get("midjourney")),
                    sdxl=_with_keys(_SDXL, style.get("sdxl")),
                    flux=_with_keys({"model": str}, style.get("flux")),
                    video=_with_keys(_VIDEO, style.get("video"))),
        characters=tuple(
            CharacterBible(name=str(c["name"]), aliases=_strs(c.get("aliases")),
                           pronouns=c.get("pronouns"), description=c.get("description"),
                           reference=c.get("reference"), costume=c.get("costume"),
                           lora=c.get("lora"), trigger=c.get("trigger"), seed=c.get("seed"),
                           line=lines.get(("characters", i)))
            for i, c in enumerate(data.get("characters") or [])),
        locations=tuple(
            LocationBible(name=str(loc["name"]), aliases=_strs(loc.get("aliases")),
                          setting=(str(loc["setting"]).upper() if loc.get("setting") else None),
                          description=loc.get("description"))
            for loc in data.get("locations") or []),
        planner=PlannerSettings(
            seconds_per_day=float(planner.get("seconds_per_day", 45)),
            words_per_second=float(planner.get("words_per_second", 2.5)),
            line_pause_s=float(planner.get("line_pause_s", 0.7)),
            max_clip_s=float(planner.get("max_clip_s", 10)),
            rules=(path.parent / rules) if rules else None),
        output=OutputSettings(layout=output.get("layout"), paper=output.get("paper"),
                              variants=output.get("variants"),
                              formats=_strs(output.get("formats"))),
        path=path, text=text)
