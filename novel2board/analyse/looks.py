"""A character's look: how the text itself shows someone with no bible entry.

The look is the noun phrase that brings the character on, cut down to what a
camera can see: "A boatman in a wet oilcloth coat pushed off" gives "a
boatman in a wet oilcloth coat", "Once a certain tall soldier developed
virtues" gives "a tall soldier", "The officer in grey saluted" gives "the
officer in grey".  Of the words before the noun only those in reading.yaml's
`looks.adjectives` and `looks.colours` stay (with what hangs on them: "very
tall", "grey-haired"); after it, "in" + clothing or a colour, "with" + a
feature or something worn or carried, and "wearing ..."/"dressed in ...".

An unnamed character ("the boatman") takes the first of its noun phrases
that has such a word: "a man" alone says no more than its name.  A named
one takes an appositive ("Edda Kross, a stout woman in a headscarf,"), the
noun of "a man named Sam", or the noun of "Sam was a tall man", where the
noun alone ("a boatman") already says something.
"""

from __future__ import annotations

from .nlp import ReadingLexicon

# The longest look kept, in words: past that it is a sentence, not a look.
_MAX_WORDS = 12
# "the" stays; any other determiner ("his", "another", "this") becomes
# "a"/"an": a look is said of the person, not of whose they are.
_SUBJECTS = ("nsubj", "nsubjpass")


# Words that put what follows before the moment shown.
_BEFORE_NOW = frozenset({"then", "once", "formerly", "previously", "erstwhile", "former",
                         "late", "sometime"})


def look_of(noun, lexicon: ReadingLexicon) -> str | None:
    """The visible noun phrase headed by `noun` (a spaCy token), or None
    when it has no word a camera could see ("a man", "a certain soldier")."""
    keep: set[int] = {noun.i}
    described = False
    for child in noun.children:
        if child.i < noun.i and child.dep_ == "compound":
            keep |= _subtree(child)         # "a ship captain"
        elif _visible_before(child, noun, lexicon) or \
                child.i > noun.i and _visible_after(child, lexicon):
            keep |= _subtree(child)
            described = True
    if not described:
        return None
    words = _words(noun.doc, keep)
    if not words or len(words) > _MAX_WORDS:
        return None
    article = _article(noun, words[0])
    return " ".join([article, *words]) if article else " ".join(words)


def named_look(name, lexicon: ReadingLexicon) -> str | None:
    """The look a name's own sentence gives it: "Edda Kross, a stout woman in
    a headscarf,", "a man named Sam", "Sam was a tall man".  `name`: the
    name's last token."""
    for child in name.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            return _person_look(child, lexicon, bare=True)
    head = name.head
    if name.dep_ == "appos" and head.pos_ == "NOUN":
        return _person_look(head, lexicon, bare=True)   # "the old journalist, Webb,"
    if name.dep_ in ("oprd", "attr", "dobj", "xcomp") and head.lemma_ in ("name", "call") \
            and head.dep_ == "acl" and head.head.pos_ == "NOUN":
        return _person_look(head.head, lexicon, bare=True)     # "a man named Sam"
    return said_to_be(name, lexicon, bare=True)


def said_to_be(subject, lexicon: ReadingLexicon, bare: bool = False) -> str | None:
    """"Sam was a tall man", "He was a big man with a heavy jowl": the look
    of the person noun `subject` is said to be."""
    verb = subject.head
    if subject.dep_ not in _SUBJECTS or verb.lemma_ != "be" \
            or any(c.dep_ == "neg" for c in verb.children):
        return None
    attr = next((c for c in verb.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
    return _person_look(attr, lexicon, bare) if attr is not None else None


def worn(verb, lexicon: ReadingLexicon) -> str | None:
    """What "He wore a long oilcloth coat" or "The man was dressed in black"
    puts on its subject, as "in a long oilcloth coat" / "in black"."""
    if verb.pos_ != "VERB" or any(c.dep_ == "neg" for c in verb.children):
        return None
    lemma = verb.lemma_.lower()
    if lemma == "wear":
        what = next((c for c in verb.children if c.dep_ == "dobj"), None)
    elif lemma in lexicon.looks.verbs:
        prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "in"), None)
        what = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
    else:
        return None
    if what is None or not _worn(what, lexicon):
        return None
    words = _words(verb.doc, _subtree(what))
    return "in " + " ".join(words) if 0 < len(words) < _MAX_WORDS else None


