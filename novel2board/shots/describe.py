"""A shot's description: the source words, turned to the present tense.

"Tomas walked along the service road" -> "Tomas walks along the service
road".  Only simple past verbs are changed, from spaCy's own tags; a he/she
that starts the text becomes the character's name, so a description reads
on its own beside a panel or inside an image prompt.  In a first-person
chapter the narrator's "I" becomes their name and she/he (thirdperson.py):
the camera sees the narrator like anyone else.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from ..grammar import SUBORDINATE, in_main_clause as grammar_main_clause
from .camera import (INTERIOR, NOTE_LABELS, VISIBLE, CameraLexicon, is_person, sort_clauses,
                     tell)
from .inflect import base_form, is_known_verb, is_prefixed_verb, third_person_singular
from .thirdperson import Narrator, Retelling, subject_of

_PLURAL_SUBJECTS = {"they", "we", "you", "i"}
_MARKUP = re.compile(r"(?<!\w)[*_]{1,2}(?=\S)|(?<=\S)[*_]{1,2}(?!\w)")
_LEADING_PRONOUN = re.compile(r"^(He|She|he|she)\b")
_MAX_WORDS = 45
# A spaCy token extension: the part of a token outside quotation marks,
# set by beats.py when a quote cuts a token ("speaker—“and").
VISIBLE_ATTR = "n2b_visible"


def present_tense(tokens, retelling: Retelling | None = None) -> str:
    """The tokens' text with simple past verbs put in the present tense and,
    given a retelling, the narrator's first person turned to the third."""
    out = []
    previous = None
    for tok in tokens:
        if previous is not None and tok.i > previous.i + 1 and not previous.whitespace_ \
                and not tok.is_punct:
            out.append(" ")             # words between them were left out
        previous = tok
        cut = _visible(tok)
        retold = None
        if cut is None and retelling is not None:
            retold = retelling.pronoun(tok) or retelling.verb(tok)
        # "'d" stays: "he'd expected" reads in any tense ("I'd" is retold).
        if cut is not None:
            text = cut
        elif retold is not None:
            text = retold
        elif _simple_past(tok) and not _keeps_its_past(tok):
            text = _present(tok, retelling)
        elif _past_modal(tok) and not _keeps_its_past(tok):
            text = _present_modal(tok)
        elif tok.lower_ == "was" and retelling is not None and _retold_plural(tok, retelling):
            text = "were"               # a past kept, of a narrator called "they"
        else:
            text = tok.text
        out.append(text + tok.whitespace_)
    return "".join(out)


# "could" and "would" of a past narration, and their present.
_PAST_MODALS = {"could": "can", "would": "will"}
_BEFORE_NT = {"can": "ca", "will": "wo"}        # spaCy's halves of "can't", "won't"


def _past_modal(tok) -> bool:
    """"so quiet I could hear", "the last one would go out in three days":
    the past of "can" and "will".  Not a modal of what did not happen
    ("could have bounced", "would have known"), nor of a wish or an "as if"
    ("wished she could", "as if he would")."""
    if tok.tag_ != "MD" or tok.lower_ not in _PAST_MODALS:
        return False
    verb = tok.head
    if any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children):
        return False
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() == "wish":
        return False
    return not any(c.dep_ == "mark" and c.lower_ in ("if", "though") and c.i > 0
                   and c.nbor(-1).lower_ == "as" for c in verb.children)


def _present_modal(tok) -> str:
    word = _PAST_MODALS[tok.lower_]
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_.replace("\u2019", "'") == "n't" \
            and not tok.whitespace_:
        word = _BEFORE_NT[word]
    return word.capitalize() if tok.text[:1].isupper() else word


def _retold_plural(verb, retelling: Retelling) -> bool:
    subject = subject_of(verb)
    return subject is not None and bool(retelling.is_plural_subject(subject))


