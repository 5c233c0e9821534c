"""A paragraph read as a director reads it: beats of action and lines of speech.

A paragraph becomes a list of items in text order: `Unit`s (a sentence of
narration, its quoted words left out) and `Line`s (one quotation each).
Each unit knows who is in it, who does something in it (the subjects of its
verbs), and which rules' patterns hit it, and how strongly: a hit in the
sentence's main clause is strong, a hit in a subordinate clause ("the way
some people watch a fire") is minor and never decides a shot on its own.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..grammar import is_existential, pronoun_gender
from ..model import Analysis, Paragraph, Quote
from .camera import CameraLexicon, sort_clauses
from .describe import VISIBLE_ATTR, in_main_clause
from .rules import CueMatch, Rules
from .thirdperson import emphasised_spans

_SUBJECTS = {"nsubj", "nsubjpass"}


@dataclass(frozen=True)
class Hit:
    rule: str
    strong: bool
    agent: str | None           # the character doing it, when there is one
    # What it is done to ("the traces" in "she watched the traces"): the
    # last word of a dependency pattern and the words that hang on it.
    focus: tuple = field(default=(), compare=False, repr=False)
    focus_character: str | None = None      # when what is looked at is a character
    together: bool = False                  # done by "they"/"we": the people in the scene


@dataclass(frozen=True)
class Unit:
    """A sentence of narration (outside quotation marks)."""

    start: int                  # offsets into the source text
    end: int
    tokens: tuple = field(compare=False, repr=False)
    actors: tuple[str, ...]     # characters named or referred to, in order
    agents: tuple[str, ...]     # characters who are subjects of its verbs
    lead: str | None            # the character who is subject of its main verb
    opener: str | None          # who a he/she that starts the sentence refers to
    hits: tuple[Hit, ...]
    flags: frozenset[str]
    speech_tag: bool            # only "she said" or the like
    headless: bool = False      # starts with its verb ("lifted a hand"): a tag was cut off
    # Who is surely there: the agents, and the owners of a body part ("a
    # lamp at Priya's elbow"); not a name only spoken of ("thought of Tomas").
    present: tuple[str, ...] = ()
    # Who feels a feeling the sentence names ("Ilse was furious"): the
    # close-up of the tell is theirs (the `named-feeling` cue).
    feelers: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return sum(1 for t in self.tokens if not t.is_punct and not t.is_space)

    @property
    def main_agent(self) -> str | None:
        return self.agents[0] if self.agents else (self.actors[0] if self.actors else None)


@dataclass(frozen=True)
class Line:
    """One quotation."""

    quote: Quote

    @property
    def start(self) -> int:
        return self.quote.start

    @property
    def end(self) -> int:
        return self.quote.end


@dataclass(frozen=True)
class ParagraphBeats:
    paragraph: Paragraph
    items: tuple                # Units and Lines in text order
    heated: bool                # a "heat" pattern hit anywhere in it

    @property
    def units(self) -> list[Unit]:
        return [i for i in self.items if isinstance(i, Unit)]

    @property
    def lines(self) -> list[Line]:
        return [i for i in self.items if isinstance(i, Line)]

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for u in self.units for a in u.actors))


def read_paragraph(para: Paragraph, doc, quotes: list[Quote], analysis: Analysis,
                   rules: Rules, camera: CameraLexicon | None = None) -> ParagraphBeats:
    """`camera`: the lexicon that tells a named feeling (None: nobody's
    feelings are looked for)."""
    spans = [(q.start - para.start, q.end - para.start) for q in quotes]

    def quoted(tok) -> bool:
        """Wholly inside a quotation (a token only partly inside keeps its
        outside part: `speaker—“and` shows as `speaker—`)."""
        end = tok.idx + len(tok.text)
        return any(a <= tok.idx and end <= b for a, b in spans)

    def clip(tok) -> str | None:
        end = tok.idx + len(tok.text)
        if not any(tok.idx < b and end > a for a, b in spans):
            return None
        return "".join(ch for k, ch in enumerate(tok.text, start=tok.idx)
                       if not any(a <= k < b for a, b in spans))

    who = _character_tokens(para, doc, analysis, quotes, rules.defaults.body_parts)
    hits = rules.find(doc)
    items: list = [Line(q) for q in quotes]
    for sent in _sentences(doc):
        tokens = [t for t in sent if not quoted(t)]
        for tok in tokens:
            set_clip(tok, clip(tok))        # None clears what an earlier run left
        if not any(not t.is_punct and not t.is_space for t in tokens):
            continue
        items.append(_unit(para, tokens, sent, who, hits, rules, quoted if quotes else None,
                           camera))
    items.sort(key=lambda i: (i.start, 0 if isinstance(i, Line) else 1))
    # Heat counts in the narration, or as punctuation of the speech ("!",
    # a line broken off) - not a word like "hiss" spoken in a calm line.
    heated = any(h.key == "heat" and (not quoted(doc[h.anchor]) or doc[h.anchor].is_punct)
                 for h in hits)
    return ParagraphBeats(paragraph=para, items=tuple(items), heated=heated)


def _sentences(doc) -> list:
    """spaCy's sentences, but one that ends inside *emphasis* goes on to
    the end of it: "wrote *02:11. Channel 9. Narrowband.*" is one beat,
    what is written a part of it."""
    spans = emphasised_spans(doc, lambda tok: True)
    out = []
    for sent in doc.sents:
        cut = sent.start_char
        if out and any(a < cut < b for a, b in spans):
            out[-1] = doc[out[-1].start:sent.end]
        else:
            out.append(sent)
    return out


def _unit(para, tokens, sent, who: dict[int, str], hits: list[CueMatch], rules: Rules,
          quoted, camera: CameraLexicon | None = None) -> Unit:
    lo, hi = tokens[0].i, tokens[-1].i
    inside = {t.i for t in tokens}
    actors = tuple(dict.fromkeys(who[t.i] for t in tokens if t.i in who))
    agents = tuple(dict.fromkeys(a for t in tokens if _is_subject(t)
                                 for a in [_character_of(t, who)] if a))
    present = tuple(dict.fromkeys([*agents, *(
        who[t.i] for t in tokens if t.i in who and t.dep_ == "poss"
        and t.head.lemma_.lower() in rules.defaults.body_parts)]))
    root = sent.root
    lead = agent_of(root, who) if root.i in inside else None
    # Speech tags ("she said") only stand beside a quotation.
    verbs_of_speech = rules.dialogue.speech_verbs if quoted is not None else frozenset()
    trimmed = _without_speech_tags(tokens, verbs_of_speech, quoted)
    tagged = len(trimmed) < len(tokens)
    # Nothing but the tag ("I said, when I could"): the unit is only a tag.
    only_tag = tagged and not any(not t.is_punct and not t.is_space for t in trimmed)
    tokens = tokens if only_tag else trimmed
    first_word = next((t for t in tokens if not t.is_punct), tokens[0])
    headless = tagged and first_word.pos_ in ("VERB", "AUX") and first_word.tag_ != "VBG"
    unit_hits, flags = [], set()
    for hit in hits:
        if hit.anchor not in inside:
            continue
        if hit.key.startswith("flags:"):
            flags.add(hit.key[6:])
        elif hit.key.startswith("rules:"):
            anchor = sent.doc[hit.anchor]
            rule = rules.rule(hit.key[6:])
            agent = agent_of(anchor, who)
            together = agent is None and _done_together(anchor)
            if rule.needs == "character" and agent is None and not together:
                continue
            if rule.needs == "thing" and (agent is not None or together
                                          or _done_to_something(anchor)):
                continue
            focus = _focus(sent.doc, hit, inside)
            looked_at = who.get(focus[0].i) if len(focus) == 1 else None
            unit_hits.append(Hit(rule.id, in_main_clause(anchor), agent, focus, looked_at,
                                 together))
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and t.dep_ != "aux"]
    words = [t for t in tokens if not t.is_punct]
    # What is left of a tag with no verb ("from the door") shows nothing new.
    speech_tag = only_tag or (tagged and (len(words) < 3 or not any(
        t.pos_ in ("VERB", "AUX") for t in tokens))) or (
        bool(verbs) and len(words) <= 5
        and all(t.lemma_.lower() in verbs_of_speech for t in verbs))
    first = tokens[0]
    first_word = "".join(ch for ch in (clipped(first) or first.text) if ch.isalpha()).lower()
    opener = who.get(first.i) if first_word in ("he", "she") else None
    doc = sent.doc
    return Unit(start=para.start + doc[lo].idx, end=para.start + doc[hi].idx + len(doc[hi].text),
                tokens=tuple(tokens), actors=actors, agents=agents, lead=lead, opener=opener,
                headless=headless, present=present,
                feelers=_feelers(tokens, who, camera) if camera is not None else (),
                hits=tuple(unit_hits),
                flags=frozenset(flags), speech_tag=speech_tag)


def _feelers(tokens, who: dict[int, str], camera: CameraLexicon) -> tuple[str, ...]:
    """The characters who feel a feeling the sentence names, in order."""
    found = []
    for clause in sort_clauses(tokens, camera):
        if clause.kind != "feeling":
            continue
        feeler = clause.feeler if clause.feeler is not None else next(
            (t for t in clause.tokens if t.dep_ in ("nsubj", "nsubjpass")), None)
        character = _character_of(feeler, who) if feeler is not None else None
        if character:
            found.append(character)
    return tuple(dict.fromkeys(found))


def _without_speech_tags(tokens: list, speech_verbs, quoted) -> list:
    """The sentence without its speech tags: the tag is already in the
    shot's dialogue; what the speaker does is the picture.

    A tag takes with it its subject and how the words were said ("quietly",
    "when I could", "to Tomas", the "and" of "... and said"), but not what
    the speaker does besides: "said Edda, touching a man ..." -> "touching a
    man ...", "she said, and lifted a hand" -> "lifted a hand"."""
    inside = {t.i for t in tokens}
    drop: set[int] = set()
    for verb in tokens:
        if verb.lemma_.lower() in speech_verbs and verb.pos_ == "VERB" and \
                _is_plain_tag(verb) and _says_only_the_quote(verb, inside) and \
                _beside_a_quote(verb, quoted):
            words = _tag_words(verb, inside, drop)
            drop |= words | _hanging_on_the_quote(verb.doc, max(words), inside, quoted)
    return [t for t in tokens if t.i not in drop]


