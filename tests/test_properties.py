"""Property tests: over arbitrary Unicode text and random Markdown, boarding
never crashes and the contract's invariants hold (docs/output-contract.md):
scenes partition the body, every quote is in exactly one shot, every
paragraph is in a shot or omitted with a reason, shots.json is valid JSON and
byte-identical on a second run.  Examples are few and the model is shared,
so this stays fast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from novel2board.config import Config
from novel2board.errors import InputError
from novel2board.model import Source
from novel2board.pipeline import board_chapter
from novel2board.read import split_chapters
from novel2board.read.source import normalise_newlines, read_source
from novel2board.render.data import to_json
from novel2board.resources import load_data
from novel2board.scenes import SceneCues
from novel2board.shots import load_rules

FAST = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def stages(nlp):
    """Everything board_chapter needs besides the chapter, built once."""
    return dict(config=Config(), nlp=nlp, rules=load_rules(None, None, nlp),
                cues=SceneCues.from_data(load_data("scenes.yaml", None) or {}),
                variants=2)


def board_json(text: str, stages) -> list[str]:
    """shots.json of every chapter found in `text`, as the CLI would write it."""
    source = Source(path=Path("prop.md"), text=text, sha256="0" * 64)
    return [to_json(board_chapter(source, chapter, **stages))
            for chapter in split_chapters(source)]


def check_invariants(text: str, doc: str) -> None:
    data = json.loads(doc)                                   # valid JSON
    chapter = data["chapter"]
    assert 0 <= chapter["start"] <= chapter["end"] <= len(text)
    paragraphs = _paragraph_spans(text, data)
    scenes = data["scenes"]
    # scenes in text order, not overlapping, covering every paragraph
    for a, b in zip(scenes, scenes[1:]):
        assert a["end"] <= b["start"], (a["id"], b["id"])
    for start, end in paragraphs:
        assert any(s["start"] <= start and end <= s["end"] for s in scenes), (start, end)
    # every quote in the dialogue of exactly one shot, text as in the source
    owners: dict[str, int] = {}
    for shot in data["shots"]:
        for line in shot["dialogue"]:
            owners[line["quote"]] = owners.get(line["quote"], 0) + 1
    for quote in data["quotes"]:
        assert owners.get(quote["id"]) == 1, quote["id"]
        assert text[quote["start"]:quote["end"]] == quote["text"]
    assert set(owners) <= {q["id"] for q in data["quotes"]}
    # every paragraph inside a shot, or omitted with a reason
    covered = [(s["start"], s["end"]) for s in data["shots"]] + \
        [(o["start"], o["end"]) for o in data["omitted"] if o["reason"]]
    for start, end in paragraphs:
        assert any(s <= start < e or start <= s < end for s, e in covered), (start, end)


def _paragraph_spans(text: str, data: dict) -> list[tuple[int, int]]:
    """The chapter's body paragraphs, re-read the way the pipeline reads them."""
    source = Source(path=Path("prop.md"), text=text, sha256="0" * 64)
    for chapter in split_chapters(source):
        if chapter.start == data["chapter"]["start"]:
            return [(p.start, p.end) for p in chapter.paragraphs]
    raise AssertionError("chapter not found again")


def run_property(text: str, stages) -> None:
    text = normalise_newlines(text)
    first = board_json(text, stages)
    for doc in first:
        check_invariants(text, doc)
    assert board_json(text, stages) == first                 # byte-identical rerun


# ------------------------------------------------------------------ text
@FAST
@given(st.text(max_size=300))
def test_arbitrary_unicode_text(stages, text):
    run_property(text, stages)


WORDS = st.sampled_from(
    "the rain fell on harbour Mara Tomas she he said asked walked door night "
    "morning kitchen quickly and but I you we it was is dark light".split())
NAMES = st.sampled_from(["Mara", "Tomas", "Dr. Quill", "Ilse Marr", "Captain"])


@st.composite
def sentence(draw):
    words = draw(st.lists(WORDS, min_size=1, max_size=12))
    text = " ".join(words)
    text = text[:1].upper() + text[1:] + draw(st.sampled_from([".", "!", "?", "", "..."]))
    return text


@st.composite
def quote(draw):
    opening, closing = draw(st.sampled_from([("“", "”"), ('"', '"'), ("‘", "’"),
                                             ("“", ""), ("«", "»")]))
    said = draw(st.sampled_from(["", f" {draw(NAMES)} said.", " she asked.", ","]))
    return f"{opening}{draw(sentence())}{closing}{said}"


@st.composite
def markdown_block(draw):
    kind = draw(st.sampled_from(["para", "para", "para", "dialogue", "heading", "break",
                                 "link", "html", "wrapped", "emphasis", "list"]))
    if kind == "para":
        return " ".join(draw(st.lists(sentence(), min_size=1, max_size=4)))
    if kind == "dialogue":
        return " ".join(draw(st.lists(st.one_of(quote(), sentence()), min_size=1,
                                      max_size=3)))
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 3))} Chapter {draw(st.integers(1, 40))}: " \
               f"{draw(sentence())}"
    if kind == "break":
        return draw(st.sampled_from(["* * *", "---", "#", "***", "~~~", "\u2042"]))
    if kind == "link":
        return f"{draw(sentence())} ![a picture](http://example.com/{draw(WORDS)}.png) " \
               f"[a link](https://example.com)"
    if kind == "html":
        return f"<div>{draw(sentence())}</div> <script>alert(1)</script>"
    if kind == "wrapped":
        return "\n".join(draw(st.lists(sentence(), min_size=2, max_size=5)))
    if kind == "emphasis":
        return f"*{draw(sentence())}* **{draw(NAMES)}** _{draw(sentence())}_"
    return "\n".join(f"- {draw(sentence())}" for _ in range(draw(st.integers(1, 3))))


@FAST
@given(st.lists(markdown_block(), min_size=1, max_size=12),
       st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
def test_random_markdown(stages, blocks, separator):
    text = separator.join(blocks) + "\n"
    assume(split_chapters(Source(Path("p.md"), text, "0")))
    run_property(text, stages)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=600))
def test_arbitrary_bytes_read_or_refused_plainly(tmp_path, data):
    path = tmp_path / "bytes.md"
    path.write_bytes(data)
    try:
        source = read_source(path)
    except InputError as exc:
        assert "\n" not in exc.render()
        return
    assert source.text.strip()
    assert "\r" not in source.text
