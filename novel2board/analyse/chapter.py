"""Stage 2, analyse: parse a chapter's paragraphs and find who and where.

One `nlp.pipe` over the chapter's paragraphs; everything else reads the
parsed docs with Matchers, bisect and one walk over each paragraph's tokens.
Newlines inside hard-wrapped paragraphs are replaced by spaces before
parsing, which keeps every character offset unchanged.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from ..config import Config
from ..grammar import FEMALE, MALE, in_main_clause, is_existential
from ..model import NARRATOR_ID, Analysis, ChapterText, Character, Mention, Quote
from .characters import (NameIndex, NameSpan, best_name, build_name_index, times_written,
                         find_name_spans, follows_quote, inverted_tag_name, pronoun_votes,
                         repeat_mentions, split_honorific)
from .looks import indefinite, look_of, named_look, said_to_be, worn
from .nlp import ReadingLexicon, load_lexicon
from .places import find_locations, not_character_names
from .quotes import QuoteSpan, find_quote_spans
from .speakers import (FIRST_PERSON, SUBJECT_PRONOUNS, Memory, Turn,
                       attribute)

log = logging.getLogger(__name__)

# Id prefix of a character known only by a noun: "the-convict".
NOMINAL_PREFIX = "the-"
# First-person pronouns per 1,000 narration words above which the chapter
# is taken to be told by an "I".
_FIRST_PERSON_RATE = 8.0
# A speech verb further than this (characters) from its quote is not its tag.
_TAG_DISTANCE = 80
# A paragraph of narration ending on these introduces the next one's speech.
_LEAD_IN_MARKS = (":", "--", "\u2014")
# "Mary heard her say": the object form stands for the speaker.
_OBJECT_FORMS = {"her": "she", "him": "he", "me": "i"}
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[A-Z\"'\u201c\u2018])")
_SUBJECT_DEPS = ("nsubj", "nsubjpass")


def parse_paragraphs(chapter: ChapterText, nlp) -> list:
    texts = (p.text.replace("\n", " ") for p in chapter.paragraphs)
    return list(nlp.pipe(texts, batch_size=64))


@dataclass(frozen=True)
class _Quotes:
    """The chapter's quote spans, with a fast "is this offset quoted?"."""

    spans: tuple[QuoteSpan, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, spans: list[QuoteSpan]) -> "_Quotes":
        return cls(tuple(spans), tuple(s.start for s in spans))

    def at(self, pos: int) -> int | None:
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and self.spans[i].start <= pos < self.spans[i].end else None

    def inside(self, pos: int) -> bool:
        return self.at(pos) is not None


