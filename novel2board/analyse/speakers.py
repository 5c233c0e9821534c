"""Who speaks each quote: a sieve of rules, tried in order.

Each quote records the sieve that decided it:
  1. `verb`        a speech verb whose subject is a name or a pronoun in the
                   quote's own paragraph ("said Ilse", "she asked");
  2. `actor`       the one character named (or the narrator acting) in the
                   paragraph outside the quotes;
  3. `vocative`    the previous quote addressed a character by name
                   ("Tomas."): that character answers;
  4. `alternation` in a two-person exchange, speakers alternate;
  5. none          left unattributed rather than guessed wildly.
Pronouns resolve to the most recent character of the matching gender.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEECH_VERBS = {
    "say", "ask", "reply", "answer", "shout", "cry", "whisper", "murmur",
    "mutter", "call", "exclaim", "continue", "add", "observe", "remark",
    "return", "respond", "snap", "growl", "laugh", "sigh", "tell", "yell",
    "scream", "insist", "repeat", "demand", "suggest", "protest", "begin",
    "interrupt", "agree", "admit", "explain", "declare", "grumble", "hiss",
    "whimper", "plead", "beg", "breathe", "gasp", "sob", "rejoin", "retort",
    "inquire", "enquire", "warn", "announce", "offer", "note", "press",
    "prompt", "correct", "concede", "counter", "bark", "roar", "stammer",
}
FEMALE = {"she", "her", "hers", "herself"}
MALE = {"he", "him", "his", "himself"}
FIRST_PERSON = {"i", "me", "my", "mine", "myself"}


@dataclass(frozen=True)
class QuoteContext:
    """What the sieve needs to know about one quote."""

    index: int
    paragraph: int
    speech: int              # quotes of one multi-paragraph speech share this
    verb_subject: str | None         # character id via a name subject
    verb_pronoun: str | None         # "she", "he", "i", ... subject of a speech verb
    actors: tuple[str, ...]          # characters named outside quotes, in order
    vocatives: tuple[str, ...]       # characters addressed inside the quote
    gap_before: int                  # paragraphs of narration since last quote


def attribute(contexts: list[QuoteContext], recent_by_gender,
              narrator: str | None) -> list[tuple[str | None, str | None]]:
    """(speaker id, sieve name) per quote, in order."""
    result: list[tuple[str | None, str | None]] = []
    for ctx in contexts:
        if result and ctx.speech == contexts[ctx.index - 1].speech:
            result.append((result[-1][0], result[-1][1]))      # same speech
            continue
        result.append(_decide(ctx, contexts, result, recent_by_gender, narrator))
    return result


def _decide(ctx, contexts, done, recent_by_gender, narrator):
    if ctx.verb_subject:
        return ctx.verb_subject, "verb"
    if ctx.verb_pronoun:
        if ctx.verb_pronoun in FIRST_PERSON and narrator:
            return narrator, "verb"
        found = recent_by_gender(ctx.paragraph, ctx.verb_pronoun)
        if found:
            return found, "verb-pronoun"
    if len(set(ctx.actors)) == 1:
        return ctx.actors[0], "actor"
    prev = _previous_turn(ctx, contexts, done)
    if prev is not None and ctx.gap_before <= 1:
        p_ctx, p_speaker = prev
        if p_ctx.vocatives and p_ctx.vocatives[0] != p_speaker:
            return p_ctx.vocatives[0], "vocative"
        before = _previous_turn(p_ctx, contexts, done)
        if before is not None and before[1] and before[1] != p_speaker \
                and p_ctx.gap_before <= 1:
            return before[1], "alternation"
    return None, None


def _previous_turn(ctx, contexts, done):
    """The quote that opened the previous speech turn, and its speaker."""
    i = ctx.index - 1
    while i >= 0 and contexts[i].speech == ctx.speech:
        i -= 1
    # step to the first quote of that turn's paragraph for its context
    if i < 0:
        return None
    return contexts[i], done[i][0]
