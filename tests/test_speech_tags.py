"""Speech tags read from the parse: whose verb says a quote."""

from __future__ import annotations


def test_a_speech_verb_joined_to_an_earlier_verb_has_that_verbs_subject(analyse):
    # "Edda ... she" is the paragraph's first actor; "said" is Dr. Marr's,
    # through "looked ... and said".
    text = ("In the morning Edda Kross drove us down to the village.\n\n"
            "She had the day off, and she said so over breakfast. Dr. Ilse Marr "
            "looked at us over her tea for a long moment, then looked out of the "
            "window, and said, \"Go. I'll tell him you've gone for bread.\"\n")
    [quote] = analyse(text).quotes
    assert (quote.speaker, quote.sieve) == ("ilse-marr", "tag-name")
