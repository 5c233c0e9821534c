"""Nothing a shared project folder holds can run code or read files outside
it: templates render in Jinja's sandbox, no template or data file is read
through a symlink that leaves the project or the built-ins, and a YAML file
cannot grow without bound through its aliases."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from novel2board import cli
from novel2board.config import parse_config
from novel2board.errors import ConfigError, Novel2BoardError, TemplateError
from novel2board.resources import find_file, load_data
from novel2board.templating import forget_templates, render

CHAPTER = "# Chapter 1\n\nMara opened the door of the lighthouse and looked out at the sea.\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    forget_templates()
    yield tmp_path
    forget_templates()


def board(project: Path, *args: str) -> int:
    (project / "ch.md").write_text(CHAPTER, encoding="utf-8")
    (project / "novel2board.yaml").write_text("project: Test\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return cli.main(["ch.md", "-q", "--format", "prompts", "--no-cache", *args])
    finally:
        os.chdir(cwd)


# ------------------------------------------------------------------ sandbox
@pytest.mark.parametrize("escape", [
    "{{ lipsum.__globals__['os'].popen('echo PWNED').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('echo PWNED').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{% set d = dict(a=1) %}{{ d.update(b='PWNED') }}{{ d }}",
])
def test_a_template_cannot_reach_python_internals(project, escape):
    (project / "templates" / "mine.txt.j2").write_text(escape)
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "shot 1.1.1")
    assert "sandbox" in info.value.message
    assert "PWNED" not in info.value.render()


def test_a_hostile_prompt_template_stops_the_run_without_running(project, tmp_path, capsys):
    marker = tmp_path / "ran"
    (project / "templates" / "prompts" / "midjourney.j2").write_text(
        f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}")
    assert board(project) == 1
    assert not marker.exists()
    err = capsys.readouterr().err
    assert "midjourney.j2" in err and "sandbox" in err


def test_ordinary_template_code_still_works_in_the_sandbox(project):
    (project / "templates" / "mine.txt.j2").write_text(
        "{% set d = dict(a=1) %}{{ d.a }} {{ 'x,y'.split(',') | join('+') }} "
        "{{ sentence('ok') }} {{ [3, 1, 2] | sort | first }}")
    assert render(project, "mine.txt.j2", "x") == "1 x+y ok. 1"


# ----------------------------------------------------------------- symlinks
def test_a_template_linked_to_a_file_outside_is_refused(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "passwd"
    secret.write_text("root:x:0:0:SECRET\n")
    (project / "templates" / "mine.txt.j2").symlink_to(secret)
    with pytest.raises(TemplateError) as info:
        render(project, "mine.txt.j2", "x")
    assert "outside" in info.value.message and "SECRET" not in info.value.render()


def test_an_include_of_a_link_outside_is_refused(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "key"
    secret.write_text("SECRET")
    (project / "templates" / "prompts" / "leak.j2").symlink_to(secret)
    (project / "templates" / "prompts" / "flux.j2").write_text(
        '{% include "prompts/leak.j2" %}')
    with pytest.raises(TemplateError, match="outside"):
        render(project, "prompts/flux.j2", "x")


def test_a_board_with_a_leaking_link_is_an_error_not_a_prompt(project, tmp_path_factory,
                                                               capsys):
    secret = tmp_path_factory.mktemp("elsewhere") / "passwd"
    secret.write_text("root:x:0:0:SECRET\n")
    (project / "templates" / "prompts" / "midjourney.j2").symlink_to(secret)
    assert board(project) == 1
    assert "outside" in capsys.readouterr().err
    assert not (project / "out" / "ch" / "prompts" / "midjourney.txt").exists()


def test_a_link_inside_the_project_is_fine(project):
    (project / "shared.j2").write_text("from the project")
    (project / "templates" / "mine.txt.j2").symlink_to(project / "shared.j2")
    assert render(project, "mine.txt.j2", "x") == "from the project"


def test_a_templates_folder_linked_outside_the_project_is_refused(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    pack = tmp_path_factory.mktemp("pack")
    (pack / "mine.txt.j2").write_text("theirs")
    (project / "templates").symlink_to(pack, target_is_directory=True)
    forget_templates()
    with pytest.raises(Novel2BoardError, match="outside the project"):
        render(project, "mine.txt.j2", "x")


def test_a_data_file_linked_outside_is_refused(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "scenes.yaml"
    secret.write_text("{}\n")
    (project / "templates" / "scenes.yaml").symlink_to(secret)
    with pytest.raises(Novel2BoardError, match="outside"):
        find_file("scenes.yaml", project)
    with pytest.raises(Novel2BoardError, match="outside"):
        load_data("scenes.yaml", project)


def test_planner_rules_outside_the_project_are_refused(project, tmp_path_factory, capsys):
    from novel2board.resources import builtin_templates_dir
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "rules.yaml").write_text((builtin_templates_dir() / "rules.yaml").read_text())
    (project / "mine.yaml").symlink_to(elsewhere / "rules.yaml")
    (project / "ch.md").write_text(CHAPTER, encoding="utf-8")
    (project / "novel2board.yaml").write_text("planner:\n  rules: mine.yaml\n")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        status = cli.main(["ch.md", "-q", "--format", "json", "--no-cache"])
    finally:
        os.chdir(cwd)
    assert status == 1 and "outside" in capsys.readouterr().err


# ------------------------------------------------------------- YAML aliases
def alias_bomb(levels: int, width: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\nproject: boom\n"


@pytest.mark.parametrize("levels", [7, 9])
def test_an_alias_bomb_in_the_project_file_is_refused_at_once(tmp_path, levels):
    started = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        parse_config(alias_bomb(levels), tmp_path / "novel2board.yaml")
    assert time.perf_counter() - started < 1.0      # not a timing target: a bomb goes off
    assert "aliases" in info.value.render()
    assert info.value.line is not None


def test_an_alias_bomb_in_a_data_file_is_refused(project):
    (project / "templates" / "layouts.yaml").write_text(alias_bomb(9))
    with pytest.raises(ConfigError, match="aliases"):
        load_data("layouts.yaml", project)


def test_an_alias_bomb_in_a_rules_file_is_refused(tmp_path):
    from novel2board.shots.rulefile import check_rule_file
    with pytest.raises(ConfigError, match="aliases"):
        check_rule_file(alias_bomb(9), tmp_path / "rules.yaml")


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="refers to the value it is part of"):
        parse_config("style: &s\n  look: [*s]\n", tmp_path / "novel2board.yaml")


def test_modest_aliases_still_work(tmp_path):
    text = ("style:\n  look: &look \"teal and amber\"\n  negative: *look\n"
            "characters:\n  - &ilse {name: Ilse, description: \"a lean woman\"}\n")
    config = parse_config(text, tmp_path / "novel2board.yaml")
    assert config.style.negative == "teal and amber"
