"""Characters: names found in a chapter, merged into people.

Names come from spaCy's PERSON entities; a Matcher rule for an honorific
before a proper noun ("Mrs. Long", "Commander Brekke"), which NER often
tags as a place or an organisation or misses; proper nouns that speak in a
speech tag or act as subjects; and the character bible.  Then every further
occurrence of a known name, of the first or last word of a full name, and
of a name in capitals is found with a PhraseMatcher, because NER tags the
same name inconsistently.

Merging ("Dr. Ilse Marr", "Ilse", "Dr. Marr" -> one character): honorifics
are set aside; a full name makes a character; "Mr. Bennet" joins the one
full name with that surname whose gender fits (from honorifics and from
pronouns, `pronoun_votes`), and stays apart from "Mrs. Bennet"; "Mrs." and
"Miss" of one surname are two people; a lone first or last name, or a
common nickname of a first name ("Lizzy" for Elizabeth), joins the
character that has it.  The character bible in novel2board.yaml names
aliases and always wins.

Never characters: words in reading.yaml's not_people (days, months, God),
names whose last word is a place noun ("Netherfield Park"), names NER tags
more often as a place than as a person; chapter.py drops a name used as a
modifier ("six Formica tables") and a single-word name seen once that is
neither the subject of a verb nor given an honorific.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..config import CharacterBible
from ..model import ChapterText
from ..read.slugs import id_slug
from .nlp import ReadingLexicon
from ..grammar import in_main_clause, pronoun_gender

_POSSESSIVE = re.compile(r"(?:'s|\u2019s|'|\u2019)$")
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|The|A|An)\s+")
# Object pronouns: in the sentence that names someone as its subject they
# stand for someone else ("Tomas reached it down for her"); "her" as a
# possessive ("Ilse put her coat down") is the named one's.
_OBJECT_PRONOUNS = {"him", "her"}
# A pronoun after a name that is its sentence's subject ("Winnie had other
# charms: her youth...") is surer evidence of gender than one after a name
# that is not ("He never took Winnie to the theatre, his evenings...").
_SUBJECT_WEIGHT = 3


def split_honorific(name: str, lexicon: ReadingLexicon) -> tuple[str | None, str]:
    """("Dr", "Ilse Marr") from "Dr. Ilse Marr"."""
    words = name.replace(".", ". ").split()
    honorific = None
    while len(words) > 1 and words[0].rstrip(".").lower() in lexicon.honorifics:
        honorific = honorific or words[0].rstrip(".")
        words = words[1:]
    return honorific, " ".join(w for w in words if w != ".").strip()


def clean_name(text: str) -> str:
    text = re.sub(r"[*_]+", "", text)
    text = " ".join(text.split())
    text = _LEADING_ARTICLE.sub("", text)
    return _POSSESSIVE.sub("", text).strip(" ,.;:!?")


def plausible_name(text: str, lexicon: ReadingLexicon) -> bool:
    honorific, core = split_honorific(text, lexicon)
    words = core.split()
    if not words or len(words) > 4:
        return False
    if core.lower() in lexicon.not_people:
        return False
    if words[-1].lower() in lexicon.not_character_heads and not honorific:
        return False        # "Netherfield Park", but "Mrs. Hall" is a person
    if not any(c.isalpha() for c in core):
        return False
    return all(w[:1].isupper() for w in words if w[:1].isalpha())


# ------------------------------------------------------------ name spans
@dataclass(frozen=True)
class NameSpan:
    start: int           # chapter/source offsets
    end: int
    surface: str
    paragraph: int
    first: int           # index of the span's first token in its paragraph doc
    last: int            # and of its last token


def find_name_spans(chapter: ChapterText, docs: list, bible: tuple[CharacterBible, ...],
                    lexicon: ReadingLexicon, quoted=lambda pos: False,
                    blocked: frozenset[str] = frozenset()
                    ) -> tuple[list[NameSpan], Counter]:
    """Person names first seen by NER, honorific rule or bible; and their counts.

    `blocked` names (places, ships, days: lower case) never come from NER or
    from the acting-subject rule; a speech tag or an honorific overrides it.
    """
    if not docs:
        return [], Counter()
    matcher = _honorific_matcher(docs[0].vocab, lexicon)
    found: list[NameSpan] = []
    label_votes: dict[str, Counter] = defaultdict(Counter)
    acting: dict[str, list[NameSpan]] = defaultdict(list)
    for para, doc in zip(chapter.paragraphs, docs):
        for ent in doc.ents:
            label_votes[clean_name(ent.text)][ent.label_] += 1
            if ent.label_ == "PERSON":
                found.append(_span(para, ent))
        for _, start, end in matcher(doc):
            found.append(_span(para, doc[start:end]))
        for tok in _speaking_names(doc, lexicon):
            if quoted(para.start + tok.idx):
                continue
            found.append(_span(para, doc[tok.i:tok.i + 1]))
            label_votes[tok.text]["PERSON"] += 2
        for tok in _acting_names(doc, lexicon):
            if not quoted(para.start + tok.idx):
                acting[tok.text].append(_span(para, doc[tok.i:tok.i + 1]))
    # A proper noun NER did not tag that is the subject of verbs twice or
    # more; if NER tags it something else elsewhere ("Amory" ORG), it must
    # act more often than that.
    for surface, spans in acting.items():
        votes = label_votes.get(surface, Counter())
        if len(spans) >= 2 and (surface.lower() not in blocked
                                or len(spans) > sum(votes.values()) - votes["PERSON"]):
            found.extend(spans)
            label_votes[surface]["PERSON"] += len(spans)
    found += _misfiled_full_names(chapter, docs, label_votes)
    keep = []
    for span in found:
        if _blocked(span.surface, blocked, label_votes) \
                and not split_honorific(span.surface, lexicon)[0]:
            continue            # "Mrs. Long" is a person whatever NER says
        votes = label_votes.get(clean_name(span.surface), Counter())
        honorific, _ = split_honorific(span.surface, lexicon)
        if not honorific and sum(votes[label] for label in _PLACE_LABELS) > votes["PERSON"]:
            continue            # tagged a place more often than a person
        if plausible_name(span.surface, lexicon):
            keep.append(span)
    keep = _longest(keep)
    counts = Counter(clean_name(s.surface) for s in keep)
    for entry in bible:
        for alias in (entry.name, *entry.aliases):
            counts.setdefault(alias, 0)
    return keep, counts


def pronoun_votes(chapter: ChapterText, docs: list, spans: list[NameSpan], key_of,
                  lexicon: ReadingLexicon, quoted=lambda pos: False) -> dict[str, Counter]:
    """He/she/his/her votes for whoever `key_of(span)` says a name stands for.

    Only a sentence of narration that names one person and no one else
    counts.  In it, the pronouns after the name count ("Edda sat down and
    opened her tin"), except objects ("Tomas reached it down for her" is
    someone else), pronouns after a person noun ("Edda's father in his
    overalls"), and those of a gender that already stood for someone else:
    a he or she before the name ("She pulled the headphones from Tomas's
    hands, dragged them over her ears") or an object ("Tomas came in behind
    her carrying her laptop").  In the next sentence, the first gendered pronoun counts
    when it is the subject and comes before any name ("Tomas came in. He
    sat down."), unless a person noun in either sentence ("the soldier")
    may be who it stands for.  Votes after a name that is the sentence's
    subject weigh more.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    by_para: dict[int, list[NameSpan]] = defaultdict(list)
    for s in spans:
        if not quoted(s.start):
            by_para[s.paragraph].append(s)
    for para, doc in zip(chapter.paragraphs, docs):
        named = by_para.get(para.index)
        if not named:
            continue
        in_name = {i for s in named for i in range(s.first, s.last + 1)}

        def narration(tok) -> bool:
            return not quoted(para.start + tok.idx)

        def other(tok) -> bool:
            """A person noun that is not part of a name: someone else."""
            return tok.pos_ == "NOUN" and lexicon.is_person_noun(tok.lemma_) \
                and tok.i not in in_name and narration(tok)

        def others(sent) -> bool:
            return any(other(t) for t in sent)

        sents = list(doc.sents)
        for k, sent in enumerate(sents):
            here = [s for s in named if sent.start <= s.first < sent.end]
            keys = {key_of(s) for s in here}
            if len(keys) != 1 or None in keys:
                continue
            subject = any(_is_subject(doc[s.last]) for s in here)
            weight = _SUBJECT_WEIGHT if subject else 1
            key = keys.pop()
            # Genders that stand for someone else here: a he or she of the main
            # clause before the name ("Her hand, Tomas noticed"; not "When she
            # came in, Edda sat down"), an object after it.
            someone_else = {pronoun_gender(t.text) for t in doc[sent.start:min(s.first for s in here)]
                            if pronoun_gender(t.text) and narration(t) and in_main_clause(t)}
            for tok in doc[min(s.last for s in here) + 1:sent.end]:
                if other(tok):
                    break       # "Edda's father in his overalls": his is the father's
                gender = pronoun_gender(tok.text) or _neuter(tok, here)
                if not gender or not narration(tok) or gender in someone_else:
                    continue
                if tok.lower_ in _OBJECT_PRONOUNS and tok.dep_ != "poss":
                    someone_else.add(gender)
                else:
                    votes[key][gender] += weight
            following = sents[k + 1] if k + 1 < len(sents) else None
            if following is None or others(sent) or others(following):
                continue
            first = next((t for t in following if pronoun_gender(t.text) and narration(t)), None)
            if first is not None and _is_subject(first) \
                    and pronoun_gender(first.text) not in someone_else \
                    and not any(following.start <= s.first < first.i for s in named):
                votes[key][pronoun_gender(first.text)] += weight   # "He never nipped Buck"
    return votes


def _neuter(tok, names: list[NameSpan]) -> str | None:
    """"The Rabbit said to itself", "the Rabbit took a watch out of its
    pocket": a named "it" (an animal, a machine), whom no he or she stands for."""
    verbs = {tok.doc[s.last].head.i for s in names}
    low = tok.lower_
    if (low == "itself" and tok.head.i in verbs | {c.i for v in verbs
                                                   for c in tok.doc[v].children}) \
            or (low == "its" and tok.head.head.i in verbs):
        return "neuter"
    return None


def _is_subject(tok) -> bool:
    return tok.dep_ in ("nsubj", "nsubjpass") \
        or tok.dep_ == "appos" and tok.head.dep_ in ("nsubj", "nsubjpass")


def _speaking_names(doc, lexicon: ReadingLexicon):
    """A capitalised proper noun that says something is a person: "said Curtis",
    "Florence asked" (NER takes Florence for the city), and the inverted tag
    right after a quote that the parser reads as an object ("Gratuity?"
    hinted Tuppence)."""
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in lexicon.speech_lemmas:
            continue
        # Right after a quote, a "subject" before the verb is a word of the
        # quote ("Gratuity?" hinted ...), and the speaker follows the verb.
        inverted = tok.i < len(doc) - 1 and follows_quote(tok)
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")
                    and not (inverted and c.i < tok.i)]
        if inverted and not subjects:
            subjects = [doc[tok.i + 1]]
        for child in subjects:
            if child.pos_ == "PROPN" \
                    and child.text[:1].isupper() and not child.ent_type_ == "PERSON" \
                    and child.lower_ not in lexicon.not_people \
                    and child.lower_ not in lexicon.honorifics:
                yield child
                break
        else:
            name = inverted_tag_name(tok, lexicon)
            if name is not None and name.ent_type_ != "PERSON":
                yield name


# What may stand between a quote and the verb of an inverted tag: '..." said',
# '...," said', '...— said'.
_AFTER_QUOTE = frozenset({",", "\u2014", "--"})


def follows_quote(verb) -> bool:
    """The verb opens an inverted tag: it comes right after a quote, or after
    the comma or dash that closes one ('"Three years," said Good')."""
    doc = verb.doc
    if verb.i == 0:
        return False
    before = doc[verb.i - 1]
    return before.is_quote or before.text in _AFTER_QUOTE \
        or (before.is_punct and verb.i > 1 and doc[verb.i - 2].is_quote)


def inverted_tag_name(verb, lexicon: ReadingLexicon):
    """The one capitalised word of an inverted tag right after a quote:
    '"Three years," said Good.'  The parser often makes such a name an
    adjective or an object; its place says it is the speaker."""
    doc = verb.doc
    if not follows_quote(verb):
        return None
    if verb.i + 1 >= len(doc):
        return None
    word = doc[verb.i + 1]
    after = doc[word.i + 1] if word.i + 1 < len(doc) else None
    if not (word.text[:1].isupper() and word.text[1:].islower() and word.is_alpha):
        return None
    if word.lower_ in lexicon.not_people or word.lower_ in lexicon.honorifics \
            or word.pos_ in ("PRON", "DET"):
        return None
    if after is not None and not (after.is_punct or after.pos_ == "ADV"):
        return None
    return word


def _blocked(surface: str, blocked: frozenset[str], label_votes) -> bool:
    """A place, ship or day by the places stage, and never tagged a person.

    spaCy's small model often tags people as organisations ("Tuppence"), so
    a name it tags PERSON even once, or that speaks or acts, stays a person.
    """
    name = clean_name(surface)
    return name.lower() in blocked and not label_votes.get(name, Counter())["PERSON"]


def _misfiled_full_names(chapter, docs, label_votes) -> list[NameSpan]:
    """"Maren Holt" tagged ORG while "Maren" alone is tagged PERSON."""
    people = {name for name, votes in label_votes.items()
              if votes["PERSON"] and len(name.split()) == 1}
    found = []
    for para, doc in zip(chapter.paragraphs, docs):
        for ent in doc.ents:
            words = ent.text.split()
            if ent.label_ not in ("PERSON", "DATE", "TIME", "CARDINAL") and len(words) == 2 \
                    and all(w[:1].isupper() for w in words) and words[0] in people \
                    and all(t.pos_ == "PROPN" for t in ent):
                found.append(_span(para, ent))
                label_votes[clean_name(ent.text)]["PERSON"] += 5
    return found


def _acting_names(doc, lexicon: ReadingLexicon):
    """Untagged one-word proper nouns that are the subject of a verb."""
    for tok in doc:
        if tok.dep_ == "nsubj" and tok.pos_ == "PROPN" and not tok.ent_type_ \
                and tok.text[:1].isupper() and tok.text[1:].islower() \
                and tok.head.pos_ in ("VERB", "AUX") \
                and tok.lower_ not in lexicon.not_people \
                and tok.lower_ not in lexicon.honorifics \
                and not any(c.dep_ == "compound" for c in tok.children):
            yield tok


def _span(para, span) -> NameSpan:
    return NameSpan(para.start + span.start_char, para.start + span.end_char,
                    span.text, para.index, span.start, span.end - 1)


def _honorific_matcher(vocab, lexicon: ReadingLexicon):
    from spacy.matcher import Matcher   # spaCy is slow to import; only when reading
    matcher = Matcher(vocab)
    titles = sorted(lexicon.honorifics)
    titles_cap = [t.capitalize() for t in titles] + [t.upper() for t in titles if len(t) <= 3]
    titles_cap += [t + "." for t in titles_cap]       # spaCy keeps "Mrs." whole
    matcher.add("HONORIFIC_NAME", [[
        {"ORTH": {"IN": titles_cap}}, {"ORTH": ".", "OP": "?"},
        {"POS": "PROPN", "IS_TITLE": True, "OP": "+"}]], greedy="LONGEST")
    return matcher


def _longest(spans: list[NameSpan]) -> list[NameSpan]:
    """Keep the longest of overlapping name spans."""
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    kept: list[NameSpan] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            continue
        cleaned = clean_name(span.surface)
        if cleaned:
            # Trim a possessive or trailing punctuation off the span itself.
            offset = span.surface.find(cleaned)
            start = span.start + max(offset, 0)
            kept.append(NameSpan(start, start + len(cleaned), cleaned, span.paragraph,
                                 span.first, span.last))
    return kept


def repeat_mentions(chapter: ChapterText, docs: list, index: "NameIndex",
                    first: list[NameSpan]) -> list[NameSpan]:
    """Every occurrence of a known name, NER tagged or not."""
    if not docs or not index.by_surface:
        return first
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    matcher = PhraseMatcher(docs[0].vocab)
    surfaces = {s for s in index.surfaces if s}
    surfaces |= {s[0].upper() + s[1:] for s in surfaces}
    surfaces |= {s.upper() for s in surfaces}      # "TOM" in a heading or a shout
    matcher.add("NAME", [Doc(docs[0].vocab, words=s.split()) for s in sorted(surfaces)])
    found = list(first)
    for para, doc in zip(chapter.paragraphs, docs):
        for _, start, end in matcher(doc):
            span = doc[start:end]
            if end - start == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN":
                continue        # "Will you..." is not Will
            if span[-1].i + 1 < len(doc) and span[-1].nbor(1).text[:1].isupper() \
                    and span[-1].nbor(1).pos_ == "PROPN" and span[-1].nbor(1).ent_type_ != "PERSON":
                continue        # "Kellynch" of "Kellynch Hall"
            found.append(_span(para, span))
    return _longest(found)


# ----------------------------------------------------------------- index
@dataclass
class Cluster:
    name: str                    # the fullest name seen
    honorific_gender: str | None = None
    aliases: Counter = field(default_factory=Counter)
    gender_votes: Counter = field(default_factory=Counter)    # from honorifics
    bible: CharacterBible | None = None
    core_words: tuple[str, ...] = ()     # lower-case words of the full name
    pronoun_votes: Counter = field(default_factory=Counter)   # see pronoun_votes
    titles: set = field(default_factory=set)                  # "mrs", "dr"...

    @property
    def size(self) -> int:
        return sum(self.aliases.values())

    @property
    def known_gender(self) -> str | None:
        """The bible's, an honorific's, or a clear pronoun majority (two to one)."""
        if self.bible is not None and self.bible.gender != "unknown":
            return self.bible.gender
        if self.honorific_gender:
            return self.honorific_gender
        top = self.pronoun_votes.most_common(2)
        if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] >= 2 * top[1][1]):
            return top[0][0]
        return None


