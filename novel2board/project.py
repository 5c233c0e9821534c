"""`novel2board init` and `novel2board cast`: setting up a project's bible.

init DIR   writes a commented novel2board.yaml, chapters/ and templates/ (with
           a README on overriding built-in templates); it never overwrites a
           file that exists.
cast PATH  reads the chapters, lists the characters and places found with
           their mention counts, and proposes bible entries for those not in
           novel2board.yaml yet.

Where cast's proposals go: into novel2board.yaml itself, as COMMENTED
entries placed at the end of the `characters:` and `locations:` lists.  A
comment changes nothing until the user accepts it (spaCy also finds names
that are not characters: a ship, a star), nothing the user wrote is moved or
rewritten (the file only gains lines), and accepting an entry is removing
"# " in place: the indentation already fits the list.  A name proposed once
is not proposed again.  `--dry-run` prints the proposals instead.
"""

from __future__ import annotations

import argparse
import bisect
import json
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import __version__
from .config import CONFIG_NAME, Config, load_config
from .errors import Novel2BoardError
from .resources import builtin_templates_dir, load_data, read_regular
from .templating import render
from . import yamlcheck

log = logging.getLogger(__name__)


# ===================================================================== init
def _init_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="novel2board init",
        description="Scaffold a project: a commented novel2board.yaml, chapters/ for "
                    "your chapter files, and templates/ for your own versions of the "
                    "built-in templates. Files that exist are never overwritten.")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                        help="the project folder (default: the current folder)")
    parser.add_argument("--project", default=None,
                        help="the project's title (default: from the folder name)")
    parser.add_argument("--version", action="version", version=f"novel2board {__version__}")
    return parser


def init_command(argv: list[str]) -> int:
    args = _init_parser().parse_args(argv)
    for line in init_project(args.dir, args.project):
        sys.stdout.write(line + "\n")
    return 0


def init_project(folder: Path, project: str | None = None) -> list[str]:
    """Create the project files that do not exist yet; say what was done."""
    if folder.exists() and not folder.is_dir():
        raise Novel2BoardError("is a file, not a folder", path=folder,
                               hint="give a folder to create the project in")
    title = project or _title_from(folder)
    files = {
        folder / CONFIG_NAME: render(None, "project/novel2board.yaml.j2", "init",
                                     project=title),
        folder / "templates" / "README.md": render(
            None, "project/templates_README.md.j2", "init",
            builtin=str(builtin_templates_dir()), files=_builtin_files()),
    }
    report = []
    for sub in (folder, folder / "chapters", folder / "templates"):
        if not sub.is_dir():
            _mkdir(sub)
            report.append(f"created {sub}/")
    for path, text in files.items():
        if path.exists():
            report.append(f"kept {path} (it exists; nothing overwritten)")
            continue
        _write_new(path, text.rstrip("\n") + "\n")
        report.append(f"created {path}")
    report.append(f"next: put chapter files in {folder / 'chapters'}/, run "
                  f"`novel2board cast {folder / 'chapters'}` to propose the cast, "
                  f"then `novel2board {folder / 'chapters'}`")
    return report


def _title_from(folder: Path) -> str:
    name = folder.resolve().name or "My Novel"
    return " ".join(w.capitalize() for w in re.split(r"[-_ ]+", name) if w) or "My Novel"


def _builtin_files() -> list[str]:
    root = builtin_templates_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "project" not in p.relative_to(root).parts[:1])