def _simple_past(tok) -> bool:
    """A finite past verb, as far as spaCy's tags and tree tell.

    A VB coordinated with a VBD, with no auxiliary of its own, is one
    ("stood against the wall and let me cry": "let").  A VBD that is really
    a participle is not: "with his beanie pulled down", "the last prefab,
    set a little apart", "his folder held tight"; nor the "used" of "used
    to", which has no present."""
    if not tok.text[:1].isalpha():
        return False
    if tok.tag_ == "VB":
        return tok.dep_ == "conj" and tok.head.tag_ == "VBD" and tok.i > 0 \
            and tok.nbor(-1).dep_ == "cc" \
            and not any(c.dep_ in ("aux", "auxpass", "mark") for c in tok.children)
    if tok.tag_ == "VBN" and tok.dep_ == "ROOT":
        # "Edda's house smelled of coal", "One still burned": a participle
        # tag on a sentence's only verb, with a subject and no auxiliary.
        return any(c.dep_ == "nsubj" for c in tok.children) and \
            not any(c.dep_ in ("aux", "auxpass") for c in tok.children)
    if tok.tag_ == "VBN" and tok.dep_ == "acl":
        return _finite_beside_its_subject(tok)
    if tok.tag_ == "VBN" and tok.dep_ == "conj" and tok.head.tag_ == "VBD":
        # "The needle shivered and held", "weighed it and frowned": spaCy's
        # participle tag on the second of two past verbs with one subject.
        return not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in tok.children) \
            and _simple_past(tok.head)
    if tok.tag_ != "VBD":
        return False
    if _participle(tok) or _passive_without_be(tok) or _adjective_in_a_pair(tok) \
            or _absolute(tok):
        return False
    return not (tok.lemma_.lower() == "use" and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in tok.children))


def _keeps_its_past(tok) -> bool:
    """A past that stays past in a present-tense description, because it
    tells what happened before the moment shown:

    - a clause of "ago" ("The source had set hours ago");
    - a "since" clause of a perfect or of a noun: "hasn't cried since she
      was fourteen", "the first time since any of them had known her"
      (a "since" of cause changes: "since it is late, he leaves");
    - a past perfect in a subordinate clause ("what she had said", "the
      way Tomas's had"), as the "'d" of "than I'd expected" stays.  In the
      main clause it is a present perfect: "She has never looked up".
    """
    verb = tok.head if tok.dep_ in ("aux", "auxpass") else tok
    clause = verb
    while clause.dep_ == "conj" and clause.head.i != clause.i:
        clause = clause.head            # "since I was fourteen and lived there"
    if any(c.lower_ == "ago" for c in verb.children):
        return True
    if any(c.dep_ == "mark" and c.lower_ == "since" for c in clause.children):
        head = clause.head
        if head.pos_ in ("NOUN", "PROPN") or any(
                c.dep_ == "aux" and c.lemma_.lower() == "have" for c in head.children):
            return True
    if tok.lemma_.lower() != "have" or in_main_clause(verb):
        return False
    # "had" of a perfect, or with its participle left out ("the way Tomas's had")
    return verb.i != tok.i or not any(c.dep_ not in _BESIDE_A_BARE_HAD for c in tok.children)


_BESIDE_A_BARE_HAD = {"nsubj", "nsubjpass", "punct", "advmod", "neg", "mark", "cc"}
# For a shot, a word in an apposition or a prepositional clause is not
# in the main action either.
_SUBORDINATE = SUBORDINATE | {"pcomp", "appos"}


def in_main_clause(tok) -> bool:
    """True unless the word hangs in a subordinate clause of its sentence."""
    return grammar_main_clause(tok, _SUBORDINATE)


def _after_with(tok) -> bool:
    """"with his beanie pulled down": spaCy hangs the participle on "with"
    or "with" on the participle."""
    return (tok.dep_ == "pcomp" and tok.head.lower_ in ("with", "without")) or any(
        c.dep_ == "mark" and c.lower_ in ("with", "without") for c in tok.children)


