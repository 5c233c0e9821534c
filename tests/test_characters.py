"""Characters: names merged into people, the narrator, genders, non-people."""

from __future__ import annotations

from pathlib import Path

from novel2board.analyse import analyse_chapter, parse_paragraphs
from novel2board.analyse.characters import build_name_index, split_honorific, times_written
from novel2board.analyse.nlp import load_lexicon
from novel2board.config import CharacterBible, Config
from novel2board.model import ChapterText, Paragraph, Source
from novel2board.read import split_chapters
from collections import Counter


def analyse(text: str, nlp, config: Config | None = None):
    chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
    return analyse_chapter(chapter, parse_paragraphs(chapter, nlp), config or Config())


def by_name(analysis):
    return {c.name: c for c in analysis.characters}


def test_honorifics_are_set_aside():
    lexicon = load_lexicon()
    assert split_honorific("Dr. Ilse Marr", lexicon) == ("Dr", "Ilse Marr")
    assert split_honorific("Commander Brekke", lexicon) == ("Commander", "Brekke")
    assert split_honorific("Aunt Juley", lexicon) == ("Aunt", "Juley")


def test_full_first_last_and_titled_names_merge():
    index = build_name_index(Counter({"Dr. Ilse Marr": 1, "Ilse": 3, "Dr. Marr": 2,
                                      "Marr": 1}), (), load_lexicon())
    assert len(index.clusters) == 1
    assert index.lookup("Ilse") == index.lookup("Dr. Marr") == index.lookup("Marr")


def test_a_surname_does_not_take_the_name_of_an_initial_written_less_often():
    # "Lt. A. Brekke" under a photograph of the father; "Brekke" on every
    # page (NER finds each once: the text says how often they are written).
    lexicon = load_lexicon()
    times = {"Lt. A. Brekke": 1, "A. Brekke": 1, "Brekke": 50}
    index = build_name_index(Counter({"Lt. A. Brekke": 1, "Brekke": 1}), (), lexicon,
                             written=lambda text: times.get(text, 0))
    assert index.lookup("Brekke") != index.lookup("Lt. A. Brekke")
    assert index.clusters[index.lookup("Brekke")].name == "Brekke"
    # An initialled name written about as often as the surname is the same man.
    times = {"J. Prufrock": 3, "Prufrock": 5}
    index = build_name_index(Counter({"J. Prufrock": 1, "Prufrock": 1}), (), lexicon,
                             written=lambda text: times.get(text, 0))
    assert index.lookup("Prufrock") == index.lookup("J. Prufrock")


def test_times_written_counts_whole_words():
    chapter = ChapterText(number=1, title="", slug="c", start=0, end=40, paragraphs=(
        Paragraph(0, 0, 30, "Brekke nodded. Lt. A. Brekke."), Paragraph(1, 32, 40, "Brekkes")))
    written = times_written(chapter)
    assert (written("Brekke"), written("A. Brekke"), written("Brekkes")) == (2, 1, 1)


def test_mr_and_mrs_of_one_family_stay_apart():
    index = build_name_index(Counter({"Mr. Bennet": 4, "Mrs. Bennet": 5}), (),
                             load_lexicon())
    assert index.lookup("Mr. Bennet") != index.lookup("Mrs. Bennet")


def test_nicknames_join_their_full_name():
    lexicon = load_lexicon()
    index = build_name_index(Counter({"Elizabeth Bennet": 1, "Lizzy": 4}), (), lexicon)
    assert index.lookup("Lizzy") == index.lookup("Elizabeth Bennet")
    # also when only the nickname and the bare first name are seen
    index = build_name_index(Counter({"Lizzy": 4, "Elizabeth": 1}), (), lexicon)
    assert index.lookup("Lizzy") == index.lookup("Elizabeth")


def test_the_bible_names_aliases_and_wins():
    bible = (CharacterBible(name="Halvard Brekke", aliases=("the Commander", "Hal"),
                            pronouns="he/him"),)
    index = build_name_index(Counter({"Hal": 2, "Halvard": 1}), bible, load_lexicon())
    assert index.lookup("Hal") == index.lookup("the Commander") == "halvard-brekke"


def test_a_chapter_merges_names_and_finds_gender(nlp):
    text = ("Dr. Ilse Marr came into the control room at six. Tomas Okafor was "
            "already at his desk. Ilse put her coat on the chair and she sat down.\n\n"
            "\"Morning,\" said Tomas. He did not look up.\n\n"
            "Dr. Marr watched the screens. She said nothing. Tomas drank his tea.\n")
    found = by_name(analyse(text, nlp))
    assert set(found) == {"Ilse Marr", "Tomas Okafor"}
    assert found["Ilse Marr"].gender == "female"
    assert found["Tomas Okafor"].gender == "male"
    assert {"Ilse", "Dr. Marr"} <= set(found["Ilse Marr"].aliases)


