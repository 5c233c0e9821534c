"""Speaker attribution: each sieve on its own, then whole chapters."""

from __future__ import annotations

from pathlib import Path

from novel2board.analyse import analyse_chapter, parse_paragraphs
from novel2board.analyse.speakers import Memory, Turn, attribute
from novel2board.config import CharacterBible, Config
from novel2board.model import Source
from novel2board.read import split_chapters


def turn(i, paragraph=None, gap=0, **kw):
    p = paragraph if paragraph is not None else i
    return Turn(index=i, quotes=(i,), first_paragraph=p, last_paragraph=p,
                start=p * 100, gap_before=gap, **kw)


def memory(**genders):
    """Each character mentioned once, 10 characters apart, in keyword order."""
    return Memory([10 * i for i in range(len(genders))], list(genders), dict(genders))


# ------------------------------------------------------------- sieve units
def test_tag_name_wins():
    decided = attribute([turn(0, tag_name="ann", actors=("bob",))], memory(), None)
    assert decided == [("ann", "tag-name")]


def test_tag_pronoun_resolves_by_gender():
    mem = memory(ann="female", bob="male")
    decided = attribute([turn(0, tag_pronoun="she", tag_at=50)], mem, None)
    assert decided == [("ann", "tag-pronoun")]
    decided = attribute([turn(0, tag_pronoun="he", tag_at=50)], mem, None)
    assert decided == [("bob", "tag-pronoun")]


def test_i_said_is_the_narrator():
    decided = attribute([turn(0, tag_pronoun="i")], memory(), "narrator")
    assert decided == [("narrator", "tag-pronoun")]


def test_alternation_in_a_two_person_exchange():
    turns = [turn(0, tag_name="ann"), turn(1, tag_name="bob"), turn(2), turn(3)]
    decided = attribute(turns, memory(), None)
    assert decided[2] == ("ann", "alternation")
    assert decided[3] == ("bob", "alternation")


def test_alternation_looks_ahead_when_the_exchange_opens_untagged():
    turns = [turn(0), turn(1, tag_name="bob"), turn(2, tag_name="ann")]
    assert attribute(turns, memory(), None)[0] == ("ann", "alternation")


def test_the_one_addressed_answers():
    turns = [turn(0, tag_name="ann", vocatives=("tomas",)), turn(1)]
    assert attribute(turns, memory(), None)[1] == ("tomas", "vocative")


def test_nobody_speaks_to_themselves_by_name():
    decided = attribute([turn(0, actors=("ann", "bob"), vocatives=("ann",))],
                        memory(), None)
    assert decided == [("bob", "actor")]


def test_he_said_is_never_given_to_a_woman_by_the_conversation():
    # "he" finds no man to stand for; alternation must not pick Ann anyway.
    turns = [turn(0, tag_name="ann"), turn(1, tag_name="bob"),
             turn(2, tag_pronoun="he", tag_at=250)]
    assert attribute(turns, memory(ann="female"), None)[2][0] != "ann"


def test_no_alternation_across_a_long_stretch_of_narration():
    turns = [turn(0, tag_name="ann"), turn(1, tag_name="bob"),
             turn(2, paragraph=9, gap=6)]
    assert attribute(turns, memory(), None)[2][1] != "alternation"


# ------------------------------------------------------------ whole chapters
def speakers(text: str, nlp, config: Config | None = None):
    chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
    analysis = analyse_chapter(chapter, parse_paragraphs(chapter, nlp), config or Config())
    names = {c.id: c.name for c in analysis.characters}
    return [(q.text, names.get(q.speaker), q.sieve) for q in analysis.quotes]


def test_speech_verbs_before_inside_and_after(nlp):
    text = ("Elizabeth Hart and Tomas Okafor stood by the window.\n\n"
            "\"It is raining again,\" said Elizabeth.\n\n"
            "Tomas replied coldly: \"It always rains here.\"\n\n"
            "\"Then,\" Elizabeth said, \"we stay inside.\"\n")
    found = speakers(text, nlp)
    assert [s.split()[0] for _, s, _ in found] == ["Elizabeth", "Tomas",
                                                   "Elizabeth", "Elizabeth"]
    assert {sieve for *_, sieve in found} == {"tag-name"}


