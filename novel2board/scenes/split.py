"""Stage 3, scenes: where one scene ends and the next begins, and its slugline.

A scene starts at the chapter's start, after an explicit break marker, at a
paragraph that opens with a time jump ("The next morning", "Three days
later") or names a new time of day ("That night" in an afternoon scene), at
one that opens by putting the story in a place the scene has not been
("In the canteen, ...", "The canteen was a prefab box", "... he reached
Edgware."), and where the whole cast changes.  A place merely mentioned, a place named in dialogue, or a
spot relative to the current one ("On the platform above them") is not a
scene change.  The cues are data in templates/scenes.yaml.

Each scene then gets its location (the place its narration puts it in,
weighted towards its opening and towards where its people are), INT/EXT
from that location (or from its indoor/outdoor words), a time of day from
its opening narration, its cast, and a slugline.  docs/scenes.md has the
details.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from ..model import Analysis, ChapterText, Scene
from ..read.slugs import id_slug

TIMES = ("DAWN", "MORNING", "DAY", "AFTERNOON", "EVENING", "DUSK", "NIGHT")
_NEVER = re.compile(r"(?!x)x")
# Prepositions before a place that put the action in it, or only point at it.
_IN_PLACE = {"in", "inside", "into", "at", "within", "through"}
_TOWARDS = {"over", "across", "toward", "towards", "beyond", "past", "from", "above",
            "below", "behind", "outside"}
_OTHER_PREPOSITIONS = {"to", "for", "with", "by", "near", "about", "around", "along", "up", "down",
                       "under", "beside", "between", "among", "against", "like", "than"}
_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this",
                "that"}
# A "quotation" longer than this many characters is a story told inside the
# story (Frankenstein's creature tells five chapters in quotation marks):
# narration, not dialogue.
_LONGEST_DIALOGUE = 600
_CLOSING_QUOTES = {'"', "\u201d", "'", "\u2019", "\u00bb"}
_PRONOUN_START = re.compile(r"^[\W_]*(?:he|she|they|him|her|his|their|it|we|i)\b", re.IGNORECASE)
# "The canteen was ...", "the control room smelled ...": the place is the subject.
_VERB_NEXT = re.compile(r"\s+(?:was|were|is|are|had|has|seemed|looked|stood|lay|smelled|smelt|"
                        r"felt|sat|ran|held|hummed|filled|rose|fell|stretched|opened|lies|stands|"
                        r"looms|loomed)\b", re.IGNORECASE)
# Before a place that is the subject: "The ", "The Commander's ", "Edda's ".
_SUBJECT_LEAD = re.compile(r"[\W_]*(?:the\s+)?(?:[\w.-]+(?:'s|\u2019s)\s+)?", re.IGNORECASE)
# A place seen from afar is scenery: "Far below, down in its valley".
_DISTANCE = re.compile(r"\b(?:far|distant|distance|below|beneath|beyond|horizon)\b", re.IGNORECASE)
_TITLES = {"mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord", "the", "captain",
           "commander", "colonel", "professor", "father", "mother", "aunt", "uncle"}
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+")
_CLAUSE_END = re.compile(r"[,.;:!?\u2014]|\s-\s")


@dataclass(frozen=True)
class SceneCues:
    time_jumps: re.Pattern
    short_jumps: re.Pattern
    time_anchors: re.Pattern
    clock_times: tuple[tuple[str, re.Pattern], ...]
    time_words: tuple[tuple[str, re.Pattern], ...]
    time_hints: tuple[tuple[str, re.Pattern], ...]
    openers: re.Pattern
    relative_words: re.Pattern
    arrivals: re.Pattern = _NEVER
    generic_places: frozenset[str] = frozenset()
    time_ignore: re.Pattern = _NEVER
    interior_signs: re.Pattern = _NEVER
    exterior_signs: re.Pattern = _NEVER
    location_min_paragraphs: int = 2
    cast_window: int = 6
    cast_min_mentions: int = 2
    cast_min_paragraphs: int = 6

    @classmethod
    def from_data(cls, data: dict) -> "SceneCues":
        return cls(
            time_jumps=_opening(data.get("time_jumps")),
            short_jumps=_opening(data.get("short_jumps")),
            time_anchors=_opening(data.get("time_anchors")),
            clock_times=_pattern_table(data.get("clock_times"), regex=True),
            time_words=_pattern_table(data.get("time_of_day")),
            time_hints=_pattern_table(data.get("time_of_day_hints")),
            openers=_opening([re.escape(o) for o in data.get("location_openers") or ["in"]],
                             tail=r"\s"),
            relative_words=_any_word(data.get("relative_place_words")),
            arrivals=_arrival_pattern(data.get("arrival_phrases")),
            generic_places=frozenset(str(w).lower() for w in data.get("generic_places") or ()),
            time_ignore=_anywhere(data.get("time_of_day_ignore")),
            interior_signs=_any_word(data.get("interior_signs")),
            exterior_signs=_any_word(data.get("exterior_signs")),
            location_min_paragraphs=int(data.get("location_change_min_paragraphs", 2)),
            cast_window=int(data.get("cast_change_window_paragraphs", 6)),
            cast_min_mentions=int(data.get("cast_change_min_mentions", 2)),
            cast_min_paragraphs=int(data.get("cast_change_min_paragraphs", 6)))


def _opening(patterns, tail: str = r"\b") -> re.Pattern:
    """Patterns matched at a paragraph's start, after quotes or emphasis."""
    if not patterns:
        return _NEVER
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(r"^[\W_]*(?:" + body + r")" + tail, re.IGNORECASE)


