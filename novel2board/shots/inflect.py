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

import re

_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# One syllable, ending consonant-vowel-consonant: "star", "tap", "plan"
# (not w, x or y, which never double: "rowed", "fixed", "played").
_DOUBLES_BEFORE_ED = re.compile(r"^[^aeiouy]*[aeiou][b-df-hj-np-tvz]$")
# The guess for an unknown verb keeps the doubled consonant and adds an "e"
# ("unclipped" -> "unclippe"); no verb ends so ("-tte" does: "silhouette").
_DOUBLED_THEN_E = re.compile(r"[aeiou](bb|dd|gg|mm|nn|pp)e$")


def base_form(tok) -> str:
    """The verb's base form ("stared" -> "stare"), from spaCy's lemma,
    corrected by the token's own spelling where the two disagree."""
    lemma = tok.lemma_.lower()
    form = tok.lower_
    if form == lemma + "ed" and _DOUBLES_BEFORE_ED.match(lemma):
        return lemma + "e"          # "stared" is not "starred"
    if form == lemma + "d" and _DOUBLED_THEN_E.search(lemma):
        return lemma[:-2]           # "unclipped": not "unclippe" (a word spaCy did not know)
    return lemma


def third_person_singular(lemma: str) -> str:
    """"walk" -> "walks", "reach" -> "reaches", "carry" -> "carries"."""
    if lemma in _IRREGULAR_3SG:
        return _IRREGULAR_3SG[lemma]
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"
