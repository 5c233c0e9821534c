"""`novel2board init` and `novel2board cast`."""

from __future__ import annotations

import re

import pytest
import yaml

from novel2board.config import load_config
from novel2board.project import (Found, add_proposals, cast_command, init_command,
                                 init_project, proposal_text)

CHAPTER = """# Chapter 1: The Ferry

Maren Holt waited on the quay while the ferry came in. The gulls wheeled over the
harbour and Maren Holt counted the cars on the deck.

"You're late," Maren said when Jonah Vale stepped off.

Jonah Vale shrugged and set his bag down on the quay. Jonah Vale was tall and thin, with a
ginger beard and a wet coat. "The tide was wrong," Jonah said.

Maren Holt picked up the bag and walked toward the harbour office. Jonah followed her.
"""


def test_init_scaffolds_a_project(tmp_path, capsys):
    folder = tmp_path / "my-novel"
    assert init_command([str(folder)]) == 0
    assert (folder / "novel2board.yaml").is_file()
    assert (folder / "chapters").is_dir()
    readme = (folder / "templates" / "README.md").read_text(encoding="utf-8")
    assert "prompts/midjourney.j2" in readme and "variants.yaml" in readme
    assert load_config(folder / "novel2board.yaml").project == "My Novel"
    assert "created" in capsys.readouterr().out


