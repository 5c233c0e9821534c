"""Unit tests of the error paths: what a bad file, template or machine gets
told.  The CLI side (exit status, one `error:` line) is in test_cli.py."""

from __future__ import annotations

import codecs
import logging
import os
import time
from pathlib import Path

import pytest

from novel2board.analyse import nlp as nlp_module
from novel2board.errors import (ConfigError, EnvironmentProblem, InputError,
                                Novel2BoardError, TemplateError)
from novel2board.model import ChapterText, Paragraph, Source
from novel2board.read import split_chapters
from novel2board.read.source import (MAX_PARAGRAPH_CHARS, check_paragraph_lengths,
                                     find_chapter_files, language_note, read_source)
from novel2board.templating import css_string, render

ENGLISH = ("Mara opened the door and looked out at the harbour. The rain had stopped, "
           "and the boats were rocking in the dark water while the gulls slept on "
           "the masts. She waited for him there until the lamps went out.\n")
GERMAN = ("Der Regen fiel die ganze Nacht über den Hafen. Mara ging am Kai entlang "
          "und zählte die Boote. Nichts bewegte sich auf dem Wasser. Die Lampen "
          "gingen eine nach der anderen aus, und die Möwen schliefen auf den Masten.\n")


# ------------------------------------------------------------- the error type
def test_error_renders_file_line_column_and_hint():
    err = InputError("is empty", path="ch.md", line=3, column=7, hint="write it")
    assert err.render() == "ch.md:3:7: is empty (write it)"
    assert isinstance(err, Novel2BoardError)


def test_config_error_with_several_problems_stays_one_line():
    err = ConfigError([(5, "b is wrong"), (2, "a is wrong")], "novel2board.yaml")
    text = err.render()
    assert "\n" not in text
    assert text.index("novel2board.yaml:2: a is wrong") < text.index("novel2board.yaml:5:")


# ------------------------------------------------------------------ reading
def test_missing_file_says_so(tmp_path):
    with pytest.raises(InputError, match="no such file") as info:
        read_source(tmp_path / "nope.md")
    assert info.value.path == tmp_path / "nope.md"


def test_directory_given_as_file(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_source(tmp_path)


def test_folder_without_chapters(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"x")
    (tmp_path / ".hidden.md").write_text("x")
    with pytest.raises(InputError, match="holds no chapter files"):
        find_chapter_files([tmp_path])


def test_folder_chapters_in_natural_order_and_once(tmp_path):
    for name in ("chapter10.md", "chapter2.md", "chapter1.txt"):
        (tmp_path / name).write_text(ENGLISH)
    files = find_chapter_files([tmp_path, tmp_path / "chapter2.md"])
    assert [f.name for f in files] == ["chapter1.txt", "chapter2.md", "chapter10.md"]


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n\t \r\n  ", "only blank space"),
])
def test_empty_and_blank_files_refused(write_chapter, tmp_path, content, message):
    path = tmp_path / "blank.md"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_source(path)


def test_binary_file_refused(tmp_path):
    path = tmp_path / "cover.md"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="binary file"):
        read_source(path)


@pytest.mark.parametrize("magic, what", [
    (b"PK\x03\x04", "Word .docx"),
    (b"%PDF-1.7\n", "a PDF"),
    (b"{\\rtf1\\ansi ", "RTF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
])
def test_files_from_writing_tools_named_with_what_to_do(tmp_path, magic, what):
    path = tmp_path / "chapter.md"
    path.write_bytes(magic + b"Some words follow here. " * 20)
    with pytest.raises(InputError, match=what) as info:
        read_source(path)
    assert info.value.hint  # says what to do


def test_cp1252_read_with_a_warning_naming_encoding_and_fix(tmp_path, caplog):
    path = tmp_path / "win.md"
    path.write_bytes(("\u201cCaf\u00e9?\u201d she asked. " + ENGLISH).encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        source = read_source(path)
    assert source.text.startswith("\u201cCaf\u00e9?\u201d")
    assert source.encoding == "cp1252"
    assert "cp1252" in caplog.text and "iconv -f CP1252 -t UTF-8" in caplog.text
    assert any("cp1252" in note for note in source.notes)


def test_latin1_when_not_even_cp1252(tmp_path):
    # 0x81 is unassigned in cp1252; latin-1 reads every byte.
    path = tmp_path / "old.md"
    path.write_bytes(b"Caf\xe9 \x81 " + ENGLISH.encode("ascii"))
    source = read_source(path)
    assert source.encoding == "latin-1"
    assert source.text.startswith("Caf\u00e9")


def test_utf8_with_one_broken_byte_keeps_its_curly_quotes(tmp_path, caplog):
    good = ("\u201cYes,\u201d she said. " + ENGLISH).encode("utf-8")
    path = tmp_path / "mostly.md"
    path.write_bytes(good + b"\n\nA broken \xff byte.\n")
    with caplog.at_level(logging.WARNING):
        source = read_source(path)
    assert source.text.startswith("\u201cYes,\u201d")  # not mojibake
    assert "\ufffd" in source.text
    assert "mostly.md:4:" in caplog.text and "1 broken byte" in caplog.text


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"),
                                        (codecs.BOM_UTF16_BE, "utf-16-be"),
                                        (b"", "utf-16-le")])