def analyse_chapter(chapter: ChapterText, docs: list, config: Config) -> Analysis:
    lexicon = load_lexicon(config.templates_root)
    quotes = _Quotes.of(find_quote_spans(chapter.paragraphs, lexicon))

    # -- names, merged into characters
    first, counts = find_name_spans(chapter, docs, config.characters, lexicon,
                                    quoted=quotes.inside,
                                    blocked=not_character_names(chapter, docs, config))
    index = build_name_index(counts, config.characters, lexicon,
                             pronoun_votes(chapter, docs, first, lambda s: s.surface,
                                           lexicon, quotes.inside),
                             written=times_written(chapter))
    names = [s for s in repeat_mentions(chapter, docs, index, first)
             if index.lookup(s.surface)]
    # Words NER took for names are dropped before anyone can be said to speak.
    keep = _real_characters(index, names, chapter, docs,
                            _speaking(names, index, docs, lexicon), lexicon)
    names = [s for s in names if index.lookup(s.surface) in keep]
    name_of = {(s.paragraph, i): index.lookup(s.surface)
               for s in names for i in range(s.first, s.last + 1)}

    narrator = _told_in_first_person(chapter, docs, quotes)
    nominals = _nominal_mentions(chapter, docs, quotes, name_of, lexicon)
    genders = _genders(index, chapter, docs, names, nominals, quotes, lexicon)
    for (p, i, start, end, cid) in nominals:
        name_of[(p, i)] = cid
    memory = _memory([s for s in names if not quotes.inside(s.start)], index, genders,
                     nominals, docs)
    pronouns = _resolve_pronouns(chapter, docs, quotes, memory)

    # -- quotes and speakers
    turns = _turns(chapter, docs, quotes, name_of, pronouns, narrator, lexicon)
    decided = attribute(turns, memory, NARRATOR_ID if narrator else None)
    narrator_id = _narrator_identity(turns, decided, names, quotes, index) \
        if narrator else None
    rename = {NARRATOR_ID: narrator_id} if narrator_id else {}
    if narrator_id:
        # Now that the "I" has a name, a turn that says it ("Come in, Dr.
        # Venkataraman.") addresses the narrator, who does not say it.
        addressed = [replace(t, vocatives=(*t.vocatives, NARRATOR_ID))
                     if narrator_id in t.vocatives and NARRATOR_ID not in t.vocatives else t
                     for t in turns]
        if addressed != turns:
            decided = attribute(addressed, memory, NARRATOR_ID)
    speaker_of_quote = {qi: decided[turn.index] for turn in turns for qi in turn.quotes}

    mentions = [Mention(s.start, s.end, index.lookup(s.surface)) for s in names]
    mentions += [Mention(start, end, cid) for (_, _, start, end, cid) in nominals]
    if narrator:
        mentions += _narrator_mentions(chapter, docs, quotes, narrator_id or NARRATOR_ID)
    mentions += [Mention(pos, end, cid, "pronoun") for pos, (end, cid) in pronouns.items()]
    speakers = Counter(rename.get(s, s) for s, _ in decided if s)
    keep |= {cid for (*_, cid) in nominals if speakers.get(cid)} | _acting(nominals, docs, lexicon)
    mentions = sorted((m for m in mentions if m.character in keep
                       or m.character in (NARRATOR_ID, narrator_id)),
                      key=lambda m: (m.start, m.end))

    quote_list = tuple(
        Quote(id=f"q{i + 1}", start=s.start, end=s.end,
              text=_source_slice(chapter, s.start, s.end), paragraph=s.paragraph,
              speaker=_kept(rename.get(speaker_of_quote[i][0], speaker_of_quote[i][0]),
                            keep, narrator_id),
              sieve=speaker_of_quote[i][1]
              if _kept(speaker_of_quote[i][0], keep, narrator_id) else None)
        for i, s in enumerate(quotes.spans))
    looks = _looks(docs, names, index, nominals, quotes, lexicon)
    looks.update(_later_looks(chapter, docs, quotes, name_of, pronouns, genders, lexicon, looks))
    characters = _characters(index, mentions, genders, narrator, narrator_id,
                             quote_list, keep, lexicon, looks)
    locations, location_mentions = find_locations(chapter, docs, config)
    return Analysis(characters=characters, mentions=tuple(mentions),
                    locations=locations, location_mentions=location_mentions,
                    quotes=quote_list)


def _kept(cid: str | None, keep: set, narrator_id: str | None) -> str | None:
    if cid is None:
        return None
    if cid == NARRATOR_ID:
        return narrator_id or NARRATOR_ID
    return cid if cid in keep else None


def _source_slice(chapter: ChapterText, start: int, end: int) -> str:
    para = chapter.paragraphs[_para_of(chapter, start)]
    return para.text[start - para.start:end - para.start]


def _para_of(chapter: ChapterText, pos: int) -> int:
    starts = [p.start for p in chapter.paragraphs]
    return max(0, bisect_right(starts, pos) - 1)


# ------------------------------------------------------------- narrator
def _told_in_first_person(chapter, docs, quotes: _Quotes) -> bool:
    first = words = 0
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            if tok.is_alpha and not quotes.inside(para.start + tok.idx):
                words += 1
                first += tok.lower_ in FIRST_PERSON
    return words > 0 and first * 1000 / words >= _FIRST_PERSON_RATE


def _narrator_mentions(chapter, docs, quotes: _Quotes, cid: str) -> list[Mention]:
    found = []
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            pos = para.start + tok.idx
            if tok.lower_ in FIRST_PERSON and not quotes.inside(pos):
                found.append(Mention(pos, pos + len(tok.text), cid, "narrator"))
    return found


def _narrator_identity(turns, decided, names: list[NameSpan], quotes: _Quotes,
                       index: NameIndex) -> str | None:
    """The character others address by name but the narration never names.

    A first-person narrator does not call themselves by name; others do
    ("Come in, Dr. Venkataraman.").  The most-addressed such character,
    named in the narration no more often than addressed, is the "I".
    """
    addressed = Counter()
    for turn, (speaker, _) in zip(turns, decided):
        if speaker and speaker != NARRATOR_ID:
            addressed.update(c for c in set(turn.vocatives) if c != speaker)
    in_narration = Counter(index.lookup(s.surface) for s in names
                           if not quotes.inside(s.start))

    def could_be_narrator(cid: str, n: int) -> bool:
        if in_narration[cid] > n:
            return False
        # Once is enough for a bible character or a "Dr. Venkataraman".
        cluster = index.clusters[cid]
        formal = cluster.bible is not None or cluster.honorific_gender is not None \
            or any(a.split()[0].rstrip(".").lower() in ("dr", "doctor", "professor",
                                                        "captain", "commander")
                   for a in cluster.aliases)
        return n >= 2 or (formal and in_narration[cid] == 0)

    fits = [(n, c) for c, n in addressed.items() if could_be_narrator(c, n)]
    return max(fits)[1] if fits else None


