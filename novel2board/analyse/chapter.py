"""Stage 2, analyse: parse a chapter's paragraphs and find who and where.

One `nlp.pipe` over the chapter's paragraphs; everything else reads the
parsed docs.  Newlines inside hard-wrapped paragraphs are replaced by spaces
before parsing, which keeps every character offset unchanged.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter, defaultdict

from ..config import Config
from ..model import (Analysis, ChapterText, Character, Location, LocationMention,
                     Mention, Quote)
from .characters import (HONORIFICS, build_name_index, clean_name,
                         plausible_name, split_honorific)
from .places import find_locations
from .quotes import find_quote_spans
from .speakers import FEMALE, FIRST_PERSON, MALE, SPEECH_VERBS, QuoteContext, attribute

log = logging.getLogger(__name__)

NARRATOR_ID = "narrator"
# First-person pronouns per 1,000 narration words above which the chapter
# is taken to be told by an "I".
_FIRST_PERSON_RATE = 8.0


def parse_paragraphs(chapter: ChapterText, nlp) -> list:
    texts = (p.text.replace("\n", " ") for p in chapter.paragraphs)
    return list(nlp.pipe(texts, batch_size=64))


def analyse_chapter(chapter: ChapterText, docs: list, config: Config) -> Analysis:
    spans = find_quote_spans(chapter.paragraphs)
    quote_starts = [s.start for s in spans]

    def inside_quote(pos: int) -> bool:
        i = bisect_right(quote_starts, pos) - 1
        return i >= 0 and spans[i].start <= pos < spans[i].end

    # -- names
    person_spans = []       # (start, end, surface)
    for para, doc in zip(chapter.paragraphs, docs):
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                person_spans.append((para.start + ent.start_char,
                                     para.start + ent.end_char, ent.text))
    person_spans += _bible_alias_spans(chapter, config)
    person_spans = _dedupe_spans(person_spans)
    index = build_name_index([s for _, _, s in person_spans], config.characters)
    mentions = [Mention(start, end, cid) for start, end, surface in person_spans
                if (cid := index.lookup(surface))]

    # -- narrator
    narrator = _narrator(chapter, docs, inside_quote)
    if narrator:
        for para, doc in zip(chapter.paragraphs, docs):
            for tok in doc:
                pos = para.start + tok.idx
                if tok.lower_ in FIRST_PERSON and not inside_quote(pos):
                    mentions.append(Mention(pos, pos + len(tok.text), NARRATOR_ID, "narrator"))

    # -- pronouns, resolved to the most recent character of that gender
    genders = _genders(index, docs, chapter, mentions)
    mentions.sort(key=lambda m: (m.start, m.end))
    pronoun_mentions = _resolve_pronouns(chapter, docs, mentions, genders, inside_quote)
    all_mentions = sorted(mentions + pronoun_mentions, key=lambda m: (m.start, m.end))

    # -- quotes and speakers
    contexts = _quote_contexts(chapter, docs, spans, index, narrator, inside_quote,
                               mentions)
    recent = _recent_finder(chapter, all_mentions, genders)
    decisions = attribute(contexts, recent, NARRATOR_ID if narrator else None)
    quotes = tuple(
        Quote(id=f"q{i + 1}", start=s.start, end=s.end,
              text=_source_slice(chapter, s.start, s.end), paragraph=s.paragraph,
              speaker=speaker, sieve=sieve)
        for i, (s, (speaker, sieve)) in enumerate(zip(spans, decisions)))

    characters = _characters(index, all_mentions, genders, narrator, quotes)
    locations, location_mentions = find_locations(chapter, docs, config)
    return Analysis(characters=characters, mentions=tuple(all_mentions),
                    locations=locations, location_mentions=location_mentions,
                    quotes=quotes)


# ------------------------------------------------------------------ helpers
def _source_slice(chapter: ChapterText, start: int, end: int) -> str:
    for para in chapter.paragraphs:
        if para.start <= start and end <= para.end:
            return para.text[start - para.start:end - para.start]
    raise ValueError("quote crosses paragraphs")  # pragma: no cover


def _bible_alias_spans(chapter: ChapterText, config: Config):
    """Bible names and aliases found verbatim: NER misses unusual names."""
    import re
    found = []
    for entry in config.characters:
        for alias in sorted({entry.name, *entry.aliases}, key=len, reverse=True):
            pattern = re.compile(r"(?<!\w)" + re.escape(alias) + r"(?!\w)")
            for para in chapter.paragraphs:
                for m in pattern.finditer(para.text):
                    found.append((para.start + m.start(), para.start + m.end(), alias))
    return found


def _dedupe_spans(spans):
    """Keep the longest of overlapping name spans."""
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    kept = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        cleaned = clean_name(span[2])
        if cleaned:
            kept.append((span[0], span[0] + len(span[2].rstrip()), span[2]))
    return kept


def _narrator(chapter, docs, inside_quote) -> bool:
    first = words = 0
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            if tok.is_alpha and not inside_quote(para.start + tok.idx):
                words += 1
                if tok.lower_ in FIRST_PERSON:
                    first += 1
    return words > 0 and first * 1000 / words >= _FIRST_PERSON_RATE


def _genders(index, docs, chapter, mentions) -> dict[str, str]:
    """Gender per character: bible pronouns, honorifics, then nearby pronouns."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for cid, cluster in index.clusters.items():
        votes[cid].update(cluster.gender_votes)
        if cluster.bible and cluster.bible.pronouns:
            votes[cid][cluster.bible.gender] += 100
    by_para = defaultdict(list)
    for m in mentions:
        if m.kind == "name":
            by_para[_para_of(chapter, m.start)].append(m)
    for para, doc in zip(chapter.paragraphs, docs):
        names = by_para.get(para.index)
        if not names or len({m.character for m in names}) != 1:
            continue
        cid = names[0].character
        for tok in doc:
            if tok.lower_ in FEMALE:
                votes[cid]["female"] += 1
            elif tok.lower_ in MALE:
                votes[cid]["male"] += 1
    result = {}
    for cid in index.clusters:
        vote = votes[cid]
        vote.pop("unknown", None)
        result[cid] = vote.most_common(1)[0][0] if vote else "unknown"
    return result