@dataclass(frozen=True)
class NameIndex:
    """Surface name (lower-case) -> character id, and the characters themselves."""

    by_surface: dict
    clusters: dict
    surfaces: tuple[str, ...] = ()       # every surface, as written

    def lookup(self, surface: str) -> str | None:
        return self.by_surface.get(" ".join(surface.split()).lower()) \
            or self.by_surface.get(clean_name(surface).lower())


def build_name_index(counts: Counter, bible: tuple[CharacterBible, ...],
                     lexicon: ReadingLexicon,
                     pronouns: dict[str, Counter] | None = None,
                     written=None) -> NameIndex:
    """Cluster a chapter's names, bible entries first, fullest names next.

    `pronouns` (surface -> he/she votes, from `pronoun_votes`) tells the
    gender of a full name before a titled surname joins it: "Mr. Verloc"
    does not join "Winnie Verloc" when "Winnie" is followed by "she".
    `written(text)` (see `times_written`) counts a name in the whole text,
    where `counts` has only what NER found.
    """
    pronouns = pronouns or {}
    by_lower: dict[str, Counter] = defaultdict(Counter)
    for surface, vote in pronouns.items():
        by_lower[surface.lower()].update(vote)
    titled = _TitledWords.of(counts, lexicon)
    clusters: dict[str, Cluster] = {}
    by_surface: dict[str, str] = {}
    for entry in bible:
        cid = id_slug(entry.name)
        _, core = split_honorific(entry.name, lexicon)
        clusters[cid] = Cluster(entry.name, bible=entry,
                                core_words=tuple(core.lower().split()))
        for alias in (entry.name, *entry.aliases):
            by_surface[alias.lower()] = cid
            by_surface.setdefault(clean_name(alias).lower(), cid)    # "the Commander"
            by_surface.setdefault(split_honorific(alias, lexicon)[1].lower(), cid)

    def order(surface: str):
        honorific, core = split_honorific(surface, lexicon)
        return (-len(core.split()), honorific is None, -counts[surface], surface)

    for surface in sorted(counts, key=order):
        if not surface or not plausible_name(surface, lexicon) and surface.lower() not in by_surface:
            continue
        honorific, core = split_honorific(surface, lexicon)
        gender = lexicon.honorifics.get(honorific.lower()) if honorific else None
        cid = by_surface.get(surface.lower()) or _join(core, honorific, gender, clusters,
                                                       lexicon, titled, written)
        if cid is None:
            cid = _new_id(surface if honorific and len(core.split()) == 1 else core, clusters)
            words = tuple(core.lower().split())
            clusters[cid] = Cluster(core if len(words) > 1 else surface,
                                    honorific_gender=gender, core_words=words)
            if len(words) > 1:
                # What "she" says of "Winnie" alone says it of "Winnie Verloc".
                clusters[cid].pronoun_votes.update(by_lower.get(words[0], ()))
        cluster = clusters[cid]
        cluster.aliases[surface] += max(counts[surface], 0)
        cluster.pronoun_votes.update(pronouns.get(surface, ()))
        if honorific:
            cluster.titles.add(honorific.lower())
        if gender:
            cluster.gender_votes[gender] += 3 * max(counts[surface], 1)
            cluster.honorific_gender = cluster.honorific_gender or gender
        by_surface.setdefault(surface.lower(), cid)
        if not honorific or len(core.split()) > 1:
            by_surface.setdefault(core.lower(), cid)
    parts = _name_parts(clusters, by_surface, lexicon)
    surfaces = tuple(sorted({a for c in clusters.values() for a in c.aliases}
                            | {a for e in bible for a in (e.name, *e.aliases)} | set(parts)))
    return NameIndex(by_surface, clusters, surfaces)