def _is_plain_tag(verb) -> bool:
    """"she said", "asked Tomas": a tag has no auxiliary and no negation;
    "She had never called him by his first name" is narration."""
    return not any(c.dep_ in ("aux", "auxpass", "neg") for c in verb.children)


def _hanging_on_the_quote(doc, end: int, inside: set[int], quoted) -> set[int]:
    """The clause right after a tag that spaCy hung on the quoted words
    rather than on the tag: "“...,” I said, when I could" ("could" modifies
    the quotation's verb).  A gesture ("touching a man") stays."""
    after = next((doc[i] for i in range(end + 1, len(doc)) if i in inside
                  and not doc[i].is_punct), None)
    if after is None:
        return set()
    top = after
    while top.head.i in inside and top.head.i != top.i:
        top = top.head
    if top.head.i in inside or not quoted(top.head) or not _modifies_the_saying(top):
        return set()
    return {t.i for t in top.subtree if t.i in inside}


def _modifies_the_saying(tok) -> bool:
    """How or when something was said ("quietly", "when I could", "to
    Tomas"), not a gesture of its own ("touching a man", "and lifted")."""
    if tok.dep_ == "advcl":
        return tok.tag_ not in ("VBG", "VBN") or any(m.dep_ == "mark" for m in tok.children)
    return tok.dep_ in ("advmod", "prep", "npadvmod")