def _arrival_pattern(phrases) -> re.Pattern:
    """An arrival phrase right before a place: "reached (the) ", "went into the "."""
    if not phrases:
        return _NEVER
    body = "|".join(f"(?:{p})" for p in phrases)
    return re.compile(r"\b(?:" + body + r")\s+(?:(?:the|a|an|his|her|their|our|my)\s+)?"
                      r"(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)


def _anywhere(patterns) -> re.Pattern:
    if not patterns:
        return _NEVER
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.IGNORECASE)


def _any_word(words) -> re.Pattern:
    if not words:
        return _NEVER
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _pattern_table(table, regex: bool = False) -> tuple[tuple[str, re.Pattern], ...]:
    rows = []
    for time, items in (table or {}).items():
        if str(time).upper() not in TIMES or not items:
            continue
        body = "|".join(items if regex else (re.escape(str(w)) for w in items))
        rows.append((str(time).upper(), re.compile(r"\b(?:" + body + r")\b", re.IGNORECASE)))
    return tuple(rows)


# ------------------------------------------------------------ the splitter
class _Chapter:
    """What the splitter asks of a chapter: narration, places and people."""

    def __init__(self, chapter: ChapterText, analysis: Analysis):
        self.chapter = chapter
        self.analysis = analysis
        # Dialogue, that is: a "quotation" left open at the end of its
        # paragraph, or a very long one, is a story told inside the story,
        # and that is narration.
        self.quotes = sorted((q.start, q.end) for q in analysis.quotes
                             if q.end - q.start <= _LONGEST_DIALOGUE
                             and q.text.rstrip()[-1:] in _CLOSING_QUOTES)
        self.quote_starts = [s for s, _ in self.quotes]
        # A place named in dialogue is not where the scene is; nor is a
        # "place" that is really a character's name.
        people = _people_names(analysis)
        self.places = [m for m in analysis.location_mentions
                       if not self.in_quote(m.start) and m.location not in people]
        self.place_starts = [m.start for m in self.places]
        self.locations = {loc.id: loc for loc in analysis.locations}
        # Places the project's bible describes: the writer's own settings.
        self.bible = {loc.id for loc in analysis.locations if loc.description}
        self.cast_by_para = self._cast_by_paragraph()
        self.name_words_of = {
            c.id: {w.lower().strip(".") for name in (c.name, *c.aliases) for w in name.split()
                   if w[:1].isupper() and w.lower().strip(".") not in _TITLES} or {c.id}
            for c in analysis.characters}
        self.mention_starts = sorted(m.start for m in analysis.mentions
                                     if not self.in_quote(m.start))

    def cast_since(self, first: int, index: int) -> set[str]:
        """Everyone in paragraphs first..index-1.  Asked for each paragraph
        of a scene in turn: kept and grown, not rebuilt from the scene's
        start each time (quadratic in a scene of thousands of paragraphs)."""
        start, upto, seen = getattr(self, "_cast_seen", (None, 0, set()))
        if start != first or upto > index:
            start, upto, seen = first, first, set()
        for cast in self.cast_by_para[upto:index]:
            seen.update(cast)
        self._cast_seen = (first, index, seen)
        return set(seen)

    def in_quote(self, pos: int) -> bool:
        i = bisect_right(self.quote_starts, pos) - 1
        return i >= 0 and self.quotes[i][0] <= pos < self.quotes[i][1]

    def opens_with_dialogue(self, para) -> bool:
        lead = len(para.text) - len(para.text.lstrip("\"'\u201c\u2018 _*"))
        return self.in_quote(para.start + lead) or (lead > 0 and self.in_quote(para.start))

    def name_words(self, ids) -> set[str]:
        words = set()
        for cid in ids:
            words |= self.name_words_of.get(cid, {cid})
        return words

    def someone_in_sentence(self, para, pos: int) -> bool:
        """A character is named (or referred to) in the sentence around pos."""
        local = pos - para.start
        starts = [m.end() for m in _SENTENCE_END.finditer(para.text, 0, local)]
        start = para.start + (starts[-1] if starts else 0)
        after = _SENTENCE_END.search(para.text, local)
        end = para.start + (after.start() + 1 if after else len(para.text))
        i = bisect_left(self.mention_starts, start)
        return i < len(self.mention_starts) and self.mention_starts[i] < end

    def places_in(self, start: int, end: int):
        return self.places[bisect_left(self.place_starts, start):
                           bisect_left(self.place_starts, end)]

    def narration(self, para) -> str:
        """The paragraph with its quotations blanked out (offsets kept)."""
        text = para.text
        for qs, qe in self.quotes:
            if para.start <= qs < para.end:
                a, b = qs - para.start, min(qe, para.end) - para.start
                text = text[:a] + " " * (b - a) + text[b:]
        return text

    def _cast_by_paragraph(self) -> list[tuple[str, ...]]:
        """Characters present in each paragraph: named in narration, or speaking."""
        paras = self.chapter.paragraphs
        starts = [p.start for p in paras]
        cast: list[dict[str, None]] = [{} for _ in paras]
        for m in self.analysis.mentions:
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and m.start < paras[i].end and not self.in_quote(m.start):
                cast[i][m.character] = None
        for q in self.analysis.quotes:
            if q.speaker and 0 <= q.paragraph < len(paras):
                cast[q.paragraph][q.speaker] = None
        return [tuple(c) for c in cast]


