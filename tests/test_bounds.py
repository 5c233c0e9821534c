"""Nothing a file can do to you (#18): every number has a range, checked
with the setting, reported with its file and line, never "a bug"."""

from __future__ import annotations

from pathlib import Path

import pytest

from novel2board import cli
from novel2board.resources import builtin_templates_dir

CHAPTER = "# One\n\nMara sat down at the table. She poured the tea.\n"


def run(tmp_path: Path, capsys, *args: str) -> tuple[int, str]:
    (tmp_path / "c.md").write_text(CHAPTER, encoding="utf-8")
    code = cli.main([str(tmp_path / "c.md"), "--out", str(tmp_path / "out"),
                     "--format", "json", "--no-cache", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("setting, value", [
    ("words_per_second", "0"), ("words_per_second", "1.0e-300"),
    ("words_per_second", ".inf"), ("words_per_second", ".nan"),
    ("seconds_per_day", "-45"), ("line_pause_s", "-1"), ("max_clip_s", "0")])
def test_a_planner_number_out_of_range_is_a_config_error_with_its_line(
        tmp_path, capsys, setting, value):
    (tmp_path / "novel2board.yaml").write_text(f"planner:\n  {setting}: {value}\n",
                                               encoding="utf-8")
    code, err = run(tmp_path, capsys, "--config", str(tmp_path / "novel2board.yaml"))
    assert code == 1
    assert f"novel2board.yaml:2: 'planner.{setting}' is" in err and "between" in err
    assert "bug" not in err


@pytest.mark.parametrize("old, new, where", [
    ("duration_s: 3}", "duration_s: -2}", "shot.duration_s"),
    ("EWS: 18", "EWS: 0", "defaults.lens_mm.EWS"),
])
def test_a_rules_number_out_of_range_is_a_config_error(tmp_path, capsys, old, new, where):
    text = (builtin_templates_dir() / "rules.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "rules.yaml").write_text(text.replace(old, new), encoding="utf-8")
    (tmp_path / "novel2board.yaml").write_text("planner:\n  rules: rules.yaml\n",
                                               encoding="utf-8")
    code, err = run(tmp_path, capsys, "--config", str(tmp_path / "novel2board.yaml"))
    assert code == 1 and f"{where}' is" in err and "rules.yaml:" in err


def test_variants_on_the_command_line_keep_the_project_files_range(tmp_path, capsys):
    code, err = run(tmp_path, capsys, "--variants", "100000")
    assert code == 1 and "--variants is 100000; it should be between 1 and 100" in err


# ------------------------------------------------------------ special files
def _fifo(path: Path) -> Path:
    import os
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_a_config_that_is_no_regular_file_is_an_error_at_once(tmp_path, capsys, special):
    target = {"fifo": lambda: _fifo(tmp_path / "novel2board.yaml"),
              "/dev/zero": lambda: Path("/dev/zero"),
              "folder": lambda: tmp_path}[special]()
    code, err = run(tmp_path, capsys, "--config", str(target))
    assert code == 1 and "not a regular file" in err and "bug" not in err


def test_a_fifo_or_device_in_the_cache_is_a_miss_not_a_hang(tmp_path):
    import os

    from novel2board import cache
    store = cache.ChapterCache(tmp_path / "out")
    folder = tmp_path / "out" / cache.CACHE_DIR
    folder.mkdir(parents=True)
    _fifo(folder / f"ch{cache.ENTRY_SUFFIX}")
    assert store.load("ch", "key") is None
    os.symlink("/dev/zero", folder / f"zero{cache.ENTRY_SUFFIX}")
    assert store.load("zero", "key") is None


def test_read_regular_refuses_what_would_hang_or_fill_memory(tmp_path):
    from novel2board.resources import NotARegularFile, read_regular
    with pytest.raises(NotARegularFile):
        read_regular(_fifo(tmp_path / "pipe"))
    with pytest.raises(NotARegularFile):
        read_regular(Path("/dev/zero"))
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(NotARegularFile):
        read_regular(big, limit=1000)
    assert read_regular(big, limit=4000) == b"x" * 2000


def test_a_bad_byte_in_the_picks_is_read_line_by_line_not_a_crash(tmp_path):
    from novel2board.render.sheets import read_picks
    (tmp_path / "picks.txt").write_bytes(b"1.1.2 3  # caf\xe9 version\n1.1.3 2\n")
    assert read_picks(tmp_path, {"1.1.2", "1.1.3"}) == {"1.1.2": 3, "1.1.3": 2}


# ------------------------------------------------- one line, no parameters
def test_no_dash_of_the_prose_or_the_bible_reaches_midjourney_as_a_parameter(
        tmp_path, capsys):
    (tmp_path / "novel2board.yaml").write_text(
        'characters:\n  - name: Mara Voss\n    description: "A tall woman \u2014ar 1:1"\n',
        encoding="utf-8")
    (tmp_path / "c.md").write_text("# One\n\nMara Voss wrote \u2014no people and \u2013ar "
                                   "9:16 on the glass. She sat down.\n", encoding="utf-8")
    code = cli.main([str(tmp_path / "c.md"), "--out", str(tmp_path / "out"), "--config",
                     str(tmp_path / "novel2board.yaml"), "--format", "prompts", "--no-cache"])
    assert code == 0
    text = (tmp_path / "out" / "c" / "prompts" / "midjourney.txt").read_text(encoding="utf-8")
    assert "\u2014" not in text and "\u2013" not in text
    assert all(line.count("--ar") == 1 for line in text.splitlines())


def test_a_newline_in_a_config_string_cannot_start_a_line_of_its_own(tmp_path):
    from novel2board.config import parse_config
    config = parse_config('project: "Book\\nTitle: injected"\nstyle:\n  look: >\n'
                          '    grainy film,\n    teal grade\n', tmp_path / "novel2board.yaml")
    assert config.project == "Book Title: injected"
    assert config.style.look == "grainy film, teal grade"


@pytest.mark.parametrize("stem, slug", [("Глава 1", "глава-1"), ("第一章", "第一章"),
                                        ("नमस्ते दुनिया", "नमस्ते-दुनिया"),
                                        ("Café Noir", "cafe-noir")])
def test_slugs_keep_the_letters_of_every_script(stem, slug):
    from novel2board.read.slugs import slugify
    assert slugify(stem) == slug


def test_a_folder_of_cyrillic_file_names_boards(tmp_path, capsys):
    folder = tmp_path / "книга"
    folder.mkdir()
    for name in ("Глава 1.md", "Глава 2.md"):
        (folder / name).write_text(CHAPTER, encoding="utf-8")
    code = cli.main([str(folder), "--out", str(tmp_path / "out"), "--format", "json",
                     "--no-cache"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()
                  and not p.name.startswith(".")) == ["глава-1", "глава-2"]