def _says_only_the_quote(verb, inside: set[int]) -> bool:
    """No words of its own said: "said nothing", "said that he would" are
    narration; "asked him" only names whom the quote is for, and "said,
    when she could" (after a comma) is when, not what."""
    doc = verb.doc

    def after_a_comma(c) -> bool:
        lo, hi = sorted((verb.i, c.left_edge.i))
        return any(t.text == "," for t in doc[lo + 1:hi])

    return not any(c.i in inside and (
        (c.dep_ in ("ccomp", "xcomp") and not after_a_comma(c))
        or (c.dep_ == "dobj" and c.tag_ != "PRP" and c.pos_ != "PROPN"))
        for c in verb.children)


def _beside_a_quote(verb, quoted) -> bool:
    """The verb and its subject stand right before or after a quotation (or
    the quotation hangs on the verb): "“...,” I said", "and said, “Go.”"."""
    doc = verb.doc
    subject = [c for c in verb.children if c.dep_ in _SUBJECTS]
    lo = min([verb.i] + [t.i for c in subject for t in c.subtree])
    hi = max([verb.i] + [t.i for c in subject for t in c.subtree])
    before = next((t for t in reversed(doc[:lo]) if not t.is_space), None)
    after = next((t for t in doc[hi + 1:] if not t.is_space
                  and not (t.text in (",", ":") and not quoted(t))), None)
    return any(t is not None and quoted(t) for t in (before, after)) or \
        any(quoted(t) for c in verb.children for t in c.subtree)


