"""Speech tags in the narration beside a quote, for the Fountain script.

"“You're late,” she said without turning round." is a line, a tag and how
it was said: the tag ("she said") only says who speaks, which the cue
already does, so it goes; what the speaker does while speaking stays, as a
parenthetical under the cue ("(without turning round)", "(handing her
one)"), or, when it is an action of its own ("she said, and set the mug
down on the sill") or too long for one, as an action line with its subject.
So no fragment of a removed tag ("Without turning round.") is left as
action, and no action is lost.

Read from the pipeline's spaCy parse of the paragraph: a tag is a verb of
saying (the reading lexicon's, less the ones a camera sees: "nodded",
"laughed") with its subject, right after a quote that did not end its
sentence ("“Go,” she said") or running into the next one ("Tomas said,
“Go.”").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analyse.speakers import SPEECH_VERBS
from ..shots.beats import _says_only_the_quote
from ..shots.dialogue import spoken_text

# A parenthetical longer than this that starts with a participle is an
# action of its own: "Juno pulls the heavy door shut behind her ...".
_PAREN_MAX_WORDS = 8
_SENTENCE_ENDS = frozenset({".", "!", "?", "\u2026", "..."})
# Words that only link a tag to what is next: no parenthetical of their own.
_LINKS = frozenset({"and", "then", "but", "so", "now", "or"})
_SUBJECTS = ("nsubj", "nsubjpass")
# Verbs the reading lexicon counts as speech, to find who speaks ("“Yes,”
# she nodded"), that are also something to see: the script keeps them as
# action, never drops them as a tag.
_SEEN_VERBS = frozenset({"nod", "smile", "grin", "laugh", "chuckle", "giggle", "sigh", "sob",
                         "gasp", "go", "put", "write", "read", "cut", "press", "sing",
                         "shrug", "wave"})
# What hangs on a tag's subject but is not part of its name: "said Brekke,
# beside her" (beside her: how it was said), "said the man who ...".
_NOT_THE_NAME = frozenset({"prep", "punct", "relcl", "acl", "appos", "advcl", "cc", "conj"})


@dataclass
class Gap:
    """The narration between two quotes (or before the first, after the
    last), sorted: how the line before was said, how the next one is said,
    and the action in between, each action a (subject to put first, tokens)
    pair; the subject None when the tokens have their own."""

    said_before: list = field(default_factory=list)     # tokens of a parenthetical
    said_next: list = field(default_factory=list)
    actions: list = field(default_factory=list)


def words_of(tokens) -> list:
    """The tokens that are words (not punctuation or space)."""
    return [t for t in tokens if not t.is_punct and not t.is_space]


def _first_sentence(tokens) -> int:
    """How many tokens the first sentence takes: up to its full stop (or
    "!", "?", an ellipsis), with what is written on to it ("11.*")."""
    for k, tok in enumerate(tokens):
        if tok.text in _SENTENCE_ENDS:
            while k + 1 < len(tokens) and tokens[k + 1].is_punct and not tokens[k].whitespace_:
                k += 1
            return k + 1
    return len(tokens)


def _last_sentence(tokens) -> int:
    """Where the last sentence starts, when it runs on into a quote (it has
    no full stop of its own); len(tokens) when it has one."""
    if tokens and (tokens[-1].text in _SENTENCE_ENDS
                   or any(t.text in _SENTENCE_ENDS for t in tokens[-2:] if t.is_punct)):
        return len(tokens)
    k = len(tokens)
    while k > 0 and tokens[k - 1].text not in _SENTENCE_ENDS:
        k -= 1
    return k


def _speech_tag(tok, inside: set[int]) -> bool:
    """"said", "asked" in "she said", "asked Tomas": a verb of saying that
    only says the quote ("said nothing", "had said" are narration).  Only
    the narration's own words count: the quote hangs on the verb too."""
    lemma = tok.lemma_.lower()
    return lemma in SPEECH_VERBS and lemma not in _SEEN_VERBS \
        and tok.pos_ in ("VERB", "AUX") and tok.tag_ != "VBG" \
        and not any(c.dep_ in ("aux", "auxpass", "neg") and c.i in inside
                    for c in tok.children) \
        and _says_only_the_quote(tok, inside)


