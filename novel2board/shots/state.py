"""What holds in a scene at each shot: time of day, light, weather, the spot
within the place, who sits or stands, who holds what.

The prose states these once ("The only light came from the monitors",
"Tomas sat on the floor", "she picked up the radio") and then takes them
for granted; an image model has to be told in every prompt, or a night
scene comes out in neutral light and a seated man is drawn standing. So the
scene's narration (not its dialogue) is read once, in order, into events
at offsets, and each shot gets the state as of its end: the latest light,
weather and spot named so far (the first named in the scene for the shots
before it: a scene's light rarely changes), each subject's latest posture
and what they hold. The words are data: templates/camera.yaml.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from ..model import Shot, ShotState

_SUBJECTS = ("nsubj", "nsubjpass")


@dataclass(frozen=True)
class _Event:
    offset: int
    kind: str               # light, weather, spot, posture, hold, release
    value: str
    who: str | None = None  # character id, for posture/hold/release


def with_states(ctx, scene, shots: list[Shot], time_of_day: str | None) -> list[Shot]:
    """The scene's shots, each with its ShotState. `time_of_day` is the
    scene's (a CONTINUOUS or LATER scene passes on the one before)."""
    lexicon = ctx.lexicon.state
    events = _events(ctx, scene, lexicon)
    words = lexicon["time_words"].get(time_of_day or "", ["", ""])
    time_word, time_light = (list(words) + ["", ""])[:2]
    # A light of the night in a scene of the day (or the other way round)
    # is a figure of speech or a memory: the scene's time decides.
    clashing = lexicon["night_lights"] if (time_of_day or "") in lexicon["day_times"] \
        else lexicon["day_lights"] if (time_of_day or "") in lexicon["night_times"] \
        else frozenset()
    events = [e for e in events if not (e.kind == "light" and e.value in clashing)]
    first = {kind: next((e.value for e in events if e.kind == kind), "")
             for kind in ("light", "weather")}
    offsets = [e.offset for e in events]
    unstated = lexicon["unstated_light"]
    assumed_light = str(unstated.get(scene.setting or "UNKNOWN", unstated.get("UNKNOWN", "")))
    out = []
    for shot in shots:
        seen = events[:bisect.bisect_right(offsets, shot.end)]
        light = _lights(seen, lexicon) or first["light"] or time_light
        # Nothing said of light or time: a stated, plain light all the same,
        # so the scene's prompts agree with each other (marked as assumed).
        assumed = not light and not time_word and bool(assumed_light)
        weather = _latest(seen, "weather", 1) or first["weather"]
        state = ShotState(time_of_day=str(time_word), light=light or
                          (assumed_light if assumed else ""), light_assumed=assumed,
                          weather=weather,
                          spot=_spot(seen, shot.subjects),
                          postures=_per_subject(seen, shot.subjects, ("posture",)),
                          holding=_holding(seen, shot.subjects))
        out.append(replace(shot, state=state))
    return out


def _lights(events: list[_Event], lexicon) -> str:
    """The two latest lights ("moonlight and the glow of monitors"), or the
    latest alone when one is of the day and one of the night."""
    found = _latest(events, "light", 2)
    if " and " in found:
        a, b = found.split(" and ", 1)
        if {a, b} & lexicon["day_lights"] and {a, b} & lexicon["night_lights"]:
            return b
    return found


def _latest(events: list[_Event], kind: str, most: int) -> str:
    """The last `most` distinct values of a kind, latest last."""
    found: list[str] = []
    for e in reversed(events):
        if e.kind == kind and e.value not in found:
            found.append(e.value)
            if len(found) == most:
                break
    return " and ".join(reversed(found))


def _spot(events: list[_Event], subjects) -> str:
    """Where the shot's lead last was: scenery shots have none."""
    lead = subjects[0] if subjects else None
    for e in reversed(events):
        if lead is not None and e.kind == "spot" and e.who == lead:
            return e.value
    return ""


def _per_subject(events: list[_Event], subjects, kinds) -> tuple[tuple[str, str], ...]:
    out = []
    for cid in subjects:
        value = next((e.value for e in reversed(events) if e.who == cid and e.kind in kinds),
                     None)
        if value:
            out.append((cid, value))
    return tuple(out)