# --------------------------------------------------------------- gender
def _shown_gender(gender: str | None) -> str:
    """What shots.json says: "neuter" (an "it") only keeps he/she away."""
    return gender if gender in ("female", "male") else "unknown"


def _genders(index: NameIndex, chapter, docs, names: list[NameSpan], nominals,
             quotes: _Quotes, lexicon: ReadingLexicon) -> dict[str, str]:
    """Gender per character: bible pronouns, honorifics, then pronouns
    (`characters.pronoun_votes`); an unnamed character ("the wife") has its
    noun's gender from reading.yaml."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for cid, cluster in index.clusters.items():
        votes[cid].update(cluster.gender_votes)
        if cluster.bible and cluster.bible.pronouns:
            votes[cid][cluster.bible.gender] += 1000
    for cid, vote in pronoun_votes(chapter, docs, names, lambda s: index.lookup(s.surface),
                                   lexicon, quotes.inside).items():
        votes[cid].update(vote)
    for (_, _, _, _, cid) in nominals:
        noun_gender = lexicon.noun_gender(cid[len(NOMINAL_PREFIX):])
        if noun_gender and not votes[cid]:
            votes[cid][noun_gender] += 1000     # "the wife" is a woman
    result = {}
    for cid in (*index.clusters, *(n[-1] for n in nominals)):
        vote = votes[cid]
        vote.pop("unknown", None)
        top = vote.most_common(2)
        if top and (len(top) == 1 or top[0][1] > top[1][1]):
            result[cid] = top[0][0]
        else:
            result[cid] = "unknown"
    return result


# ------------------------------------------------------------- pronouns
def _memory(names: list[NameSpan], index: NameIndex, genders, nominals, docs) -> Memory:
    found = [(s.start, index.lookup(s.surface),
              docs[s.paragraph][s.last].dep_ in _SUBJECT_DEPS) for s in names]
    found += [(start, cid, docs[p][i].dep_ != "poss")
              for (p, i, start, _, cid) in nominals]
    found.sort()
    return Memory([p for p, _, _ in found], [c for _, c, _ in found], genders,
                  [subj for _, _, subj in found])


def _nominal_mentions(chapter, docs, quotes: _Quotes, name_of: dict,
                      lexicon: ReadingLexicon) -> list[tuple]:
    """People without a name who act or speak: "the convict said", "cried his
    wife", "A corporal began to swear", "There was a man at the door".

    Only subjects count (and the noun right after a speech verb, which the
    parser often gets wrong, and the "a man" of "there was a man"), so
    "looked at the man" makes no mention; nor does "no man" or "every
    soldier" (`generic_determiners`).
    Returns (paragraph, token, start, end, character id).
    """
    if not docs or not (lexicon.person_nouns or lexicon.person_suffixes):
        return []
    found = []
    for para, doc in zip(chapter.paragraphs, docs):
        speaking = set(_speaking_nouns(doc, lexicon))
        for tok in doc:
            i = tok.i
            # The tagger may call a subject an adjective ("said another
            # private"); its place says it is a noun.
            noun = tok.pos_ == "NOUN" or (tok.pos_ == "ADJ" and tok.dep_ in _SUBJECT_DEPS)
            if i not in speaking and not (noun and lexicon.is_person_noun(tok.lower_)):
                continue
            if (para.index, i) in name_of or quotes.inside(para.start + tok.idx):
                continue
            if tok.dep_ not in _SUBJECT_DEPS and not _owner_acting(tok) \
                    and not is_existential(tok) and not (
                    i > 0 and doc[i - 1].dep_ in ("det", "poss", "amod")
                    and _is_speech_verb(tok.head, lexicon)):
                continue
            det = [c for c in tok.children if c.dep_ in ("det", "poss")]
            if not det or det[0].lower_ in lexicon.generic_determiners:
                continue            # "Man is mortal", a compound, a name, "no man"
            start = para.start + tok.left_edge.idx
            found.append((para.index, i, start, para.start + tok.idx + len(tok.text),
                          NOMINAL_PREFIX + tok.lower_))
    return found


def _owner_acting(tok) -> bool:
    """"A man's voice beside her made her start": the owner of a subject acts
    through it; "in a preacher's tone", "felt his patient's pulse" name
    nobody who is there."""
    return tok.dep_ == "poss" and tok.head.dep_ in _SUBJECT_DEPS


def _acting(nominals, docs, lexicon: ReadingLexicon) -> set[str]:
    """Unnamed people who do something in the narration, now: the subject of
    a verb of the main clause ("A corporal began to swear"), or the "a man"
    of "There was a man standing at the edge of the crater"; not one who
    only speaks, owns something, or acts in a relative clause or a past
    perfect ("a friend, who had heard it from a cavalryman"), nor a
    likeness ("like a woman dealing cards")."""
    found = set()
    for (p, i, _, _, cid) in nominals:
        tok = docs[p][i]
        if tok.dep_ not in _SUBJECT_DEPS and not is_existential(tok) \
                or not lexicon.is_person_noun(tok.lower_):
            continue
        verb = tok.head
        if not _of_the_main_clause(verb) or any(
                c.dep_ == "aux" and c.lower_ == "had" for c in verb.children):
            continue
        found.add(cid)
    return found


def _of_the_main_clause(verb) -> bool:
    """The sentence's own verb, or one joined to it by "and" or "began to":
    not "like a woman dealing cards", "a friend, who had heard it"."""
    while verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _speaking_nouns(doc, lexicon: ReadingLexicon):
    """Nouns reading.yaml does not list that speak in a tag next to a quote:
    "sobbed the faithful attendant", "the leader replied"."""
    for tok in doc:
        if not _is_speech_verb(tok, lexicon) or not _next_to_quote(tok):
            continue
        subject = _speech_subject(tok, lexicon)
        if subject is not None and subject.pos_ == "NOUN" \
                and subject.lower_ not in lexicon.not_speakers:
            yield subject.i


def _next_to_quote(verb) -> bool:
    doc = verb.doc
    near = doc[max(verb.i - 3, 0):verb.i + 4]
    return any(t.is_quote for t in near)


def _resolve_pronouns(chapter, docs, quotes: _Quotes, memory: Memory) -> dict:
    """He/she outside quotes -> (end, character) of the most recent fitting name."""
    found = {}
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            low = tok.lower_
            gender = "female" if low in FEMALE else "male" if low in MALE else None
            if gender is None:
                continue
            pos = para.start + tok.idx
            if quotes.inside(pos):
                continue
            # An unnamed person of no known gender ("the visitor") just
            # before does not hide the woman that "she" stands for.
            recent = [c for c in memory.recent(pos, gender)
                      if not (c.startswith(NOMINAL_PREFIX) and memory.genders.get(c) != gender)]
            if recent and memory.genders.get(recent[0]) == gender:
                found[pos] = (pos + len(tok.text), recent[0])
    return found


# ---------------------------------------------------------------- turns
def _turns(chapter, docs, quotes: _Quotes, name_of: dict, pronouns: dict,
           narrator: bool, lexicon: ReadingLexicon) -> list[Turn]:
    groups: list[list[int]] = []
    for i, span in enumerate(quotes.spans):
        prev = quotes.spans[i - 1] if i else None
        if prev is not None and (span.paragraph == prev.paragraph or span.continues):
            groups[-1].append(i)
        else:
            groups.append([i])
    groups = [part for group in groups
              for part in _split_by_tags(chapter, docs, quotes, group, name_of, lexicon)]
    turns: list[Turn] = []
    last_para = None
    for n, group in enumerate(groups):
        spans = [quotes.spans[i] for i in group]
        paras = sorted({s.paragraph for s in spans})
        later_in_paragraph = group[0] > 0 and not spans[0].continues \
            and quotes.spans[group[0] - 1].paragraph == spans[0].paragraph
        tag = _tag(chapter, docs, quotes, paras, spans, name_of, lexicon,
                   window=_turn_window(chapter, quotes, group, later_in_paragraph))
        # A later turn of a paragraph acts in the narration since the last quote.
        window = (quotes.spans[group[0] - 1].end, spans[-1].end) \
            if later_in_paragraph else None
        actors = _actors(chapter, docs, quotes, paras, name_of, pronouns, narrator,
                         lexicon, window)
        vocatives = _vocatives(chapter, spans, name_of, docs, lexicon)
        gap = paras[0] - last_para - 1 if last_para is not None else 99
        last_actor = _last_actor(chapter, docs, quotes, spans[0], name_of, pronouns, lexicon)
        turns.append(Turn(index=n, quotes=tuple(group), first_paragraph=paras[0],
                          last_paragraph=paras[-1], start=spans[0].start,
                          tag_name=tag[0], tag_pronoun=tag[1], tag_at=tag[2],
                          tag_by_noun=bool(tag[0] and tag[0].startswith(NOMINAL_PREFIX)),
                          actors=actors, vocatives=vocatives, gap_before=max(gap, 0),
                          last_actor=last_actor))
        last_para = paras[-1]
    return turns


def _split_by_tags(chapter, docs, quotes: _Quotes, group: list[int], name_of,
                   lexicon) -> list[list[int]]:
    """A paragraph's quotes are one turn, unless a later quote has a tag of its
    own naming someone else after a full sentence of narration:
    '"Thank you," he said, and did not stir. Then she came back. "Well,"
    said Mrs. Hall.'  Old books set whole conversations in one paragraph.
    """
    spans = [quotes.spans[i] for i in group]
    if len(group) < 2 or spans[0].paragraph != spans[-1].paragraph:
        return [group]
    para = chapter.paragraphs[spans[0].paragraph]
    parts = [[group[0]]]
    speaker = _own_tag(chapter, docs, quotes, spans, 0, name_of, lexicon)
    for k in range(1, len(group)):
        between = para.text[spans[k - 1].end - para.start:spans[k].start - para.start]
        own = _own_tag(chapter, docs, quotes, spans, k, name_of, lexicon)
        if own and speaker and own != speaker and _SENTENCE_END.search(between):
            parts.append([group[k]])
        else:
            parts[-1].append(group[k])
        speaker = own or speaker
    return parts


def _turn_window(chapter, quotes: _Quotes, group: list[int], later_in_paragraph: bool):
    """Where the tag of a turn that shares its paragraph with other turns may
    stand: from the last sentence before it to the next turn's quote.  None
    for a turn that has its paragraph to itself."""
    first, last = quotes.spans[group[0]], quotes.spans[group[-1]]
    para = chapter.paragraphs[last.paragraph]
    followed = group[-1] + 1 < len(quotes.spans) \
        and quotes.spans[group[-1] + 1].paragraph == last.paragraph \
        and not quotes.spans[group[-1] + 1].continues
    if not (later_in_paragraph or followed):
        return None
    lo = _last_sentence_start(para, quotes.spans[group[0] - 1].end, first.start) \
        if later_in_paragraph else para.start
    hi = quotes.spans[group[-1] + 1].start if followed else para.end
    return lo, hi


def _last_sentence_start(para, lo: int, hi: int) -> int:
    """Where the last sentence of the narration para[lo:hi] (source offsets)
    starts: lo when it holds only one."""
    ends = list(_SENTENCE_END.finditer(para.text[lo - para.start:hi - para.start]))
    return lo + ends[-1].end() if ends else lo


def _own_tag(chapter, docs, quotes: _Quotes, spans, k: int, name_of, lexicon):
    """The tag of the k-th quote of a paragraph alone: a speech verb after it
    (before the next quote) or in the last sentence before it."""
    span = spans[k]
    para = chapter.paragraphs[span.paragraph]
    lo = _last_sentence_start(para, spans[k - 1].end if k else para.start, span.start)
    hi = spans[k + 1].start if k + 1 < len(spans) else para.end
    tag = _tag(chapter, docs, quotes, [span.paragraph], [span], name_of, lexicon,
               window=(lo, hi))
    return tag[:2] if tag[0] or tag[1] else None


def _tag(chapter, docs, quotes: _Quotes, paras, spans, name_of, lexicon,
         window: tuple[int, int] | None = None):
    """(character id, pronoun, offset) of the speech verb nearest the quotes.

    `window` (source offsets) limits where the verb may stand.
    """
    edges = [s.end for s in spans] + [s.start for s in spans]
    found = []
    for p in paras:
        para, doc = chapter.paragraphs[p], docs[p]
        for tok in doc:
            if not _is_speech_verb(tok, lexicon):
                continue
            pos = para.start + tok.idx
            if quotes.inside(pos) or (window and not window[0] <= pos < window[1]):
                continue
            if any(c.dep_ == "neg" for c in tok.children):
                continue        # "She had never called him that": not a tag
            distance = min(abs(pos - e) for e in edges)
            if distance > _TAG_DISTANCE:
                continue
            subject = _speech_subject(tok, lexicon,
                                      quoted=lambda t: quotes.inside(para.start + t.idx))
            if subject is not None:
                found.append((distance, p, subject))
    found.sort(key=lambda f: f[0])
    if not found and window is None:
        found = [f for f in [_lead_in(chapter, docs, quotes, spans[0], lexicon)] if f]
    # The nearest tag whose speaker can be told: "sobbed the faithful
    # attendant" (nobody we know) does not hide "cried Miss Marjoribanks".
    for _, p, subject in found:
        tag = _tag_speaker(chapter.paragraphs[p], p, subject, name_of)
        if tag[0] or tag[1]:
            return tag
    return None, None, 0


def _tag_speaker(para, p: int, subject, name_of: dict):
    for t in [subject, *subject.children]:
        cid = name_of.get((p, t.i))
        if cid:
            return cid, None, 0
    low = _OBJECT_FORMS.get(subject.lower_, subject.lower_)
    if low in SUBJECT_PRONOUNS or low == "i":
        return None, low, para.start + subject.idx
    return None, None, 0


def _narration_before(chapter, quotes: _Quotes, first: QuoteSpan):
    """The paragraph before a quote that opens its own paragraph, when that
    one is all narration; else None."""
    p = first.paragraph
    para = chapter.paragraphs[p]
    if p == 0 or first.continues or para.text[:first.start - para.start].strip():
        return None
    before = chapter.paragraphs[p - 1]
    k = bisect_right(quotes.starts, before.end) - 1
    if not before.text.strip() or (k >= 0 and quotes.spans[k].end > before.start):
        return None
    return before


def _last_actor(chapter, docs, quotes: _Quotes, first: QuoteSpan, name_of, pronouns,
                lexicon: ReadingLexicon):
    """The character the paragraph of narration before the quote ends on:
    'Terry blazed up at once.' / '"Ask him how far it is."'  Of a sentence
    of joined clauses, the last one's: "Tomas reached for the keyboard, and
    Ilse caught his wrist." ends on Ilse."""
    before = _narration_before(chapter, quotes, first)
    if before is None or not len(docs[before.index]):
        return None
    last = list(docs[before.index].sents)[-1]
    clauses = {last.root}
    for tok in last:
        if tok.dep_ == "conj" and tok.head in clauses and tok.pos_ in ("VERB", "AUX"):
            clauses.add(tok)
    subject = next((t for t in reversed(last) if t.dep_ in _SUBJECT_DEPS
                    and t.head in clauses), None)
    if subject is None:
        return None
    if _is_speech_verb(subject.head, lexicon) \
            and any(c.dep_ == "ccomp" for c in subject.head.children):
        return None     # "Lucy mumbled that they seemed odd.": she has had her say
    cid = name_of.get((before.index, subject.i))
    if cid is None and subject.lower_ in SUBJECT_PRONOUNS:
        cid = pronouns.get(before.start + subject.idx, (0, None))[1]
    return cid


