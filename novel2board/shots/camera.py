"""What a camera can see: the clauses of a sentence sorted by what they show.

A novel's sentence mixes what happens in front of a camera ("She put the
mug down") with what no camera sees ("and wondered whether he had lied",
"He had been a soldier once", "It must have rained"). Each clause (a verb
with its own words, the clauses hanging on it set apart) is sorted, by the
word lists of templates/camera.yaml, into one of:

- visible: action, appearance, setting: it stays in the description;
- thought, feeling, backstory, habit, speculation, reported-speech, sound,
  smell: it becomes a note on the sheet (`Shot.subtext`), or the
  narrator's voice-over (`Shot.vo`) in a first-person chapter.

A feeling the prose names ("he was furious", "fear gripped her") also gives
a *tell*: what the camera sees of it ("He stares hard, jaw set."), from the
same file. Only the parse spaCy already made is read; nothing is guessed
from whole-sentence patterns, so a user's own word lists decide.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..resources import find_file
from .inflect import agree

VISIBLE = frozenset({"action", "appearance", "setting"})
# How each kind of note is labelled on the sheet.
NOTE_LABELS = {"thought": "Thought", "feeling": "Feeling", "backstory": "Backstory",
               "habit": "Habit", "speculation": "Speculation",
               "reported-speech": "Reported speech", "sound": "Sound", "smell": "Smell"}
# Clauses that are the narrator's voice in a first-person chapter.
INTERIOR = frozenset({"thought", "feeling", "backstory", "habit", "speculation"})

# Dependency labels that start a clause of their own inside a sentence.
_CLAUSE_DEPS = frozenset({"ROOT", "conj", "advcl", "ccomp", "relcl", "parataxis", "csubj",
                          "xcomp", "pcomp"})
# A clause hanging on a thought or a report is what is thought or reported.
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "csubj", "pcomp"})
# Verbs that link a subject to how it is or feels: "was angry", "grew afraid".
_LINKING = frozenset({"be", "feel", "grow", "become", "get", "seem", "look", "turn",
                      "appear", "remain", "go", "fall"})
_SHARED_MODES = frozenset({"backstory", "speculation", "habit"})
# The words that make a clause the reason of the one it hangs on.
_REASONS = frozenset({"because", "since", "for"})
_INNER_DEPS = frozenset({"advcl", "relcl", "ccomp", "acl", "csubj", "xcomp"})
_PAST_MODALS = frozenset({"must", "might", "may", "could", "would", "should"})
_PERSON_PRONOUNS = frozenset({"i", "you", "he", "she", "we", "they", "me", "him", "her",
                              "us", "them", "who", "whom", "my", "his", "their", "our"})
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_LIST_KEYS = ("thought_verbs", "speech_verbs", "speculation_adverbs", "speculation_phrases",
              "habit_adverbs", "habit_phrases", "backstory_phrases", "sound_verbs",
              "sound_nouns", "smell_verbs", "smell_nouns", "person_nouns")
_STATE_LISTS = ("hold_verbs", "release_verbs", "spot_nouns", "spot_verbs", "day_lights",
                "night_lights", "day_times", "night_times")
_STATE_MAPS = ("light_words", "weather_words", "time_words", "postures", "unstated_light")
# Tables keyed by a slugline's words (NIGHT, INT): upper case.
_UPPER_KEYED = ("time_words", "unstated_light")
_KEYS = (*_LIST_KEYS, *_STATE_LISTS, "feelings", "feeling_verbs", "feeling_idioms", "tells",
         *_STATE_MAPS)


@dataclass(frozen=True)
class CameraLexicon:
    """templates/camera.yaml, ready to match lemmas against."""

    words: dict[str, frozenset[str]]            # list name -> lemmas
    phrases: dict[str, tuple[re.Pattern, ...]]  # list name -> compiled phrases
    feeling_of: dict[str, str]                  # a word -> its feeling
    feeling_verbs: dict[str, str]               # a verb's lemma -> its feeling
    idioms: tuple[tuple[re.Pattern, str], ...]
    tells: dict[str, str]                       # feeling -> verb phrase
    state: dict = field(default_factory=dict)   # the scene-state lists (shots/state.py)

    @classmethod
    def from_data(cls, data: dict) -> "CameraLexicon":
        """From data already checked (`load_camera` checks a file's keys)."""
        words = {key: frozenset(str(w).lower() for w in data.get(key) or ())
                 for key in _LIST_KEYS if not key.endswith("_phrases")}
        phrases = {key: tuple(_phrase(p) for p in data.get(key) or ())
                   for key in _LIST_KEYS if key.endswith("_phrases")}
        feeling_of = {str(w).lower(): str(feeling)
                      for feeling, ws in (data.get("feelings") or {}).items() for w in ws or ()}
        idioms = tuple((_phrase(text, loose=True), str(feeling))
                       for text, feeling in (data.get("feeling_idioms") or {}).items())
        state = {key: frozenset(str(w).upper() if key.endswith("_times") else str(w).lower()
                                for w in data.get(key) or ())
                 for key in _STATE_LISTS}
        state.update({key: {str(k).lower() if key not in _UPPER_KEYED else str(k).upper():
                            v for k, v in (data.get(key) or {}).items()}
                      for key in _STATE_MAPS})
        feeling_verbs = {str(verb).lower(): str(feeling)
                         for verb, feeling in (data.get("feeling_verbs") or {}).items()}
        return cls(words=words, phrases=phrases, feeling_of=feeling_of,
                   feeling_verbs=feeling_verbs, idioms=idioms,
                   tells={str(k): str(v) for k, v in (data.get("tells") or {}).items()},
                   state=state)

    def has(self, key: str, tok) -> bool:
        return tok.lemma_.lower() in self.words[key] or tok.lower_ in self.words[key]

    def says(self, key: str, text: str) -> bool:
        return any(p.search(text) for p in self.phrases[key])


def is_person(tok, lexicon: CameraLexicon) -> bool:
    """A word that stands for a person: a name, a personal pronoun, or a
    noun of the lexicon's `person_nouns` ("the youth", "a boatman")."""
    if tok.pos_ == "PRON":
        return tok.lower_ in _PERSON_PRONOUNS
    return tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON" or (
        tok.pos_ == "NOUN" and lexicon.has("person_nouns", tok))


