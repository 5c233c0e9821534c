"""Characters: spaCy's PERSON entities and the bible, merged into people.

"Dr. Ilse Marr", "Ilse" and "Dr. Marr" become one character: honorifics are
set aside, then a lone first or last name joins the one full name that has
it.  The character bible in novel2board.yaml names aliases and always wins.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..config import CharacterBible
from ..read.slugs import id_slug

HONORIFICS = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male", "master": "male",
    "mrs": "female", "miss": "female", "ms": "female", "madam": "female",
    "madame": "female", "lady": "female", "dame": "female", "aunt": "female",
    "uncle": "male", "mme": "female", "mlle": "female", "father": "male",
    "mother": "female", "sister": "female", "brother": "male", "king": "male",
    "queen": "female", "prince": "male", "princess": "female",
    "dr": None, "doctor": None, "professor": None, "prof": None,
    "captain": None, "capt": None, "commander": None, "colonel": None,
    "col": None, "general": None, "gen": None, "lieutenant": None, "lt": None,
    "major": None, "sergeant": None, "sgt": None, "admiral": None,
    "officer": None, "detective": None, "inspector": None, "judge": None,
    "rev": None, "reverend": None, "st": None, "saint": None,
}
# Words that NER tags as people in fiction but are not characters.
_NOT_PEOPLE = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "god", "lord", "heaven", "christ", "jesus", "chapter", "mr", "mrs", "miss",
}
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")


def split_honorific(name: str) -> tuple[str | None, str]:
    """("Dr", "Ilse Marr") from "Dr. Ilse Marr"."""
    words = name.replace(".", ". ").split()
    honorific = None
    while words and words[0].rstrip(".").lower() in HONORIFICS and len(words) > 1:
        honorific = honorific or words[0].rstrip(".")
        words = words[1:]
    return honorific, " ".join(w for w in words if w != ".").strip()


def clean_name(text: str) -> str:
    text = re.sub(r"[*_]+", "", text)
    text = " ".join(text.split())
    return _POSSESSIVE.sub("", text).strip(" ,.;:!?")


def plausible_name(text: str) -> bool:
    core = split_honorific(text)[1]
    words = core.split()
    if not words or len(words) > 4:
        return False
    if core.lower() in _NOT_PEOPLE:
        return False
    return all(w[:1].isupper() for w in words if w.isalpha())


@dataclass
class _Cluster:
    name: str                    # the fullest name seen
    aliases: Counter = field(default_factory=Counter)
    gender_votes: Counter = field(default_factory=Counter)
    bible: CharacterBible | None = None

    def tokens(self) -> set[str]:
        return {w.lower() for w in split_honorific(self.name)[1].split()}


@dataclass(frozen=True)
class NameIndex:
    """Surface name (lower-case) -> character id, and the characters themselves."""

    by_surface: dict
    clusters: dict

    def lookup(self, surface: str) -> str | None:
        return self.by_surface.get(clean_name(surface).lower())


def build_name_index(names: list[str], bible: tuple[CharacterBible, ...]) -> NameIndex:
    """Cluster the surface names found in a chapter, bible entries first."""
    clusters: dict[str, _Cluster] = {}
    by_surface: dict[str, str] = {}
    for entry in bible:
        cid = id_slug(entry.name)
        clusters[cid] = _Cluster(entry.name, bible=entry)
        for alias in (entry.name, *entry.aliases):
            by_surface[alias.lower()] = cid
            by_surface.setdefault(split_honorific(alias)[1].lower(), cid)

    counts = Counter(clean_name(n) for n in names)
    # Longest names first, so "Ilse Marr" exists before "Ilse" looks for it.
    ordered = sorted(counts, key=lambda n: (-len(split_honorific(n)[1].split()), n))
    for surface in ordered:
        if not plausible_name(surface):
            continue
        key = surface.lower()
        honorific, core = split_honorific(surface)
        cid = by_surface.get(key) or by_surface.get(core.lower()) \
            or _match_partial(core, honorific, clusters)
        if cid is None:
            cid = _new_id(core or surface, clusters)
            clusters[cid] = _Cluster(core or surface)
        cluster = clusters[cid]
        cluster.aliases[surface] += counts[surface]
        if honorific and HONORIFICS.get(honorific.lower()):
            cluster.gender_votes[HONORIFICS[honorific.lower()]] += 3
        by_surface.setdefault(key, cid)
        by_surface.setdefault(core.lower(), cid)
    return NameIndex(by_surface, clusters)


def _match_partial(core: str, honorific: str | None,
                   clusters: dict[str, _Cluster]) -> str | None:
    """A lone first or last name joins the one cluster whose full name has it."""
    words = core.lower().split()
    if not words:
        return None
    candidates = [cid for cid, c in clusters.items()
                  if set(words) <= c.tokens() and len(c.tokens()) > len(words)]
    if honorific and len(words) == 1:
        # "Dr. Marr" is a surname: prefer clusters where it is the last word.
        last = [cid for cid in candidates
                if split_honorific(clusters[cid].name)[1].lower().split()[-1] == words[0]]
        candidates = last or candidates
    return candidates[0] if len(candidates) == 1 else None


def _new_id(name: str, clusters: dict) -> str:
    base = id_slug(name)
    cid, n = base, 2
    while cid in clusters:
        cid, n = f"{base}-{n}", n + 1
    return cid