def test_places_days_and_objects_are_not_characters(nlp):
    text = ("On Monday Anna walked from Netherfield Park to the village. She "
            "looked at Andromeda through the telescope and said nothing.\n\n"
            "\"It is cold,\" said Anna. Anna went home on Tuesday.\n")
    found = by_name(analyse(text, nlp))
    assert "Anna" in found
    assert not {"Monday", "Tuesday", "Netherfield Park", "Andromeda"} & set(found)


def test_first_person_narrator_is_a_character_named_by_others(nlp):
    text = ("I knocked on the door and waited. I heard a chair scrape. I was cold "
            "and I wanted to go home, but I stayed where I was.\n\n"
            "\"Come in, Dr. Venkataraman,\" said Brekke.\n\n"
            "I went in. I did not sit down. I looked at the map on his wall and I "
            "waited for him to speak first.\n\n"
            "\"Sit down, Dr. Venkataraman,\" Brekke said again.\n")
    analysis = analyse(text, nlp)
    narrators = [c for c in analysis.characters if c.narrator]
    assert len(narrators) == 1
    assert narrators[0].name == "Dr. Venkataraman"
    assert "I" in narrators[0].aliases


def test_an_unnamed_narrator_is_called_narrator(nlp):
    text = ("I walked to the shore. I was alone and I did not mind. I sat on "
            "the stones and I watched the boats until I was cold.\n")
    narrators = [c for c in analyse(text, nlp).characters if c.narrator]
    assert [c.name for c in narrators] == ["Narrator"]


def test_a_name_that_mostly_follows_a_place_preposition_is_a_place(nlp):
    text = ("Ogilvy lived near Woking. He walked to the common at Woking every "
            "morning, and in Woking they knew him well.\n\n"
            "\"A fine day,\" said Ogilvy.\n")
    found = by_name(analyse(text, nlp))
    assert "Ogilvy" in found
    assert "Woking" not in found


def test_gender_counts_only_pronouns_that_can_stand_for_the_name(nlp):
    # "He ... Edda's father in his overalls" and "the soldier ... Edda stopped
    # the van. He came round" are other people's pronouns; "reach it down for
    # her" is not Tomas.  Before these were set aside, Edda came out male.
    text = ("\"We are late,\" said Edda Kross. Edda Kross drove the van down the hill. She "
            "held her cigarette out of the window.\n\n"
            "In the square the soldier stepped into the road, and Edda Kross stopped the "
            "van. He came round to her window. He was about nineteen.\n\n"
            "He did not look at the boats, or at Edda Kross's father in his overalls. He "
            "looked at the lieutenant, and his hands shook.\n\n"
            "Edda Kross sat on the bed. The tin was too high, and Tomas had to reach it "
            "down for her.\n")
    found = by_name(analyse(text, nlp))
    assert found["Edda Kross"].gender == "female"
    assert found["Tomas"].gender == "unknown"


def test_a_married_and_an_unmarried_title_are_two_people():
    # "Mrs. Sedley" is Miss Sedley's mother, not Miss Sedley, nor the "Miss
    # Amelia Sedley" that "Miss Sedley" is.
    index = build_name_index(Counter({"Miss Amelia Sedley": 2, "Miss Sedley": 8,
                                      "Mrs. Sedley": 2}), (), load_lexicon())
    assert index.lookup("Miss Sedley") == index.lookup("Miss Amelia Sedley")
    assert index.lookup("Mrs. Sedley") != index.lookup("Miss Sedley")
    index = build_name_index(Counter({"Miss Marjoribanks": 13, "Mrs Marjoribanks": 3}), (),
                             load_lexicon())
    assert index.lookup("Miss Marjoribanks") != index.lookup("Mrs Marjoribanks")