def test_pronoun_tags_and_alternation_in_a_chapter(nlp):
    text = ("Anna Berg met Karl Lund at the gate. Karl was late and he knew it.\n\n"
            "\"You are late,\" she said.\n\n"
            "\"I know,\" he said.\n\n"
            "\"Why?\"\n\n"
            "\"The road was closed.\"\n")
    found = speakers(text, nlp)
    assert [s for _, s, _ in found] == ["Anna Berg", "Karl Lund", "Anna Berg",
                                        "Karl Lund"]
    assert [sieve for *_, sieve in found] == ["tag-pronoun", "tag-pronoun",
                                              "alternation", "alternation"]


def test_an_unnamed_speaker_becomes_a_character(nlp):
    text = ("Pip ran across the marsh in the dark.\n\n"
            "\"Hold your noise!\" cried the convict.\n\n"
            "\"Don't hurt me, sir,\" Pip begged.\n")
    found = speakers(text, nlp)
    assert found[0][1:] == ("the convict", "tag-noun")
    assert found[1][1] == "Pip"


def test_the_bible_alias_names_the_speaker(nlp):
    config = Config(characters=(CharacterBible(name="Halvard Brekke",
                                               aliases=("the Commander",),
                                               pronouns="he/him"),))
    text = ("The door opened.\n\n"
            "\"Sit down,\" said the Commander.\n")
    assert speakers(text, nlp, config)[0][1] == "Halvard Brekke"


def test_an_inverted_tag_with_a_possessive_names_the_noun(nlp):
    # The parser reads "cried his wife" as verb + object, and "his" came first.
    text = ("Mr. Hale sat by the fire with his paper.\n\n"
            "\"Do you not want to know who has taken it?\" cried his wife impatiently.\n\n"
            "\"I have no objection to hearing it,\" said Mr. Hale.\n")
    found = speakers(text, nlp)
    assert found[0][1:] == ("the wife", "tag-noun")


def test_a_paragraph_ending_on_a_colon_introduces_the_next_speech(nlp):
    text = ("Mrs. Kell and Mr. Osei sat at the table. Mr. Osei poured the tea.\n\n"
            "Mrs. Kell leaned towards him and, after a while, said gravely:\n\n"
            "\"Now, what would you do if you were married to an engineer?\"\n")
    found = speakers(text, nlp)
    assert found[0][1:] == ("Mrs. Kell", "tag-name")


def test_a_lead_in_needs_the_colon(nlp):
    text = ("Mrs. Kell and Mr. Osei sat at the table.\n\n"
            "Mrs. Kell leaned towards him and smiled.\n\n"
            "\"Now, what would you do if you were married to an engineer?\"\n")
    assert speakers(text, nlp)[0][2] != "tag-name"


def test_a_pronoun_in_the_names_own_clause_is_someone_else(nlp, analyse):
    # "her" in "a Rabbit ran close by her" is Alice, not the Rabbit; "itself"
    # says the Rabbit is "it".
    text = ("In the afternoon Alice sat on the bank. Suddenly a Rabbit ran close by her. "
            "The Rabbit said to itself that it was late. "
            "The Rabbit took a watch out of its pocket.\n\n"
            "\"Oh dear!\" she said.\n")
    genders = {c.name: c.gender for c in analyse(text).characters}
    assert genders.get("Rabbit") != "female"
    assert speakers(text, nlp)[0][1] == "Alice"


def test_a_conversation_set_in_one_paragraph_is_split_at_each_new_tag(nlp):
    text = ("Dr. Venn came in from the rain and Miss Orr rose to meet him. "
            "\"You are wet through,\" said Miss Orr. He shook his coat and "
            "looked about the room for a long while. \"It is nothing,\" said "
            "Dr. Venn.\n")
    found = speakers(text, nlp)
    assert [s for _, s, _ in found] == ["Miss Orr", "Dr. Venn"]