def _namewords_of(head, inside: set[int]) -> list:
    """The words of a name or noun phrase: "she", "Ilse Marr", "the old man"
    (not what hangs on it: "said Brekke, beside her")."""
    words, todo = [], [head]
    while todo:
        tok = todo.pop()
        words.append(tok)
        todo.extend(c for c in tok.children if c.dep_ not in _NOT_THE_NAME and c.i in inside)
    return sorted(words, key=lambda t: t.i)


def _subject_span(verb, inside: set[int]) -> list:
    """The words of a tag's subject."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS and c.i in inside), None)
    return [] if subject is None else _namewords_of(subject, inside)


def _inverted_subject(verb, words: list, inside: set[int]) -> list:
    """The subject of a tag that comes first, "cried his wife", "said she,":
    spaCy often reads it as the verb's object, or hangs it on the quote."""
    after = [t for t in words if t.i > verb.i]
    if not after:
        return []
    head = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "npadvmod")
                 and c.i in inside and after[0].i <= c.i), None)
    if head is not None and head.left_edge.i == after[0].i:
        return _namewords_of(head, inside)
    if after[0].tag_ == "PRP":
        return after[:1]
    run = []
    for tok in after:
        if tok.pos_ != "PROPN":
            break
        run.append(tok)
    return run


def _tag_after(sentence: list):
    """A tag that opens the sentence after a quote ("she said", "said
    Tomas", "cried his wife", "Tomas asked her"): (what follows it in the
    sentence, the tag's subject), or None."""
    words = words_of(sentence)
    inside = {t.i for t in sentence}
    for verb in words[:4]:
        subject = _subject_span(verb, inside)
        if not subject and verb is words[0]:
            subject = _inverted_subject(verb, words, inside)
        if not _speech_tag(verb, inside - {t.i for t in subject}):
            continue
        core = {verb.i, *(t.i for t in subject)}
        if any(t.i < min(core) for t in words):
            return None         # "She turned to him and said": not a bare tag
        after = [t for t in words if t.i > max(core)]
        if after and after[0].tag_ == "PRP" and after[0].dep_ in ("dobj", "dative"):
            core.add(after[0].i)        # "asked her", "told him"
        # "says Mr. Sladdery, the librarian,": who they are goes with the name.
        for tok in subject:
            for c in tok.children:
                if c.dep_ == "appos" and c.i in inside:
                    core |= {t.i for t in c.subtree if t.i in inside}
        return [t for t in sentence if t.i > max(core)], subject
    return None


def _tag_before(sentence: list):
    """A tag that ends the sentence running into a quote ("Tomas said,",
    "She turned and said,", "Handing her one, he said,", "Then she said,
    without turning her head,"): (the words before it, the words after
    it, the tag's subject), or None."""
    words = words_of(sentence)
    inside = {t.i for t in sentence}
    for verb in reversed(words):
        if not _speech_tag(verb, inside):
            continue
        subject = _subject_span(verb, inside)
        core = {verb.i, *(t.i for t in subject)}
        before = [t for t in sentence if t.i < min(core)]
        after = [t for t in sentence if t.i > max(core)]
        if len(words_of(after)) == 1 and words_of(after)[0].tag_ == "PRP":
            after = []                  # "asked him,"
        # "She turned and said": the "and" goes with the tag.
        while words_of(before) and words_of(before)[-1].lower_ in _LINKS:
            cut = words_of(before)[-1].i
            before = [t for t in before if t.i < cut]
        return before, after, subject
    return None


def _unlinked(tokens) -> list:
    """The tokens from the first word that is not a mere link ("and", "then")."""
    words = [t for t in words_of(tokens) if t.lower_ not in _LINKS]
    return [t for t in tokens if words and t.i >= words[0].i]


def _fragment(tokens) -> bool:
    """Words with no subject of their own that lead into a tag: "Handing
    her one,", "Without looking up,", "Slowly,", "When she could,"."""
    words = words_of(_unlinked(tokens))   # "But soon afterwards, rising ..."
    if not words or words[0].tag_ not in ("VBG", "VBN", "IN", "RB", "RBR", "TO", "WRB"):
        return False
    # "Slowly she turned and said,": a clause of its own, an action.
    return not any(t.dep_ in _SUBJECTS and t.head.dep_ in ("ROOT", "conj") for t in words)


