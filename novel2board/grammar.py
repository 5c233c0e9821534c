"""Small readings of a spaCy parse that several stages share (analysis of
characters, shot beats, descriptions): kept here so no stage imports
another's insides for them."""

from __future__ import annotations

FEMALE = frozenset({"she", "her", "hers", "herself"})
MALE = frozenset({"he", "him", "his", "himself"})

# Dependency labels that put a word in a subordinate clause.
SUBORDINATE = frozenset({"advcl", "relcl", "acl", "ccomp", "csubj", "parataxis"})


def pronoun_gender(word: str) -> str | None:
    """"female" for she/her/hers/herself, "male" for he/him/his/himself."""
    low = word.lower()
    return "female" if low in FEMALE else "male" if low in MALE else None


def in_main_clause(tok, subordinate: frozenset[str] = SUBORDINATE) -> bool:
    """True unless the word hangs in a clause of one of `subordinate`'s kinds."""
    while tok.dep_ != "ROOT" and tok.head.i != tok.i:
        if tok.dep_ in subordinate:
            return False
        tok = tok.head
    return True


def is_existential(tok) -> bool:
    """The "a man" of "There was a man at the door": what a "there is"
    brings on, which acts as its subject."""
    return tok.dep_ == "attr" and tok.head.lemma_ == "be" \
        and any(c.dep_ == "expl" for c in tok.head.children)
