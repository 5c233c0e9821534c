"""First-person narration retold as the camera sees it: in the third person.

A first-person chapter says "I lean over the console"; a storyboard panel
or an image prompt must say "Priya Venkataraman leans over the console".
The parse spaCy already made of the chapter decides, with no new parse and
no word list of pronoun spellings:

- a pronoun's morphology (Person=1, Number, Case, Poss, Reflex) says which
  third-person word takes its place: the narrator's name the first time in
  a description (and again after someone else who shares their pronoun),
  then she/he/they, her/him/them, her/his/their, herself...;
- the verbs whose subject it was (its head, or the verb that head is
  coordinated with or auxiliary to, in the dependency tree) are put in the
  third person singular, or the plural for a narrator called "they";
- a contraction glued to it ("I'd", "I'm") is spelled out, since
  "Priya Venkataraman'd" is not English;
- a stretch in *emphasis* that holds a first-person pronoun is words
  written or thought ("*I'm fine, it's been busy*"), kept as written.

"we/us/our" become "they/them/their": the camera cannot know whom the
narrator counts in, and the plural verb fits either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inflect import third_person_singular

# subject, object, possessive determiner, possessive pronoun, reflexive
_FORMS = {
    "female": ("she", "her", "her", "hers", "herself"),
    "male": ("he", "him", "his", "his", "himself"),
    "unknown": ("they", "them", "their", "theirs", "themselves"),
}
_PLURAL_FORMS = _FORMS["unknown"]
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
# A verb with no subject of its own takes the one of the verb it hangs on:
# "I sat and looked", "I didn't go", "I had made".
_SHARES_SUBJECT = ("conj", "aux", "auxpass")
_EMPHASIS = re.compile(r"(?<![\w*_])([*_]{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w*_])", re.DOTALL)
_APOSTROPHES = ("'", "\u2019")


@dataclass(frozen=True)
class Narrator:
    """Who "I" is in a first-person chapter, as a description names them."""

    name: str                       # "Priya Venkataraman", or "the narrator"
    gender: str = "unknown"
    # Lower-case name words of the other characters who could be called by
    # the narrator's pronoun: after one of them, "she" would be ambiguous.
    others: frozenset[str] = frozenset()

    @classmethod
    def of(cls, characters) -> "Narrator | None":
        """The chapter's narrator, or None when it is not told as "I"."""
        me = next((c for c in characters if c.narrator), None)
        if me is None:
            return None
        gender = me.gender if me.gender in _FORMS else "unknown"
        same, different = set(), set()
        for c in characters:
            if c.narrator:
                continue
            alike = gender == "unknown" or c.gender in (gender, "unknown")
            (same if alike else different).update(_name_words(c))
        # A surname shared with a known "he" ("A. Brekke" beside Halvard
        # Brekke) names him more likely than a second "she".
        return cls(name=me.display_name, gender=gender,
                   others=frozenset(same - different))

    @property
    def forms(self) -> tuple[str, ...]:
        return _FORMS[self.gender]

    @property
    def plural(self) -> bool:
        """A narrator called "they" takes plural verbs."""
        return self.gender == "unknown"


def _name_words(character) -> set[str]:
    return {word.lower() for alias in (character.name, *character.aliases)
            for word in alias.split() if word[:1].isupper()}