def _lead_in(chapter, docs, quotes: _Quotes, first: QuoteSpan, lexicon: ReadingLexicon):
    """The subject of a paragraph of narration that introduces the quote:
    'Mrs. Hilbery leaned towards him, remarking:' / 'Then she said dreamily--'.

    Only for a quote that opens its paragraph right after a paragraph with
    no speech in it that ends on a colon or a dash.
    """
    before = _narration_before(chapter, quotes, first)
    if before is None or not before.text.rstrip().endswith(_LEAD_IN_MARKS):
        return None
    p = first.paragraph
    last = list(docs[p - 1].sents)[-1]
    verbs = [t for t in last if t.pos_ in ("VERB", "AUX")]
    verbs.sort(key=lambda v: (not _is_speech_verb(v, lexicon), -v.i))
    for verb in verbs:
        while verb.dep_ in ("advcl", "xcomp", "conj") and not any(
                c.dep_ in _SUBJECT_DEPS for c in verb.children):
            verb = verb.head        # "..., remarking:" -> the subject of "leaned"
        subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            return 0, p - 1, subject
    return None


def _is_speech_verb(tok, lexicon: ReadingLexicon) -> bool:
    return tok.pos_ in ("VERB", "AUX") and (tok.lemma_.lower() in lexicon.speech_lemmas
                                            or tok.lower_ in lexicon.speech_forms)


