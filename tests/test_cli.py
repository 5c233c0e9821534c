"""The command line as a new user trying to break it meets it: every bad
input, config, template or machine gets exit 1 and one `error:` line naming
the file (and line) and what to do; never a traceback unless -v."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from novel2board import cli, pipeline
from novel2board.analyse import nlp as nlp_module

ROOT = Path(__file__).resolve().parent.parent

CHAPTER = """# Chapter 1: The Harbour

Mara walked along the quay in the rain. The boats rocked in the dark water.

“Where are you going?” Tomas asked.

“Out,” Mara said. She did not look back at him.

The lamps went out one by one over the harbour.
"""


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, nlp):
    """Run the CLI in-process from an empty folder; (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def go(*args):
        status = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err
    return go


def assert_one_error_line(err: str, *fragments: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def chapter(tmp_path: Path, text: str = CHAPTER, name: str = "chapter1.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def board(tmp_path: Path, slug: str) -> dict:
    return json.loads((tmp_path / "out" / slug / "shots.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------- input
def test_missing_path(run, tmp_path):
    status, _, err = run(tmp_path / "chapter9.md")
    assert status == 1
    assert_one_error_line(err, "chapter9.md", "no such file", "check the path")


def test_folder_with_no_chapters(run, tmp_path):
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "notes.docx").write_bytes(b"PK")
    status, _, err = run(tmp_path / "drafts")
    assert status == 1
    assert_one_error_line(err, "drafts", "no chapter files", ".md")


@pytest.mark.parametrize("content", [b"", b" \n\n \t\n"])
def test_empty_or_blank_file(run, tmp_path, content):
    (tmp_path / "ch.md").write_bytes(content)
    status, _, err = run(tmp_path / "ch.md")
    assert status == 1
    assert_one_error_line(err, "ch.md", "write the chapter")
    assert not (tmp_path / "out").exists()


def test_binary_file(run, tmp_path):
    (tmp_path / "ch.md").write_bytes(os.urandom(4096) + b"\x00")
    status, _, err = run(tmp_path / "ch.md")
    assert status == 1
    assert_one_error_line(err, "ch.md", "binary", "plain text")


def test_word_document_named_as_such(run, tmp_path):
    (tmp_path / "ch.md").write_bytes(b"PK\x03\x04" + os.urandom(500))
    status, _, err = run(tmp_path / "ch.md")
    assert status == 1
    assert_one_error_line(err, "ch.md", "docx", "plain text")


def test_cp1252_file_boards_with_a_warning(run, tmp_path):
    (tmp_path / "ch.md").write_bytes(CHAPTER.replace("quay", "caf\u00e9").encode("cp1252"))
    status, _, err = run(tmp_path / "ch.md", "--format", "json")
    assert status == 0, err
    assert "warning:" in err and "cp1252" in err and "iconv" in err
    data = board(tmp_path, "ch")
    assert data["source"]["encoding"] == "cp1252"
    assert any("cp1252" in w for w in data["warnings"])


def test_ten_megabytes_on_one_line_refused_in_seconds(run, tmp_path):
    sentence = "The rain fell on the harbour and Mara walked to the boats. "
    (tmp_path / "flat.md").write_text(sentence * (10_000_000 // len(sentence) + 1))
    started = time.perf_counter()
    status, _, err = run(tmp_path / "flat.md", "--format", "json")
    assert time.perf_counter() - started < 30
    assert status == 1
    assert_one_error_line(err, "flat.md:1:", "paragraph breaks")


@pytest.mark.parametrize("name, text", [
    ("nodialogue", "The rain came down over the harbour all night.\n\nMara walked "
                   "along the quay and counted the boats. Nothing moved.\n"),
    ("alldialogue", "“Where are you going?”\n\n“Out.”\n\n“In this rain?”\n\n“Yes.”\n"),
    ("unbalanced", "“Where are you going? she asked. He did not answer.\n\n"
                   "He went out. “I will be back, he said.\n\nShe waited by the door.\n"),
    ("nopunctuation", "the rain came down and she walked and walked and nothing "
                      "stopped her and the lamps went out one by one\n"),
])
def test_odd_chapters_board_and_keep_the_invariants(run, tmp_path, name, text):
    chapter(tmp_path, text, f"{name}.md")
    status, _, err = run(tmp_path / f"{name}.md", "--format", "json,html")
    assert status == 0, err
    data = board(tmp_path, name)
    assert data["shots"], "every chapter with prose gets at least one shot"
    in_dialogue = [d["quote"] for shot in data["shots"] for d in shot["dialogue"]]
    assert sorted(in_dialogue) == sorted(q["id"] for q in data["quotes"])
    for a, b in zip(data["scenes"], data["scenes"][1:]):
        assert a["end"] <= b["start"]


def test_non_english_chapter_boards_with_reduced_features_and_says_so(run, tmp_path):
    chapter(tmp_path, "Der Regen fiel die ganze Nacht über den Hafen. Mara ging am Kai "
                      "entlang und zählte die Boote.\n\n„Wohin gehst du?“, fragte sie. Er "
                      "antwortete nicht und ging in den Regen hinaus.\n\nNichts bewegte "
                      "sich auf dem Wasser. Die Lampen gingen eine nach der anderen aus.\n",
            "kapitel1.md")
    status, _, err = run(tmp_path / "kapitel1.md", "--format", "json")
    assert status == 0, err
    assert "does not look like English" in err and "reduced features" in err
    assert any("reduced features" in w for w in board(tmp_path, "kapitel1")["warnings"])


# ------------------------------------------------------------------ config
def config_case(tmp_path: Path, yaml_text: str) -> Path:
    chapter(tmp_path)
    path = tmp_path / "novel2board.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    return path


def test_malformed_yaml_names_file_line_and_column(run, tmp_path):
    cfg = config_case(tmp_path, 'project: X\nstyle:\n  look: "teal\n  aspect_ratio: 16:9\n')
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    line = assert_one_error_line(err, f"{cfg}:", "not valid YAML")
    assert "line 3, column 9" in line     # where the unclosed quote starts


def test_tab_indentation_names_line_and_column(run, tmp_path):
    cfg = config_case(tmp_path, "project: X\n\tstyle: x\n")
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    assert_one_error_line(err, f"{cfg}:2:1:")


def test_wrong_types_each_named_with_line(run, tmp_path):
    cfg = config_case(tmp_path, "characters:\n  - name: Mara\n    seed: lots\n"
                                "planner:\n  seconds_per_day: fast\n")
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    assert_one_error_line(err, f"{cfg}:3:", "seed", "whole number",
                          f"{cfg}:5:", "seconds_per_day")


def test_unknown_keys_get_did_you_mean(run, tmp_path):
    cfg = config_case(tmp_path, "project: X\nstyel:\n  look: teal\n")
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    assert_one_error_line(err, f"{cfg}:2:", "styel", "did you mean 'style'")


def test_alias_claimed_by_two_characters(run, tmp_path):
    cfg = config_case(tmp_path, "characters:\n  - name: Mara\n    aliases: [Captain]\n"
                                "  - name: Tomas\n    aliases: [captain]\n")
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    assert_one_error_line(err, f"{cfg}:4:", "captain", "Mara", "Tomas")   # the entry


def test_character_reference_that_does_not_exist_is_warned(run, tmp_path):
    cfg = config_case(tmp_path, "characters:\n  - name: Mara\n"
                                "    reference: images/mara.png\n")
    status, _, err = run("chapter1.md", "--config", cfg, "--format", "json")
    assert status == 0, err
    assert f"warning: {cfg}:2:" in err and "images/mara.png" in err


def test_character_no_chapter_mentions_is_reported_with_v(run, tmp_path):
    cfg = config_case(tmp_path, "characters:\n  - name: Marra Quill\n")
    status, _, err = run("chapter1.md", "--config", cfg, "--format", "json", "-v")
    assert status == 0, err
    assert "Marra Quill" in err and "not mentioned" in err


def test_yaml_python_tags_refused_not_run(run, tmp_path):
    marker = tmp_path / "pwned"
    cfg = config_case(tmp_path, f"project: !!python/object/apply:os.system "
                                f"['touch {marker}']\n")
    status, _, err = run("chapter1.md", "--config", cfg)
    assert status == 1
    assert_one_error_line(err, f"{cfg}:1:", "!!python/object/apply")
    assert not marker.exists()


def test_missing_config_file(run, tmp_path):
    chapter(tmp_path)
    status, _, err = run("chapter1.md", "--config", "nope.yaml")
    assert status == 1
    assert_one_error_line(err, "nope.yaml", "no such file")


# --------------------------------------------------------------- templates
def test_template_syntax_error_names_template_and_line(run, tmp_path):
    cfg = config_case(tmp_path, "project: X\n")
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    (tmp_path / "templates" / "prompts" / "flux.j2").write_text("a\n{% if shot %}\n{{ x }\n")
    status, _, err = run("chapter1.md", "--config", cfg, "--format", "json")
    assert status == 1
    assert_one_error_line(err, "templates/prompts/flux.j2:3:", "syntax")
    assert not list(tmp_path.glob("out/**/*.*"))    # checked before anything is written


def test_undefined_variable_names_template_and_shot(run, tmp_path):
    cfg = config_case(tmp_path, "project: X\n")
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    (tmp_path / "templates" / "prompts" / "flux.j2").write_text("{{ shot.descripton }}\n")
    status, _, err = run("chapter1.md", "--config", cfg, "--format", "json")
    assert status == 1
    assert_one_error_line(err, "templates/prompts/flux.j2:1:", "shot 1.1.1",
                          "did you mean 'description'")


# -------------------------------------------------------------- environment
def test_model_missing_says_how_to_install(run, tmp_path, monkeypatch):
    monkeypatch.setattr(nlp_module, "MODEL_PACKAGES", ("no_such_model_for_novel2board",))
    monkeypatch.setattr(pipeline, "load_nlp", nlp_module.load_nlp.__wrapped__)
    chapter(tmp_path)
    status, _, err = run("chapter1.md")
    assert status == 1
    assert_one_error_line(err, "spaCy English model", "pip install en-core-web-sm")


def test_out_is_a_file(run, tmp_path):
    chapter(tmp_path)
    (tmp_path / "out").write_text("not a folder")
    status, _, err = run("chapter1.md", "--out", "out")
    assert status == 1
    assert_one_error_line(err, "out", "in the way", "--out")
    assert (tmp_path / "out").read_text() == "not a folder"


def test_out_not_writable(run, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod does not stop root from writing "
                    "(test_out_is_a_file and test_permission_denied_mid_write cover it)")
    chapter(tmp_path)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0o500)
    try:
        status, _, err = run("chapter1.md", "--out", "locked")
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert status == 1
    assert_one_error_line(err, "locked", "permission")


def test_permission_denied_mid_write(run, tmp_path, monkeypatch):
    chapter(tmp_path)
    import tempfile
    real = tempfile.mkstemp

    def refuse(*args, dir=None, prefix="", **kwargs):
        if "shots.csv" in prefix:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, prefix=prefix, **kwargs)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    status, _, err = run("chapter1.md", "--format", "json,csv")
    assert status == 1
    assert_one_error_line(err, "permission", "--out")
    assert not (tmp_path / "out" / "chapter1" / "shots.json").exists()   # all or none


def test_disk_full_keeps_previous_board(run, tmp_path, monkeypatch):
    chapter(tmp_path)
    assert run("chapter1.md", "--format", "json,csv,prompts")[0] == 0
    folder = tmp_path / "out" / "chapter1"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    chapter(tmp_path, CHAPTER.replace("rain", "snow"))
    real_write = os.write
    calls = {"n": 0}

    def fill_up(fd, data):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)
    monkeypatch.setattr(os, "write", fill_up)
    status, _, err = run("chapter1.md", "--format", "json,csv,prompts")
    monkeypatch.undo()
    assert status == 1
    assert_one_error_line(err, "disk is full", "free some space")
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before


# ---------------------------------------------------------- exits and -v
def test_no_traceback_by_default_and_traceback_with_v(run, tmp_path):
    status, _, err = run(tmp_path / "gone.md")
    assert status == 1 and "Traceback" not in err
    status, _, err = run(tmp_path / "gone.md", "-v")
    assert status == 1 and "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("error:")


def test_a_bug_is_one_line_without_v(run, tmp_path, monkeypatch):
    chapter(tmp_path)

    def broken(*args, **kwargs):
        raise TypeError("an internal mistake")
    monkeypatch.setattr(pipeline, "split_scenes", broken)
    status, _, err = run("chapter1.md", "--format", "json")
    assert status == 1
    assert_one_error_line(err, "TypeError", "bug", "-v")
    status, _, err = run("chapter1.md", "--format", "json", "-v")
    assert status == 1 and "Traceback" in err


def test_usage_errors_exit_2(run, tmp_path):
    """main() returns the status (scripts calling it need no SystemExit guard)."""
    assert run("--variants", "many", "x.md")[0] == 2
    assert run()[0] == 2
    assert run("--version")[0] == 0


def test_bad_option_values_are_usage_errors_not_tracebacks(run, tmp_path):
    """A bad option value is wrong usage of the command line: exit 2, like
    argparse's own choices (--paper A3), with the problem on the last line."""
    chapter(tmp_path)
    for args, fragment in ((("--format", "gif"), "unknown format 'gif'"),
                           (("--layout", "nine-up"), "unknown layout 'nine-up'"),
                           (("--variants", "0"), "--variants: must be 1 or more"),
                           (("--jobs", "two"), "is not a whole number"),
                           (("--paper", "A3"), "--paper")):
        status, _, err = run("chapter1.md", *args)
        assert status == 2, args
        last = err.strip().splitlines()[-1]
        assert last.startswith("novel2board: error: ") and fragment in last, err
        assert "Traceback" not in err


def test_quiet_levels(run, tmp_path):
    (tmp_path / "ch.md").write_bytes(CHAPTER.replace("quay", "caf\u00e9").encode("cp1252"))
    status, _, err = run("ch.md", "--format", "json", "-q")
    assert status == 0 and "boarded" not in err and "warning:" in err
    status, _, err = run("ch.md", "--format", "json", "-qq")
    assert status == 0 and err == ""


def test_interrupt_in_a_stage_exits_130_and_keeps_the_board(run, tmp_path, monkeypatch):
    chapter(tmp_path)
    assert run("chapter1.md", "--format", "json,csv")[0] == 0
    folder = tmp_path / "out" / "chapter1"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    from novel2board.render import files

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(files, "_write_fully", interrupted)
    status, _, err = run("chapter1.md", "--format", "json,csv")
    assert status == 130
    assert_one_error_line(err, "interrupted")
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


@pytest.mark.parametrize("signum, delay, status", [
    # Importing the pipeline.  A known bug: about one run in ten ignores a
    # Ctrl-C this early (while WeasyPrint's libraries load) and boards to
    # the end; not found yet, so this case may fail without failing the run.
    pytest.param(signal.SIGINT, 0.6, 130, marks=pytest.mark.xfail(
        reason="an early Ctrl-C is sometimes lost (known bug, about 1 run in 10)",
        strict=False)),
    (signal.SIGINT, 3.0, 130),      # parsing, in worker processes
    (signal.SIGINT, 6.0, 130),      # rendering
    (signal.SIGTERM, 4.0, 143),
])
def test_ctrl_c_in_a_real_process_exits_130_and_leaves_no_temp_files(tmp_path, signum,
                                                                     delay, status):
    names = [f"chapter{n}.md" for n in range(1, 5)]
    for name in names:      # four chapters: still busy at the last delay
        shutil.copy(ROOT / "chapters" / name, tmp_path / name)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "novel2board", *names]
    # Its own process group, signalled whole, as a terminal's Ctrl-C is:
    # worker processes get the signal too and must not add tracebacks.
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    time.sleep(delay)
    if proc.poll() is not None:
        pytest.skip(f"the board finished within {delay} s on this machine: nothing to interrupt")
    os.killpg(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert_one_error_line(err, "interrupted")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_hostile_file_name_cannot_split_the_error_line_or_drive_the_terminal(run, tmp_path):
    status, _, err = run(tmp_path / "a\nb\x1b[2Jc.md")
    assert status == 1
    assert err.count("\n") == 1 and "\x1b" not in err
    assert_one_error_line(err, "\\x1b[2J", "no such file")


def test_a_broken_user_image_is_a_warning_not_an_error_line(run, tmp_path):
    chapter(tmp_path)
    images = tmp_path / "out" / "chapter1" / "images"
    images.mkdir(parents=True)
    (images / "1.1.1.png").write_bytes(b"not a picture")
    status, _, err = run("chapter1.md", "--format", "pdf")
    assert status == 0
    assert "error:" not in err
    assert "warning: weasyprint:" in err and "1.1.1.png" in err
    assert (images / "1.1.1.png").read_bytes() == b"not a picture"


def test_a_missing_python_package_says_how_to_install(run, tmp_path, monkeypatch):
    chapter(tmp_path)

    def no_weasyprint(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'weasyprint'", name="weasyprint")
    from novel2board.render import sheets
    monkeypatch.setattr(sheets, "to_pdf", no_weasyprint)
    monkeypatch.setattr("novel2board.render.to_pdf", no_weasyprint)
    status, _, err = run("chapter1.md", "--format", "pdf")
    assert status == 1
    assert_one_error_line(err, "'weasyprint' is not installed", "pip install")