def _phrase(text: str, loose: bool = False) -> re.Pattern:
    """A phrase of the lexicon as a pattern: whole words, any case, and `*`
    for one word ("heart in * mouth": his, her, my ...). A `loose` phrase
    (an idiom) lets one more word stand between its words ("heart WAS in
    my mouth")."""
    parts = [r"[\w'\u2019]+" if w == "*" else re.escape(w) for w in str(text).lower().split()]
    # (Two-word idioms stay exact: "on edge" is not "on the edge".)
    gap = r"\s+(?:[\w'\u2019]+\s+)?" if loose and len(parts) > 2 else r"\s+"
    return re.compile(r"(?<![\w'])" + gap.join(parts) + r"(?![\w'])", re.IGNORECASE)


def _check(root, path: Path) -> None:
    """Every key known ("did you mean"), every list a list and every table a
    mapping, all problems at once with their lines: a misspelt
    `thougth_verbs` must not be ignored in silence."""
    import yaml

    from ..yamlcheck import check_mapping, node_line
    lists = (*_LIST_KEYS, *_STATE_LISTS)
    schema = {key: list if key in lists else dict for key in _KEYS}

    def check_value(node, kind, where, problems):
        wanted = yaml.SequenceNode if kind is list else yaml.MappingNode
        if not isinstance(node, wanted):
            problems.append((node_line(node), f"'{where}' should be a "
                             + ("list of words" if kind is list else "mapping")))

    problems: list = []
    check_mapping(root, schema, "", problems, check_value)
    if problems:
        raise ConfigError(problems, path)