def _tag_words(verb, inside: set[int], dropped: set[int]) -> set[int]:
    """The tokens of a speech tag: the verb, its subject and its modifiers."""
    words = {verb.i}
    ands = []
    for c in verb.children:
        if c.i not in inside or c.dep_ in ("conj", "punct"):
            continue                    # "and lifted a hand": an action of its own
        if c.dep_ == "advcl" and not _modifies_the_saying(c):
            continue                    # "touching a man ...": a gesture
        if c.dep_ == "cc":
            ands.append(c.i)
            continue
        words |= {t.i for t in c.subtree if t.i in inside}
    kept_before = any(i < verb.i and i not in dropped and i not in words
                      and not verb.doc[i].is_punct for i in inside)
    if not kept_before:
        words.update(ands)              # "said quietly, and lifted a hand": "lifted a hand"
    if verb.dep_ == "conj":
        # "... then looked out of the window and said": the "and" goes too.
        prev = next((verb.doc[i] for i in range(min(words) - 1, -1, -1)
                     if i in inside and not verb.doc[i].is_punct), None)
        if prev is not None and prev.dep_ == "cc":
            words.add(prev.i)
    return words


def _focus(doc, hit: CueMatch, inside: set[int]) -> tuple:
    if not hit.grammar or len(hit.tokens) < 2:
        return ()
    tok = doc[hit.tokens[-1]]
    if tok.dep_ == "prep":
        tok = next((c for c in tok.children if c.dep_ == "pobj"), tok)
    words = [t for t in _noun_phrase(tok) if t.i in inside]
    if not any(t.is_alpha or t.like_num for t in words):
        return ()                       # "wrote *02:27" hit the emphasis mark
    return tuple(words) if len(words) <= 12 else ()


def _noun_phrase(tok) -> list:
    """The thing itself: "his gloves" of "his gloves, one finger at a time",
    "my drive" of "my drive from the desk", "one earcup" of "slid one
    earcup off"; what comes before the noun and an "of" after it ("a cup of
    tea") stay."""
    words = {tok.i}
    for child in tok.children:
        if (child.i < tok.i and child.dep_ not in ("punct", "cc")) or \
                (child.dep_ == "prep" and child.lower_ == "of"):
            words |= {t.i for t in child.subtree}
    lo, hi = min(words), max(words)
    return [t for t in tok.doc[lo:hi + 1] if not (t.is_punct and set(t.text) <= {"*", "_"})]


def set_clip(tok, text: str | None) -> None:
    """Remember the visible part of a token cut by a quotation mark (kept in
    the doc itself, as a spaCy extension attribute)."""
    from spacy.tokens import Token
    if not Token.has_extension(VISIBLE_ATTR):
        Token.set_extension(VISIBLE_ATTR, default=None)
    tok._.set(VISIBLE_ATTR, text)


def clipped(tok) -> str | None:
    return tok._.get(VISIBLE_ATTR) if tok.has_extension(VISIBLE_ATTR) else None


def agent_of(tok, who: dict[int, str]) -> str | None:
    """The character who does what `tok` names: the subject of its verb, or
    the owner of a body part ("her hands shook", "his knuckles")."""
    if tok.pos_ in ("NOUN", "PROPN", "PRON"):
        owner = _character_of(tok, who)
        if owner:
            return owner
    subject = _subject_of(tok)
    return _character_of(subject, who) if subject is not None else None


def _subject_of(tok):
    """The subject of the verb that `tok` belongs to, following "and"."""
    verb = tok
    for _ in range(6):
        if verb.pos_ in ("VERB", "AUX") or verb.dep_ == "ROOT":
            break
        verb = verb.head
    for _ in range(4):
        subject = next((c for c in verb.children if _is_subject(c)), None)
        if subject is not None:
            return subject
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
            verb = verb.head            # "and held his hands ..." shares the subject
            continue
        return None
    return None