def _mkdir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Novel2BoardError(f"cannot create the folder ({exc.strerror})", path=path,
                               hint="check the path and your permissions") from None


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet ('x' mode: never overwrite)."""
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        pass
    except OSError as exc:
        raise Novel2BoardError(f"cannot write ({exc.strerror})", path=path,
                               hint="check your permissions") from None


# ===================================================================== cast
@dataclass
class Found:
    """A character or place seen across the chapters."""

    name: str
    mentions: int = 0
    aliases: list[str] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    gender: Counter = field(default_factory=Counter)
    setting: str | None = None
    in_bible: bool = False
    described: bool = False
    # The sentence of the chapters that says most about how they look, as a
    # start for the description: (score, text).
    seen: tuple[int, str] = (0, "")

    @property
    def pronouns(self) -> str | None:
        top = self.gender.most_common(1)[0][0] if self.gender else "unknown"
        return {"female": "she/her", "male": "he/him"}.get(top)


def _cast_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="novel2board cast",
        description="List the characters and places found in the chapters, with "
                    "mention counts, and propose novel2board.yaml entries for those "
                    "not in it yet. The proposals are added to novel2board.yaml as "
                    "commented entries at the end of the characters: and locations: "
                    "lists: nothing you wrote is changed; remove '# ' to accept one.",
        epilog="example: novel2board cast chapters/ --min-mentions 3")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="chapter files (.md, .markdown, .txt) or folders of them")
    parser.add_argument("--config", type=Path, default=None,
                        help="project file to add proposals to (default: "
                             "./novel2board.yaml if present)")
    parser.add_argument("--min-mentions", type=int, default=2,
                        help="propose only names mentioned at least this often (default: 2)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the proposals; change no file")
    parser.add_argument("-q", "--quiet", action="count", default=0,
                        help="print less (no table)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail")
    parser.add_argument("--version", action="version", version=f"novel2board {__version__}")
    return parser


def cast_command(argv: list[str]) -> int:
    args = _cast_parser().parse_args(argv)
    logging.getLogger().setLevel(logging.INFO if args.verbose else logging.WARNING)
    config = load_config(args.config)
    characters, places = find_cast(args.paths, config)
    out = sys.stdout
    if not args.quiet:
        out.write(cast_table(characters, places))
    new_people = [c for c in characters if not c.in_bible and c.mentions >= args.min_mentions]
    new_places = [p for p in places if not p.in_bible and p.mentions >= args.min_mentions]
    if config.path is None or args.dry_run:
        block = proposal_text(new_people, new_places)
        out.write(block or "no new characters or places to propose\n")
        if config.path is None and block:
            out.write(f"\n(no {CONFIG_NAME} found: `novel2board init` makes one; "
                      "paste these entries into it)\n")
        return 0
    added = add_proposals(config.path, new_people, new_places)
    out.write(f"{config.path}: {added} entr{'y' if added == 1 else 'ies'} proposed as "
              "comments at the end of characters:/locations: (remove '# ' to accept one "
              "and write its description)\n" if added else
              f"{config.path}: nothing new to propose\n")
    return 0


def find_cast(paths: list[Path], config: Config) -> tuple[list[Found], list[Found]]:
    """Every character and place of the chapters, most mentioned first."""
    from .analyse import analyse_chapter, load_nlp, parse_paragraphs
    from .pipeline import read_chapters
    from .scenes import SceneCues, split_scenes
    chapters = read_chapters(paths)
    nlp = load_nlp()
    looks = load_data("project/appearance.yaml", config.templates_root) or {}
    person_words = frozenset(str(w).lower() for w in looks.get("people") or ())
    place_words = frozenset(str(w).lower() for w in looks.get("places") or ())
    people: dict[str, Found] = {}
    places: dict[str, Found] = {}
    bible_people = {b.name.lower(): bool((b.description or "").strip())
                    for b in config.characters}
    bible_places = {b.name.lower() for b in config.locations}
    cues = SceneCues.from_data(load_data("scenes.yaml", config.templates_root) or {})
    for _, chapter in chapters:
        analysis = analyse_chapter(chapter, parse_paragraphs(chapter, nlp), config)
        # Whose mention comes first in a sentence: the sentence is about them.
        who_at = sorted((m.start, m.character) for m in analysis.mentions)
        for c in analysis.characters:
            if c.narrator:
                continue
            f = people.setdefault(c.name, Found(c.name))
            f.mentions += c.mentions
            f.gender[c.gender] += c.mentions
            _add_unique(f.aliases, [a for a in c.aliases if a != c.name])
            _add_unique(f.chapters, [chapter.slug])
            f.in_bible = c.name.lower() in bible_people
            f.described = bible_people.get(c.name.lower(), False)
            # "He was young and tall" tells of Tomas as much as a sentence
            # with his name does.
            spans = [(m.start, m.end) for m in analysis.mentions
                     if m.character == c.id and m.kind in ("name", "pronoun")]
            f.seen = max(f.seen, _best_sentence(chapter, spans, person_words,
                                                about=(c.id, who_at)))
        counts = Counter(m.location for m in analysis.location_mentions)
        # A place where no scene is set (Chile in a memory, a castle on a
        # biscuit tin) is no location to describe.
        settings = {scene.location for scene in split_scenes(chapter, analysis, cues)}
        for loc in analysis.locations:
            if loc.id not in settings and loc.name.lower() not in bible_places:
                continue
            name, aliases = _place_name(loc.name, loc.aliases)
            f = places.setdefault(name, Found(name, setting=loc.setting))
            f.mentions += counts.get(loc.id, 0)
            _add_unique(f.aliases, [a for a in aliases if a != name])
            _add_unique(f.chapters, [chapter.slug])
            spans = [(m.start, m.end) for m in analysis.location_mentions
                     if m.location == loc.id]
            f.seen = max(f.seen, _best_sentence(chapter, spans, place_words))
            f.in_bible = loc.name.lower() in bible_places
    people = _merge_short_names(people)
    # A name taken for both a person and a place ("Tomas" in "to Tomas") is a person.
    person_names = {n.lower() for f in people.values() for n in (f.name, *f.aliases)}
    person_names |= {n.lower() for b in config.characters for n in (b.name, *b.aliases)}
    places = {k: f for k, f in places.items() if k.lower() not in person_names}
    order = (lambda f: (-f.mentions, f.name))
    return sorted(people.values(), key=order), sorted(places.values(), key=order)


def _merge_short_names(people: dict[str, Found]) -> dict[str, Found]:
    """One person across chapters: a chapter that only says "Tomas" or "Dr.
    Marr" makes a character of that name, which another chapter knows as an
    alias of "Tomas Okafor" or "Ilse Marr".  Such an entry joins the one
    person whose aliases hold its name; a name two people share ("Brekke"
    for a father and a son) joins neither."""
    merged = dict(people)
    for name, short in people.items():
        if short.in_bible:
            continue
        owners = [f for f in merged.values() if f is not short
                  and name.lower() in {a.lower() for a in f.aliases}]
        if len(owners) != 1:
            continue
        full = owners[0]
        full.mentions += short.mentions
        full.gender.update(short.gender)
        _add_unique(full.aliases, [a for a in short.aliases if a != full.name])
        _add_unique(full.chapters, short.chapters)
        full.seen = max(full.seen, short.seen)
        del merged[name]
    return merged


def _place_name(name: str, aliases) -> tuple[str, list[str]]:
    """A place phrase found in the prose ("control room") as a bible name
    ("Control room") with the phrase as the text has it among the aliases."""
    if name[:1].islower():
        return name[:1].upper() + name[1:], [f"the {name}", *aliases]
    return name, list(aliases)


_SENTENCE = re.compile(r"[^.!?\u201d]+(?:[.!?]+[\u201d\"']?|$)")


def _best_sentence(chapter, spans: list[tuple[int, int]], words: frozenset[str],
                   limit: int = 40, about=None) -> tuple[int, str]:
    """Of the sentences with a mention, the one with most appearance words.

    `about`: (character id, sorted (offset, character id) of every mention):
    a sentence counts only when this character is the first one in it, so
    "Tomas reached for the keyboard, and Ilse caught his wrist" tells of
    Tomas, not of Ilse."""
    best = (0, "")
    starts = [p.start for p in chapter.paragraphs]
    for start, _ in spans:
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            continue
        para = chapter.paragraphs[i]
        at = start - para.start
        for m in _SENTENCE.finditer(para.text):
            if m.start() <= at < m.end():
                if about is not None and _first_named(about[1], para.start + m.start(),
                                                      para.start + m.end()) != about[0]:
                    break
                text = " ".join(m.group(0).split())
                score = sum(w.lower() in words for w in re.findall(r"[A-Za-z]+", text))
                if score > best[0]:
                    best = (score, " ".join(text.split()[:limit]))
                break
    return best


def _first_named(mentions: list[tuple[int, str]], start: int, end: int) -> str | None:
    """The character of the first mention between `start` and `end`."""
    i = bisect.bisect_left(mentions, (start, ""))
    return mentions[i][1] if i < len(mentions) and mentions[i][0] < end else None


def _add_unique(items: list[str], new) -> None:
    for item in new:
        if item not in items:
            items.append(item)


def cast_table(characters: list[Found], places: list[Found]) -> str:
    lines = [f"Characters ({len(characters)})"]
    for c in characters:
        state = ("in the bible" if c.described else "in the bible, NO description") \
            if c.in_bible else "new"
        aliases = f"  aka {', '.join(c.aliases)}" if c.aliases else ""
        lines.append(f"  {c.mentions:5d}  {c.name}  [{state}]{aliases}")
    lines.append(f"Places ({len(places)})")
    for p in places:
        state = "in the bible" if p.in_bible else "new"
        lines.append(f"  {p.mentions:5d}  {p.name}  [{state}]{' ' + p.setting if p.setting else ''}")
    return "\n".join(lines) + "\n\n"


# ------------------------------------------------------ writing proposals
_MARKER = "# proposed by `novel2board cast`"
_PROPOSED = re.compile(r"^\s*#\s*-\s*name:\s*(.+?)\s*(?:#.*)?$")


def _scalar(text: str) -> str:
    """A YAML scalar: plain when safe, else double-quoted."""
    if re.fullmatch(r"[A-Za-z][\w .'\u2019-]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _entry_lines(found: Found, kind: str) -> list[str]:
    where = ", ".join(found.chapters[:3]) + (", ..." if len(found.chapters) > 3 else "")
    lines = [f"- name: {_scalar(found.name)}    # {found.mentions} mentions ({where})"]
    if found.aliases:
        lines.append(f"  aliases: [{', '.join(_scalar(a) for a in found.aliases)}]")
    if found.seen[1]:
        lines.append(f"  # in the text: {json.dumps(found.seen[1], ensure_ascii=False)}")
    if kind == "characters":
        if found.pronouns:
            lines.append(f"  pronouns: {found.pronouns}")
        lines.append('  description: ""    # visible traits: age, build, face, hair, clothes')
    else:
        if found.setting:
            lines.append(f"  setting: {found.setting}")
        lines.append('  description: ""    # what the camera sees: size, materials, light')
    return lines


def proposal_text(people: list[Found], places: list[Found]) -> str:
    """The proposals as YAML to paste (used by --dry-run)."""
    out = []
    for key, items in (("characters", people), ("locations", places)):
        if items:
            out.append(f"{key}:")
            for f in items:
                out.extend("  " + line for line in _entry_lines(f, key))
    return "\n".join(out) + "\n" if out else ""


def add_proposals(path: Path, people: list[Found], places: list[Found]) -> int:
    """Insert commented entries into the project file; return how many."""
    raw = read_regular(path)
    text = raw.decode("utf-8-sig")
    # Written back as it was: the same line endings, the same BOM.
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = text.splitlines()
    already = _proposed_before(lines)
    root = yamlcheck.compose(text, path)
    inserts: list[tuple[int, list[str]]] = []     # (after line index, lines)
    appended: list[str] = []
    count = 0
    for key, items in (("characters", people), ("locations", places)):
        items = [f for f in items if f.name.lower() not in already]
        if not items:
            continue
        count += len(items)
        block = [f"{_MARKER}: remove '# ' to accept, then write the description"]
        for f in items:
            block.extend(_entry_lines(f, key))
        where = _list_end(root, key, lines)
        if where is None:
            # No such key: a new, empty list with the entries commented in it.
            appended += ["", f"{key}:"] + ["  # " + line if not line.startswith("#")
                                           else "  " + line for line in block]
        elif where == "elsewhere":
            # A list written another way (`characters: [...]`): the entries go
            # at the end of the file, commented, to be moved by hand.
            appended += ["", f"# {key}: entries to add to the list above"] + \
                ["# " + line if not line.startswith("#") else line for line in block]
        else:
            after, dash = where
            pad = " " * dash
            inserts.append((after, [pad + ("# " + line if not line.startswith("#") else line)
                                    for line in block]))
    for after, block in sorted(inserts, reverse=True):
        lines[after + 1:after + 1] = block
    if appended:
        lines += appended
    if count:
        _replace_text(path, newline.join(lines) + newline, bom=bom)
    return count


def _proposed_before(lines: list[str]) -> set[str]:
    """Names in earlier proposal blocks (a marker line, then comment lines),
    in lower case: proposed once, never again."""
    names: set[str] = set()
    inside = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(_MARKER):
            inside = True
        elif not stripped.startswith("#"):
            inside = False
        elif inside and (m := _PROPOSED.match(line)):
            names.add(m.group(1).strip().strip("\"'").lower())
    return names


def _list_end(root, key: str, lines: list[str]) -> tuple[int, int] | str | None:
    """Where commented entries for `key` go: (line index to insert after,
    column of the list's dashes); None when there is no such key (append a
    new `key:`); "elsewhere" when the list cannot take them in place."""
    if not isinstance(root, yaml.MappingNode):
        return None
    for key_node, value in root.value:
        if key_node.value != key:
            continue
        if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
            last = value.value[-1]
            first_line = lines[value.value[0].start_mark.line]
            dash = first_line.find("-")
            return _last_line(last), max(dash, 0)
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
            return key_node.start_mark.line, key_node.start_mark.column + 2
        return "elsewhere"      # a flow list or something else
    return None


def _last_line(node) -> int:
    """The last line (0-based) holding text of a node.  Only scalars and flow
    collections end exactly where their text ends; a block collection ends
    where the next token starts (maybe after blank lines and comments)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    return max((_last_line(child) for child in _children(node)),
               default=node.start_mark.line)


def _children(node):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield k
            yield v
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _replace_text(path: Path, text: str, bom: bool = False) -> None:
    """Replace the user's file atomically: a temporary file beside it, then a
    rename, so an interrupted run leaves the old file or the new, whole.

    In place for the user: a symlinked project file stays a link (the file
    it points to is replaced), and keeps its permissions; the text is
    written as given (its line endings), after a BOM if it had one."""
    import os
    import stat
    import tempfile
    path = path.resolve()               # through a symlink, to the file itself
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise Novel2BoardError(f"cannot write ({exc.strerror}); the file is unchanged",
                               path=path, hint="check your permissions") from None