def _people_names(analysis: Analysis) -> set[str]:
    """Ids of locations that are really people ("Charlotte" taken for a town)."""
    names = {c.id for c in analysis.characters}
    for c in analysis.characters:
        for name in (c.name, *c.aliases):
            names.update(id_slug(part) for part in name.split() if part[:1].isupper())
            names.add(id_slug(name))
    return names


def split_scenes(chapter: ChapterText, analysis: Analysis, cues: SceneCues) -> tuple[Scene, ...]:
    """The chapter's scenes, in text order, together covering every paragraph."""
    paragraphs = chapter.paragraphs
    if not paragraphs:
        return ()
    ctx = _Chapter(chapter, analysis)
    bounds: list[tuple[int, str, str | None]] = [(0, "chapter-start", None)]
    scene_time = _time_of_day(ctx, cues, paragraphs[0:2])
    scene_places = _named_places(ctx, paragraphs[0])
    for index in range(1, len(paragraphs)):
        para = paragraphs[index]
        length = index - bounds[-1][0]
        cause, time = _scene_change(ctx, cues, index, length, scene_time, scene_places,
                                    bounds[-1][0])
        if cause:
            bounds.append((index, cause, time))
            scene_places = set()
            scene_time = time or _time_of_day(ctx, cues, paragraphs[index:index + 2])
        scene_places |= _named_places(ctx, para)

    scenes: list[Scene] = []
    for n, (first, cause, time) in enumerate(bounds, start=1):
        last = bounds[n][0] - 1 if n < len(bounds) else len(paragraphs) - 1
        scenes.append(_make_scene(ctx, cues, n, first, last, cause, time,
                                  scenes[-1] if scenes else None))
    return tuple(scenes)