def load_camera(project_root: Path | None) -> CameraLexicon:
    """The project's templates/camera.yaml, or the built-in one: read again
    only when the file changed (a build boards many chapters)."""
    path = find_file("camera.yaml", project_root)
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int) -> CameraLexicon:
    from .. import yamlcheck
    root = yamlcheck.compose(_read(path), path)
    if root is None:
        return CameraLexicon.from_data({})
    _check(root, path)
    return CameraLexicon.from_data(yamlcheck.construct(root) or {})


def _read(path: Path) -> str:
    from ..resources import read_regular_text
    try:
        return read_regular_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([(None, f"cannot be read ({exc})")], path) from None


# ------------------------------------------------------------------ clauses
@dataclass(frozen=True)
class Clause:
    """One clause of the text: its own tokens (the clauses hanging on it
    are clauses of their own) and what it shows."""

    head: object                    # the spaCy token of its verb
    tokens: tuple                   # its own tokens, in order
    kind: str
    feeling: str | None = None      # the tell to show, when it names a feeling
    feeler: object = None           # the token of the one who feels it


def sort_clauses(tokens, lexicon: CameraLexicon) -> list[Clause]:
    """The clauses of a run of tokens (one sentence of narration, its
    quotations taken out), each sorted by what it shows, in text order."""
    tokens = list(tokens)
    if not tokens:
        return []
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if _starts_clause(t, inside)]
    if not heads:
        heads = [tokens[0]]
    head_ids = {h.i for h in heads}
    own: dict[int, list] = {h.i: [] for h in heads}
    for tok in tokens:
        own[_clause_of(tok, head_ids, heads[0])].append(tok)
    kinds: dict[int, Clause] = {}
    # Heads in tree order (a clause's head before the clauses hanging on it),
    # so a thought's content can take the thought's kind.
    for head in sorted(heads, key=lambda h: _depth(h)):
        parent = kinds.get(_clause_of(head.head, head_ids, head)) if head.head.i != head.i \
            else None
        kinds[head.i] = _sort(head, tuple(own[head.i]), parent, lexicon)
    _complements_decide(heads, kinds, head_ids)
    return [kinds[h.i] for h in heads]


def _complements_decide(heads, kinds: dict, head_ids: set[int]) -> None:
    """A verb whose complement is a thought is one too: "labored to make
    himself believe", "seemed to think", "it is hard to know what to do"
    (left alone, "he labors to make" would be a broken sentence)."""
    for head in sorted(heads, key=_depth, reverse=True):
        clause = kinds[head.i]
        if clause.kind not in ("thought", "feeling", "speculation") \
                or head.dep_ not in _CONTENT_DEPS or head.head.i == head.i:
            continue
        parent_id = _clause_of(head.head, head_ids, head)
        parent = kinds.get(parent_id)
        if parent is not None and parent.kind in VISIBLE and parent_id != head.i:
            kinds[parent_id] = Clause(parent.head, parent.tokens, clause.kind,
                                      clause.feeling, clause.feeler)


def _starts_clause(tok, inside: set[int]) -> bool:
    if tok.dep_ == "ROOT" or tok.head.i not in inside:
        return True
    return tok.dep_ in _CLAUSE_DEPS and tok.pos_ in ("VERB", "AUX")


def _clause_of(tok, head_ids: set[int], fallback) -> int:
    seen = 0
    while tok.i not in head_ids and tok.head.i != tok.i and seen < 64:
        tok, seen = tok.head, seen + 1
    return tok.i if tok.i in head_ids else fallback.i


def _depth(tok) -> int:
    depth = 0
    while tok.head.i != tok.i and depth < 64:
        tok, depth = tok.head, depth + 1
    return depth