def _para_of(chapter: ChapterText, pos: int) -> int:
    starts = [p.start for p in chapter.paragraphs]
    return max(0, bisect_right(starts, pos) - 1)


def _resolve_pronouns(chapter, docs, mentions, genders, inside_quote) -> list[Mention]:
    """He/she outside quotes -> the most recent named character of that gender."""
    name_positions = [(m.start, m.character) for m in mentions if m.kind == "name"]
    starts = [p for p, _ in name_positions]
    out = []
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            low = tok.lower_
            if low not in FEMALE and low not in MALE:
                continue
            pos = para.start + tok.idx
            if inside_quote(pos):
                continue
            want = "female" if low in FEMALE else "male"
            i = bisect_right(starts, pos) - 1
            while i >= 0 and pos - name_positions[i][0] < 4000:
                cid = name_positions[i][1]
                if genders.get(cid) == want:
                    out.append(Mention(pos, pos + len(tok.text), cid, "pronoun"))
                    break
                i -= 1
    return out


def _recent_finder(chapter, mentions, genders):
    positions = [(m.start, m.character) for m in mentions]
    starts = [p for p, _ in positions]

    def recent(paragraph: int, pronoun: str) -> str | None:
        want = "female" if pronoun in FEMALE else "male" if pronoun in MALE else None
        if want is None:
            return None
        para = chapter.paragraphs[paragraph]
        i = bisect_right(starts, para.end) - 1
        while i >= 0 and para.start - positions[i][0] < 4000:
            cid = positions[i][1]
            if genders.get(cid) == want:
                return cid
            i -= 1
        return None
    return recent


