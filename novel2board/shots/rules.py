"""The shot rules (templates/rules.yaml): loaded, checked and compiled.

A rule's cue is a named built-in cue (`cue: first-appearance`) or spaCy
patterns: `cue: {matcher: [...]}` for token sequences (spaCy Matcher) and
`cue: {dependency: [...]}` for grammatical relations (spaCy
DependencyMatcher), or both.  All patterns of all rules go into one Matcher
and one DependencyMatcher, run once per paragraph; `Rules.find` returns
every hit with the token it hangs on (its anchor), and the planner decides
which hits matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..resources import contained, find_file, read_regular_text
from .rulefile import FRAMINGS, SIZES, check_rule_file

__all__ = ["BUILTIN_CUES", "FLAG_CUES", "FALLBACK_CUES", "SIZES", "FRAMINGS", "CueMatch",
           "Rule", "Rules", "ShotSpec", "load_rules"]

BUILTIN_CUES = {
    "scene-opening": "the first paragraph of a scene at a new place or time "
                     "(a scene cause listed in defaults.establish_on)",
    "scene-continues": "the first paragraph of a scene at the same place and time",
    "first-appearance": "a character acting or named for the first time in the scene",
    "three-or-more": "three or more characters acting or named in one beat",
    "reaction": "a beat whose actor is the listener of the speech just before it",
    "named-feeling": "a character feels a feeling the prose names (\"she was furious\", "
                     "\"his heart sank\"; the words of templates/camera.yaml)",
    "any-character": "any character acting or named in the beat (a fallback)",
    "always": "every beat (the last fallback)",
}
# Fallback cues never split a paragraph into more shots: they only name the
# shot of a beat that no other rule claimed.
FALLBACK_CUES = ("any-character", "always")
FLAG_CUES = {
    "complex-motion": "several characters in a moving shot",
    "long-close-up": "a CU/ECU held longer than 4 seconds",
    "longer-than-clip": "a shot longer than planner.max_clip_s",
}


@dataclass(frozen=True)
class ShotSpec:
    size: str = "MS"
    framing: str = "single"
    angle: str = "eye-level"
    movement: str = "static"
    duration_s: float = 3.0
    lens_mm: int | None = None
    id: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    builtin: str | None             # a built-in cue name, or None for patterns
    shot: ShotSpec
    needs: str | None = None        # "character": the cue's actor must be a character
    why: str = ""
    # Never merged into a neighbouring shot by the per-paragraph cap
    # (`defaults.max_shots_per_paragraph`): a feeling's close-up stays one.
    keep_apart: bool = False

    @property
    def fallback(self) -> bool:
        return self.builtin in FALLBACK_CUES


@dataclass(frozen=True)
class Flag:
    id: str
    builtin: str | None
    suggest: str


@dataclass(frozen=True)
class DialogueSpec:
    opening: ShotSpec
    exchange: ShotSpec
    single: ShotSpec
    group: ShotSpec
    reaction: ShotSpec
    tighten: tuple[str, ...]
    max_shot_s: float
    action_s: float
    speech_verbs: frozenset[str]
    absorb_words: int = 25


@dataclass(frozen=True)
class Defaults:
    lens_mm: dict = field(hash=False)
    action_s_per_word: float = 0.05
    max_action_s: float = 6.0
    establish_on: tuple[str, ...] = ("chapter-start", "break", "time-jump", "location-change")
    words_per_shot: float = 45.0
    max_shots_per_paragraph: int = 3
    scenery_max_shots: int = 2
    exchange_gap: int = 2
    # Parts of a body: a character named as their owner ("Tomas's hands")
    # is in the picture; the owner of anything else ("the Commander's men",
    # "Edda's photograph") need not be.
    body_parts: frozenset[str] = frozenset()
    # A scene's summary: the first sentence with someone acting in its first
    # summary_paragraphs paragraphs, cut near summary_max_words.
    summary_paragraphs: int = 6
    summary_max_words: int = 20


@dataclass(frozen=True)
class CueMatch:
    """One pattern hit: `key` is "rules:<id>", "flags:<id>" or "heat"."""

    key: str
    anchor: int                     # token index the hit hangs on
    tokens: tuple[int, ...]
    grammar: bool = False           # from a dependency pattern: tokens in pattern order


@dataclass
class Rules:
    rules: tuple[Rule, ...]
    dialogue: DialogueSpec
    flags: tuple[Flag, ...]
    defaults: Defaults
    path: Path
    _matcher: object = field(default=None, repr=False)
    _dependency: object = field(default=None, repr=False)

    def rule(self, rid: str) -> Rule:
        return next(r for r in self.rules if r.id == rid)

    def with_builtin(self, cue: str) -> Rule | None:
        return next((r for r in self.rules if r.builtin == cue), None)

    def find(self, doc) -> list[CueMatch]:
        """Every pattern hit in `doc`, in token order."""
        hits = []
        if len(self._matcher):
            for match_id, start, end in self._matcher(doc):
                hits.append(CueMatch(doc.vocab.strings[match_id], start,
                                     tuple(range(start, end))))
        if len(self._dependency):
            for match_id, token_ids in self._dependency(doc):
                hits.append(CueMatch(doc.vocab.strings[match_id], token_ids[0],
                                     tuple(token_ids), grammar=True))
        return sorted(hits, key=lambda h: (h.anchor, h.key))


# ------------------------------------------------------------------ loading
def load_rules(project_root: Path | None, override: Path | None, nlp) -> Rules:
    """The project's rules.yaml (or planner.rules, or the built-in one), compiled."""
    path = override or find_file("rules.yaml", project_root)
    if not path.is_file():
        raise ConfigError([(None, "no such rules file; check planner.rules")], path)
    if override is not None and project_root is not None:
        # planner.rules is a path in a project file someone may have shared.
        contained(override, project_root, "rules file")
    try:
        text = read_regular_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([(None, f"cannot be read ({exc})")], path) from None
    data, problems = check_rule_file(text, path)
    if problems:
        # Keep only well-formed entries for the cue checks below, so that
        # every problem in the file is reported in one go.
        data = _well_formed(data)
    rules = tuple(_rule(entry) for entry in data.get("rules") or [])
    flags = tuple(Flag(id=str(fid), builtin=entry.get("cue"), suggest=str(entry.get("suggest", "")))
                  for fid, entry in (data.get("flags") or {}).items())
    _check_cues(data, rules, flags, problems)
    if problems:
        raise ConfigError(problems, path)
    result = Rules(rules=rules, dialogue=_dialogue(data.get("dialogue") or {}), flags=flags,
                   defaults=_defaults(data.get("defaults") or {}), path=path)
    _compile(result, nlp, data)
    return result