def times_written(chapter: ChapterText):
    """How often the chapter has `text` as whole words, as written."""
    @functools.lru_cache(maxsize=None)
    def written(text: str) -> int:
        pattern = re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")
        return sum(len(pattern.findall(p.text)) for p in chapter.paragraphs)
    return written


def _name_parts(clusters: dict, by_surface: dict, lexicon: ReadingLexicon) -> dict[str, str]:
    """The first and last names of full names that were not seen alone.

    NER may tag "Amelia Sedley" a person and "Amelia" alone a city; the
    PhraseMatcher then finds "Amelia" as Amelia Sedley.  A word that is part
    of two characters' names ("Reed" of John Reed and Mrs. Reed) is left out.
    """
    owners: dict[str, set] = defaultdict(set)
    written: dict[str, str] = {}
    for cid, cluster in clusters.items():
        for word in cluster.core_words:
            owners[word].add(cid)       # "Mrs. Reed" owns "reed" too
        if len(cluster.core_words) < 2:
            continue
        for alias in (*cluster.aliases, cluster.name):
            words = split_honorific(alias, lexicon)[1].split()
            if len(words) > 1:
                for word in (words[0], words[-1]):
                    written.setdefault(word.lower(), word)
    parts = {}
    for word, surface in written.items():
        cids = owners[word]
        if len(cids) != 1 or word in by_surface \
                or len(word.rstrip(".")) < 2 or not surface[:1].isupper() \
                or word in lexicon.honorifics or word in lexicon.not_people:
            continue
        cid = next(iter(cids))
        by_surface[word] = cid
        parts[surface] = cid
    return parts