def _speech_subject(verb, lexicon: ReadingLexicon, quoted=lambda tok: False):
    """The speaker of "she said" and of "said Elizabeth" (often misparsed).

    A subject inside the quote is the parser's mistake: in '"My friend
    Blakeney," said he', Blakeney is addressed, and "he" speaks.
    """
    for child in verb.children:
        if child.dep_ in _SUBJECT_DEPS and not quoted(child):
            return child
    name = inverted_tag_name(verb, lexicon)
    if name is not None:
        return name
    doc = verb.doc
    for tok in doc[verb.i + 1:min(verb.i + 5, len(doc))]:
        if tok.dep_ in ("poss", "det", "amod") and tok.head.i > tok.i:
            continue        # "cried his wife", "said the old man": the noun speaks
        if tok.pos_ in ("PROPN", "PRON") or (tok.pos_ == "NOUN" and (
                tok.dep_ != "dobj" or tok.lower_ in lexicon.person_nouns
                or (follows_quote(verb) and tok.lower_ not in lexicon.not_speakers))):
            return tok
        if tok.is_punct or tok.pos_ == "ADP":
            break           # "said, with more kindness": no speaker after the verb
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        # "Dr. Marr looked out of the window and said, ...": the first verb's subject.
        for child in verb.head.children:
            if child.dep_ in _SUBJECT_DEPS:
                return child
    return None


