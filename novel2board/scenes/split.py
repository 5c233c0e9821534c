"""Stage 3, scenes: where one scene ends and the next begins, and its slugline.

A scene starts at the chapter's start, after an explicit break marker, at a
paragraph that opens with a time jump ("The next morning"), or at one that
opens by putting the story in another place ("In the canteen, ...").  A place
merely mentioned mid-paragraph is not a scene change.  The cues are data in
templates/scenes.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from ..model import Analysis, ChapterText, Scene

_TIMES = ("DAWN", "MORNING", "DAY", "AFTERNOON", "EVENING", "DUSK", "NIGHT")


@dataclass(frozen=True)
class SceneCues:
    time_jumps: re.Pattern
    time_words: tuple[tuple[str, re.Pattern], ...]
    openers: re.Pattern
    location_min_paragraphs: int

    @classmethod
    def from_data(cls, data: dict) -> "SceneCues":
        jumps = "|".join(f"(?:{p})" for p in data.get("time_jumps") or ["(?!x)x"])
        words = tuple(
            (time, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b",
                              re.IGNORECASE))
            for time, words in (data.get("time_of_day") or {}).items() if words)
        openers = "|".join(re.escape(o) for o in data.get("location_openers") or ["in"])
        return cls(time_jumps=re.compile(r"^\W*(?:" + jumps + r")\b", re.IGNORECASE),
                   time_words=words,
                   openers=re.compile(r"^\W*(?:" + openers + r")\s", re.IGNORECASE),
                   location_min_paragraphs=int(data.get("location_change_min_paragraphs", 3)))


def split_scenes(chapter: ChapterText, analysis: Analysis, cues: SceneCues) -> tuple[Scene, ...]:
    paragraphs = chapter.paragraphs
    if not paragraphs:
        return ()
    loc_starts = [m.start for m in analysis.location_mentions]
    locations = {loc.id: loc for loc in analysis.locations}

    def opening_location(index: int) -> str | None:
        """A location named in the paragraph's opening phrase."""
        para = paragraphs[index]
        if not cues.openers.match(para.text):
            return None
        first_clause_end = para.start + min(
            [i for i in (para.text.find(","), para.text.find("."), 80) if i > 0])
        i = bisect_left(loc_starts, para.start)
        if i < len(loc_starts) and loc_starts[i] < first_clause_end:
            return analysis.location_mentions[i].location
        return None

    bounds: list[tuple[int, str]] = [(0, "chapter-start")]
    current_location = _first_location(analysis, paragraphs[0].start, paragraphs[-1].end)
    since = 0
    for index in range(1, len(paragraphs)):
        para = paragraphs[index]
        prev_end = paragraphs[index - 1].end
        cause = None
        if any(prev_end <= b < para.start for b in chapter.breaks):
            cause = "break"
        elif cues.time_jumps.match(para.text):
            cause = "time-jump"
        else:
            place = opening_location(index)
            if place and place != current_location and since + 1 >= cues.location_min_paragraphs:
                cause = "location-change"
        if cause:
            bounds.append((index, cause))
            since = 0
            current_location = opening_location(index) or _first_location(
                analysis, para.start, para.end)
        else:
            since += 1

    scenes = []
    for n, (first, cause) in enumerate(bounds, start=1):
        last = bounds[n][0] - 1 if n < len(bounds) else len(paragraphs) - 1
        scenes.append(_make_scene(chapter, analysis, cues, n, first, last, cause,
                                  scenes[-1] if scenes else None, locations))
    return tuple(scenes)


def _first_location(analysis: Analysis, start: int, end: int) -> str | None:
    for m in analysis.location_mentions:
        if start <= m.start < end:
            return m.location
    return None


def _make_scene(chapter, analysis, cues, number, first, last, cause, previous, locations):
    paras = chapter.paragraphs[first:last + 1]
    start, end = paras[0].start, paras[-1].end
    location = _scene_location(analysis, start, end, paras)
    setting = locations[location].setting if location else None
    time = _time_of_day(cues, paras)
    if time is None and previous is not None:
        time = "CONTINUOUS" if cause in ("location-change", "cast-change") else \
            ("LATER" if cause == "time-jump" else previous.time_of_day)
    cast = _cast(analysis, start, end)
    heading = slugline(setting, locations[location].name if location else None,
                       time, f"{chapter.number}.{number}")
    return Scene(id=f"{chapter.number}.{number}", number=number, heading=heading,
                 setting=setting, location=location, time_of_day=time,
                 characters=cast, start=start, end=end,
                 paragraphs=tuple(p.index for p in paras),
                 summary=_summary(paras), cause=cause,
                 transition_in="FADE IN:" if number == 1 else
                 ("DISSOLVE TO:" if cause == "time-jump" else "CUT TO:"))


def _scene_location(analysis, start, end, paras) -> str | None:
    """The place named first in the scene's opening, else its most named."""
    opening_end = paras[min(1, len(paras) - 1)].end
    mentions = [m for m in analysis.location_mentions if start <= m.start < end]
    if not mentions:
        return None
    opening = [m.location for m in mentions if m.start < opening_end]
    if opening:
        return opening[0]
    return Counter(m.location for m in mentions).most_common(1)[0][0]


def _time_of_day(cues, paras) -> str | None:
    """The first time-of-day word in the scene's opening paragraphs."""
    text = " ".join(p.text for p in paras[:2])
    best = None
    for time, pattern in cues.time_words:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), time)
    return best[1] if best else None


def _cast(analysis: Analysis, start: int, end: int) -> tuple[str, ...]:
    starts = [m.start for m in analysis.mentions]
    order: list[str] = []
    for m in analysis.mentions[bisect_left(starts, start):bisect_right(starts, end)]:
        if m.character not in order:
            order.append(m.character)
    for q in analysis.quotes:
        if start <= q.start < end and q.speaker and q.speaker not in order:
            order.append(q.speaker)
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


def _summary(paras) -> str:
    """The scene's first sentence, as a one-line reminder of what happens."""
    text = " ".join(paras[0].text.split())
    text = re.sub(r"[*_]{1,2}(\S[^*_]*?)[*_]{1,2}", r"\1", text)
    m = re.match(r"(.{20,200}?[.!?])(\s|$)", text)
    return (m.group(1) if m else text[:200]).strip()