def _participle(tok) -> bool:
    """A VBD that is a past participle: after "with" ("with his beanie
    pulled down"), coordinated with one ("... and his arms folded"), or a
    modifier with no subject while the sentence's verb is another one ("the
    last prefab, set a little apart").  Not "It hit the grating, bounced
    once, and went over": one of a series of past verbs that share a
    subject ("went" hangs on "bounced"); nor "the column of stitches ended
    in a line", where spaCy found no verb for the sentence but this one."""
    if _after_with(tok):
        return True
    if tok.dep_ == "conj" and tok.head.tag_ == "VBD":
        return _participle(tok.head)
    if tok.dep_ not in ("acl", "advcl") or subject_of(tok) is not None:
        return False
    root = tok.sent.root
    return root.i != tok.i and root.pos_ in ("VERB", "AUX") and not any(
        c.dep_ == "conj" and c.tag_ == "VBD" and subject_of(c) is None for c in tok.children)


def _absolute(tok) -> bool:
    """"She stood at the window, her braid tucked into the collar": a noun
    with a possessive, after a comma, and a participle (an absolute
    phrase), which spaCy may parse as the sentence's verb."""
    subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if subject is None or not any(c.dep_ == "poss" for c in subject.children):
        return False
    left = subject.left_edge
    if left.i == 0 or left.nbor(-1).text != ",":
        return False
    return any(c.dep_ in ("ccomp", "advcl") and c.i < left.i and c.tag_ == "VBD"
               for c in tok.children) or (tok.dep_ in ("conj", "advcl", "ccomp")
                                          and tok.head.i < left.i)


def _passive_without_be(tok) -> bool:
    """A past participle whose "was" is left out: it has an agent ("the sky
    scrubbed clean by the night's wind") or an object predicate with no
    object ("a camp bed made so tight ...": an active "made" would need
    what was made)."""
    children = list(tok.children)
    return any(c.dep_ == "agent" for c in children) or (
        any(c.dep_ == "oprd" for c in children)
        and not any(c.dep_ in ("dobj", "dative") for c in children))


def _adjective_in_a_pair(tok) -> bool:
    """"smelled of warm dust and stewed tea": a past form between "and"
    and a bare noun, after an adjective and a noun of an "of" (what a thing
    smells of, is full of), is an adjective like the first one (spaCy made
    it a verb with the noun for its object).  "He sat on the old chair and
    poured tea" goes on."""
    if tok.dep_ != "conj" or tok.i < 2 or tok.i + 1 >= len(tok.doc):
        return False
    before, noun, after = tok.nbor(-1), tok.nbor(-2), tok.nbor(1)
    return before.dep_ == "cc" and noun.dep_ == "pobj" and noun.head.lower_ == "of" \
        and any(c.dep_ == "amod" for c in noun.children) \
        and after.dep_ == "dobj" and after.head.i == tok.i \
        and not any(c.dep_ in ("det", "poss") for c in after.children)


def _finite_beside_its_subject(tok) -> bool:
    """"a cooling fan ticked as it changed speed": spaCy hung "ticked" on
    the noun before it as a participle, but a clause of its own in the past
    ("as it changed") says it is the noun's verb.  "A man dressed in black
    walked in" keeps its participle."""
    head = tok.head
    return head.i == tok.i - 1 and head.pos_ in ("NOUN", "PROPN") \
        and not any(c.dep_ in ("agent", "dobj") for c in tok.children) \
        and any(c.dep_ == "advcl" and c.tag_ == "VBD" and any(m.dep_ == "mark" for m in c.children)
                and any(n.dep_ == "nsubj" for n in c.children) for c in tok.children)


def _visible(tok) -> str | None:
    """The part of a token outside quotation marks, when a quote cut it."""
    return tok._.get(VISIBLE_ATTR) if tok.has_extension(VISIBLE_ATTR) else None


def _present(tok, retelling: Retelling | None = None) -> str:
    if not is_known_verb(tok) and not (tok.dep_ in ("ROOT", "conj")
                                       and subject_of(tok) is not None
                                       and is_prefixed_verb(tok.lower_)):
        # "unobserved", "bareheaded": an adjective spaCy tagged as a past
        # verb, which no dictionary has as a verb. Left as it is, a past
        # form reads better than a made-up present ("unobserves",
        # "bareheade"); a verb it lacks that is a prefix on one it has, with
        # a subject ("he unclipped": un + clipped), is turned by rule.
        return tok.text
    lemma = base_form(tok)
    subject = subject_of(tok)
    retold = retelling.is_plural_subject(subject) \
        if retelling is not None and subject is not None else None
    if lemma == "be":
        word = _present_of_be(tok, subject, retold)
    elif retold if retold is not None else (
            subject is not None and _plural(_agreeing_noun(subject))):
        word = lemma                    # "I walked" -> "they walk", "we" -> "they"
    else:
        word = third_person_singular(lemma)
    return word.capitalize() if tok.text[:1].isupper() else word