def _gesture(tokens) -> bool:
    """A short participle phrase standing on its own beside a quote, with no
    tag ("addressing me.", "And gravely glancing at Mr. Darcy,"): what the
    speaker does while speaking."""
    words = words_of(_unlinked(tokens))
    verbs = [t for t in words if t.tag_ != "RB"]
    return bool(verbs) and verbs[0].tag_ == "VBG" and len(words) <= _PAREN_MAX_WORDS \
        and not any(t.dep_ in _SUBJECTS for t in words)


def _after_the_tag(rest: list, subject: list, said: list, actions: list) -> None:
    """What follows a tag in its sentence: "and set the mug down" is an
    action (the speaker's, when it has no subject of its own); anything else
    says how the line was said, a parenthetical (into `said`); a long
    participle ("pulling the heavy door shut behind her and ...") an action."""
    words = words_of(rest)
    linked = False
    while words and (words[0].tag_ == "CC" or words[0].lower_ == "then"):
        linked, words = True, words[1:]
    if not words:
        return
    body = [t for t in rest if t.i >= words[0].i]
    if linked:
        actions.append((subject if words[0].tag_.startswith("VB") else None, body))
    elif words[0].tag_ == "VBG" and len(words) > _PAREN_MAX_WORDS:
        actions.append((subject, body))
    else:
        said.extend(body)


def read_gap(tokens, after_quote: bool, before_quote: bool) -> Gap:
    """The narration next to quotes, its speech tags taken out: "she said"
    only said who speaks (the cue does); what they did while saying it stays,
    as a parenthetical ("without turning round", "handing her one") or, when
    it is an action of its own ("and set the mug down"), as an action.

    `after_quote`: a tag may open the narration (the quote before it did not
    end its sentence, see `tag_may_follow`); `before_quote`: a quote follows."""
    gap = Gap()
    tokens = list(tokens)
    if after_quote and tokens:
        n = _first_sentence(tokens)
        found = _tag_after(tokens[:n])
        if found is not None:
            rest, subject = found
            _after_the_tag([t for t in rest if t.text not in _SENTENCE_ENDS], subject,
                           gap.said_before, gap.actions)
            if n == len(tokens) and not any(t.text in _SENTENCE_ENDS for t in rest):
                return gap          # ", she said, smiling, ": all of it the tag's
            tokens = tokens[n:]
        elif _gesture(tokens[:n]):
            # “... to the point,” addressing me. “Miss Barbary ...”: no tag,
            # only how a line is said (the next one, when one follows).
            said = [t for t in _unlinked(tokens[:n]) if t.text not in _SENTENCE_ENDS]
            (gap.said_next if n == len(tokens) and before_quote else gap.said_before).extend(said)
            tokens = tokens[n:]
    last: list = []                 # action from the sentence that runs into the quote
    if before_quote and tokens:
        k = _last_sentence(tokens)
        found = _tag_before(tokens[k:]) if k < len(tokens) else None
        if found is not None:
            before, after, subject = found
            if _fragment(before):
                gap.said_next.extend(_unlinked(before))     # "Handing her one, he said,"
            elif words_of(_unlinked(before)):
                last.append((None, before))                 # "She turned and said,"
            # "he said, without turning round," / "she said, and her voice broke,"
            _after_the_tag(after, subject, gap.said_next, last)
            tokens = tokens[:k]
        elif k < len(tokens) and _gesture(tokens[k:]):
            gap.said_next.extend(_unlinked(tokens[k:]))     # "And gravely glancing at him, “...”"
            tokens = tokens[:k]
    if words_of(tokens):
        gap.actions.append((None, tokens))
    gap.actions.extend(last)
    return gap


def tag_may_follow(quote_text: str, narration: str) -> bool:
    """Whether the narration after a quote may open with its tag: the quote
    did not end its sentence with a full stop ("“Go,” she said", "“Who?” he
    asked", "“Wait—” she said"), or the narration starts in lower case."""
    words = spoken_text(quote_text).rstrip()
    ended = words.endswith(".") and not words.endswith(("..", "\u2026"))
    return not ended or narration.lstrip()[:1].islower()
