"""Places: bible locations, place names, and "the control room" style phrases.

A place phrase is a noun whose head is a place noun ("room", "road",
"canteen", from templates/places.yaml), found with spaCy's Matcher; its head
noun decides interior or exterior when the bible does not.  "the control
room" and "the Array's control room" merge because they share the head and
its compound ("control room"); a bare "the room" later on is the last
room-headed place named before it.  The project's location bible (names and
aliases) always wins.  Names of people, days and months are never places.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..model import ChapterText, Location, LocationMention
from ..read.slugs import id_slug
from ..resources import find_file, load_yaml_file

_PLACE_ENTITIES = ("FAC", "GPE", "LOC")
# A place inside a simile ("like a man pushing a car") is not somewhere the
# story is.
_SIMILE_WORDS = {"like"}
# A name that is the object of one of these is a person ("told Agnes").
_TOLD_VERBS = {"tell", "ask", "answer", "marry", "kiss", "thank", "beg", "promise"}
# Entity labels of names that are never characters.
_NOT_PEOPLE_ENTITIES = ("FAC", "GPE", "LOC", "ORG", "PRODUCT", "NORP", "DATE", "TIME")
# A ship's name follows one of these words: "the steamer Thunder Child".
_SHIP_WORDS = re.compile(
    r"\b(?:ship|steamer|steamship|ironclad|frigate|schooner|yacht|boat|vessel|liner|"
    r"brig|barque|cutter|ketch|H\.?M\.?S\.?|S\.?S\.?|R\.?M\.?S\.?|U\.?S\.?S\.?)\s+"
    r"[\"'\u201c\u2018]?(?:the\s+)?(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")


@dataclass(frozen=True)
class PlaceLexicon:
    interior: frozenset[str]
    exterior: frozenset[str]
    either: frozenset[str]
    not_places: frozenset[str]
    person_verbs: frozenset[str] = frozenset()
    person_titles: frozenset[str] = frozenset()
    naming_words: frozenset[str] = frozenset()
    merge_window: int = 4000

    @classmethod
    def from_data(cls, data: dict) -> "PlaceLexicon":
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key) or ())
        return cls(interior=words("interior"), exterior=words("exterior"),
                   either=words("either"), not_places=words("not_places"),
                   person_verbs=words("person_verbs"),
                   person_titles=words("person_titles"),
                   naming_words=words("naming_words"),
                   merge_window=int(data.get("merge_window_chars", 4000)))

    @property
    def heads(self) -> frozenset[str]:
        return self.interior | self.exterior | self.either

    def setting(self, head: str) -> str | None:
        if head in self.interior:
            return "INT"
        if head in self.exterior:
            return "EXT"
        return None


@functools.lru_cache(maxsize=8)
def _lexicon_from(path: Path) -> PlaceLexicon:
    return PlaceLexicon.from_data(load_yaml_file(path) or {})


def load_lexicon(config: Config) -> PlaceLexicon:
    """templates/places.yaml from the project, else the built-in one."""
    return _lexicon_from(find_file("places.yaml", config.templates_root))


@dataclass
class _Found:
    start: int
    end: int
    key: str
    head: str
    bare: bool          # "the room": a head noun with nothing to tell it apart
    bible: bool = False


def find_locations(chapter: ChapterText, docs: list, config: Config,
                   lexicon: PlaceLexicon | None = None):
    """Locations of this chapter and where each is mentioned."""
    lexicon = lexicon or load_lexicon(config)
    names: dict[str, Counter] = defaultdict(Counter)
    settings: dict[str, str | None] = {}
    bible = {id_slug(loc.name): loc for loc in config.locations}
    found = _bible_mentions(chapter, config, names)
    people = _people(docs, config, lexicon)
    for para, doc in zip(chapter.paragraphs, docs):
        found += _place_phrases(para.start, doc, lexicon, people, names, settings)
        found += _place_entities(para.start, doc, lexicon, people, names, settings)
    kept = _merge_bare_heads(_longest_first(found), bible, lexicon.merge_window)
    locations = []
    for key in sorted({f.key for f in kept}):
        if key in bible:
            loc = bible[key]
            locations.append(Location(key, loc.name, tuple(loc.aliases), loc.setting,
                                      loc.description))
        else:
            name = names[key].most_common(1)[0][0]
            aliases = tuple(sorted(a for a in names[key] if a != name))
            locations.append(Location(key, name, aliases, settings.get(key)))
    mentions = tuple(LocationMention(f.start, f.end, f.key) for f in kept)
    return tuple(locations), mentions


def _bible_mentions(chapter: ChapterText, config: Config, names) -> list[_Found]:
    """Every name and alias of the location bible, found verbatim (any case)."""
    alias_key: dict[str, str] = {}
    for loc in config.locations:
        for alias in (loc.name, *loc.aliases):
            if alias.strip():
                alias_key.setdefault(alias.lower(), id_slug(loc.name))
    if not alias_key:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(a) for a in sorted(alias_key, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE)
    heads = {id_slug(loc.name): loc.name.split()[-1].lower() for loc in config.locations}
    by_key = {id_slug(loc.name): loc.name for loc in config.locations}
    found = []
    for para in chapter.paragraphs:
        for m in pattern.finditer(para.text.replace("\n", " ")):
            key = alias_key[m.group(0).lower()]
            found.append(_Found(para.start + m.start(), para.start + m.end(), key,
                                heads[key], bare=False, bible=True))
            names[key][by_key[key]] += 1
    return found


def _people(docs: list, config: Config, lexicon: PlaceLexicon) -> set[str]:
    """Lower-cased names of people: the character bible, PERSON entities, and
    named "places" that act like people ("Turkey said")."""
    people = set()
    for entry in config.characters:
        for name in (entry.name, *entry.aliases):
            people.add(name.lower())
            people.update(part.lower() for part in name.split() if part[:1].isupper())
    # A name spaCy tags now as a person, now as a place, is what it is
    # tagged most often; one that acts like a person is a person.
    votes: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                for name in {ent.text.lower()} | {t.lower_ for t in ent if t.pos_ == "PROPN"}:
                    votes[name]["person"] += 1
            elif ent.label_ in _PLACE_ENTITIES:
                votes[ent.text.lower()]["place"] += 1
                if _acts_as_person(ent, lexicon):
                    people.add(ent.text.lower())
    people.update(name for name, v in votes.items() if v["person"] >= v["place"])
    return people


def _acts_as_person(ent, lexicon: PlaceLexicon) -> bool:
    """"Turkey said", "Mr. Bingley": a name taken for a place that is a person."""
    if ent.root.dep_ in ("nsubj", "dobj") and ent.root.head.lemma_.lower() in lexicon.person_verbs \
            and (ent.root.dep_ == "nsubj" or ent.root.head.lemma_.lower() in _TOLD_VERBS):
        return True
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in lexicon.person_titles:
        return True
    first = ent[0].lower_.rstrip(".")
    return len(ent) > 1 and first in lexicon.person_titles and first not in ("st", "saint")


@functools.lru_cache(maxsize=8)
def _place_matcher(vocab, heads: frozenset[str]):
    from spacy.matcher import Matcher
    matcher = Matcher(vocab)
    matcher.add("PLACE", [[{"LOWER": {"IN": sorted(heads)}, "POS": {"IN": ["NOUN", "PROPN"]}}]])
    return matcher


def _place_phrases(offset: int, doc, lexicon: PlaceLexicon, people, names,
                   settings) -> list[_Found]:
    """"the control room", "Edda's house", "the long dark room"."""
    found = []
    for _, start, _end in _place_matcher(doc.vocab, lexicon.heads)(doc):
        head = doc[start]
        if head.ent_type_ == "PERSON" or head.dep_ == "compound" or _in_simile(head):
            continue                # "church bells", "the train service": not places
        label, left = _place_label(head, people, lexicon)
        key = id_slug(label)
        found.append(_Found(offset + doc[left].idx, offset + head.idx + len(head.text),
                            key, head.lower_, bare=label == head.lower_))
        names[key][label] += 1
        settings.setdefault(key, lexicon.setting(head.lower_))
    return found


def _name_words(head, lexicon: PlaceLexicon) -> list:
    """The words right before the head that are part of the place's name:
    compounds ("control room", "drawing-room") and naming participles
    ("sitting room"), not adjectives ("the long dark room")."""
    doc, words = head.doc, []
    i = head.i - 1
    while i >= 0:
        tok = doc[i]
        if tok.dep_ == "compound" and tok.head.i == head.i and \
                tok.pos_ in ("NOUN", "PROPN", "NUM"):
            words.insert(0, tok)          # not "the western ridge" parsed as a compound
        elif tok.text == "-" and i > 0 and doc[i - 1].dep_ == "compound" \
                and doc[i - 1].pos_ in ("NOUN", "PROPN"):
            words.insert(0, tok)
        elif (not words and tok.lower_ in lexicon.naming_words):
            words.insert(0, tok)
        else:
            break
        i -= 1
    return words


def _place_label(head, people, lexicon: PlaceLexicon) -> tuple[str, int]:
    """The words that name the place, and where they start (adjectives and
    articles are left out: "the long dark room" is mentioned as "room")."""
    compounds = _name_words(head, lexicon)
    owner = next((c for c in head.lefts if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
    left = compounds[0].i if compounds else head.i
    # The words as written: "control room", "drawing-room".
    words = [" ".join(head.doc[left:head.i + 1].text.lower().split())]
    if owner is not None and not compounds and owner.lower_ in people:
        words.insert(0, f"{owner.text}'s")            # "Edda's house"
        left = owner.i
    return " ".join(words), left


def _in_simile(token) -> bool:
    return any(a.lower_ in _SIMILE_WORDS and a.dep_ == "prep" for a in token.ancestors)


def _place_entities(offset: int, doc, lexicon: PlaceLexicon, people, names,
                    settings) -> list[_Found]:
    """Named places: "Vell", "Horsell Common", "the Chobham Road"."""
    found = []
    for ent in doc.ents:
        if ent.label_ not in _PLACE_ENTITIES:
            continue
        text = re.sub(r"^the\s+", "", ent.text, flags=re.IGNORECASE).strip()
        low = text.lower()
        if (not text or low in lexicon.not_places or low in people
                or low.split()[0] in people or not any(c.isupper() for c in text)):
            continue
        key = id_slug(text)
        found.append(_Found(offset + ent.start_char, offset + ent.end_char, key,
                            low.split()[-1], bare=False))
        names[key][text] += 1
        head = low.split()[-1]
        settings.setdefault(key, lexicon.setting(head) if head in lexicon.heads
                            else ("EXT" if ent.label_ != "FAC" else None))
    return found


def _longest_first(found: list[_Found]) -> list[_Found]:
    """Of overlapping mentions keep the bible's, else the longest."""
    ordered = sorted(found, key=lambda f: (f.start, not f.bible, -(f.end - f.start)))
    kept: list[_Found] = []
    for f in ordered:
        if kept and f.start < kept[-1].end:
            if f.bible and not kept[-1].bible and f.end > kept[-1].end:
                kept[-1] = f
            continue
        kept.append(f)
    return kept