def _person_look(noun, lexicon: ReadingLexicon, bare: bool) -> str | None:
    """A person noun that says who someone is ("a boatman", "a tall man";
    not "a large mine"), with a determiner.  `bare`: the noun alone will do,
    said with "a"/"an" ("Webb, the lawyer," is "a lawyer")."""
    det = next((c for c in noun.children if c.dep_ == "det"), None)
    if det is None or not lexicon.is_person_noun(noun.lower_):
        return None
    if any(c.lower_ in _BEFORE_NOW for c in noun.children if c.i < noun.i) or \
            noun.i > 0 and noun.doc[noun.i - 1].lower_ in _BEFORE_NOW:
        return None     # "Madame Duval, then a waiting-girl at a tavern": years ago
    look = look_of(noun, lexicon)
    if look is None and bare and noun.lemma_.lower() not in lexicon.looks.generic:
        look = indefinite(noun.lower_)
    return look


def _visible_before(tok, noun, lexicon: ReadingLexicon) -> bool:
    """"tall", "grey-haired" (the word that ends it), "blue-clothed" before
    the noun."""
    low = tok.lower_
    return tok.i < noun.i and tok.dep_ in ("amod", "nummod", "advmod") \
        and (low in lexicon.looks.adjectives or low in lexicon.looks.colours)


def _visible_after(tok, lexicon: ReadingLexicon) -> bool:
    """What follows the noun and shows: "in a wet oilcloth coat", "in
    grey", "with a scar", "wearing a red shawl", "dressed in black"."""
    if tok.dep_ == "prep":
        obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if obj is None:
            return False
        worn = _worn(obj, lexicon)
        if tok.lower_ == "in":
            return worn
        if tok.lower_ == "with":
            return worn or obj.lower_ in lexicon.looks.features
        return False
    if tok.dep_ in ("acl", "amod") and tok.pos_ == "VERB":
        return tok.lemma_.lower() in lexicon.looks.verbs or tok.lower_ in lexicon.looks.verbs
    return False


def _worn(obj, lexicon: ReadingLexicon) -> bool:
    """Clothing, or a colour: "a coat", "grey", "red and gold"."""
    words = [obj, *[c for c in obj.children if c.dep_ == "conj"]]
    return any(w.lower_ in lexicon.looks.clothing or w.lower_ in lexicon.looks.colours
               or w.lemma_.lower() in lexicon.looks.clothing for w in words)


def _subtree(tok) -> set[int]:
    """The words of `tok`, without a clause hanging on them ("a coat that
    had been his father's")."""
    words = {tok.i}
    for child in tok.children:
        if child.dep_ not in ("relcl", "acl", "punct", "appos") or child.text == "-":
            words |= _subtree(child)
    return words


def _words(doc, keep: set[int]) -> list[str]:
    """The kept words in order; a comma, hyphen or "and" between two kept
    words stays ("a tall, thin man", "grey-haired")."""
    lo, hi = min(keep), max(keep)
    out: list[str] = []
    previous = None
    for tok in doc[lo:hi + 1]:
        if tok.i in keep or (tok.is_punct or tok.dep_ == "cc") and tok.i - 1 in keep \
                and tok.i + 1 in keep:
            if previous is not None and tok.i > previous + 1 and out and \
                    not out[-1].endswith(" "):
                out.append(" ")     # "a tall, dark-complexioned man" -> "a tall man"
            out.append(tok.text_with_ws if tok.i < hi else tok.text)
            previous = tok.i
    text = "".join(out).strip(" ,;:")
    if text[:1].isupper() and doc[lo].pos_ != "PROPN":
        text = text[:1].lower() + text[1:]       # "A boatman" opened its sentence
    return text.split()


def _article(noun, first: str) -> str:
    det = next((c for c in noun.children if c.dep_ in ("det", "poss")), None)
    if det is not None and det.lower_ == "the":
        return "the"
    return indefinite(first).split(" ", 1)[0]


def indefinite(words: str) -> str:
    """"an old man", "a uniformed guard": `words` with "a" or "an"."""
    low = words.lower()
    vowel = low[:1] in "aeiou" and not low.startswith(("one", "uni", "use", "eu"))
    return f"{'an' if vowel else 'a'} {words}"
