"""A verb put in another form: its base form from a past form, and the
third person singular of the present.

spaCy's rule lemmatizer strips "-ed" first and keeps the first result that
is a known verb, so "stared" becomes "star" and "taped" "tap".  The past
form itself says which one it was: a verb of one syllable that ends in a
single vowel and a consonant doubles it before "-ed" ("starred", "tapped"),
so an undoubled "stared" is the past of "stare".  A verb it does not know
keeps the doubled consonant of its guess ("unclipped" -> "unclippe").
"""

from __future__ import annotations

import functools
import re

_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# One syllable, ending consonant-vowel-consonant: "star", "tap", "plan"
# (not w, x or y, which never double: "rowed", "fixed", "played").
_DOUBLES_BEFORE_ED = re.compile(r"^[^aeiouy]*[aeiou][b-df-hj-np-tvz]$")
# The guess for an unknown verb keeps the doubled consonant and adds an "e"
# ("unclipped" -> "unclippe"); no verb ends so ("-tte" does: "silhouette").
_DOUBLED_THEN_E = re.compile(r"[aeiou](bb|dd|gg|mm|nn|pp)e$")


def base_form(tok) -> str:
    """The verb's base form ("stared" -> "stare", "came" -> "come").

    lemminflect's dictionary of English verbs first: spaCy's small model
    gives some past forms as their own lemma ("came", "felt", "remained"),
    which would become "cames". Its answer is taken when it agrees with
    spaCy's (one of several: "lay" is "lie" or "lay"); for a word it does
    not know, spaCy's, corrected by the token's own spelling where the two
    disagree."""
    form = tok.lower_
    lemma = tok.lemma_.lower()
    known = _lemmas(form)
    if known:
        return lemma if lemma in known else known[0]
    if form == lemma + "ed" and _DOUBLES_BEFORE_ED.match(lemma):
        return lemma + "e"          # "stared" is not "starred"
    if form == lemma + "d" and _DOUBLED_THEN_E.search(lemma):
        return lemma[:-2]           # "unclipped": not "unclippe" (a word spaCy did not know)
    return lemma


def is_known_verb(tok) -> bool:
    """Whether the token is a form of an English verb lemminflect's
    dictionary knows (or spaCy's lemma is one, for the forms it lacks)."""
    if tok.lemma_.lower() in ("be", "have", "do"):
        return True
    return bool(_lemmas(tok.lower_))


_VERB_PREFIXES = ("un", "re", "dis", "over", "out", "mis", "pre", "de", "up", "under")


def is_prefixed_verb(form: str) -> bool:
    """"unclipped", "reclipped": a prefix on a verb form the dictionary has."""
    return any(form.startswith(p) and len(form) > len(p) + 2 and _lemmas(form[len(p):])
               for p in _VERB_PREFIXES)


def _lemmas(form: str) -> tuple[str, ...]:
    """The verb lemmas lemminflect's dictionary has for a form (no guesses
    for words it does not know)."""
    return _lemminflect().getLemma(form, upos="VERB", lemmatize_oov=False) or ()


@functools.lru_cache(maxsize=1)
def _lemminflect():
    import lemminflect          # 1 MB of tables, loaded on first use
    return lemminflect


def third_person_singular(lemma: str) -> str:
    """"walk" -> "walks", "reach" -> "reaches", "carry" -> "carries"."""
    if lemma in _IRREGULAR_3SG:
        return _IRREGULAR_3SG[lemma]
    known = _lemminflect().getInflection(lemma, tag="VBZ", inflect_oov=False)
    if known:
        return known[0]
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def agree(lemma: str, plural: bool) -> str:
    """A present verb agreeing with a singular or plural subject."""
    if plural:
        return "are" if lemma == "be" else lemma
    return third_person_singular(lemma)
