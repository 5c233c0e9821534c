"""A shot's description: the source sentence, turned to the present tense.

"Tomas walked along the service road" -> "Tomas walks along the service
road".  Only simple past verbs are changed, from spaCy's own tags, and the
first he/she that starts the text is replaced by the character's name.
"""

from __future__ import annotations

import re

_IRREGULAR_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}
_PLURAL_SUBJECTS = {"they", "we", "you", "i"}
_MARKUP = re.compile(r"(?<!\w)[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}(?!\w)")
_MAX_WORDS = 45


def present_tense(tokens) -> str:
    """The tokens' text with simple past verbs put in the present tense."""
    out = []
    for tok in tokens:
        text = tok.text
        if tok.tag_ == "VBD":
            text = _present(tok)
        out.append(text + tok.whitespace_)
    return "".join(out)


def _present(tok) -> str:
    lemma = tok.lemma_.lower()
    subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
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


def describe(sentences, name_for_pronoun: str | None = None) -> str:
    """Present-tense description of a shot from its sentences, trimmed."""
    parts = [present_tense(sent) for sent in sentences]
    text = strip_markup(" ".join(p.strip() for p in parts))
    if name_for_pronoun:
        text = re.sub(r"^(He|She)\b", name_for_pronoun, text, count=1)
    words = text.split()
    if len(words) > _MAX_WORDS:
        text = " ".join(words[:_MAX_WORDS]).rstrip(",;:") + "..."
    return text
