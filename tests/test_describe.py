"""Shot descriptions: the source's own words, in the present tense."""

from __future__ import annotations

import pytest

from novel2board.shots.describe import describe, present_tense, strip_markup, tidy
from novel2board.shots.thirdperson import Narrator


@pytest.mark.parametrize("past, present", [
    ("Tomas walked along the service road to dish fourteen, a toolkit in one hand.",
     "Tomas walks along the service road to dish fourteen, a toolkit in one hand."),
    ("She was watching the traces.", "She is watching the traces."),
    ("They were late.", "They are late."),
    ("I didn't go to bed that night.", "I don't go to bed that night."),
    ("I had never looked up.", "I have never looked up."),
    ("He tugged off his gloves and held his hands to the heater.",
     "He tugs off his gloves and holds his hands to the heater."),
    ("The dishes stood in rows.", "The dishes stand in rows."),
    ("She was smaller than I'd expected.", "She is smaller than I'd expected."),
])
def test_past_becomes_present(nlp, past, present):
    assert present_tense(nlp(past)) == present


@pytest.mark.parametrize("past, present", [
    # a participle whose "was" is left out stays a participle
    ("The next morning came up cold and glassy, the sky scrubbed clean by the night's wind.",
     "The next morning comes up cold and glassy, the sky scrubbed clean by the night's wind."),
    ("A desk. A chair. A camp bed made so tight you could have bounced a coin on it.",
     "A desk. A chair. A camp bed made so tight you could have bounced a coin on it."),
    # an adjective paired with another after "of"
    ("Inside, the air smelled of warm dust and stewed tea.",
     "Inside, the air smells of warm dust and stewed tea."),
    ("He sat on the old chair and poured tea.", "He sits on the old chair and pours tea."),
    # a verb spaCy hung on its subject as a participle
    ("A cooling fan ticked as it changed speed, and the window rattled once.",
     "A cooling fan ticks as it changes speed, and the window rattles once."),
    ("A man dressed in black walked in.", "A man dressed in black walks in."),
    # a share of a plural is plural
    ("Then he looked up at the dishes, all of them turned the same way.",
     "Then he looks up at the dishes, all of them turn the same way."),
    ("Both of them laughed.", "Both of them laugh."),
    ("Each of them laughed.", "Each of them laughs."),
])
def test_participles_and_plurals_read_as_the_parse_cannot(nlp, past, present):
    assert present_tense(nlp(past)) == present


def test_present_tense_leaves_other_text_alone(nlp):
    text = "The wind is loud and the door will not shut."
    assert present_tense(nlp(text)) == text


def test_leading_pronoun_becomes_the_name(nlp):
    assert describe([nlp("She sat down.")], "Ilse Marr") == "Ilse Marr sits down."
    # only a pronoun that starts the text, and only he/she
    assert describe([nlp("The door opened and she came in.")], "Ilse Marr") == \
        "The door opens and she comes in."


def test_a_long_description_drops_whole_sentences_never_cuts_with_dots(nlp):
    first = nlp("The wind came over the grass.")
    second = nlp("It bent the reeds by the water and shook the old fence posts.")
    assert describe([first, second], max_words=12) == "The wind comes over the grass."
    long = nlp("The wind came over the grass " + "and over the hill " * 20 + "at last.")
    text = describe([long], max_words=12)
    assert "..." not in text and "\u2026" not in text and text.endswith("at last.")


def test_a_first_sentence_over_budget_is_cut_where_a_clause_ends(nlp):
    doc = nlp("She crossed the yard to the gate in the grey rain; the dog followed "
              "her all the way to the road and back again to the house.")
    assert describe([doc], max_words=12) == "She crosses the yard to the gate in the grey rain."


def test_markup_is_stripped():
    assert strip_markup("She read *Hamlet* and __nothing__ else.") == \
        "She read Hamlet and nothing else."


def test_tidy_cleans_what_quotes_leave_behind():
    assert tidy("\u2014she tipped the mug toward the screens\u2014") == \
        "She tipped the mug toward the screens."
    assert tidy("He looked up , and") == "He looked up."


# ------------------------------------------------- first person, retold
PRIYA = Narrator("Priya Venkataraman", "female", others=frozenset({"edda"}))