@dataclass(frozen=True)
class _TitledWords:
    """What the chapter's one-word titled names ("Mrs. Verloc") tell."""

    families: frozenset[str]       # surnames of two of Mr., Mrs. and Miss
    given: frozenset[tuple]        # ("miss", "jemima") of "Miss Jemima"

    @classmethod
    def of(cls, counts, lexicon: ReadingLexicon) -> "_TitledWords":
        kinds: dict[str, set] = defaultdict(set)
        pairs = set()
        for surface in counts:
            honorific, core = split_honorific(surface, lexicon)
            if honorific and len(core.split()) == 1:
                title = honorific.lower()
                pairs.add((title, core.lower()))
                kind = "married" if title in lexicon.married_titles else \
                    "unmarried" if title in lexicon.unmarried_titles else \
                    "male" if lexicon.honorifics.get(title) == "male" else None
                if kind:
                    kinds[core.lower()].add(kind)
        return cls(frozenset(w for w, k in kinds.items() if len(k) > 1), frozenset(pairs))


def _join(core: str, honorific: str | None, gender: str | None, clusters,
          lexicon: ReadingLexicon, titled: _TitledWords | None = None,
          written=None) -> str | None:
    """The one existing character this name belongs to, if any.

    A surname seen with two of Mr., Mrs. and Miss ("Mr. and Mrs. Verloc",
    "Mrs. and Miss Welland") joins only a full name whose gender is known
    to fit, and "Mrs." only a full name once called "Mrs." too.  "Miss
    Pinkerton" does not join a Jemima Pinkerton who is called "Miss Jemima":
    a younger sister is called by her first name, the eldest by the surname.
    """
    words = core.lower().split()
    if not words:
        return None
    if len(words) > 1:
        # "Elizabeth Bennet" after "Miss Elizabeth Bennet": same full name;
        # "A. Brekke" is the one "Arvid Brekke".
        same = [cid for cid, c in clusters.items() if c.core_words == tuple(words)]
        if not same and len(words) == 2 and re.fullmatch(r"[a-z]\.?", words[0]):
            same = [cid for cid, c in clusters.items()
                    if len(c.core_words) == 2 and c.core_words[1] == words[1]
                    and c.core_words[0][:1] == words[0][0]]
        return same[0] if len(same) == 1 else None
    word = words[0]
    title = honorific.lower() if honorific else None
    fits = [cid for cid, c in clusters.items()
            if len(c.core_words) > 1 or c.bible is not None
            if _fits(c, gender, title, lexicon)]
    if honorific:
        # "Mr. Darcy": a surname; "Sir Walter", "Aunt Shaw" may be either.
        if titled and word in titled.families and gender:
            fits = [cid for cid in fits if clusters[cid].known_gender == gender]
            if title in lexicon.married_titles:
                # Mr. and Mrs. Hilbery's Katharine Hilbery may be their daughter.
                fits = [cid for cid in fits if title in clusters[cid].titles]
        if titled and title in lexicon.unmarried_titles:
            fits = [cid for cid in fits if clusters[cid].core_words[0] == word
                    or (title, clusters[cid].core_words[0]) not in titled.given]
        last = [cid for cid in fits if clusters[cid].core_words[-1:] == (word,)]
        any_word = [cid for cid in fits if word in clusters[cid].core_words]
        candidates = last or any_word
        if len(candidates) > 1:
            # "Sir Walter": the "Sir Walter Elliot", not "William Walter Elliot".
            candidates = [cid for cid in candidates if title in clusters[cid].titles
                          and clusters[cid].core_words[0] == word] or candidates
        if len(candidates) == 1:
            return candidates[0]
        same = [cid for cid, c in clusters.items()
                if c.core_words == (word,) and _fits(c, gender, title, lexicon)
                and c.honorific_gender == gender]
        return same[0] if same else None
    candidates = [cid for cid, c in clusters.items() if word in c.core_words
                  and not (written and _rarer_initialled(c, core, written))]
    if not candidates:
        # "Lizzy" for an Elizabeth, or "Elizabeth" for a Lizzy seen first.
        full = lexicon.nicknames.get(word, ())
        candidates = [cid for cid, c in clusters.items()
                      if c.core_words and (c.core_words[0] in full or word in
                                           lexicon.nicknames.get(c.core_words[0], ()))]
    if not candidates:
        return None
    # "Bennet" alone: the most-mentioned character with that name.
    return max(candidates, key=lambda cid: (clusters[cid].size, cid))