def _well_formed(data: dict) -> dict:
    rules = [r for r in data.get("rules") or [] if isinstance(r, dict) and "id" in r
             and isinstance(r.get("shot") or {}, dict)]
    flags = data.get("flags") if isinstance(data.get("flags"), dict) else {}
    return {"rules": rules, "flags": {k: v for k, v in flags.items() if isinstance(v, dict)}}


def _check_cues(data: dict, rules, flags, problems: list) -> None:
    ids = [r.id for r in rules]
    for rid in {i for i in ids if ids.count(i) > 1}:
        problems.append((None, f"rule id '{rid}' is used twice; ids must be unique"))
    for entry, rule in zip(data.get("rules") or [], rules):
        cue = entry.get("cue")
        if isinstance(cue, str) and cue not in BUILTIN_CUES:
            problems.append((None, f"rule '{rule.id}': unknown cue '{cue}' "
                                   f"(built-in cues: {', '.join(BUILTIN_CUES)})"))
        if isinstance(cue, dict) and not (cue.get("matcher") or cue.get("dependency")):
            problems.append((None, f"rule '{rule.id}': the cue needs matcher: or dependency: "
                                   "patterns"))
    for flag in flags:
        if flag.builtin is not None and flag.builtin not in FLAG_CUES:
            problems.append((None, f"flag '{flag.id}': unknown cue '{flag.builtin}' "
                                   f"(built-in flag cues: {', '.join(FLAG_CUES)})"))
    if not any(r.builtin == "always" for r in rules):
        problems.append((None, "no rule has `cue: always`; one is needed as the last "
                               "fallback so every beat gets a shot"))


def _spec(entry: dict, rid: str = "", default_size: str = "MS") -> ShotSpec:
    return ShotSpec(size=entry.get("size", default_size), framing=entry.get("framing", "single"),
                    angle=entry.get("angle", "eye-level"),
                    movement=entry.get("movement", "static"),
                    duration_s=float(entry.get("duration_s", 3)),
                    lens_mm=entry.get("lens_mm"), id=str(entry.get("id", rid)))