def _quote_contexts(chapter, docs, spans, index, narrator, inside_quote, mentions):
    by_para = defaultdict(list)
    for m in mentions:
        if m.kind == "name":
            by_para[_para_of(chapter, m.start)].append(m)
    contexts: list[QuoteContext] = []
    speech = -1
    last_para = None
    for i, span in enumerate(spans):
        if not span.continues and span.paragraph != last_para:
            speech += 1
        para = chapter.paragraphs[span.paragraph]
        doc = docs[span.paragraph]
        subject, pronoun = _speech_verb_subject(doc, para, index, inside_quote)
        actors = tuple(m.character for m in by_para.get(span.paragraph, [])
                       if not inside_quote(m.start))
        if narrator and not actors and _narrator_acts(doc, para, inside_quote):
            actors = (NARRATOR_ID,)
        vocatives = tuple(m.character for m in by_para.get(span.paragraph, [])
                          if span.start <= m.start < span.end
                          and _is_vocative(chapter, m))
        gap = span.paragraph - last_para - 1 if last_para is not None else 99
        contexts.append(QuoteContext(i, span.paragraph, speech, subject, pronoun,
                                     actors, vocatives, max(gap, 0)))
        last_para = span.paragraph
    return contexts


def _speech_verb_subject(doc, para, index, inside_quote):
    """The name or pronoun that is subject of a speech verb outside quotes."""
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH_VERBS:
            continue
        if inside_quote(para.start + tok.idx):
            continue
        for child in tok.children:
            if child.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if child.lower_ in FEMALE | MALE | FIRST_PERSON:
                return None, child.lower_
            span = doc[child.left_edge.i:child.i + 1]
            surface = clean_name(span.text)
            cid = index.lookup(surface) or index.lookup(child.text)
            if cid:
                return cid, None
    return None, None


def _narrator_acts(doc, para, inside_quote) -> bool:
    return any(tok.lower_ == "i" and tok.dep_.startswith("nsubj")
               and not inside_quote(para.start + tok.idx) for tok in doc)


def _is_vocative(chapter, mention) -> bool:
    """A name set off by commas or ending the sentence inside a quote."""
    para = chapter.paragraphs[_para_of(chapter, mention.start)]
    before = para.text[:mention.start - para.start].rstrip()
    after = para.text[mention.end - para.start:].lstrip()
    return (before.endswith((",", "\u201c", '"')) and after[:1] in {",", ".", "!", "?", "\u201d", '"'}) \
        or (before.endswith(",") and after[:1] in {".", "!", "?"})


def _characters(index, mentions, genders, narrator, quotes) -> tuple[Character, ...]:
    counts = Counter(m.character for m in mentions)
    spoke = Counter(q.speaker for q in quotes if q.speaker)
    result = []
    for cid, cluster in index.clusters.items():
        n = counts.get(cid, 0)
        if n == 0 and cluster.bible is None:
            continue
        if n == 0:
            continue        # a bible character absent from this chapter
        name = cluster.bible.name if cluster.bible else _best_name(cluster)
        aliases = sorted({a for a in cluster.aliases if a != name}
                         | (set(cluster.bible.aliases) if cluster.bible else set()))
        result.append(Character(
            id=cid, name=name, aliases=tuple(aliases),
            gender=genders.get(cid, "unknown"), mentions=n,
            description=cluster.bible.description if cluster.bible else None))
    if narrator:
        result.append(Character(id=NARRATOR_ID, name="Narrator", aliases=("I",),
                                gender="unknown", mentions=counts.get(NARRATOR_ID, 0),
                                narrator=True))
    result.sort(key=lambda c: (-c.mentions - spoke.get(c.id, 0), c.id))
    return tuple(result)


def _best_name(cluster) -> str:
    """The fullest name without honorific, e.g. "Ilse Marr"."""
    cores = [split_honorific(a)[1] for a in cluster.aliases] or [cluster.name]
    return max(cores, key=lambda n: (len(n.split()), cluster.aliases.get(n, 0), n))