@dataclass
class Retelling:
    """One description being retold: whether the narrator's name is due.

    The name comes first, then she/he; after anyone else she/he could mean,
    the name again, and from then on once in every sentence."""

    narrator: Narrator
    name_due: bool = True
    someone_else: bool = False      # a name or pronoun the narrator's pronoun could mean
    _kept: dict = field(default_factory=dict)       # doc id -> emphasised spans
    _named_at: set = field(default_factory=set)     # (doc id, token) retold as the name

    # -- pronouns
    def pronoun(self, tok) -> str | None:
        """The third-person word for a first-person pronoun, else None.

        Also notes a word that names or stands for someone else the
        narrator's pronoun could mean, so the next mention is the name."""
        if tok.is_sent_start and self.someone_else:
            self.name_due = True
        if not _first_person(tok):
            if tok.is_punct and set(tok.text) <= {"*", "_"}:
                return self._quote_mark(tok)
            if self._could_be_confused(tok):
                self.name_due = self.someone_else = True
            return None
        if self._kept_as_written(tok):
            return None
        morph = tok.morph
        plural = "Plur" in morph.get("Number")
        possessive = "Yes" in morph.get("Poss")
        reflexive = "Yes" in morph.get("Reflex")
        determiner = tok.tag_ == "PRP$"
        forms = _PLURAL_FORMS if plural else self.narrator.forms
        if reflexive:
            word = forms[4]
        elif not plural and self.name_due:
            word = self.narrator.name + ("'s" if possessive else "")
            self.name_due = False
            self._named_at.add((id(tok.doc), tok.i))
        elif possessive:
            word = forms[2] if determiner else forms[3]
        elif "Acc" not in morph.get("Case") and (
                "Nom" in morph.get("Case") or tok.dep_ in _SUBJECT_DEPS):
            word = forms[0]         # "let me cry": an object that is a subject too
        else:
            word = forms[1]
        return _capitalised(word, tok)

    def _could_be_confused(self, tok) -> bool:
        """A name or pronoun of someone the narrator's pronoun could mean."""
        if tok.pos_ == "PROPN":
            return tok.lower_ in self.narrator.others
        if tok.pos_ != "PRON" or "3" not in tok.morph.get("Person"):
            return False
        return tok.lower_ in self.narrator.forms or (
            self.narrator.gender == "unknown" and tok.lower_ in (*_FORMS["female"],
                                                                 *_FORMS["male"]))

    def _kept_as_written(self, tok) -> bool:
        """Inside *emphasis* that holds a first-person pronoun: a message or a
        thought quoted in the narration, not the narrator acting."""
        return any(a <= tok.idx < b for a, b in self._kept_spans(tok.doc))

    def _kept_spans(self, doc) -> list[tuple[int, int]]:
        spans = self._kept.get(id(doc))
        if spans is None:
            spans = self._kept[id(doc)] = emphasised_spans(doc, _first_person)
        return spans

    def _quote_mark(self, tok) -> str | None:
        """The emphasis marks around words kept as written become quotation
        marks: without them "types, I'm fine" reads as the narrator's "I"."""
        for a, b in self._kept_spans(tok.doc):
            if tok.idx == a:
                return "\u201c"
            if tok.idx + len(tok.text) == b:
                return "\u201d"
        return None

    # -- verbs
    def verb(self, tok) -> str | None:
        """A present-tense verb or a contraction whose subject was "I",
        agreeing with the third person; else None (left to the caller)."""
        if tok.tag_ != "VBP" and not tok.text.startswith(_APOSTROPHES):
            return None                             # (cheap: most tokens stop here)
        subject = subject_of(tok)
        if subject is None or not _first_person(subject) or self._kept_as_written(subject):
            return None
        if "Plur" in subject.morph.get("Number"):
            return None                             # we -> they: the verb fits
        plural = self._they(subject)
        if tok.text.startswith(_APOSTROPHES) and tok.i > 0 and tok.nbor(-1).i == subject.i:
            return " " + self._spelled_out(tok, plural)     # "I'd" -> "she had"
        if tok.tag_ == "VBP":
            # The token is its own base form ("want", "stare"); only "am"
            # and "are" need the lemma.
            base = "be" if tok.lemma_.lower() == "be" else tok.lower_
            return _capitalised(_agreeing(base, plural), tok)
        return None

    def _they(self, subject) -> bool:
        """Whether the narrator's "I" was retold as a plural "they" (not as
        their name, which is singular whatever their pronoun)."""
        return self.narrator.plural and (id(subject.doc), subject.i) not in self._named_at

    def _spelled_out(self, tok, plural: bool) -> str:
        lemma = tok.lemma_.lower()
        if tok.lower_[1:] == "ll":
            return "will"
        if tok.lower_[1:] == "d":
            # "I'd looked", "I'd only been looking": had (a past perfect stays
            # one, as "he'd looked" does); "I'd have known", "I'd go": would.
            following = next((t for t in tok.doc[tok.i + 1:tok.i + 4] if t.pos_ != "ADV"), None)
            return "had" if following is not None and following.tag_ == "VBN" else "would"
        return _agreeing(lemma, plural)

    def is_plural_subject(self, subject) -> bool | None:
        """The number a past verb of this subject takes once retold, or None
        when the subject is not the narrator's."""
        if not _first_person(subject) or self._kept_as_written(subject):
            return None
        return "Plur" in subject.morph.get("Number") or self._they(subject)


def _agreeing(lemma: str, plural: bool) -> str:
    """A present verb for she/he (or the name), or for "they"."""
    if plural:
        return "are" if lemma == "be" else lemma
    return third_person_singular(lemma)


def subject_of(verb, depth: int = 4):
    """The verb's subject ("there" of "there was" too), or the one of the verb
    it is coordinated with or auxiliary to ("I took it and went and stood":
    stood -> went -> took)."""
    tok = verb
    for _ in range(depth):
        subject = next((c for c in tok.children if c.dep_ in (*_SUBJECT_DEPS, "expl")), None)
        if subject is not None or tok.dep_ not in _SHARES_SUBJECT or tok.head.i == tok.i:
            return subject
        tok = tok.head
    return None


def emphasised_spans(doc, holding) -> list[tuple[int, int]]:
    """The character offsets of the *emphasised* stretches of `doc` that
    hold a token for which `holding(token)` is true."""
    if "*" not in doc.text and "_" not in doc.text:
        return []
    return [(m.start(), m.end()) for m in _EMPHASIS.finditer(doc.text)
            if any(holding(t) for t in doc.char_span(m.start(), m.end(),
                                                       alignment_mode="expand") or ())]


def _first_person(tok) -> bool:
    return tok.tag_ in ("PRP", "PRP$") and "1" in tok.morph.get("Person")


def _capitalised(word: str, tok) -> str:
    """Upper case where the pronoun started a sentence ("I" always has a
    capital, so its own case says nothing)."""
    starts = tok.is_sent_start or (tok.lower_ != "i" and tok.text[:1].isupper())
    return word[:1].upper() + word[1:] if starts else word