def _sort(head, own: tuple, parent: Clause | None, lex: CameraLexicon) -> Clause:
    if parent is not None and parent.kind in ("thought", "reported-speech", "speculation",
                                              "feeling") \
            and head.dep_ in _CONTENT_DEPS:
        # what was thought or said; what a feeling is about ("angry at
        # herself for laughing"), which shows no tell of its own
        return Clause(head, own, parent.kind)
    if parent is not None and parent.kind not in VISIBLE and head.dep_ == "advcl" \
            and any(c.dep_ == "mark" and c.lower_ in _REASONS for c in head.children):
        return Clause(head, own, parent.kind)       # "angry because something was talking"
    if parent is not None and parent.kind not in VISIBLE and head.dep_ == "conj" \
            and not any(c.dep_ in _SUBJECTS for c in head.children) \
            and (parent.kind in _SHARED_MODES or parent.head.dep_ in _INNER_DEPS):
        # "had untied the ribbon and opened the folder", "as if he had come
        # and might leave": the "had", the "as if" hold for both verbs.
        return Clause(head, own, parent.kind)
    text = " ".join(t.text for t in own)
    feeling, feeler = _feeling(head, own, text, lex)
    if feeling is not None:
        return Clause(head, own, "feeling", feeling, feeler)
    lemma = head.lemma_.lower()
    if lex.has("thought_verbs", head) and head.pos_ == "VERB" and lemma not in lex.feeling_verbs:
        return Clause(head, own, "thought", None, _subject(head))
    if lex.has("speech_verbs", head) and _says_what(head):
        return Clause(head, own, "reported-speech")
    if lex.has("smell_verbs", head) or any(
            lex.has("smell_nouns", t) for t in own if t.dep_ in (*_SUBJECTS, "dobj")):
        return Clause(head, own, "smell")
    if _is_sound(head, own, lex):
        return Clause(head, own, "sound", None, _subject(head))
    if _speculates(head, own, text, lex):
        return Clause(head, own, "speculation")
    if _habitual(head, own, text, lex):
        return Clause(head, own, "habit")
    if _before_the_moment(head, text, lex):
        return Clause(head, own, "backstory")
    subject = _subject(head)
    if lemma in ("be", "have", "wear", "look", "seem") and subject is not None \
            and is_person(subject, lex):
        return Clause(head, own, "appearance")
    if subject is not None and not is_person(subject, lex) and lemma in (
            "be", "lie", "stand", "hang", "stretch", "shine", "glow", "fall", "rise"):
        return Clause(head, own, "setting")
    return Clause(head, own, "action")


def _subject(head):
    for tok in (head, head.head if head.dep_ in ("conj", "xcomp") else None):
        if tok is None:
            continue
        found = next((c for c in tok.children if c.dep_ in (*_SUBJECTS, "expl")), None)
        if found is not None:
            return found
    return None


def _feeling(head, own: tuple, text: str, lex: CameraLexicon):
    """(feeling, the one who feels it) when the clause names a feeling as a
    state: "was angry", "felt a surge of fear", "fear gripped him", "his
    heart in his mouth"; else (None, None). A feeling that only colours an
    action ("slammed the door in anger") leaves the action to be seen."""
    lemma = head.lemma_.lower()
    subject = _subject(head)
    if head.pos_ == "VERB" and lemma in lex.feeling_verbs:
        return lex.feeling_verbs[lemma], subject        # "he dreaded it"
    if head.tag_ == "VBN" and head.lower_ in lex.feeling_of and any(
            c.dep_ in ("auxpass", "aux") and c.lemma_ == "be" for c in head.children):
        return lex.feeling_of[head.lower_], subject     # "she was alarmed"
    if lemma in _LINKING:
        for tok in own:
            if tok.dep_ in ("acomp", "attr", "oprd", "dobj", "pobj", "xcomp") \
                    and tok.lemma_.lower() in lex.feeling_of:
                return lex.feeling_of[tok.lemma_.lower()], subject
    if subject is not None and subject.lemma_.lower() in lex.feeling_of \
            and subject.pos_ == "NOUN":
        felt = next((c for c in head.children if c.dep_ in ("dobj", "dative")), None)
        if felt is None:
            felt = next((t for t in head.subtree if t.dep_ == "pobj" and is_person(t, lex)), None)
        return lex.feeling_of[subject.lemma_.lower()], felt
    for pattern, feeling in lex.idioms:
        if pattern.search(text):
            # "his heart sank": the one whose heart it is
            owner = next((c for c in subject.children if c.dep_ == "poss"), None) \
                if subject is not None else None
            return feeling, owner if owner is not None else subject
    return None, None


