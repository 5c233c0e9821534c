"""The per-chapter cache: reused when nothing changed, redone when anything did."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from novel2board import cache, pipeline
from novel2board.cache import CACHE_DIR, ChapterCache
from novel2board.cli import main
from novel2board.pipeline import build
from novel2board.prompts import undescribed_warning

CHAPTER_ONE = """# Chapter 1: The Lighthouse

Ines Calder climbed the lighthouse stairs with a lamp in each hand.

"Who left the door open?" she asked the dark.

Far below, Piet Lorne was dragging the boat up onto the shingle.
"""
CHAPTER_TWO = """# Chapter 2: The Market

The market square was loud with gulls and traders by eight o'clock.

Piet bought bread and a bag of apples and looked for Ines in the crowd.

"Over here," she called from the fish stall.
"""
FORMATS = ("json", "csv", "prompts", "fountain")


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / "one.md").write_text(CHAPTER_ONE, encoding="utf-8")
    (folder / "two.md").write_text(CHAPTER_TWO, encoding="utf-8")
    return folder


@pytest.fixture
def boarded(monkeypatch):
    """The slugs of the chapters actually boarded (not taken from the cache)."""
    done: list[str] = []
    real = pipeline.board_chapter

    def counting(source, chapter, *args, **kwargs):
        done.append(chapter.slug)
        return real(source, chapter, *args, **kwargs)
    monkeypatch.setattr(pipeline, "board_chapter", counting)
    return done


def _run(paths, out, **kwargs):
    kwargs.setdefault("formats", FORMATS)
    return build(paths, out=out, cache=True, jobs=1, **kwargs)


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and CACHE_DIR not in p.parts}


def test_second_run_with_nothing_changed_boards_nothing(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    first = _run([project], out)
    files = _files(out)
    assert boarded == ["one", "two"]
    boarded.clear()
    second = _run([project], out)
    assert boarded == []
    assert second.boards == first.boards
    assert [b.source for b in second.boards] == [b.source for b in first.boards]
    assert _files(out) == files
    assert second.written == first.written


def test_an_edited_chapter_file_redoes_only_that_chapter(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    _run([project], out)
    boarded.clear()
    (project / "two.md").write_text(CHAPTER_TWO.replace("eight", "nine"), encoding="utf-8")
    result = _run([project], out)
    assert boarded == ["two"]
    assert "nine o'clock" in (out / "two" / "shots.json").read_text(encoding="utf-8")
    assert [b.slug for b in result.boards] == ["one", "two"]


def test_a_config_change_redoes_every_chapter(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    config = tmp_path / "novel2board.yaml"
    config.write_text('style:\n  look: "grey morning light"\n', encoding="utf-8")
    _run([project], out, config=config)
    boarded.clear()
    config.write_text('style:\n  look: "hard noon sun"\n', encoding="utf-8")
    _run([project], out, config=config)
    assert boarded == ["one", "two"]
    prompts = (out / "one" / "prompts" / "flux.txt").read_text(encoding="utf-8").lower()
    assert "hard noon sun" in prompts and "grey morning light" not in prompts


def test_a_project_template_change_redoes_every_chapter(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    config = tmp_path / "novel2board.yaml"
    config.write_text("project: Harbour\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    _run([project], out, config=config)
    boarded.clear()
    (tmp_path / "templates" / "notes.txt").write_text("anything", encoding="utf-8")
    _run([project], out, config=config)
    assert boarded == ["one", "two"]


def test_other_options_are_other_entries(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    _run([project], out, variants=2)
    boarded.clear()
    _run([project], out, variants=3)
    assert boarded == ["one", "two"]


def test_a_new_image_redoes_that_chapter(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    _run([project], out)
    boarded.clear()
    images = out / "one" / "images"
    images.mkdir()
    (images / "1.1.1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _run([project], out)
    assert boarded == ["one"]


def test_a_code_change_changes_every_key(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "stage.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE_DIR", package)
    cache.code_fingerprint.cache_clear()
    try:
        before = cache.code_fingerprint()
        (package / "stage.py").write_text("X = 2\n", encoding="utf-8")
        cache.code_fingerprint.cache_clear()
        assert cache.code_fingerprint() != before
    finally:
        cache.code_fingerprint.cache_clear()


@pytest.mark.parametrize("garbage", [b"", b"not an entry", cache.MAGIC + b"\x00broken"])
def test_a_corrupt_entry_is_ignored_and_replaced(project, tmp_path, boarded, garbage, nlp):
    out = tmp_path / "out"
    first = _run([project], out)
    entry = out / CACHE_DIR / "one.entry"
    entry.write_bytes(garbage)
    boarded.clear()
    second = _run([project], out)
    assert boarded == ["one"]
    assert second.boards == first.boards
    assert entry.read_bytes().startswith(cache.MAGIC)


def test_an_unwritable_cache_costs_speed_not_the_run(project, tmp_path, caplog, nlp):
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_DIR).write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        result = _run([project], out)
    assert len(result.boards) == 2
    assert (out / "one" / "shots.json").is_file()
    assert any("cannot write the cache" in r.getMessage() for r in caplog.records)


def test_the_cache_stays_in_its_folder(project, tmp_path, nlp):
    out = tmp_path / "out"
    (out / "one" / "images").mkdir(parents=True)
    _run([project], out)
    _run([project], out)
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == ["one.entry", "two.entry"]
    assert list((out / "one" / "images").iterdir()) == []
    assert not list(out.rglob("*.tmp"))


def test_warnings_are_shown_again_on_a_cached_run(project, tmp_path, caplog, nlp):
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING):
        _run([project], out)
    first = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        _run([project], out)
    second = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert first and second == first


def test_characters_without_description_make_one_warning_for_the_run(tmp_path, caplog, nlp):
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / "one.md").write_text("# Chapter 1: The Stairs\n\nThe lighthouse stood on the "
                                   "rock.\n\nAnna Berg stood at the top of the stairs with a "
                                   "lamp.\n", encoding="utf-8")
    (folder / "two.md").write_text("# Chapter 2: The Fire\n\nThe cottage was dark.\n\n"
                                   "Piet Lorne sat by the fire and mended a net.\n",
                                   encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        boards = _run([folder], tmp_path / "out").boards
    undescribed = [r.getMessage() for r in caplog.records if "no description" in r.getMessage()]
    assert len(undescribed) == 1
    assert "'Anna Berg', 'Piet Lorne'" in undescribed[0]
    assert undescribed[0].count("novel2board.yaml") == 1
    # Each chapter's shots.json keeps the names in frame in that chapter.
    assert [[w for w in b.warnings if "no description" in w] for b in boards] == [
        [undescribed_warning(["Anna Berg"])], [undescribed_warning(["Piet Lorne"])]]


def test_the_library_does_not_cache_unless_asked(project, tmp_path, nlp):
    build([project], out=tmp_path / "out", formats=("json",))
    assert not (tmp_path / "out" / CACHE_DIR).exists()


def test_the_command_line_caches_and_no_cache_turns_it_off(project, tmp_path, boarded, nlp):
    out = tmp_path / "out"
    # -j 1: the counting stand-in only sees chapters boarded in this process.
    args = [str(project), "--out", str(out), "--format", "json", "-q", "-j", "1"]
    assert main(args) == 0
    assert (out / CACHE_DIR / "one.entry").is_file()
    boarded.clear()
    assert main(args) == 0
    assert boarded == []
    assert main(args + ["--no-cache"]) == 0
    assert boarded == ["one", "two"]


def test_a_disabled_cache_loads_and_stores_nothing(tmp_path):
    store = ChapterCache(None)
    assert not store.enabled
    assert store.load("one", "key") is None
    store.store("one", object())  # no error, nothing written
    assert list(tmp_path.iterdir()) == []


_RAN = []


class _Payload:
    """Unpickling this would run code: what a planted cache entry could do."""

    def __reduce__(self):
        return (_RAN.append, ("unpickled",))


@pytest.mark.parametrize("forge", ["no signature", "wrong signature", "our own signature"])
def test_a_planted_pickle_never_runs(tmp_path, monkeypatch, forge):
    """Entries are JSON decoded by type: a pickle is never loaded, even one
    signed with our own key (the key was once returned short, #18)."""
    import hmac
    import pickle
    import zlib
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache.signing_key.cache_clear()
    try:
        store = cache.ChapterCache(tmp_path / "out")
        planted = tmp_path / "out" / cache.CACHE_DIR / f"ch{cache.ENTRY_SUFFIX}"
        planted.parent.mkdir(parents=True)
        body = zlib.compress(pickle.dumps(_Payload()))
        signature = {"no signature": b"", "wrong signature": b"\x00" * 32,
                     "our own signature": hmac.new(cache.signing_key(), body,
                                                   "sha256").digest()}[forge]
        planted.write_bytes(cache.MAGIC + signature + body)
        (planted.parent / "ch.pickle").write_bytes(b"\x80" + body)     # the old name
        assert store.load("ch", "any key") is None
        assert _RAN == []
        key_file = tmp_path / "home-cache" / "novel2board" / "cache-key"
        assert key_file.stat().st_mode & 0o077 == 0                 # private to the user
    finally:
        cache.signing_key.cache_clear()


@pytest.mark.parametrize("old_key", [b"", b"x"])
def test_a_short_or_empty_key_is_replaced_by_a_full_one(tmp_path, monkeypatch, old_key):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key_file = tmp_path / "novel2board" / "cache-key"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(old_key)
    cache.signing_key.cache_clear()
    try:
        key = cache.signing_key()
        assert key is not None and len(key) >= 32 and key_file.read_bytes() == key
        assert key_file.stat().st_mode & 0o077 == 0
    finally:
        cache.signing_key.cache_clear()


def test_an_entry_round_trips_through_json(project, tmp_path, nlp):
    out = tmp_path / "out"
    first = _run([project], out)
    entry = next((out / CACHE_DIR).glob(f"*{cache.ENTRY_SUFFIX}"))
    body = entry.read_bytes()[len(cache.MAGIC) + 32:]
    result = cache.ChapterResult.decode(body)
    board = next(b for b in first.boards if b.slug == result.board.slug)
    assert result.restore(board.source) == board
    assert result.outputs() and all(isinstance(v, (str, bytes)) for v in result.outputs().values())


def test_an_entry_of_the_wrong_shape_is_a_miss_not_an_error():
    import json
    import zlib

    from novel2board.serial import DecodeError
    bad = {"format": cache.ENTRY_FORMAT, "key": "k", "board": {"source": 1}, "packed": "",
           "log": []}
    with pytest.raises(DecodeError):
        cache.ChapterResult.decode(zlib.compress(json.dumps(bad).encode()))


def test_serial_round_trips_the_model_and_refuses_what_it_does_not_declare():
    from pathlib import Path

    from novel2board.model import Character, Shot, ShotState
    from novel2board.serial import DecodeError, from_data, to_data
    shot = Shot(id="1.1.1", scene="1.1", number=1, size="MS", framing="single",
                angle="eye-level", movement="static", lens_mm=50, subjects=("a",),
                description="A sits.", dialogue=(), duration_s=3, start=0, end=5, rule="r",
                screen=(("a", "left"),), state=ShotState(light="lamplight",
                                                          postures=(("a", "seated"),)))
    assert from_data(Shot, to_data(shot)) == shot
    assert from_data(Shot, to_data(shot)).duration_s == 3.0   # a float, as declared
    person = Character(id="a", name="A", aliases=("Ay",), gender="female", mentions=2)
    assert from_data(Character, to_data(person)) == person
    assert from_data(Path, "x/y") == Path("x/y") and from_data(bytes, to_data(b"\x00\xff")) == b"\x00\xff"
    for bad in ({**to_data(person), "gender": "robot"},            # not in the Literal
                {**to_data(person), "extra": 1},                   # no such field
                {k: v for k, v in to_data(person).items() if k != "name"},   # missing
                {**to_data(person), "mentions": "2"}):             # wrong type
        with pytest.raises(DecodeError):
            from_data(Character, bad)
