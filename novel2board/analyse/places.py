"""Places: bible locations, place names, and "the control room" style phrases.

A place phrase is a noun chunk whose head is a place noun ("room", "road",
"canteen"); its head noun decides interior or exterior when the bible does
not.  "the control room" and "the Array's control room" merge because they
share the head and its compound ("control room").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..config import Config
from ..model import ChapterText, Location, LocationMention
from ..read.slugs import id_slug

INTERIOR = {
    "room", "kitchen", "hall", "office", "corridor", "hallway", "bedroom",
    "canteen", "lab", "laboratory", "library", "study", "cellar", "attic",
    "bar", "pub", "inn", "tavern", "church", "chapel", "cabin", "cockpit",
    "bridge", "quarters", "lobby", "parlour", "parlor", "drawing-room",
    "apartment", "flat", "shop", "store", "restaurant", "cafe", "café",
    "ward", "hospital", "station", "hangar", "garage", "barn", "tent", "car",
    "train", "carriage", "basement", "stairwell", "elevator", "lift",
    "workshop", "dormitory", "classroom", "theatre", "theater", "house",
    "cottage", "castle", "palace", "prison", "cell", "bunker", "galley",
}
EXTERIOR = {
    "road", "street", "field", "forest", "wood", "woods", "garden", "park",
    "beach", "shore", "river", "lake", "sea", "hill", "mountain", "valley",
    "plateau", "ridge", "yard", "courtyard", "square", "lane", "path", "track",
    "bridge", "dock", "harbour", "harbor", "pier", "roof", "rooftop", "desert",
    "meadow", "moor", "heath", "cliff", "coast", "town", "village", "city",
    "market", "platform", "dish", "array", "plain", "camp", "trail",
}
_SKIP_HEADS = {"way", "place", "side", "end", "edge", "middle"}


def find_locations(chapter: ChapterText, docs: list, config: Config):
    """Locations of this chapter and where each is mentioned."""
    mentions: list[tuple[int, int, str]] = []          # start, end, key
    names: dict[str, Counter] = defaultdict(Counter)
    settings: dict[str, str | None] = {}
    bible = {}
    for loc in config.locations:
        key = id_slug(loc.name)
        bible[key] = loc
        settings[key] = loc.setting
        for alias in sorted({loc.name, *loc.aliases}, key=len, reverse=True):
            pattern = re.compile(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", re.IGNORECASE)
            for para in chapter.paragraphs:
                for m in pattern.finditer(para.text):
                    mentions.append((para.start + m.start(), para.start + m.end(), key))
                    names[key][loc.name] += 1

    for para, doc in zip(chapter.paragraphs, docs):
        for chunk in doc.noun_chunks:
            head = chunk.root.lemma_.lower()
            if head in _SKIP_HEADS or chunk.root.pos_ != "NOUN":
                continue
            if head not in INTERIOR and head not in EXTERIOR:
                continue
            compounds = [t.lower_ for t in chunk.root.children
                         if t.dep_ == "compound" and t.i < chunk.root.i]
            label = " ".join(compounds + [chunk.root.lower_])
            key = id_slug(label)
            mentions.append((para.start + chunk.start_char, para.start + chunk.end_char, key))
            names[key][label] += 1
            settings.setdefault(key, "INT" if head in INTERIOR and head not in EXTERIOR
                                else "EXT" if head in EXTERIOR and head not in INTERIOR
                                else None)
        for ent in doc.ents:
            if ent.label_ in ("FAC", "GPE", "LOC"):
                key = id_slug(ent.text)
                mentions.append((para.start + ent.start_char, para.start + ent.end_char, key))
                names[key][ent.text] += 1
                settings.setdefault(key, "EXT" if ent.label_ != "FAC" else None)

    mentions = _longest_first(mentions, set(bible))
    locations = []
    for key in sorted({k for _, _, k in mentions}):
        if key in bible:
            loc = bible[key]
            locations.append(Location(key, loc.name, tuple(loc.aliases), loc.setting,
                                      loc.description))
        else:
            name = names[key].most_common(1)[0][0]
            aliases = tuple(sorted(a for a in names[key] if a != name))
            locations.append(Location(key, name, aliases, settings.get(key)))
    return tuple(locations), tuple(LocationMention(s, e, k) for s, e, k in mentions)


def _longest_first(mentions, bible_keys):
    """Of overlapping mentions keep the longest; on a tie the bible's, then by
    name, so the result never depends on set order (hash randomisation)."""
    mentions = sorted(set(mentions), key=lambda m: (m[0], -(m[1] - m[0]),
                                                    m[2] not in bible_keys, m[2]))
    kept = []
    for m in mentions:
        if kept and m[0] < kept[-1][1]:
            continue
        kept.append(m)
    return kept