def _actors(chapter, docs, quotes: _Quotes, paras, name_of, pronouns, narrator,
            lexicon: ReadingLexicon, window: tuple[int, int] | None = None):
    """Characters who are subjects of verbs in the turn's narration, in order."""
    found: list[str] = []
    for p in paras[:1]:
        para, doc = chapter.paragraphs[p], docs[p]
        for tok in doc:
            pos = para.start + tok.idx
            if tok.dep_ not in _SUBJECT_DEPS or quotes.inside(pos) \
                    or (window and not window[0] <= pos < window[1]):
                continue
            if tok.head.lemma_.lower() in lexicon.listening_verbs:
                continue        # "were the next words Margaret heard": she listens

            cid = name_of.get((p, tok.i))
            if cid is None and tok.lower_ in SUBJECT_PRONOUNS:
                cid = pronouns.get(para.start + tok.idx, (0, None))[1]
            if cid is None and tok.lower_ == "i" and narrator:
                cid = NARRATOR_ID
            if cid and cid not in found:
                found.append(cid)
    return tuple(found)


def _vocatives(chapter, spans, name_of, docs, lexicon: ReadingLexicon) -> tuple[str, ...]:
    """Names set off by commas, or opening or closing a quote ("Tomas.")."""
    found: list[str] = []
    for span in spans:
        para = chapter.paragraphs[span.paragraph]
        doc = docs[span.paragraph]
        for tok in doc:
            pos = para.start + tok.idx
            if not (span.start < pos < span.end):
                continue
            cid = name_of.get((span.paragraph, tok.i))
            if not cid or name_of.get((span.paragraph, tok.i + 1)) == cid:
                continue        # look at the last token of the name only
            first = tok.i
            while name_of.get((span.paragraph, first - 1)) == cid:
                first -= 1
            if _is_vocative(doc, first, tok.i, lexicon) and cid not in found:
                found.append(cid)
    return tuple(found)