def _scene_change(ctx: _Chapter, cues: SceneCues, index: int, length: int,
                  scene_time: str | None, scene_places: set[str], scene_first: int):
    """Why a new scene starts at this paragraph (None if it does not), and
    the time of day its opening names."""
    paragraphs = ctx.chapter.paragraphs
    para = paragraphs[index]
    if any(paragraphs[index - 1].end <= b < para.start for b in ctx.chapter.breaks):
        return "break", None
    text = para.text
    if ctx.opens_with_dialogue(para):
        text = ""                   # "On the evening before," said he: not a cue
    if cues.time_jumps.match(text) and not cues.short_jumps.match(text):
        return "time-jump", _time_in(cues, _opening_clause(text))
    if (m := cues.time_anchors.match(text)) is not None:
        time = _time_in(cues, m.group(0))
        if time is None or time != scene_time:
            return "time-jump", time
    if length >= cues.location_min_paragraphs:
        place = _opening_place(ctx, cues, index)
        if place and place not in scene_places:
            return "location-change", None
    if cues.cast_window and length >= cues.cast_min_paragraphs and \
            _cast_changes(ctx, cues, scene_first, index):
        return "cast-change", None
    return None, None


def _opening_clause(text: str) -> str:
    m = _CLAUSE_END.search(text, 1)
    return text[:m.start()] if m else text[:120]


def _opening_place(ctx: _Chapter, cues: SceneCues, index: int) -> str | None:
    """The place a paragraph opens in: "In the canteen,", "The canteen was",
    or "... and at last he reached the harbour."."""
    para = ctx.chapter.paragraphs[index]
    clause_end = para.start + len(_opening_clause(para.text))
    mentions = ctx.places_in(para.start, clause_end)
    if not mentions:
        return _arrival(ctx, cues, para)
    first = mentions[0]
    opening = para.text[:clause_end - para.start]
    if cues.relative_words.search(opening):
        return None                 # "On the platform above them": the same place
    lead = para.text[:first.start - para.start]
    opener = cues.openers.match(para.text)
    if opener and _only_modifiers(para.text[opener.end():first.start - para.start]):
        return first.location       # "In the control room," / "Back at dish fourteen"
    after = para.text[first.end - para.start:]
    loc = ctx.locations.get(first.location)
    generic = loc is not None and loc.name.lower() in cues.generic_places
    if _SUBJECT_LEAD.fullmatch(lead) and not generic and \
            (_VERB_NEXT.match(after) or after.startswith(",")):
        return first.location       # "The canteen was a prefab box": its subject
    return _arrival(ctx, cues, para)


def _arrival(ctx: _Chapter, cues: SceneCues, para) -> str | None:
    """A place reached in the paragraph's first sentence: "reached Edgware",
    "I went into the dining room"."""
    first_sentence = re.match(r".*?[.!?](?:\s|$)", para.text, re.DOTALL)
    end = para.start + (first_sentence.end() if first_sentence else len(para.text))
    for m in ctx.places_in(para.start, end):
        before = para.text[max(0, m.start - para.start - 40):m.start - para.start]
        if cues.arrivals.search(before):
            return m.location
    return None


