"""A scene's summary: one short storyboard note of what happens in it.

The overview page and the HTML list each scene with a line under its
slugline.  The scene's first sentence, word for word, is often what the
slugline already says ("At ten past two in the morning, the control room
... was the only lit window on the plateau") and, in a first-person chapter,
says "I".  The note is instead the first sentence of narration, in the
scene's opening paragraphs, whose main verb is done by a character
("Priya sat down at her console ..."): someone doing something is what a
scene is about, and the first such sentence is usually where it starts.  It
is told like a shot description (present tense, third person, a he/she
that starts it named) and cut after its first clause when long.  A scene
where nobody acts in its opening gets its first sentence of narration.

This only reads sentences the parse already holds: no model of the whole
scene, so it cannot say what the scene is *about* when nobody does it.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Scene
from .beats import Unit
from .describe import describe

# How far into a scene to look for someone acting, and how long a note may
# be, are rules.yaml's defaults summary_paragraphs and summary_max_words.
_MIN_CLAUSE_WORDS = 4
_CLAUSE_ENDS = {",", ";", ":", "\u2014", "\u2013"}
# Dependents that a sentence cut short can do without.
_OPTIONAL = {"prep", "advcl", "advmod", "npadvmod", "cc", "conj", "punct", "acl", "relcl",
             "appos", "parataxis"}


def summarise_scenes(ctx, scenes: tuple[Scene, ...]) -> tuple[Scene, ...]:
    """The scenes with their summaries written (`ctx`: the PlanContext)."""
    return tuple(replace(s, summary=scene_summary(ctx, s)) for s in scenes)


def scene_summary(ctx, scene: Scene) -> str:
    first = None
    for pindex in scene.paragraphs[:ctx.rules.defaults.summary_paragraphs]:
        beats = ctx.beats(pindex)
        for unit in beats.units:
            if unit.speech_tag or unit.headless:
                continue
            first = first or unit
            if _someone_acts(unit):
                return _note(ctx, unit)
    return _note(ctx, first) if first is not None else ""


def _someone_acts(unit: Unit) -> bool:
    """A character is the subject of the sentence's main verb, named or a
    pronoun ("Priya sat", "she drove", not "my breath smoked"), and the verb
    is a doing, not "was" ("Priya was angry")."""
    root = unit.tokens[0].sent.root
    if unit.lead is None or root.pos_ != "VERB" or not any(t.i == root.i for t in unit.tokens):
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("PROPN", "PRON")
               for c in root.children)


def _note(ctx, unit: Unit) -> str:
    tokens = list(unit.tokens)
    limit = ctx.rules.defaults.summary_max_words
    if unit.words > limit:
        tokens = _cut(_without_aside_on_subject(tokens), limit)
    opener = ctx.name(unit.opener) if unit.opener else None
    return describe([tokens], opener, max_words=limit, narrator=ctx.narrator,
                    camera=ctx.lexicon)


def _without_aside_on_subject(tokens: list) -> list:
    """"Edda Kross, who cooked for the station ..., had stayed late" ->
    "Edda Kross had stayed late": a clause set off by commas on the subject."""
    root = tokens[0].sent.root
    aside: set[int] = set()
    for subject in (c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")):
        for c in subject.children:
            if c.dep_ in ("relcl", "appos", "acl") and c.left_edge.i > 0 and \
                    c.doc[c.left_edge.i - 1].text == ",":
                aside |= {t.i for t in c.subtree} | {c.left_edge.i - 1}
                after = c.right_edge.i + 1
                if after < len(c.doc) and c.doc[after].text == ",":
                    aside.add(after)
    return [t for t in tokens if t.i not in aside]


def _cut(tokens: list, limit: int) -> list:
    """At most `limit` words, cut where a phrase ends: after the first
    clause when it ends in time ("Priya sat down at her console in her
    coat, with the printout ..."), else before the last optional phrase
    that fits ("... stood at the big west window [with a pair of ...]")."""
    root = tokens[0].sent.root.i
    words, ends = 0, []
    for k, tok in enumerate(tokens):
        if words >= _MIN_CLAUSE_WORDS and tok.i > root and _starts_an_optional_phrase(tok) \
                and not _leaves_a_verb_hanging(tokens[k - 1]):
            if tok.text in _CLAUSE_ENDS:
                return tokens[:k]
            ends.append(k)
        if not tok.is_punct:
            words += 1
        if words > limit:
            break
    else:
        return tokens
    return tokens[:ends[-1]] if ends else tokens


def _leaves_a_verb_hanging(last) -> bool:
    """"... a chipped enamel mug balanced" [on her knee]: a participle or a
    verb of a side clause needs what follows it; the main verb does not."""
    return last.pos_ in ("VERB", "AUX") and last.dep_ != "ROOT"


def _starts_an_optional_phrase(tok) -> bool:
    """The phrase that starts at `tok` hangs on a word before it and can be
    left out: a prepositional phrase, an adverbial clause, an "and ...", a
    comma."""
    top = tok
    while top.head.i < tok.i and top.head.i != top.i and top.left_edge.i == tok.i \
            and top.head.left_edge.i == tok.i:
        top = top.head
    if top.head.i >= tok.i:
        return False
    return top.dep_ in _OPTIONAL
