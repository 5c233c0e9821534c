"""A shot's description: the source words, turned to the present tense.

"Tomas walked along the service road" -> "Tomas walks along the service
road".  Only simple past verbs are changed, from spaCy's own tags; a he/she
that starts the text becomes the character's name, so a description reads
on its own beside a panel or inside an image prompt.
"""

from __future__ import annotations

import re

_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}
_PLURAL_SUBJECTS = {"they", "we", "you", "i"}
_MARKUP = re.compile(r"(?<!\w)[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}(?!\w)")
_LEADING_PRONOUN = re.compile(r"^(He|She|he|she)\b")
_MAX_WORDS = 45
# A spaCy token extension: the part of a token outside quotation marks,
# set by beats.py when a quote cuts a token ("speaker—“and").
VISIBLE_ATTR = "n2b_visible"


def present_tense(tokens) -> str:
    """The tokens' text with simple past verbs put in the present tense."""
    out = []
    for tok in tokens:
        cut = _visible(tok)
        # "'d" stays: "I'd expected" reads in any tense.
        if cut is not None:
            text = cut
        elif tok.tag_ == "VBD" and tok.text[:1].isalpha():
            text = _present(tok)
        else:
            text = tok.text
        out.append(text + tok.whitespace_)
    return "".join(out)


def _visible(tok) -> str | None:
    """The part of a token outside quotation marks, when a quote cut it."""
    return tok._.get(VISIBLE_ATTR) if tok.has_extension(VISIBLE_ATTR) else None


def _present(tok) -> str:
    lemma = tok.lemma_.lower()
    subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and tok.dep_ in ("conj", "aux", "auxpass"):
        # "and held ...", "I didn't go": the subject hangs on the head verb.
        subject = next((c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    plural = subject is not None and (subject.lower_ in _PLURAL_SUBJECTS
                                      or subject.tag_ in ("NNS", "NNPS")
                                      or any(c.dep_ == "conj" for c in subject.children))
    if lemma == "be":
        word = "am" if subject is not None and subject.lower_ == "i" else \
            ("are" if plural else "is")
    elif plural:
        word = lemma
    else:
        word = _IRREGULAR_3SG.get(lemma) or _third_person(lemma)
    return word.capitalize() if tok.text[:1].isupper() else word


def _third_person(lemma: str) -> str:
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def strip_markup(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def tidy(text: str) -> str:
    """Spacing and punctuation left over when quoted words were taken out."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[,.;:])", "", text)
    text = re.sub(r"^[\s,;:.\u2014\u2013-]+", "", text)
    text = re.sub(r"[\s,;:\u2014\u2013-]+$", "", text)
    text = re.sub(r"[\s,;:]+(?:and|but|or|then|so)$", "", text)   # a clause cut off by a quote
    text = re.sub(r"\s{2,}", " ", text).strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def describe(parts, name_for_pronoun: str | None = None, max_words: int = _MAX_WORDS) -> str:
    """Present-tense description of a shot from its token sequences, trimmed."""
    pieces = [tidy(strip_markup(present_tense(tokens))) for tokens in parts]
    text = " ".join(p for p in pieces if p and p != ".")
    if name_for_pronoun:
        text = _LEADING_PRONOUN.sub(name_for_pronoun, text, count=1)
    words = text.split()
    if len(words) > max_words:
        text = " ".join(words[:max_words]).rstrip(",;:") + "..."
    return text