def _done_to_something(verb) -> bool:
    """"The blast shook the house": the verb (or the one it begins, "began
    to shake the house") has an object."""
    verbs = [verb, *[c for c in verb.children if c.dep_ == "xcomp"]]
    return any(c.dep_ == "dobj" for v in verbs for c in v.children)


def _is_subject(tok) -> bool:
    """A verb's subject, or the "a man" of "There was a man at the door"."""
    return tok.dep_ in _SUBJECTS or is_existential(tok)


def _done_together(tok) -> bool:
    """"They walked down the lane": the people in the scene, together."""
    subject = _subject_of(tok)
    return subject is not None and subject.lower_ in ("they", "we")


def _character_of(tok, who: dict[int, str]) -> str | None:
    if tok.i in who:
        return who[tok.i]
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is not None and owner.i in who:
        return who[owner.i]
    compound = next((c for c in tok.children if c.dep_ == "compound" and c.i in who), None)
    return who[compound.i] if compound is not None else None


def _character_tokens(para, doc, analysis: Analysis, quotes,
                      body_parts: frozenset[str] = frozenset()) -> dict[int, str]:
    """Token index -> character id, for mentions outside quotation marks
    (but not a name that only owns something: see `_owns_a_thing`)."""
    starts = _mention_starts(analysis.mentions)
    lo, hi = bisect_right(starts, para.start - 1), bisect_right(starts, para.end - 1)
    # Words in quotation marks are said, and *emphasised* words that speak
    # as "I" or "you" ("*Mum says you haven't rung.*") are a message or a
    # thought: who they name is not there.
    written = [(a + para.start, b + para.start)
               for a, b in emphasised_spans(doc, _first_or_second_person)]
    mentions = [m for m in analysis.mentions[lo:hi]
                if not any(q.start <= m.start < q.end for q in quotes)
                and not any(a <= m.start < b for a, b in written)]
    speaker = _sole_speaker(quotes)
    gender = {c.id: c.gender for c in analysis.characters}
    named = {gender.get(m.character) for m in mentions if m.kind == "name"}
    who = {}
    for m in mentions:
        character = m.character
        if (m.kind == "pronoun" and speaker and character != speaker
                and pronoun_gender(doc_text(para, m)) == gender.get(speaker)
                and gender.get(speaker) not in named):
            # "he" beside his own quoted line is the speaker, unless a man
            # is named in the paragraph (the usual reading of a turn).
            character = speaker
        span = doc.char_span(m.start - para.start, m.end - para.start, alignment_mode="expand")
        if span is not None and not (m.kind == "name" and _owns_a_thing(span.root, body_parts)):
            for tok in span:
                who[tok.i] = character
    return who


_STARTS: list = [None, []]     # the mentions last asked about, and their starts


def _mention_starts(mentions) -> list[int]:
    """The start of each mention, for a chapter's mentions: made once per
    chapter, not once per paragraph (quadratic in a long chapter)."""
    if _STARTS[0] is not mentions:
        _STARTS[:] = [mentions, [m.start for m in mentions]]
    return _STARTS[1]


def _first_or_second_person(tok) -> bool:
    return tok.tag_ in ("PRP", "PRP$") and bool({"1", "2"} & set(tok.morph.get("Person")))


def _owns_a_thing(name, body_parts: frozenset[str]) -> bool:
    """A name in the possessive that is not the owner of a body part: "the
    Commander's men came up the hill", "Edda's photograph", "the way
    Tomas's had" (the thing left unsaid).  The owner need not be there, so
    the name puts nobody in the shot; "Tomas's hands were shaking" does.  A
    possessive pronoun ("her phone") points at someone in the scene and
    is not asked about."""
    if not any(c.dep_ == "case" and c.tag_ == "POS" for c in name.children):
        return False
    return not (name.dep_ == "poss" and name.head.lemma_.lower() in body_parts)


def doc_text(para, mention) -> str:
    return para.text[mention.start - para.start:mention.end - para.start]


def _sole_speaker(quotes) -> str | None:
    speakers = {q.speaker for q in quotes if q.speaker}
    return speakers.pop() if len(speakers) == 1 else None