def _rule(entry: dict) -> Rule:
    rid = str(entry["id"])
    cue = entry.get("cue")
    return Rule(id=rid, builtin=cue if isinstance(cue, str) else None,
                shot=_spec(entry.get("shot") or {}, rid), needs=entry.get("needs"),
                why=str(entry.get("why", "")).strip(),
                keep_apart=bool(entry.get("keep_apart", False)))


def _dialogue(data: dict) -> DialogueSpec:
    def spec(kind: str, rid: str, framing: str, size: str = "MS") -> ShotSpec:
        entry = {"framing": framing, "size": size, **(data.get(kind) or {})}
        return _spec(entry, rid)
    return DialogueSpec(
        opening=spec("opening", "dialogue-two-shot", "two-shot"),
        exchange=spec("exchange", "dialogue-ots", "OTS"),
        single=spec("single", "dialogue-single", "single"),
        group=spec("group", "dialogue-group", "group", "WS"),
        reaction=spec("reaction", "dialogue-reaction", "single", "MCU"),
        tighten=tuple(data.get("tighten") or ("MS", "MCU", "CU")),
        max_shot_s=float(data.get("max_shot_s", 8)),
        action_s=float(data.get("action_s", 1.5)),
        absorb_words=int(data.get("absorb_words", 25)),
        speech_verbs=frozenset(str(v).lower() for v in data.get("speech_verbs") or ()))


def _defaults(data: dict) -> Defaults:
    base = Defaults(lens_mm={})
    return Defaults(
        lens_mm=dict(data.get("lens_mm") or {}),
        action_s_per_word=float(data.get("action_s_per_word", base.action_s_per_word)),
        max_action_s=float(data.get("max_action_s", base.max_action_s)),
        establish_on=tuple(data.get("establish_on") or base.establish_on),
        words_per_shot=float(data.get("words_per_shot", base.words_per_shot)),
        max_shots_per_paragraph=int(data.get("max_shots_per_paragraph",
                                             base.max_shots_per_paragraph)),
        scenery_max_shots=int(data.get("scenery_max_shots", base.scenery_max_shots)),
        exchange_gap=int(data.get("exchange_gap", base.exchange_gap)),
        body_parts=frozenset(str(w).lower() for w in data.get("body_parts") or ()),
        summary_paragraphs=int(data.get("summary_paragraphs", base.summary_paragraphs)),
        summary_max_words=int(data.get("summary_max_words", base.summary_max_words)))


def _compile(rules: Rules, nlp, data: dict) -> None:
    """One Matcher and one DependencyMatcher holding every rule's and flag's patterns."""
    from spacy.matcher import DependencyMatcher, Matcher
    matcher = Matcher(nlp.vocab, validate=True)
    dependency = DependencyMatcher(nlp.vocab, validate=True)
    cues = [(f"rules:{e['id']}", e.get("cue")) for e in data.get("rules") or []]
    cues += [(f"flags:{fid}", e) for fid, e in (data.get("flags") or {}).items()]
    cues.append(("heat", (data.get("dialogue") or {}).get("heat")))
    problems = []
    for key, cue in cues:
        if not isinstance(cue, dict):
            continue
        for kind, target in (("matcher", matcher), ("dependency", dependency)):
            if not cue.get(kind):
                continue
            what = key.replace("rules:", "rule '").replace("flags:", "flag '")
            what = what + "'" if what != "heat" else "dialogue.heat"
            if _has_bool(cue[kind]):
                problems.append((None, f"{what}: a {kind} pattern holds true/false where a "
                                       "word belongs; YAML reads a bare on, off, yes or no "
                                       "as true/false, so put such words in quotes"))
                continue
            try:
                target.add(key, cue[kind])
            except (ValueError, KeyError, TypeError, IndexError) as exc:
                detail = [ln.strip(" -") for ln in str(exc).splitlines() if "->" in ln][:2]
                problems.append((None, f"{what}: bad {kind} pattern: "
                                       f"{'; '.join(detail) or str(exc).splitlines()[0]}"))
    if problems:
        raise ConfigError(problems, rules.path)
    rules._matcher, rules._dependency = matcher, dependency


def _has_bool(value) -> bool:
    """A true/false inside an IN/NOT_IN word list: a YAML on/off/yes/no."""
    if isinstance(value, dict):
        return any((k in ("IN", "NOT_IN") and isinstance(v, list)
                    and any(isinstance(x, bool) for x in v)) or _has_bool(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_has_bool(v) for v in value)
    return False