def test_mr_and_mrs_join_only_a_full_name_of_their_gender():
    lexicon = load_lexicon()
    counts = Counter({"Winnie Verloc": 1, "Winnie": 10, "Mr Verloc": 14, "Mrs Verloc": 4})
    # Nothing tells Winnie's gender: neither title can say which one she is.
    index = build_name_index(counts, (), lexicon)
    assert index.lookup("Mr Verloc") != index.lookup("Winnie")
    assert index.lookup("Mrs Verloc") != index.lookup("Mr Verloc")
    # "Winnie ... she ... her": Mr Verloc is someone else.
    index = build_name_index(counts, (), lexicon, {"Winnie": Counter(female=6)})
    assert index.lookup("Winnie") == index.lookup("Winnie Verloc")
    assert index.lookup("Mr Verloc") != index.lookup("Winnie")
    # "Mr. Verloc" and "Arthur Verloc, he...": the one man.
    index = build_name_index(counts + Counter({"Arthur Verloc": 1}), (), lexicon,
                             {"Winnie": Counter(female=6), "Arthur": Counter(male=4)})
    assert index.lookup("Mr Verloc") == index.lookup("Arthur Verloc")


def test_miss_and_a_surname_is_not_the_sister_called_by_her_first_name():
    # The eldest unmarried daughter is "Miss Pinkerton"; a younger one is
    # "Miss Jemima" (Miss Jemima Pinkerton).
    lexicon = load_lexicon()
    index = build_name_index(Counter({"Miss Jemima Pinkerton": 1, "Miss Pinkerton": 17,
                                      "Miss Jemima": 8}), (), lexicon)
    assert index.lookup("Miss Jemima") == index.lookup("Miss Jemima Pinkerton")
    assert index.lookup("Miss Pinkerton") != index.lookup("Miss Jemima")
    # Without a "Miss Jemima", Miss Pinkerton is the one Jemima Pinkerton.
    index = build_name_index(Counter({"Miss Jemima Pinkerton": 1, "Miss Pinkerton": 17}),
                             (), lexicon)
    assert index.lookup("Miss Pinkerton") == index.lookup("Miss Jemima Pinkerton")


def test_first_and_last_names_of_a_full_name_are_searched_alone():
    # NER may tag "Amelia" alone as a place; as part of "Amelia Sedley" she is
    # a person, and every "Amelia" is searched for as her.  "Sedley" belongs
    # to two people and is left alone.
    index = build_name_index(Counter({"Miss Amelia Sedley": 2, "John Sedley": 1}), (),
                             load_lexicon())
    assert "Amelia" in index.surfaces and "Sedley" not in index.surfaces
    assert index.lookup("Amelia") == index.lookup("Miss Amelia Sedley")
    assert index.lookup("John") == index.lookup("John Sedley") != index.lookup("Amelia")


def test_a_name_in_capitals_is_the_same_name(nlp):
    text = ("TOM!\n\n"
            "No answer. Tom was not in the garden. Tom Sawyer had gone to the river, "
            "and Tom did not come back until dark.\n")
    analysis = analyse(text, nlp)
    tom = by_name(analysis)["Tom Sawyer"]
    assert any(text[m.start:m.end] == "TOM" and m.character == tom.id
               for m in analysis.mentions)


def test_a_town_is_not_a_person_unless_titled():
    from novel2board.analyse.characters import plausible_name
    lexicon = load_lexicon()
    assert not plausible_name("Tarry Town", lexicon)
    assert plausible_name("Mrs. Town", lexicon)


def _first_names(text: str, nlp, blocked=frozenset()):
    from novel2board.analyse.characters import find_name_spans
    chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
    _, counts = find_name_spans(chapter, parse_paragraphs(chapter, nlp), (), load_lexicon(),
                                blocked=blocked)
    return counts


def test_an_inverted_speech_tag_names_a_speaker_the_parser_calls_an_object(nlp):
    # spaCy parses "child" as the subject of "interrupted" and Tuppence as
    # its object, and tags Tuppence an organisation.
    counts = _first_names("\"My dear child,\" interrupted Tuppence, \"there is nothing "
                          "to it.\"\n", nlp)
    assert "Tuppence" in counts


def test_a_name_that_acts_more_often_than_ner_calls_it_a_thing_is_a_person(nlp):
    # The places stage blocks "Amory" (NER: an organisation); acting as a
    # subject again and again outweighs that.
    text = ("When Amory was five he was already a delightful companion for her. "
            "Amory became thirteen, rather tall and slender. Amory had the "
            "whooping-cough that winter.\n")
    assert "Amory" in _first_names(text, nlp, blocked=frozenset({"amory"}))