def _rarer_initialled(cluster: Cluster, word: str, written) -> bool:
    """A full name with only an initial for a first name ("Lt. A. Brekke"
    under a photograph), written less than half as often as the surname on
    its own: a relative or a signature, not the "Brekke" who acts on every
    page.  The surname stays a character of its own rather than take the
    initial's name.  `written(text)`: how often the chapter has the words."""
    words = cluster.core_words
    if len(words) < 2 or re.fullmatch(r"[a-z]\.?", words[0]) is None or cluster.bible:
        return False
    full = max(written(alias) for alias in cluster.aliases) if cluster.aliases else 0
    return 2 * full < written(word) - full


def _fits(cluster: Cluster, gender: str | None, title: str | None,
          lexicon: ReadingLexicon) -> bool:
    """Can a name with this honorific's gender and title join the cluster?

    "Mrs. Sedley" never joins a "Miss Sedley" or a "Miss Amelia Sedley".
    """
    if title and cluster.titles:
        married = lexicon.married_titles
        unmarried = lexicon.unmarried_titles
        if title in married and cluster.titles & unmarried \
                or title in unmarried and cluster.titles & married:
            return False
    return gender is None or cluster.known_gender in (None, gender)


def _new_id(name: str, clusters: dict) -> str:
    base = id_slug(name)
    cid, n = base, 2
    while cid in clusters:
        cid, n = f"{base}-{n}", n + 1
    return cid


def best_name(cluster: Cluster, lexicon: ReadingLexicon) -> str:
    """The fullest name without honorific, e.g. "Ilse Marr"; "Mrs. Bennet" keeps it."""
    if cluster.bible:
        return cluster.bible.name
    cores = Counter()
    for alias, n in cluster.aliases.items():
        honorific, core = split_honorific(alias, lexicon)
        cores[alias if honorific and len(core.split()) == 1 else core] += n
    if not cores:
        return cluster.name
    return max(cores, key=lambda a: (len(split_honorific(a, lexicon)[1].split()), cores[a], a))
