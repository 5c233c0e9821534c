"""The project file: every problem at once, as file:line, with "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from novel2board.config import load_config, parse_config
from novel2board.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def problems_of(tmp_path: Path, text: str) -> dict[int | None, str]:
    path = tmp_path / "novel2board.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        parse_config(text, path)
    rendered = err.value.render()
    for line, message in err.value.problems:
        assert (f"{path}:{line}: " if line else f"{path}: ") + message in rendered \
            or len(err.value.problems) == 1
    return {line: message for line, message in err.value.problems}


def test_the_sample_project_file_is_valid():
    config = load_config(ROOT / "novel2board.yaml")
    assert config.project and config.style.look
    assert len(config.characters) >= 3
    assert all(c.description for c in config.characters)
    assert config.style.aspect_ratio == "2.39:1"


def test_the_init_template_is_valid(tmp_path):
    from novel2board.project import init_project
    init_project(tmp_path / "p")
    config = load_config(tmp_path / "p" / "novel2board.yaml")
    assert config.project == "P" and config.style.look
    assert config.characters == () and config.locations == ()


def test_every_problem_is_reported_at_once_with_its_line(tmp_path):
    text = """project: Test
styel:
  look: x
style:
  aspect_ratio: "wide"
  midjourney: {version: 5, stylize: 5000}
  video: {tool: klinng}
characters:
  - name: Ann
    aliases: [Annie]
    pronouns: it
    seed: abc
  - name: Bob
    aliases: [Annie]
    descripton: "tall"
locations:
  - name: Hall
    setting: inside
output:
  formats: [pdf, jsn]
  paper: a5
"""
    found = problems_of(tmp_path, text)
    assert "did you mean 'style'" in found[2]
    assert "aspect_ratio" in found[5]
    assert "did you mean 'kling'" in found[7]
    assert "pronouns" in found[11]
    assert found[12] == "'characters[0].seed' should be a whole number, not 'abc'"
    assert "'Annie' is claimed by both 'Ann' and 'Bob'" in found[13]
    assert "did you mean 'description'" in found[15]
    assert "INT, EXT or INT/EXT" in found[18]
    assert "did you mean 'json'" in found[20]
    assert "a4 or letter" in found[21]
    assert len(found) >= 11


def test_ranges_versions_and_seeds(tmp_path):
    text = """style:
  midjourney:
    version: 5
    chaos: 101
characters:
  - name: Ann
    seed: -3
"""
    found = problems_of(tmp_path, text)
    assert "7, 6.1 or 6" in found[3]
    assert "between 0 and 100" in found[4]
    assert "seed -3" in found[7]


def test_a_wrong_type_is_a_plain_message(tmp_path):
    found = problems_of(tmp_path, "characters:\n  name: Ann\n")
    message = found[2]
    assert message.startswith("'characters' should be a list")
    assert "Traceback" not in message and "MappingNode" not in message


def test_names_and_aliases_must_be_unique(tmp_path):
    text = """characters:
  - name: Ann
  - name: ann
locations:
  - name: Hall
    aliases: [the hall]
  - name: Big hall
    aliases: [the hall]
"""
    found = problems_of(tmp_path, text)
    assert "listed twice" in found[3]
    assert "'the hall' is claimed by both locations 'Hall' and 'Big hall'" in found[8]


def test_a_missing_reference_file_is_not_an_error(tmp_path):
    # cli.py warns about it after boarding; the board itself does not need it.
    text = "characters:\n  - name: Ann\n    reference: pics/ann.png\n"
    config = parse_config(text, tmp_path / "novel2board.yaml")
    assert config.characters[0].reference == "pics/ann.png"


def test_new_character_keys_are_read(tmp_path):
    text = """characters:
  - name: Ann
    description: a tall woman
    costume: a blue coat
    lora: ann_v1:0.6
    trigger: annx
    seed: 7
"""
    config = parse_config(text, tmp_path / "novel2board.yaml")
    ann = config.characters[0]
    assert (ann.costume, ann.lora, ann.trigger, ann.seed) == ("a blue coat", "ann_v1:0.6",
                                                              "annx", 7)
    assert ann.line == 2


def test_invalid_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "novel2board.yaml"
    text = "project: x\nstyle: [unclosed\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, path)
    assert f"{path}:" in err.value.render() and "not valid YAML" in err.value.render()


def test_a_rules_file_must_exist(tmp_path):
    found = problems_of(tmp_path, "planner:\n  rules: my_rules.yaml\n")
    assert "my_rules.yaml" in found[2] and "not a file" in found[2]