def _says_what(head) -> bool:
    """A speech verb that reports what was said ("told her the plan was
    off", "asked whether", "said that"), not speech that is seen, nor a
    silence ("said nothing", "did not say a word")."""
    if any(c.dep_ == "neg" or c.lower_ in ("nothing", "little") for c in head.children):
        return False
    return any(c.dep_ in ("ccomp", "xcomp", "dobj", "dative") or
               (c.dep_ == "prep" and c.lower_ in ("about", "of", "that"))
               for c in head.children)


def _is_sound(head, own: tuple, lex: CameraLexicon) -> bool:
    lemma = head.lemma_.lower()
    if lemma in ("hear", "listen"):
        return True
    subject = _subject(head)
    if subject is None or is_person(subject, lex):
        return False
    return lex.has("sound_verbs", head) or lex.has("sound_nouns", subject)


def _speculates(head, own: tuple, text: str, lex: CameraLexicon) -> bool:
    children = list(head.children)
    modal = any(c.tag_ == "MD" and c.lower_ in _PAST_MODALS for c in children)
    have = any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in children)
    if modal and have:
        return True                                     # "must have rained"
    if any(c.dep_ == "advmod" and lex.has("speculation_adverbs", c) for c in children):
        return True
    return lex.says("speculation_phrases", text) or (
        head.dep_ == "advcl" and _as_if(head))


def _as_if(head) -> bool:
    """"as if she had been struck": a clause of what only seems."""
    marks = [c for c in head.children if c.dep_ == "mark"]
    return any(m.lower_ in ("if", "though") and m.i > 0 and m.nbor(-1).lower_ == "as"
               for m in marks)


def _habitual(head, own: tuple, text: str, lex: CameraLexicon) -> bool:
    children = list(head.children)
    if any(c.dep_ == "advmod" and lex.has("habit_adverbs", c) for c in children):
        return True
    would = any(c.tag_ == "MD" and c.lower_ == "would" for c in children)
    if would and not any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in children) \
            and not any(c.dep_ == "mark" for c in children):
        return True                                     # "he would sit for hours"
    return lex.says("habit_phrases", text)


def _before_the_moment(head, text: str, lex: CameraLexicon) -> bool:
    """A past perfect ("had been a soldier", "had put in a floor"), but not
    a progressive one ("had been standing there for two hours" is what is
    seen now), or a clause of "years ago", "as a child"."""
    children = list(head.children)
    perfect = any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d", "\u2019d")
                  for c in children) and head.tag_ == "VBN"
    if head.lower_ == "had" and head.dep_ in ("ROOT", "conj") and not any(
            c.dep_ == "aux" for c in children) and any(c.dep_ == "dobj" for c in children):
        perfect = False                 # "he had a shovel": possession, seen
    if perfect:
        return True
    return lex.says("backstory_phrases", text) or any(c.lower_ == "ago" for c in head.subtree)


# -------------------------------------------------------------- the tells
def tell(key: str, lexicon: CameraLexicon, who: str, plural: bool) -> str:
    """The visible sign of a feeling (or of thinking, listening...) on
    `who`, as a sentence: "Mara stares hard, jaw set." ("" when the lexicon
    has none)."""
    phrase = lexicon.tells.get(key)
    if not phrase or not who:
        return ""
    found = re.match(r"\s*([A-Za-z]+)(.*)$", phrase)
    if found is None:
        return ""
    verb, rest = found.groups()
    text = f"{who} {agree(verb.lower(), plural)}{rest}".strip()
    return text[:1].upper() + text[1:] + "."