def _holding(events: list[_Event], subjects) -> tuple[tuple[str, str], ...]:
    out = []
    for cid in subjects:
        for e in reversed(events):
            if e.who != cid or e.kind not in ("hold", "release"):
                continue
            if e.kind == "hold":
                out.append((cid, e.value))
            break
    return tuple(out)


# ------------------------------------------------------------------ reading
def _events(ctx, scene, lexicon) -> list[_Event]:
    mentions = sorted(ctx.analysis.mentions, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    events: list[_Event] = []
    for pindex in scene.paragraphs:
        para = ctx.chapter.paragraphs[pindex]
        quotes = [(q.start, q.end) for q in ctx.quotes_by_paragraph.get(pindex, [])]
        for tok in ctx.docs[pindex]:
            offset = para.start + tok.idx
            if any(a <= offset < b for a, b in quotes):
                continue                    # what people say is not what is seen
            events.extend(_read(tok, offset, para.start, lexicon, mentions, starts))
    return events


def _read(tok, offset: int, base: int, lexicon, mentions, starts) -> list[_Event]:
    lemma = tok.lemma_.lower()
    found = []
    if tok.pos_ in ("NOUN", "PROPN", "ADJ") and lemma in lexicon["light_words"]:
        found.append(_Event(offset, "light", str(lexicon["light_words"][lemma])))
    if tok.pos_ in ("NOUN", "VERB", "ADJ") and lemma in lexicon["weather_words"]:
        found.append(_Event(offset, "weather", str(lexicon["weather_words"][lemma])))
    if tok.pos_ != "VERB":
        return found
    subject = _subject(tok)
    who = _character_at(base + subject.idx, mentions, starts) if subject is not None else None
    if who is None:
        return found
    if lemma in lexicon["postures"]:
        found.append(_Event(offset, "posture", str(lexicon["postures"][lemma]), who))
    thing = next((c for c in tok.children if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
    if thing is not None and lemma in lexicon["hold_verbs"] and not _put_down(tok):
        found.append(_Event(offset, "hold", _noun_phrase(thing), who))
    elif thing is not None and (lemma in lexicon["release_verbs"] or _put_down(tok)):
        found.append(_Event(offset, "release", _noun_phrase(thing), who))
    spot = _spot_phrase(tok, lexicon["spot_nouns"]) \
        if lemma in lexicon["spot_verbs"] or lemma in lexicon["postures"] else ""
    if spot:
        found.append(_Event(offset, "spot", spot, who))
    return found


def _subject(verb):
    """The verb's subject, or the one it shares: "stood and held the
    lantern", "sat down, still holding the lantern"."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
        if subject is not None or verb.dep_ not in ("conj", "advcl", "xcomp") \
                or verb.head.i == verb.i:
            return subject
        if verb.dep_ == "advcl" and verb.tag_ != "VBG":
            return None         # "when she spoke": a clause with its own subject
        verb = verb.head
    return None


def _put_down(verb) -> bool:
    """"picked up" holds, "put down", "set down" release."""
    return any(c.dep_ == "prt" and c.lower_ in ("down", "away", "aside") for c in verb.children)


def _character_at(offset: int, mentions, starts) -> str | None:
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and mentions[i].start <= offset < mentions[i].end:
        return mentions[i].character
    return None


def _noun_phrase(noun) -> str:
    """"a chipped mug": the noun with its article and adjectives; "her
    radio" -> "a radio" (the owner is the one holding it)."""
    words = [t for t in noun.lefts if t.dep_ in ("amod", "compound", "nummod")]
    det = next((t for t in noun.lefts if t.dep_ in ("det", "poss")), None)
    text = " ".join([*(t.text for t in words), noun.text])
    if noun.tag_ == "NNS":
        return text
    if det is not None and det.lower_ in ("the", "a", "an") and det.lower_ != "the":
        return f"{det.lower_} {text}"
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


def _spot_phrase(verb, spot_nouns) -> str:
    """"at the edge of the crater", "by the west window": a place phrase of
    the verb whose noun is a spot within a place."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("at", "by", "beside", "near", "on",
                                                       "against", "under", "in", "behind"):
            continue
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.lemma_.lower() in spot_nouns:
            words = [t.text_with_ws for t in prep.subtree]
            text = "".join(words).strip().rstrip(",;.")
            if len(text.split()) <= 8:
                return text[:1].lower() + text[1:]     # "In the corner" mid-sentence
    return ""