@pytest.mark.parametrize("first, third", [
    # the name once, then the pronoun; verbs in the third person singular,
    # also a verb that shares its subject through "and" ("went and stood")
    ("I sat and looked at it. Then I took my headphones off, and went and stood at the window.",
     "Priya Venkataraman sits and looks at it. Then she takes her headphones off, and goes "
     "and stands at the window."),
    # present-tense narration: VBP verbs agree too
    ("I want to be honest about how I felt, because people asked me.",
     "Priya Venkataraman wants to be honest about how she feels, because people ask her."),
    ("I didn't go to bed. I had never looked up.",
     "Priya Venkataraman doesn't go to bed. She has never looked up."),
    # a possessive first, a reflexive, a possessive pronoun
    ("My breath smoked. I was angry at myself. The choice was mine.",
     "Priya Venkataraman's breath smokes. She is angry at herself. The choice is hers."),
    # "me" as the subject of "cry" is still an object form
    ("He stood against the wall and let me cry.",
     "He stands against the wall and lets Priya Venkataraman cry."),
    ("Brekke held the folder out to me and I took it.",
     "Brekke holds the folder out to Priya Venkataraman and she takes it."),
    # contractions spelled out: "Priya Venkataraman'd" is not English
    ("I'd looked at it every time I'd driven up. I'd have known it anywhere. I'm cold.",
     "Priya Venkataraman had looked at it every time she had driven up. She would have known "
     "it anywhere. She is cold."),
    # the plural first person becomes they, and keeps its plural verb
    ("We crammed into the van, me in the middle with my knees against the gearstick. "
     "Edda drove us down to Vell. None of us said anything.",
     "They cram into the van, Priya Venkataraman in the middle with her knees against the "
     "gearstick. Edda drives them down to Vell. None of them says anything."),
])
def test_first_person_is_retold_in_the_third(nlp, first, third):
    assert describe([nlp(first)], max_words=200, narrator=PRIYA) == third


def test_after_someone_else_who_is_she_the_narrator_is_named_again(nlp):
    text = "Edda sat on the bed and held one out to me. I counted them twice. I put it down."
    assert describe([nlp(text)], max_words=200, narrator=PRIYA) == (
        "Edda sits on the bed and holds one out to Priya Venkataraman. Priya Venkataraman "
        "counts them twice. Priya Venkataraman puts it down.")
    # a man in between leaves "she" clear
    assert describe([nlp("Tomas looked at me. I nodded.")], narrator=PRIYA) == \
        "Tomas looks at Priya Venkataraman. She nods."


def test_a_narrator_of_unknown_gender_is_they_with_plural_verbs(nlp):
    someone = Narrator("the narrator", "unknown")
    assert describe([nlp("I walked to the shore. I was alone and I sat on my coat.")],
                    narrator=someone) == \
        "The narrator walks to the shore. They are alone and they sit on their coat."


def test_words_written_in_emphasis_are_quoted_not_retold(nlp):
    text = "I stood in the lane and typed, *I'm fine, it's been busy,* and looked at the words."
    assert describe([nlp(text)], max_words=200, narrator=PRIYA) == (
        "Priya Venkataraman stands in the lane and types, \u201cI'm fine, it's been busy,\u201d "
        "and looks at the words.")
    # emphasis on a word of the narration is only emphasis
    assert describe([nlp("I was angry at him for the word *restricted*.")], narrator=PRIYA) \
        == "Priya Venkataraman is angry at him for the word restricted."


def test_without_a_narrator_the_first_person_stays(nlp):
    assert describe([nlp("I sat down.")]) == "I sit down."


@pytest.mark.parametrize("past, present", [
    # participles spaCy tags as past verbs stay participles
    ("Jory slept with his beanie pulled down over his eyes.",
     "Jory sleeps with his beanie pulled down over his eyes."),
    ("Jory had fallen asleep with his beanie pulled down over his eyes and his arms folded.",
     "Jory has fallen asleep with his beanie pulled down over his eyes and his arms folded."),
    ("Jory had fallen asleep at the far desk with his beanie pulled down over his eyes and his "
     "arms folded, like a man waiting for a bus.", "Jory has fallen asleep at the far desk with "
     "his beanie pulled down over his eyes and his arms folded, like a man waiting for a bus."),
    ("The quarters were the last prefab, set a little apart from the rest.",
     "The quarters are the last prefab, set a little apart from the rest."),
    ("Tomas used to say that.", "Tomas used to say that."),
    # agreement with the noun after "there", with a number, through "that"
    ("There were two army lorries.", "There are two army lorries."),
    ("Nine were from his sister.", "Nine are from his sister."),
    ("Tomas tightened things that didn't need tightening.",
     "Tomas tightens things that don't need tightening."),
    ("The one point three was that circle.", "The one point three is that circle."),
    # ...but a past verb in a series is finite, and a number can name one thing
    ("It hit the platform grating, bounced once, and went over the edge.",
     "It hits the platform grating, bounces once, and goes over the edge."),
    ("Dish fourteen had followed the source down.", "Dish fourteen has followed the source down."),
    ("Ilse turned the mug around on her knee, one slow full turn, handle back to where it had "
     "started.", "Ilse turns the mug around on her knee, one slow full turn, handle back to "
     "where it had started."),
])
def test_past_becomes_present_with_agreement(nlp, past, present):
    assert present_tense(nlp(past)) == present