def _is_vocative(doc, first: int, last: int, lexicon: ReadingLexicon) -> bool:
    """The name doc[first:last + 1] is set off as an address: "Tomas." "Oh, Ann,"."""
    before = doc[first - 1].text if first > 0 else ""
    after = doc[last + 1].text if last + 1 < len(doc) else ""
    return (before in (",", "\u201c", '"', "\u2018", "'", "--", "\u2014") or first == 0
            or doc[first - 1].lower_ in lexicon.address_words) \
        and after in (",", ".", "!", "?", "\u201d", '"', "\u2019", "'", ";")


# ------------------------------------------------------------ characters
def _speaking(names: list[NameSpan], index: NameIndex, docs,
              lexicon: ReadingLexicon) -> set[str]:
    """Characters named as the subject of a speech verb ("said Kessa")."""
    found = set()
    for s in names:
        tok = docs[s.paragraph][s.last]
        verb = tok.head
        if verb.pos_ in ("VERB", "AUX") and _is_speech_verb(verb, lexicon) \
                and (tok.dep_ in _SUBJECT_DEPS or 0 < tok.i - verb.i <= 2):
            found.add(index.lookup(s.surface))
    return found


def _real_characters(index: NameIndex, names: list[NameSpan], chapter, docs,
                     speakers: set, lexicon: ReadingLexicon) -> set[str]:
    """Drop words NER took for names: "showed me Andromeda", "Marker forty."

    Bible characters and anyone who speaks stay.  A name used only as a
    modifier of a noun ("six Formica tables") is not a character; nor is a
    one-word name that only ever starts a sentence while the same word
    appears in lower case elsewhere in the chapter ("Marker forty." and
    "the marker posts"); nor a one-word name seen once, without honorific,
    that is not the subject of a verb inside a sentence; nor a one-word name
    that mostly follows a place preposition ("at Woking").
    """
    uses: dict[str, list] = defaultdict(list)
    for s in names:
        uses[index.lookup(s.surface)].append(s)
    keep = set()
    for cid, cluster in index.clusters.items():
        spans = uses.get(cid, [])
        if cluster.bible is not None or cid in speakers:
            keep.add(cid)
            continue
        if not spans:
            continue
        heads = [docs[s.paragraph][s.last] for s in spans]
        firsts = [docs[s.paragraph][s.first] for s in spans]
        if all(h.dep_ == "compound" and h.head.pos_ == "NOUN" for h in heads):
            continue
        one_word = all(len(split_honorific(a, lexicon)[1].split()) == 1 and
                       split_honorific(a, lexicon)[0] is None for a in cluster.aliases)
        if one_word and all(t.is_sent_start for t in firsts) \
                and _used_in_lower_case(chapter, spans[0].surface):
            continue
        if one_word and _mostly_after(firsts, lexicon.place_prepositions):
            continue            # "at Woking", "near Ottershaw": a place
        if len(spans) == 1 and one_word and (heads[0].dep_ not in _SUBJECT_DEPS
                                             or firsts[0].is_sent_start):
            continue
        keep.add(cid)
    return keep