def test_init_never_overwrites(tmp_path):
    (tmp_path / "novel2board.yaml").write_text("project: Mine\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "README.md").write_text("my notes", encoding="utf-8")
    report = init_project(tmp_path)
    assert (tmp_path / "novel2board.yaml").read_text(encoding="utf-8") == "project: Mine\n"
    assert (tmp_path / "templates" / "README.md").read_text(encoding="utf-8") == "my notes"
    assert sum(line.startswith("kept") for line in report) == 2


def test_init_and_cast_have_help(capsys):
    for command in (init_command, cast_command):
        with pytest.raises(SystemExit) as exit_:
            command(["--help"])
        assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "novel2board init" in out and "novel2board cast" in out


def found(name, mentions=5, aliases=(), gender="female", setting=None) -> Found:
    f = Found(name, mentions=mentions, aliases=list(aliases), chapters=["ch1"],
              setting=setting)
    f.gender[gender] += 1
    return f


USER_FILE = """# My project: keep this comment
project: Harbour   # and this one
characters:
  - name: Maren Holt
    aliases: [Maren]
    description: "a broad woman of forty in a yellow oilskin"   # her coat matters

  # a note the user wrote between sections
locations:
  - name: Quay
    setting: EXT
output:
  paper: a4
"""


def test_cast_proposals_keep_every_line_the_user_wrote(tmp_path):
    path = tmp_path / "novel2board.yaml"
    path.write_text(USER_FILE, encoding="utf-8")
    added = add_proposals(path, [found("Jonah Vale", 9, ["Jonah"], "male")],
                          [found("Harbour office", 2, setting="INT")])
    assert added == 2
    after = path.read_text(encoding="utf-8")
    new_lines = after.splitlines()
    # Nothing removed or changed: the old file is a subsequence of the new one.
    it = iter(new_lines)
    assert all(any(old == new for new in it) for old in USER_FILE.splitlines())
    assert [c.name for c in load_config(path).characters] == ["Maren Holt"]
    # The proposal sits at the end of the list, ready to uncomment.
    at = new_lines.index("  # - name: Jonah Vale    # 9 mentions (ch1)")
    assert new_lines[at - 1].startswith("  # proposed by")
    assert new_lines.index("  # a note the user wrote between sections") > at
    uncommented = re.sub(r"(?m)^(\s*)# (?=- |  )", r"\1", after)
    data = yaml.safe_load(uncommented)
    assert data["characters"][1]["name"] == "Jonah Vale"
    assert data["characters"][1]["aliases"] == ["Jonah"]
    assert data["characters"][1]["pronouns"] == "he/him"
    assert data["locations"][1]["name"] == "Harbour office"
    assert data["locations"][1]["setting"] == "INT"


def test_cast_does_not_propose_a_name_twice(tmp_path):
    path = tmp_path / "novel2board.yaml"
    path.write_text(USER_FILE, encoding="utf-8")
    add_proposals(path, [found("Jonah Vale")], [])
    once = path.read_text(encoding="utf-8")
    assert add_proposals(path, [found("Jonah Vale")], []) == 0
    assert path.read_text(encoding="utf-8") == once


def test_cast_appends_a_list_the_file_lacks(tmp_path):
    path = tmp_path / "novel2board.yaml"
    path.write_text("project: Bare\n", encoding="utf-8")
    add_proposals(path, [found("Jonah Vale")], [])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("project: Bare\n")
    assert load_config(path).characters == ()
    data = yaml.safe_load(re.sub(r"(?m)^(\s*)# (?=- |  )", r"\1", text))
    assert data["characters"][0]["name"] == "Jonah Vale"


def test_proposal_text_quotes_awkward_names():
    text = proposal_text([found("Dr. No: The Sequel")], [])
    assert yaml.safe_load(text)["characters"][0]["name"] == "Dr. No: The Sequel"


def test_cast_finds_the_people_of_a_chapter(tmp_path, capsys, nlp):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "ch1.md").write_text(CHAPTER, encoding="utf-8")
    config = tmp_path / "novel2board.yaml"
    config.write_text(USER_FILE, encoding="utf-8")
    assert cast_command([str(tmp_path / "chapters"), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\d+\s+Maren Holt\s+\[in the bible\]", out)
    assert re.search(r"\d+\s+Jonah Vale\s+\[new\]", out)
    text = config.read_text(encoding="utf-8")
    assert "# - name: Jonah Vale" in text and "# - name: Maren Holt" not in text
    assert '# in the text: "Jonah Vale was tall and thin, with a ginger beard and a wet coat."' \
        in text
    before = text
    assert cast_command([str(tmp_path / "chapters"), "--config", str(config),
                         "--dry-run", "-q"]) == 0
    assert config.read_text(encoding="utf-8") == before


def test_cast_leaves_a_flow_style_list_alone(tmp_path):
    path = tmp_path / "novel2board.yaml"
    path.write_text("project: Flow\ncharacters: [{name: Ann}]\n", encoding="utf-8")
    add_proposals(path, [found("Jonah Vale")], [])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("project: Flow\ncharacters: [{name: Ann}]\n")
    assert [c.name for c in load_config(path).characters] == ["Ann"]
    assert "# - name: Jonah Vale" in text


def test_cast_merges_a_short_name_another_chapter_knows_as_an_alias(tmp_path, capsys, nlp):
    # Chapter 2 never says "Jonah Vale": its "Jonah" is chapter 1's Jonah Vale.
    (tmp_path / "ch1.md").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "ch2.md").write_text(
        "# Chapter 2: The Office\n\nJonah sat by the stove in the harbour office. Jonah "
        "dried his coat. \"Tea?\" Jonah asked.\n", encoding="utf-8")
    assert cast_command([str(tmp_path / "ch1.md"), str(tmp_path / "ch2.md"),
                         "--dry-run"]) == 0
    table = capsys.readouterr().out.split("Places")[0]
    assert re.search(r"\d+\s+Jonah Vale\s+\[new\]\s+aka .*Jonah", table)
    assert not re.search(r"\d+\s+Jonah\s+\[", table)


def test_cast_quotes_a_sentence_about_the_person_and_proposes_only_scene_settings(
        tmp_path, capsys, nlp):
    (tmp_path / "ch1.md").write_text(
        "# Chapter 1: The Office\n\n"
        "Maren Holt sat in the harbour office with the ledger open.\n\n"
        "Jonah Vale came in out of the rain. He was tall and thin, with a ginger beard "
        "and a wet coat.\n\n"
        "Maren reached for the kettle, and Jonah caught her wrist with his thin "
        "hand in a grey glove, old coat, wet hat, long beard.\n\n"
        "On the shelf stood a biscuit tin with a castle on the lid, and a postcard "
        "from Chile that Maren had never answered. Maren looked at the castle.\n",
        encoding="utf-8")
    assert cast_command([str(tmp_path / "ch1.md"), "--dry-run", "-q",
                         "--min-mentions", "1"]) == 0
    out = capsys.readouterr().out
    proposals = yaml.safe_load(out.split("\n(no ")[0])
    # The sentence that starts with Maren is not Jonah's, though it is full
    # of his coat and beard; "He was tall and thin" is.
    assert '# in the text: "He was tall and thin, with a ginger beard and a wet coat."' in out
    places = [p["name"] for p in proposals.get("locations") or []]
    assert "Office" in places and not {"Chile", "Castle"} & set(places), places


def test_cast_edits_the_project_file_in_place(tmp_path):
    """A symlinked file stays a link, and mode, CRLF and BOM are kept (#18)."""
    import os
    import stat
    real = tmp_path / "shared" / "novel2board.yaml"
    real.parent.mkdir()
    real.write_bytes(b"\xef\xbb\xbf" + USER_FILE.replace("\n", "\r\n").encode("utf-8"))
    os.chmod(real, 0o664)
    link = tmp_path / "novel2board.yaml"
    link.symlink_to(real)
    assert add_proposals(link, [found("Jonah Vale")], []) == 1
    assert link.is_symlink() and link.resolve() == real.resolve()
    data = real.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"Jonah Vale" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    assert [c.name for c in load_config(link).characters] == ["Maren Holt"]