def _merge_bare_heads(found: list[_Found], bible: dict, window: int) -> list[_Found]:
    """A bare "the room" is the last named place with that head noun."""
    last: dict[str, _Found] = {}
    for f in found:
        if f.bare and not f.bible:
            before = last.get(f.head)
            if before is not None and f.start - before.end <= window:
                f.key = before.key
                continue
        if not f.bare or f.bible:
            last[f.head] = f
    return found


def not_character_names(chapter: ChapterText, docs: list, config: Config,
                        lexicon: PlaceLexicon | None = None) -> frozenset[str]:
    """Lower-cased names that must never become characters.

    The location bible's names and aliases; days and months; names spaCy
    tags as a place, organisation, nationality or date more often than as a
    person in this chapter ("Vell", "the Ministry", "Friday"); and ships
    ("the steamer Thunder Child", "HMS Thunder Child").  For the character
    finder to call on its candidates.
    """
    lexicon = lexicon or load_lexicon(config)
    names = set(lexicon.not_places)
    for loc in config.locations:
        names.update(a.lower() for a in (loc.name, *loc.aliases))
    votes: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for ent in doc.ents:
            text = re.sub(r"^the\s+", "", ent.text.strip(), flags=re.IGNORECASE).lower()
            votes[text]["person" if ent.label_ == "PERSON" else
                        "other" if ent.label_ in _NOT_PEOPLE_ENTITIES else "skip"] += 1
    names.update(t for t, v in votes.items() if v["other"] > v["person"])
    for para in chapter.paragraphs:
        for m in _SHIP_WORDS.finditer(para.text.replace("\n", " ")):
            names.add(m.group("name").lower())
    return frozenset(n for n in names if n)