def _present_of_be(tok, subject, retold: bool | None) -> str:
    """"was" -> "is", "were" -> "are": the past form already agrees with its
    subject ("there were no sheep": "sheep" alone would say singular), so
    only a subject that changes person changes the number ("I was" -> "she
    is").  "As if he were" stays: a singular "were" is a wish, not a past."""
    if retold is not None:
        return "are" if retold else "is"
    if subject is not None and subject.lower_ == "i":
        return "am"
    if tok.lower_ != "were":
        return "is"
    singular = subject is not None and subject.tag_ == "PRP" and subject.lower_ != "you" \
        and "Sing" in subject.morph.get("Number")
    return "were" if singular else "are"


def _agreeing_noun(subject):
    """What the verb agrees with: the noun after "there" ("there were two
    lorries"), the antecedent of "who"/"that" ("things that didn't need")."""
    if subject.dep_ == "expl" or subject.lower_ == "there":
        return next((c for c in subject.head.children if c.dep_ == "attr"), subject)
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def _plural(noun) -> bool:
    return (noun.lower_ in _PLURAL_SUBJECTS or noun.tag_ in ("NNS", "NNPS")
            or _plural_number(noun) or _part_of_many(noun)
            or any(c.dep_ == "conj" for c in noun.children))


# Determiners that stay singular before "of them": "each of them turns".
_SINGULAR_DETERMINERS = {"each", "either", "neither", "another", "every", "one", "much"}


# Words for a share of many that spaCy may tag as adjectives ("many of the men").
_SHARE_WORDS = {"many", "several", "few", "most", "all", "both", "some"}


def _part_of_many(noun) -> bool:
    """"all of them turned", "both of the men", "some of the dishes": a
    determiner standing for a share of a plural."""
    if noun.lower_ in _SINGULAR_DETERMINERS or not (
            noun.tag_ in ("DT", "PDT") or noun.lower_ in _SHARE_WORDS):
        return False
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    whole = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return whole is not None and (whole.tag_ in ("NNS", "NNPS")
                                  or whole.lower_ in ("them", "us", "you", "these", "those"))


def _plural_number(noun) -> bool:
    """"Nine were from his sister"; not "the one point three was", nor a
    number that names a thing ("dish fourteen was", "Dish fourteen had")."""
    if noun.tag_ != "CD" or any(t.lower_ in ("one", "1", "point") or "." in t.text
                                for t in noun.subtree):
        return False
    before = noun.doc[noun.i - 1] if noun.i > 0 else None
    return not any(c.dep_ == "compound" for c in noun.children) \
        and not (before is not None and before.pos_ in ("NOUN", "PROPN"))


