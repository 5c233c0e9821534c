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