def test_utf16_read_with_a_warning(tmp_path, caplog, bom, codec):
    path = tmp_path / "word.txt"
    path.write_bytes(bom + ENGLISH.encode(codec))
    with caplog.at_level(logging.WARNING):
        source = read_source(path)
    assert source.text == ENGLISH
    assert "UTF-16" in caplog.text


def test_utf8_bom_dropped_silently(tmp_path, caplog):
    path = tmp_path / "bom.md"
    path.write_bytes(codecs.BOM_UTF8 + ENGLISH.encode())
    with caplog.at_level(logging.WARNING):
        source = read_source(path)
    assert source.text == ENGLISH and source.encoding == "utf-8"
    assert not caplog.text and source.notes == ()


def test_every_byte_string_reads_or_is_refused_plainly(tmp_path):
    """No decoding path raises anything but InputError."""
    import random
    rng = random.Random(7)
    path = tmp_path / "fuzz.md"
    for _ in range(200):
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))))
        try:
            read_source(path)
        except InputError:
            pass


# ----------------------------------------------------------------- language
def test_non_english_text_noted():
    note = language_note(GERMAN * 3, Path("kapitel.md"))
    assert note and "reduced features" in note and "kapitel.md" in note


def test_english_text_not_noted():
    assert language_note(ENGLISH * 3, Path("ch.md")) is None


def test_markup_does_not_make_english_look_foreign():
    text = ENGLISH + '<img src="http://example.com/a/b/c.png"> ![x](http://e.com/y.png)\n'
    assert language_note(text, Path("ch.md")) is None


def test_too_short_to_judge():
    assert language_note("Der Regen fiel.", Path("ch.md")) is None


# ------------------------------------------------------- overlong paragraphs
def test_overlong_paragraph_refused_with_its_line(tmp_path):
    text = "Title line\n\n" + "word " * (MAX_PARAGRAPH_CHARS // 5 + 10)
    source = Source(path=tmp_path / "one.md", text=text, sha256="x")
    para = Paragraph(0, 12, len(text) - 1, text[12:-1])
    chapter = ChapterText(number=1, title="t", slug="one", start=0, end=len(text) - 1,
                          paragraphs=(para,), breaks=())
    with pytest.raises(InputError, match="lost its paragraph breaks") as info:
        check_paragraph_lengths(source, (chapter,))
    assert info.value.line == 3


def test_ten_megabytes_on_one_line_is_refused_quickly(tmp_path):
    """Read, split and check stay linear: 10 MB on one line in seconds."""
    sentence = "The rain fell on the harbour and Mara walked to the boats. "
    path = tmp_path / "flat.md"
    path.write_text(sentence * (10_000_000 // len(sentence) + 1))
    started = time.perf_counter()
    source = read_source(path)
    with pytest.raises(InputError, match="characters long"):
        check_paragraph_lengths(source, split_chapters(source))
    assert time.perf_counter() - started < 20


# ---------------------------------------------------------------- the model
def test_missing_model_says_how_to_install(monkeypatch):
    monkeypatch.setattr(nlp_module, "MODEL_PACKAGES", ("no_such_model_for_novel2board",))
    with pytest.raises(EnvironmentProblem) as info:
        nlp_module.load_nlp.__wrapped__()
    assert "pip install en-core-web-sm" in info.value.render()
    assert "\n" not in info.value.render()


# ---------------------------------------------------------------- templates
@pytest.fixture
def project(tmp_path):
    """A project folder with a templates/ override folder."""
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    yield tmp_path
    # environments are keyed on the template folders: nothing to reset


def test_template_syntax_error_names_file_and_line(project):
    (project / "templates" / "mine.txt.j2").write_text("one\ntwo {{ x }\nthree\n")
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "shot 1.1.1", x=1)
    assert info.value.path == project / "templates" / "mine.txt.j2"
    assert info.value.line == 2
    assert "syntax" in info.value.message


def test_undefined_variable_names_template_line_and_shot(project):
    (project / "templates" / "mine.txt.j2").write_text("one\n{{ shoot }}\n")
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "shot 3.2.7", shot="x")
    err = info.value
    assert err.path == project / "templates" / "mine.txt.j2" and err.line == 2
    assert "shot 3.2.7" in err.message and "did you mean 'shot'" in err.message


def test_undefined_attribute_suggests_the_field(project):
    from novel2board.model import DialogueLine
    (project / "templates" / "mine.txt.j2").write_text("{{ d.speker }}")
    with pytest.raises(TemplateError, match="did you mean 'speaker'"):
        render(project, "mine.txt.j2", "shot 1.1.1",
               d=DialogueLine(quote="q1", speaker=None, text="Hi"))


def test_error_in_a_macro_file_names_the_macro_file(project):
    (project / "templates" / "macros.j2").write_text(
        "{% macro f(s) %}\nok\n{{ s.missing }}\n{% endmacro %}\n")
    (project / "templates" / "mine.txt.j2").write_text(
        '{% import "macros.j2" as m %}\n{{ m.f(s) }}\n')
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "shot 1.2.3", s=object())
    assert Path(info.value.path).name == "macros.j2"
    assert info.value.line == 3


