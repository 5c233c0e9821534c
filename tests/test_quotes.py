"""Quotation finding: every quote found, none invented (no spaCy needed)."""

from __future__ import annotations

from pathlib import Path

from novel2board.analyse.quotes import DOUBLE, SINGLE, detect_style, find_quote_spans
from novel2board.analyse.nlp import load_lexicon
from novel2board.model import Source
from novel2board.read import split_chapters


def paragraphs(text: str):
    return split_chapters(Source(Path("t.md"), text, ""))[0].paragraphs


def quotes(text: str) -> list[str]:
    paras = paragraphs(text)
    source = text
    return [source[s.start:s.end] for s in find_quote_spans(paras)]


def test_straight_and_curly_double_quotes():
    text = ('"Come here," said Ilse. "Now."\n\n'
            "\u201cI\u2019m coming,\u201d Tomas called back.\n")
    assert quotes(text) == ['"Come here,"', '"Now."', "\u201cI\u2019m coming,\u201d"]


def test_british_single_quotes_are_told_from_apostrophes():
    text = ("\u2018I don\u2019t think the girls\u2019 coats are dry,\u2019 said Ann. "
            "\u2018\u2019Tis too cold.\u2019\n\n"
            "\u2018Fetch them in, then.\u2019\n")
    assert quotes(text) == [
        "\u2018I don\u2019t think the girls\u2019 coats are dry,\u2019",
        "\u2018\u2019Tis too cold.\u2019",
        "\u2018Fetch them in, then.\u2019"]


def test_straight_single_quotes_with_elisions():
    text = ("'We'll want 'em all,' said the cook. 'Every one.'\n\n"
            "'Right you are.'\n")
    assert quotes(text) == ["'We'll want 'em all,'", "'Every one.'", "'Right you are.'"]


def test_style_is_detected_per_chapter():
    lexicon = load_lexicon()
    assert detect_style(paragraphs("\u2018Yes,\u2019 she said. \u2018No.\u2019\n"), lexicon) == SINGLE
    assert detect_style(paragraphs('"Yes," she said. "Don\'t."\n'), lexicon) == DOUBLE


def test_quotes_nested_in_quotes_belong_to_the_outer_quote():
    text = "\u201cShe told me \u2018run\u2019 and I ran,\u201d he said.\n"
    assert quotes(text) == ["\u201cShe told me \u2018run\u2019 and I ran,\u201d"]
    text = "\u2018He wrote \u201cnever\u201d on the wall,\u2019 said Ann.\n"
    assert quotes(text) == ["\u2018He wrote \u201cnever\u201d on the wall,\u2019"]


def test_speech_over_several_paragraphs_is_one_speech():
    text = ('"It began in the spring.\n\n'
            '"By summer it was everywhere.\n\n'
            '"Then it stopped," she said.\n')
    spans = find_quote_spans(paragraphs(text))
    assert len(spans) == 3
    assert [s.continues for s in spans] == [False, True, True]
    assert text[spans[-1].start:spans[-1].end] == '"Then it stopped,"'


def test_dialogue_introduced_by_a_dash():
    text = ("\u2014Where are you going? he asked. It is late.\n\n"
            "\u2014Home, said Ann.\n\n"
            "She put on her coat. He added:\n\n"
            "\u2014Take the lamp.\n")
    assert quotes(text) == ["\u2014Where are you going?", "It is late.",
                            "\u2014Home,", "\u2014Take the lamp."]


def test_a_dash_inside_prose_is_not_dialogue():
    text = ("The road ran on\u2014past the dishes\u2014to the ridge.\n\n"
            "\u2014and that was all.\n")
    assert quotes(text) == []


def test_quoted_words_in_narration_are_not_speech():
    text = ('The "Red Death" had long devastated the country, and the dish was '
            'known as a "masher" to the staff.\n\n'
            'He said "Good night" and left.\n')
    assert quotes(text) == ['"Good night"']


def test_inch_marks_are_not_quotes():
    text = 'He was 5\'11" tall and carried a 12" record. "Hello," he said.\n'
    assert quotes(text) == ['"Hello,"']


def test_unclosed_quote_before_a_new_one_is_ended():
    text = "\u201cWait for me \u201cNo,\u201d she said.\n"
    assert quotes(text) == ["\u201cWait for me", "\u201cNo,\u201d"]