@pytest.mark.parametrize("past, present", [
    # spaCy's lemma of an "-ed" form can be the wrong verb ("stared" ->
    # "star"): an undoubled final consonant says it was "stare"
    ("She stared at the screen and taped the note down.",
     "She stares at the screen and tapes the note down."),
    ("They scared the birds and bared their teeth.", "They scare the birds and bare their teeth."),
    ("He stopped and planned the route.", "He stops and plans the route."),
    ("At the bottom he unclipped for good.", "At the bottom he unclips for good."),
    # "were" already agrees with its subject ("sheep" alone would be singular)
    ("That morning, there were no sheep.", "That morning, there are no sheep."),
    ("His hands, they could see even from below, were shaking again.",
     "His hands, they can see even from below, are shaking again."),
    ("He looked as if he were asleep.", "He looks as if he were asleep."),
    # spaCy's participle tag on the only verb of a sentence with a subject
    ("Edda's house smelled of coal. One still burned.", "Edda's house smells of coal. One still burns."),
])
def test_a_verb_keeps_what_its_own_form_says(nlp, past, present):
    assert present_tense(nlp(past)) == present


def test_a_retold_verb_is_the_verb_the_narrator_used(nlp):
    assert describe([nlp("I stared at it for twenty minutes.")], narrator=PRIYA) == \
        "Priya Venkataraman stares at it for twenty minutes."


@pytest.mark.parametrize("past, present", [
    # what happened before the moment shown stays past: a "since" of time...
    ("Ilse let out a breath she seemed to have been holding since she was nine.",
     "Ilse lets out a breath she seems to have been holding since she was nine."),
    ("For the first time since any of them had known her she looked her age.",
     "For the first time since any of them had known her she looks her age."),
    # ...not a "since" of cause
    ("Since it was late, he left.", "Since it is late, he leaves."),
    # "ago"
    ("The source had set hours ago.", "The source had set hours ago."),
    # a past perfect in a subordinate clause, also with its participle left out;
    # in the main clause it is a present perfect
    ("He remembered what she had said.", "He remembers what she had said."),
    ("Her hands were shaking, the way Tomas's had.", "Her hands are shaking, the way Tomas's had."),
    ("She had the day off, because she had a cold.", "She has the day off, because she has a cold."),
])
def test_a_past_before_the_moment_shown_stays_past(nlp, past, present):
    assert present_tense(nlp(past)) == present


def test_a_retold_past_that_stays_past_agrees_with_the_narrator(nlp):
    text = "I hadn't cried in front of anyone since I was fourteen."
    assert describe([nlp(text)], narrator=PRIYA) == \
        "Priya Venkataraman hasn't cried in front of anyone since she was fourteen."
    assert describe([nlp(text)], narrator=Narrator("the narrator")) == \
        "The narrator hasn't cried in front of anyone since they were fourteen."


@pytest.mark.parametrize("past, present", [
    # the past of "can" and "will" is put in the present too...
    ("The room was so quiet he could hear the tubes.", "The room is so quiet he can hear the tubes."),
    ("He couldn't understand it, and it wouldn't stop.", "He can't understand it, and it won't stop."),
    ("They couldn\u2019t see it.", "They can\u2019t see it."),
    ("At that rate the last one would go out in three days.",
     "At that rate the last one will go out in three days."),
    # ...but not what did not happen, a wish, or an "as if"
    ("You could have bounced a coin on it.", "You could have bounced a coin on it."),
    ("She wished she could go.", "She wishes she could go."),
    ("He looked as if he would cry.", "He looks as if he would cry."),
])
def test_could_and_would_of_a_past_narration(nlp, past, present):
    assert present_tense(nlp(past)) == present


def test_words_left_out_leave_a_space(nlp):
    doc = nlp("Edda Kross, who cooked, had stayed late.")
    assert present_tense([doc[0], doc[1], *doc[6:]]) == "Edda Kross has stayed late."