def strip_markup(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def tidy(text: str) -> str:
    """Spacing and punctuation left over when quoted words were taken out."""
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[,.;:])", "", text)
    text = re.sub(r"^[\s,;:.\u2014\u2013-]+", "", text)
    text = re.sub(r"[\s,;:\u2014\u2013-]+$", "", text)
    # a clause cut off by a quote or a dropped clause ("conquests--and")
    text = re.sub(r"[\s,;:\u2014\u2013-]+(?:and|but|or|then|so)$", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    # (a sentence may end inside its closing quote: 'still "follows the sea."')
    if text and text[-1] not in ".!?" and not re.search(r"[.!?][\u201d\u2019\"']$", text):
        text += "."
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Composed:
    """A shot's words, sorted: what the camera sees, and what it cannot."""

    text: str                           # the description, present tense, visible only
    subtext: tuple[str, ...] = ()       # "Thought: ...", "Backstory: ...": for the sheet
    vo: tuple[str, ...] = ()            # a first-person narrator's interior lines


def describe(parts, name_for_pronoun: str | None = None, max_words: int = _MAX_WORDS,
             narrator: Narrator | None = None, camera: CameraLexicon | None = None) -> str:
    """Present-tense description of a shot from its token sequences, within
    `max_words` by whole sentences; told in the third person when the
    chapter's `narrator` says "I"; only what a camera sees when given the
    `camera` lexicon (`compose` also returns what was left out)."""
    return compose(parts, name_for_pronoun, max_words, narrator, camera).text


def compose(parts, name_for_pronoun: str | None = None, max_words: int = _MAX_WORDS,
            narrator: Narrator | None = None, camera: CameraLexicon | None = None,
            retelling: Retelling | None = None) -> Composed:
    """`describe`, with what was left out; `retelling`: one that goes on
    from earlier text (the Fountain script names a narrator once a scene)."""
    if retelling is None and narrator is not None:
        retelling = Retelling(narrator)
    narrator = retelling.narrator if retelling is not None else None
    pieces: list[str] = []
    subtext: list[str] = []
    vo: list[str] = []
    quiet_tell = ""                 # the tell of a thought, used when nothing else is seen
    shown_feelings: set[str] = set()    # one tell of each feeling a shot
    for tokens in parts:
        if camera is None:
            shown, hidden, unseen = list(tokens), [], []
        else:
            shown, hidden, unseen = _sorted(tokens, camera)
        piece = tidy(strip_markup(present_tense(shown, retelling))) if shown else ""
        # The tells after the seen words: a narrator is named the first time.
        tells, pending = _tells(hidden, camera, retelling, shown_feelings) if hidden \
            else ([], "")
        quiet_tell = quiet_tell or pending
        pieces.extend(p for p in (piece, *tells) if p and p != ".")
        for kind, text in unseen:
            if narrator is not None and kind in INTERIOR:
                vo.append(text)
            else:
                subtext.append(f"{NOTE_LABELS[kind]}: {text}")
    if not pieces and quiet_tell:
        pieces.append(quiet_tell)
    text = _within(pieces, max_words)
    if name_for_pronoun:
        text = _LEADING_PRONOUN.sub(name_for_pronoun, text, count=1)
    return Composed(text, tuple(dict.fromkeys(subtext)), tuple(dict.fromkeys(vo)))


def _within(pieces: list[str], max_words: int) -> str:
    """Whole sentences up to `max_words`: later sentences are dropped first;
    a first sentence over the budget is cut only where a clause ends ("; ",
    ", and ", ", but "), never mid-phrase and never with "..."."""
    kept: list[str] = []
    words = 0
    for piece in pieces:
        n = len(piece.split())
        if kept and words + n > max_words:
            break
        kept.append(piece)
        words += n
    if kept and words > max_words:
        kept[0] = _first_clauses(kept[0], max_words)
    return " ".join(kept)


_CLAUSE_END = re.compile(r"(;|,\s+(?:and|but|then|while|so)\b)")


def _first_clauses(sentence: str, max_words: int) -> str:
    cut = None
    for m in _CLAUSE_END.finditer(sentence):
        if len(sentence[:m.start()].split()) > max_words:
            break
        cut = m.start()
    if cut is None or len(sentence[:cut].split()) < 6:
        return sentence
    return sentence[:cut].rstrip(" ,;") + "."


def _sorted(tokens, camera: CameraLexicon):
    """(the tokens a camera sees, the hidden clauses, [(kind, text)] of the
    hidden words) of one sentence."""
    tokens = list(tokens)
    clauses = sort_clauses(tokens, camera)
    hidden = [c for c in clauses if c.kind not in VISIBLE]
    if not hidden:
        return tokens, [], []
    clause_of = {t.i: c for c in clauses for t in c.tokens}
    drop = {t.i for c in hidden for t in c.tokens}
    orphans: set[int] = set()
    for c in clauses:
        if c.kind in VISIBLE:
            orphans |= _orphaned(c, clause_of)
    keep = _mend(tokens, clauses, clause_of, drop)
    shown = [t for t in tokens if (t.i not in drop and t.i not in orphans) or t.i in keep]
    while shown and shown[0].dep_ in ("cc", "punct") and shown[0].text not in "\u201c\"":
        shown.pop(0)                # "[I was afraid], and I went": no "And" to start
    if not any(t.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "PRON") for t in shown) \
            or not _stands(shown):
        shown = []
    return shown, hidden, _unseen_runs(tokens, drop - keep - orphans, clause_of)