def _only_modifiers(text: str) -> bool:
    """Between "In" and the place only an article and a word or two:
    "In the old control room", not "In three strides he was at the kitchen"."""
    return "," not in text and len(text.split()) <= 3


def _named_places(ctx: _Chapter, para) -> set[str]:
    return {m.location for m in ctx.places_in(para.start, para.end)}


def _cast_changes(ctx: _Chapter, cues: SceneCues, first: int, index: int) -> bool:
    """Nobody of the scene so far is in the next few paragraphs, and others are.

    People are compared by the words of their names, so "Tomas" and "Tomas
    Okafor" are one person even when the analysis kept them apart.
    """
    para = ctx.chapter.paragraphs[index]
    if _PRONOUN_START.match(para.text) or ctx.opens_with_dialogue(para):
        return False                # "He was also told...", a line of talk: still here
    before = ctx.cast_since(first, index)
    after_paras = ctx.cast_by_para[index:index + cues.cast_window]
    after = {c for cast in after_paras for c in cast}
    mentions = sum(len(cast) for cast in after_paras)
    if not before or mentions < cues.cast_min_mentions or not ctx.cast_by_para[index]:
        return False
    return not ctx.name_words(before) & ctx.name_words(after)


# ------------------------------------------------------------- the scenes
def _make_scene(ctx: _Chapter, cues: SceneCues, number: int, first: int, last: int,
                cause: str, cue_time: str | None, previous: Scene | None) -> Scene:
    chapter = ctx.chapter
    paras = chapter.paragraphs[first:last + 1]
    start, end = paras[0].start, paras[-1].end
    location = _scene_location(ctx, cues, paras)
    loc = ctx.locations.get(location) if location else None
    # A place that may be either (a house, a ship) is inside or outside as
    # the scene's narration shows.
    setting = (loc.setting if loc else None) or _indoors(ctx, cues, paras)
    time = cue_time or _time_of_day(ctx, cues, paras[:2])
    if time is None and previous is not None:
        # Time has not moved on across a change of place or cast: the light
        # is the one of the scene before.  A jump to an unnamed time is LATER.
        time = "LATER" if cause == "time-jump" else _concrete(previous.time_of_day)
    scene_id = f"{chapter.number}.{number}"
    return Scene(id=scene_id, number=number,
                 heading=slugline(setting, loc.name if loc else None, time, scene_id),
                 setting=setting, location=location, time_of_day=time,
                 characters=_cast(ctx, first, last), start=start, end=end,
                 paragraphs=tuple(p.index for p in paras),
                 # Written by the shots stage (shots/summary.py), which has the
                 # parse to tell it like a shot description.
                 summary="", cause=cause,
                 transition_in="FADE IN:" if number == 1 else
                 ("DISSOLVE TO:" if cause == "time-jump" else "CUT TO:"))


def _indoors(ctx: _Chapter, cues: SceneCues, paras) -> str | None:
    """INT or EXT when the scene's narration leans clearly one way."""
    text = " ".join(ctx.narration(p) for p in paras[:12])
    inside = len(cues.interior_signs.findall(text))
    outside = len(cues.exterior_signs.findall(text))
    if inside >= 2 and inside >= 1.5 * outside:
        return "INT"
    if outside >= 2 and outside >= 1.5 * inside:
        return "EXT"
    return None


def _concrete(time: str | None) -> str | None:
    return time if time in TIMES else None


