"""Project templates/ first, then the built-ins; misspelt overrides are named."""

from __future__ import annotations

from novel2board.resources import builtin_templates_dir, find_file, unknown_overrides


def test_project_template_overrides_builtin_by_name(tmp_path):
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    mine = tmp_path / "templates" / "prompts" / "flux.j2"
    mine.write_text("mine", encoding="utf-8")
    assert find_file("prompts/flux.j2", tmp_path) == mine.resolve()
    # every file not overridden still comes from the built-in set
    assert find_file("prompts/midjourney.j2", tmp_path) == \
        builtin_templates_dir() / "prompts" / "midjourney.j2"


def test_a_misspelt_override_is_reported_with_the_name_it_likely_meant(tmp_path):
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    (tmp_path / "templates" / "prompts" / "midjourny.j2").write_text("x", encoding="utf-8")
    (tmp_path / "templates" / "prompts" / "flux.j2").write_text("x", encoding="utf-8")
    (tmp_path / "templates" / "README.md").write_text("notes", encoding="utf-8")
    found = unknown_overrides(tmp_path)
    assert [(p.name, guess) for p, guess in found] == [("midjourny.j2", "prompts/midjourney.j2")]


def test_no_templates_folder_no_warnings(tmp_path):
    assert unknown_overrides(tmp_path) == []
    assert unknown_overrides(None) == []


def test_a_template_edited_between_two_builds_is_used(tmp_path):
    """Templates are not re-checked on every render, but every build() reads
    them afresh: a notebook user editing an override sees the change."""
    from novel2board import build
    (tmp_path / "novel2board.yaml").write_text("project: T\n", encoding="utf-8")
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    override = tmp_path / "templates" / "prompts" / "flux.j2"
    chapter = tmp_path / "ch.md"
    chapter.write_text("Mara walked along the harbour road in the rain.\n", encoding="utf-8")
    first = []
    for word in ("FIRSTWORD", "SECONDWORD"):
        override.write_text(word + " {{ shot.description }}", encoding="utf-8")
        result = build([chapter], out=tmp_path / "out", config=tmp_path / "novel2board.yaml",
                       formats=("json",), jobs=1)
        first.append(result.boards[0].prompts[result.boards[0].shots[0].id].flux[0])
    assert first[0].startswith("FIRSTWORD") and first[1].startswith("SECONDWORD")


def test_without_a_project_file_no_template_is_overridden(tmp_path, monkeypatch):
    """Overrides live next to novel2board.yaml: with no project file, a
    templates/ folder in the working directory is not used by any stage."""
    from novel2board import build
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates" / "prompts").mkdir(parents=True)
    (tmp_path / "templates" / "prompts" / "flux.j2").write_text("OVERRIDE", encoding="utf-8")
    chapter = tmp_path / "ch.md"
    chapter.write_text("Mara walked along the harbour road in the rain.\n", encoding="utf-8")
    board = build([chapter], out=tmp_path / "out", formats=("json",), jobs=1).boards[0]
    assert not board.prompts[board.shots[0].id].flux[0].startswith("OVERRIDE")