def _stands(shown) -> bool:
    """What is left of a sentence once its hidden clauses went can stand
    as one: some verb in it still has its subject in it, its own or the one
    it shares ("It. Thus pass out of the gigantic tale" has none)."""
    ids = {t.i for t in shown}
    for verb in shown:
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("aux", "auxpass"):
            continue
        at = verb
        for _ in range(4):
            subject = next((c for c in at.children
                            if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")), None)
            if subject is not None:
                if subject.i in ids:
                    return True
                break
            if at.dep_ not in ("conj", "xcomp") or at.head.i not in ids or at.head.i == at.i:
                break
            at = at.head
    return False


# The tell of a clause that names no feeling, when nothing else is seen.
_QUIET_TELLS = {"thought": "thought", "backstory": "thought", "habit": "thought",
                "speculation": "thought", "sound": "listening",
                "reported-speech": "speaking"}


def _tells(hidden, camera: CameraLexicon, retelling: Retelling | None, felt: set[str]):
    """The tells of a sentence's feelings (each feeling once a shot: `felt`
    holds those already shown), and the quiet tell of a thought, to use if
    nothing else in the shot is seen."""
    tells, pending = [], ""
    for c in hidden:
        feeler = c.feeler if c.feeler is not None else _subject_of_clause(c)
        if c.kind == "sound" and (feeler is None or not is_person(feeler, camera)):
            # "Footsteps on the gravel make Ilse turn": the one who hears
            feeler = next((t for t in c.tokens if t.dep_ in ("dobj", "nsubj", "pobj")
                           and is_person(t, camera) and t.pos_ != "PRON"), None)
        if feeler is None or not is_person(feeler, camera):
            continue
        if c.feeling and c.feeling in felt:
            continue
        who, plural = _who(feeler, retelling)
        if c.feeling:
            felt.add(c.feeling)
            tells.append(tell(c.feeling, camera, who, plural))
        elif not pending and c.kind in _QUIET_TELLS:
            pending = tell(_QUIET_TELLS[c.kind], camera, who, plural)
    return [t for t in tells if t], pending


def _subject_of_clause(clause):
    return next((t for t in clause.tokens if t.dep_ in ("nsubj", "nsubjpass")
                 and t.head.i == clause.head.i), None)


def _orphaned(clause, clause_of) -> set[int]:
    """Words of a seen clause that cannot stand once the clause it hangs on
    is gone: the "when" of "When she reached the door, (she wondered)", or
    a whole relative clause whose noun went with it."""
    head = clause.head
    parent = clause_of.get(head.head.i)
    if parent is None or parent is clause or parent.kind in VISIBLE:
        return set()
    subject = _subject_of_clause(clause)
    if head.dep_ in ("relcl", "acl", "ccomp", "xcomp", "csubj") or subject is None \
            or subject.lower_ in ("it", "this", "that", "which", "who", "whom", "what") \
            or _another_orphan_kept(clause, clause_of):
        return {t.i for t in clause.tokens}     # "as it cooled": about what is gone
    return {c.i for c in head.children
            if c.dep_ == "mark" or (c.tag_ == "WRB" and c.i < head.i)}


def _another_orphan_kept(clause, clause_of) -> bool:
    """Of the clauses left standing once the one they hang on is gone
    ("[I remember his breath hanging] as he strode off, and [the last sound]
    as he turned the rock"), only the first is kept: two of them side by
    side read as one broken sentence."""
    for other in dict.fromkeys(clause_of.values()):
        if other is clause:
            return False
        parent = clause_of.get(other.head.head.i)
        if other.kind in VISIBLE and other.head.dep_ == "advcl" and parent is not None \
                and parent is not other and parent.kind not in VISIBLE:
            return True
    return False


def _mend(tokens, clauses, clause_of, drop: set[int]) -> set[int]:
    """Dropped words to keep after all: the subject of a thought whose
    "and"-clause is seen ("She wondered ... and walked away": "She walked
    away"). Also drops the "and" or comma left before a dropped clause."""
    keep: set[int] = set()
    order = [t.i for t in tokens]
    for c in clauses:
        if c.kind in VISIBLE and c.head.dep_ == "conj":
            parent = clause_of.get(c.head.head.i)
            own_subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i == c.head.i
                              for t in c.tokens)
            if parent is not None and parent.kind not in VISIBLE and own_subject:
                # "I was cold and [I wanted to go home], but I stayed": the
                # "but" (spaCy hangs it on the clause before) stays with it.
                keep |= {t.i for t in parent.tokens if t.dep_ in ("cc", "punct")
                         and parent.head.i < t.i < c.tokens[0].i and t.text not in "\u201c\u201d\""}
            elif parent is not None and parent.kind not in VISIBLE and not own_subject:
                subject = next((t for t in parent.tokens if t.dep_ in ("nsubj", "nsubjpass")
                                and t.head.i == parent.head.i), None)
                if subject is not None:
                    keep |= {t.i for t in subject.subtree if t.i in drop}
                # the "and" that joined it to the dropped clause
                drop |= {t.i for t in c.head.head.children if t.dep_ == "cc"}
        if c.kind not in VISIBLE and c.tokens:
            first = order.index(c.tokens[0].i) if c.tokens[0].i in order else 0
            j = first - 1
            while j >= 0 and order[j] not in drop and tokens[j].dep_ in ("cc", "punct") \
                    and tokens[j].text not in ("\u201c", "\u201d", '"'):
                drop.add(order[j])
                j -= 1
    return keep


_LEADING_LINK = re.compile(r"^\s*(?:and|but|or|then|so|yet)\b\s*", re.IGNORECASE)


def _unseen_runs(tokens, dropped: set[int], clause_of) -> list[tuple[str, str]]:
    """The dropped words as notes: each run of them in the text, labelled
    with the kind of its first hidden clause, in the prose's own words."""
    runs: list[list] = []
    previous_dropped = False
    for tok in tokens:
        if tok.i in dropped:
            if not previous_dropped:
                runs.append([])
            runs[-1].append(tok)
        previous_dropped = tok.i in dropped
    out = []
    for run in runs:
        kind = next((clause_of[t.i].kind for t in run if t.i in clause_of
                     and clause_of[t.i].kind not in VISIBLE), None)
        text = tidy(_LEADING_LINK.sub("", strip_markup("".join(t.text_with_ws for t in run))))
        # A note that says something: a verb and a few words, not "As if."
        if kind is not None and len(text.split()) >= 3 and any(
                t.pos_ in ("VERB", "AUX") for t in run):
            out.append((kind, text))
    return out


def _who(tok, retelling: Retelling | None) -> tuple[str, bool]:
    """How a tell names the one who feels: the pronoun or noun phrase as the
    text has it ("He", "the tall soldier"), the narrator in the third
    person; and whether the verb is plural."""
    if tok.tag_ == "PRP$" and tok.lower_ != "my":
        word = {"his": "he", "her": "she", "their": "they", "our": "they"}.get(tok.lower_, "")
        return word.capitalize(), word == "they"
    if tok.lower_ == "my" and retelling is not None:
        return retelling.narrator.name, False
    if tok.pos_ == "PRON":
        retold = retelling.pronoun(tok) if retelling is not None else None
        word = retold.strip() if retold else tok.text
        if word.lower() in ("him", "her", "them", "me", "us"):
            word = {"him": "he", "her": "she", "them": "they", "me": "I", "us": "we"}[word.lower()]
        plural = word.lower() in ("they", "we")
        return word[:1].upper() + word[1:], plural
    words = [t for t in tok.subtree if t.i <= tok.i and t.dep_ in ("det", "amod", "compound",
                                                                    "poss", "nummod")
             or t.i == tok.i]
    text = " ".join(t.text for t in words)
    return text[:1].upper() + text[1:], tok.tag_ in ("NNS", "NNPS")