def _scene_location(ctx: _Chapter, cues: SceneCues, paras) -> str | None:
    """The place the scene's narration puts it in.

    Every place named outside dialogue votes; a place in the opening
    paragraph, one the action is *in* or *at* ("in the control room"), the
    opening place of the scene, and a place from the project's bible weigh
    more; a place only looked at or travelled over ("across the plain")
    weighs less.
    """
    votes: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    opening = _opening_place(ctx, cues, paras[0].index)
    for i, para in enumerate(paras):
        for m in ctx.places_in(para.start, para.end):
            weight = (3.0 if i == 0 else 1.5 if i == 1 else 1.0)
            weight *= _preposition_weight(para.text[:m.start - para.start],
                                          para.text[m.end - para.start:])
            if _DISTANCE.search(_sentence_before(para.text, m.start - para.start)[-40:]):
                weight *= 0.5       # "Far below, down in its valley": scenery
            if ctx.someone_in_sentence(para, m.start):
                weight *= 1.4       # "Okafor was up on the platform": people are there
            votes[m.location] += weight
            first_seen.setdefault(m.location, m.start)
    if not votes:
        return None
    if opening in votes:
        votes[opening] += 4.0
    indoors = _indoors(ctx, cues, paras)
    for key in votes:
        loc = ctx.locations.get(key)
        if indoors and loc is not None:
            # A scene of desks and doors is inside; of grass and sky, outside.
            # A place that can be either (a ferry, a house) fits both.
            votes[key] *= 0.6 if loc.setting not in (None, indoors) else 1.6
    for key in votes:
        if key in ctx.bible:
            votes[key] *= 1.5
    return max(votes, key=lambda k: (votes[k], -first_seen[k]))


def _sentence_before(text: str, pos: int) -> str:
    """The text of the sentence around pos, up to pos."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, pos)]
    return text[starts[-1] if starts else 0:pos]


def _preposition_weight(before: str, after: str) -> float:
    """How much a mention says the action is *there*, from the words around it."""
    words = re.findall(r"[\w']+", before[-40:].lower())
    while words and (words[-1] in _DETERMINERS or words[-1].endswith("'s")):
        words.pop()
    clause_start = not before.strip() or before.rstrip()[-1] in ",;:.!?\u2014"
    if words and not clause_start:
        if words[-1] in _IN_PLACE:
            return 2.0              # "in the control room"
        if words[-1] in _TOWARDS or words[-1] == "of":
            return 0.5              # "across the plain", "the windows of the room"
        if words[-1] in ("on", "onto"):
            return 1.5
        if words[-1] in _OTHER_PREPOSITIONS:
            return 1.0
    if clause_start or _VERB_NEXT.match(after):
        return 1.5                  # the subject of its clause
    return 1.0


def _time_in(cues: SceneCues, text: str) -> str | None:
    """The time of day a piece of narration names, if any."""
    for table in (cues.clock_times, cues.time_words, cues.time_hints):
        if time := _first_match(table, text):
            return time
    return None


def _time_of_day(ctx: _Chapter, cues: SceneCues, paras) -> str | None:
    """The time of day the scene's opening narration names."""
    for para in paras:
        text = cues.time_ignore.sub(_blank, ctx.narration(para))
        for table in (cues.clock_times, cues.time_words):
            if time := _first_match(table, text):
                return time
    return _first_match(cues.time_hints, " ".join(ctx.narration(p) for p in paras))


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


def _first_match(table, text: str) -> str | None:
    best = None
    for time, pattern in table:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), time)
    return best[1] if best else None


def _cast(ctx: _Chapter, first: int, last: int) -> tuple[str, ...]:
    order: dict[str, None] = {}
    for cast in ctx.cast_by_para[first:last + 1]:
        for character in cast:
            order.setdefault(character, None)
    return tuple(order)


def slugline(setting: str | None, place: str | None, time: str | None, scene_id: str) -> str:
    """INT. CONTROL ROOM - NIGHT; parts that are unknown are left out."""
    place_text = _strip_article(place).upper() if place else None
    if setting and place_text:
        head = f"{setting}. {place_text}"
    elif setting:
        head = f"{setting}. SCENE {scene_id}"
    elif place_text:
        head = f"INT./EXT. {place_text}"
    else:
        head = f"SCENE {scene_id}"
    return f"{head} - {time}" if time else head


def _strip_article(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