def test_an_interrupting_tag_keeps_one_speaker(nlp):
    text = ("Dr. Venn and Miss Orr sat by the fire.\n\n"
            "\"You are wet,\" said Miss Orr. \"Sit down by the fire.\"\n")
    found = speakers(text, nlp)
    assert [s for _, s, _ in found] == ["Miss Orr", "Miss Orr"]


def test_any_noun_that_speaks_in_a_tag_is_an_unnamed_speaker(nlp):
    # "attendant" is not in reading.yaml's person_nouns.
    text = ("Miss Orr came home late.\n\n"
            "\"I cannot bear to be parted from you,\" sobbed the faithful attendant.\n\n"
            "\"The letter,\" said the voice, \"is on the table.\"\n")
    found = speakers(text, nlp)
    assert found[0][1:] == ("the attendant", "tag-noun")
    assert found[1][1] != "the voice"


def test_a_phrase_that_goes_is_no_speaker(nlp):
    # "as the phrase goes" tagged a quoted idiom: "the phrase" became a
    # character and the listener of a whole monologue (Heart of Darkness).
    text = ("Marlow sat cross-legged aft.\n\n"
            "He was a man who had, as the phrase goes, \u201cfollowed the sea\u201d all his life.\n")
    found = speakers(text, nlp)
    assert all(s != "the phrase" for _, s, _ in found)


def test_a_name_inside_the_quote_is_not_the_tag_subject(nlp):
    # The parser makes "Blakeney" the subject of "said"; it is addressed.
    text = ("Captain Eld rose from his chair when Temple and Blakeney came in.\n\n"
            "\"My friend Blakeney,\" said he, \"told me I could be of service to you.\"\n")
    found = speakers(text, nlp)
    assert found[0][2] == "tag-pronoun"      # "he", not the name in the quote


def test_he_said_can_stand_for_a_man_seen_only_through_his_voice(nlp):
    # No named man: "A man's voice" is the only one "he" can be.
    text = ("Mara waited on the deck of the ferry, alone.\n\n"
            "A man's voice beside her made her start.\n\n"
            "\"I beg your pardon,\" he said.\n")
    found = speakers(text, nlp)
    assert found[0][1:] == ("the man", "tag-pronoun")


def test_reported_speech_does_not_name_the_next_speaker(nlp):
    text = ("Lucy and Miss Bartlett sat at the long table.\n\n"
            "Lucy mumbled that those seemed very odd people opposite.\n\n"
            "\"Eat your dinner, dear. This pension is a failure.\"\n")
    assert speakers(text, nlp)[0][2] != "last-actor"


def test_whoever_hears_the_words_is_not_their_actor(nlp):
    text = ("Margaret sat in the back drawing-room with her aunt.\n\n"
            "\"I have spared no expense,\" were the next words Margaret heard.\n")
    assert speakers(text, nlp)[0][2] != "actor"


def test_the_narrator_does_not_say_their_own_name(nlp):
    # Others call the "I" Dr. Venkataraman; the knock is answered from inside.
    text = ("I walked to the Commander's hut by the gate. Brekke was inside, at his "
            "desk. I knocked and waited, and I nearly turned round.\n\n"
            "\"Come in, Dr. Venkataraman.\"\n\n"
            "Brekke sat at the desk in his shirtsleeves.\n\n"
            "\"Sit down,\" he said.\n\n"
            "\"You sent your men to copy my data,\" I said.\n\n"
            "\"I did,\" said Brekke.\n\n"
            "\"Why?\"\n\n"
            "\"Go and get some sleep, Dr. Venkataraman,\" Brekke said.\n")
    found = speakers(text, nlp)
    assert found[2][1] == "Dr. Venkataraman"       # the narrator, named by others
    assert found[0][1] == "Brekke"


def test_a_paragraph_of_two_clauses_ends_on_the_second_ones_subject(nlp):
    text = ("Tomas Okafor and Ilse Marr sat at the console.\n\n"
            "\"What's that?\" Tomas asked.\n\n"
            "Tomas reached for the keyboard, and Ilse caught his wrist without taking "
            "her eyes off the screen.\n\n"
            "\"Don't touch anything.\"\n")
    found = speakers(text, nlp)
    assert found[1][1:] == ("Ilse Marr", "last-actor")