def _mostly_after(tokens, prepositions: frozenset[str]) -> bool:
    after = sum(1 for t in tokens if t.i > 0 and t.doc[t.i - 1].lower_ in prepositions)
    return after * 2 >= len(tokens) and after > 0


def _used_in_lower_case(chapter: ChapterText, word: str) -> bool:
    pattern = re.compile(r"(?<!\w)" + re.escape(word.lower()) + r"(?!\w)")
    return any(pattern.search(p.text) for p in chapter.paragraphs)


def _looks(docs, names: list[NameSpan], index: NameIndex, nominals, quotes: _Quotes,
           lexicon: ReadingLexicon) -> dict[str, str]:
    """Character id -> the look the narration first gives them (`looks.py`)."""
    found: dict[str, str] = {}
    for (p, i, _, _, cid) in nominals:
        if cid not in found:
            look = look_of(docs[p][i], lexicon)
            if look:
                found[cid] = look
    for s in names:
        cid = index.lookup(s.surface)
        if cid and cid not in found and not quotes.inside(s.start):
            look = named_look(docs[s.paragraph][s.last], lexicon)
            if look:
                found[cid] = look
    return found


def _later_looks(chapter, docs, quotes: _Quotes, name_of: dict, pronouns: dict, genders,
                 lexicon: ReadingLexicon, looks: dict[str, str]) -> dict[str, str]:
    """For characters the first pass gave no look: the first sentence of
    narration that says what they are or wear, by name or pronoun ("He was
    a big man with a heavy jowl"; "He wore a long oilcloth coat": "a man in
    a long oilcloth coat").  A character of unknown gender, with no noun to
    hang what they wear on, gets none."""
    found: dict[str, str] = {}
    for para, doc in zip(chapter.paragraphs, docs):
        for tok in doc:
            if tok.dep_ not in _SUBJECT_DEPS or quotes.inside(para.start + tok.idx) \
                    or not in_main_clause(tok.head):
                continue
            cid = name_of.get((para.index, tok.i)) \
                or pronouns.get(para.start + tok.idx, (0, None))[1]
            if not cid or cid in looks or cid in found:
                continue
            look = said_to_be(tok, lexicon)
            dress = worn(tok.head, lexicon)
            noun = cid[len(NOMINAL_PREFIX):] if cid.startswith(NOMINAL_PREFIX) \
                else {"male": "man", "female": "woman"}.get(genders.get(cid))
            if look is None and dress and noun:
                look = indefinite(f"{noun} {dress}")
            if look:
                found[cid] = look
    return found


def _characters(index: NameIndex, mentions, genders, narrator: bool,
                narrator_id: str | None, quotes, keep: set,
                lexicon: ReadingLexicon, looks: dict[str, str]) -> tuple[Character, ...]:
    counts = Counter(m.character for m in mentions)
    spoke = Counter(q.speaker for q in quotes if q.speaker)
    result = []
    for cid, cluster in index.clusters.items():
        n = counts.get(cid, 0)
        if cid not in keep or n == 0:
            continue        # a bible character absent from this chapter, or noise
        name = best_name(cluster, lexicon)
        description = cluster.bible.description if cluster.bible else None
        aliases = sorted({a for a in cluster.aliases if a != name}
                         | (set(cluster.bible.aliases) if cluster.bible else set()))
        if cid == narrator_id:
            aliases = sorted(set(aliases) | {"I"})
        result.append(Character(
            id=cid, name=name, aliases=tuple(aliases),
            gender=_shown_gender(genders.get(cid)), mentions=n,
            description=description,
            look=None if description or cid == narrator_id else looks.get(cid),
            narrator=cid == narrator_id))
    for cid in sorted(c for c in keep if c.startswith(NOMINAL_PREFIX)
                      and c not in index.clusters):
        result.append(Character(id=cid, name="the " + cid[len(NOMINAL_PREFIX):],
                                aliases=(), gender=_shown_gender(genders.get(cid)),
                                mentions=counts.get(cid, 0), look=looks.get(cid)))
    if narrator and not narrator_id:
        result.append(Character(id=NARRATOR_ID, name="Narrator", aliases=("I",),
                                gender="unknown", mentions=counts.get(NARRATOR_ID, 0),
                                narrator=True))
    result.sort(key=lambda c: (-c.mentions - spoke.get(c.id, 0), c.id))
    return tuple(result)