def test_words_ner_takes_for_people_are_not_characters(nlp):
    # spaCy tags "Marker" (a sentence-opening word that is "marker" elsewhere)
    # and "Formica" (a modifier of "tables") as people.
    text = ("The service road was a river. Tomas walked it with his head down, the "
            "next red-and-white marker post leaping up white in his headlamp, then "
            "gone behind him.\n\n"
            "Marker forty. Marker forty-one. Then the road turned, and there, at the "
            "western edge of everything, was dish fourteen.\n\n"
            "The canteen was a prefab box at the end of the accommodation block, "
            "with six Formica tables, a steaming tea urn, and windows fogged with "
            "condensation. Tomas sat down at a Formica table and ate his soup.\n")
    assert set(by_name(analyse(text, nlp))) == {"Tomas"}


def test_with_mr_and_mrs_present_mrs_does_not_take_a_womans_full_name():
    # Katharine Hilbery may be Mr. and Mrs. Hilbery's daughter; Mrs. Hilbery
    # stays herself unless the full name is once called "Mrs." too.
    lexicon = load_lexicon()
    counts = Counter({"Katharine Hilbery": 2, "Katharine": 15, "Mrs. Hilbery": 5,
                      "Mr. Hilbery": 1})
    votes = {"Katharine": Counter(female=6)}
    index = build_name_index(counts, (), lexicon, votes)
    assert index.lookup("Mrs. Hilbery") != index.lookup("Katharine")
    counts["Mrs. Katharine Hilbery"] = 1
    index = build_name_index(counts, (), lexicon, votes)
    assert index.lookup("Mrs. Hilbery") == index.lookup("Katharine")


def test_a_title_and_first_name_join_the_full_name_with_that_title():
    index = build_name_index(Counter({"Sir Walter Elliot": 2, "William Walter Elliot": 1,
                                      "Sir Walter": 7}), (), load_lexicon())
    assert index.lookup("Sir Walter") == index.lookup("Sir Walter Elliot")
    assert index.lookup("Sir Walter") != index.lookup("William Walter Elliot")


def test_sid_is_sidney():
    index = build_name_index(Counter({"Sidney": 1, "Sid": 3}), (), load_lexicon())
    assert index.lookup("Sid") == index.lookup("Sidney")


def test_with_mrs_and_miss_present_mrs_does_not_take_a_womans_full_name():
    # Mrs. Welland and Miss Welland: May Welland is the daughter.
    index = build_name_index(Counter({"May Welland": 2, "May": 6, "Mrs. Welland": 7,
                                      "Miss Welland": 4}), (), load_lexicon(),
                             {"May": Counter(female=6)})
    assert index.lookup("Mrs. Welland") != index.lookup("May Welland")
    assert index.lookup("Mrs. Welland") != index.lookup("Miss Welland")


def test_a_pronoun_after_a_person_noun_is_not_the_names(nlp):
    # "his" belongs to Edda's father; "He" of the next sentence comes before
    # Buck and is Dave.
    from novel2board.analyse.characters import NameSpan, pronoun_votes
    text = ("Edda looked at her father in his overalls.\n\n"
            "Dave was fair and very wise. He never nipped Buck without cause.\n")
    chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
    docs = parse_paragraphs(chapter, nlp)
    spans = [NameSpan(para.start + tok.idx, para.start + tok.idx + len(tok), tok.text,
                      para.index, tok.i, tok.i)
             for para, doc in zip(chapter.paragraphs, docs) for tok in doc
             if tok.text in ("Edda", "Dave", "Buck")]
    votes = pronoun_votes(chapter, docs, spans, lambda s: s.surface, load_lexicon())
    assert votes["Edda"] == Counter(female=3)
    assert votes["Dave"] == Counter(male=3)


def test_pronouns_of_someone_else_in_the_sentence_are_not_the_names(nlp):
    # Each of these once voted Tomas a woman: the "she" before his name and
    # the "her" he walks behind are someone else, and so is "her laptop".
    from novel2board.analyse.characters import NameSpan, pronoun_votes
    text = ("Tomas Okafor came in. He was tall.\n\n"
            "Tomas came in behind her carrying her laptop.\n\n"
            "She pulled the headphones from Tomas's hands, dragged them down over her ears.\n\n"
            "Her hand, Tomas noticed, was not quite steady. She saw him notice.\n")
    chapter = split_chapters(Source(Path("t.md"), text, ""))[0]
    docs = parse_paragraphs(chapter, nlp)
    spans = [NameSpan(para.start + tok.idx, para.start + tok.idx + len(tok), "Tomas",
                      para.index, tok.i, tok.i)
             for para, doc in zip(chapter.paragraphs, docs) for tok in doc
             if tok.text == "Tomas"]
    votes = pronoun_votes(chapter, docs, spans, lambda s: s.surface, load_lexicon())
    assert votes["Tomas"]["female"] == 0
    assert votes["Tomas"]["male"] > 0