def test_runtime_error_in_a_template_is_a_template_error(project):
    (project / "templates" / "mine.txt.j2").write_text("\n\n{{ 1 / 0 }}")
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "shot 1.1.1")
    assert info.value.line == 3 and "ZeroDivisionError" in info.value.message


def test_missing_include_names_what_is_missing(project):
    (project / "templates" / "mine.txt.j2").write_text('{% include "gone.j2" %}')
    with pytest.raises(TemplateError, match="gone.j2 not found"):
        render(project, "mine.txt.j2", "the board")


def test_an_error_raised_while_a_template_runs_names_the_template_line(project):
    class Boom:
        @property
        def value(self):
            raise RuntimeError("went wrong")
    (project / "templates" / "mine.txt.j2").write_text("\n{{ b.value }}")
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "x", b=Boom())
    assert info.value.line == 2 and "RuntimeError: went wrong" in info.value.message


@pytest.mark.parametrize("name, escaped", [("page.html.j2", True), ("frame.svg.j2", True),
                                           ("page.html", True), ("prompts/flux.j2", False),
                                           ("x.fountain.j2", False)])
def test_markup_templates_are_autoescaped(project, name, escaped):
    path = project / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{{ t }}")
    out = render(project, name, "x", t="<script>")
    assert (out == "&lt;script&gt;") is escaped
    assert (out == "<script>") is not escaped


def test_css_string_cannot_end_the_string_or_the_style_element():
    text = css_string('a "b" \\ </style><script>x</script>\n')
    assert '"' not in text and "<" not in text and ">" not in text and "\n" not in text
    assert "\\22 " in text and "\\3c " in text


def test_environment_errors_keep_previous_files(tmp_path):
    """EnvironmentProblem from an unwritable place names the place."""
    from novel2board.render.files import check_writable
    blocker = tmp_path / "out"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(EnvironmentProblem, match="a file is in the way") as info:
        check_writable(blocker / "sub")
    assert str(blocker) in info.value.render()
    assert blocker.read_text() == "a file where a folder should be"
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    assert os.listdir(tmp_path) == ["out"]


def test_devices_and_pipes_are_refused_not_read_forever(tmp_path):
    fifo = tmp_path / "chapter.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_source(fifo)
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match="not a regular file"):
            read_source(Path("/dev/zero"))


def test_a_file_too_big_to_be_a_manuscript_is_refused_before_reading(tmp_path, monkeypatch):
    from novel2board.read import source as source_module
    monkeypatch.setattr(source_module, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.md"
    path.write_text(ENGLISH * 20)
    with pytest.raises(InputError, match="too big") as info:
        read_source(path)
    assert "split it" in info.value.render()


def test_printable_keeps_one_line_and_the_terminal_safe():
    from novel2board.errors import printable
    text = printable("a\nb\x1b[31mred\u2028\tc")
    assert "\n" not in text and "\x1b" not in text and "\u2028" not in text
    assert "\\n" in text and "\\x1b" in text and "\t" in text


def test_a_stray_nul_in_text_is_named_with_its_line(tmp_path):
    path = tmp_path / "glitch.md"
    path.write_bytes((ENGLISH * 3).encode() + b"\nOne more\x00 line.\n")
    with pytest.raises(InputError, match="NUL byte") as info:
        read_source(path)
    assert info.value.line == 5


def test_the_same_file_named_two_ways_is_boarded_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ch.md").write_text(ENGLISH)
    files = find_chapter_files([Path("ch.md"), tmp_path / "ch.md", Path(".")])
    assert files == [Path("ch.md")]
