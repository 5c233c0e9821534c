"""Where templates and rule files come from: the project first, then built-ins.

A user overrides one file by putting a file of the same name in the
project's templates/ folder; every other file still comes from the built-in
set, so an override never has to copy the rest.
"""

from __future__ import annotations

import copy
import functools
import os
import stat
from pathlib import Path

from .errors import Novel2BoardError
from .yamlcheck import safe_load

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def builtin_templates_dir() -> Path:
    """novel2board/templates in an installed wheel; ../templates in a checkout."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise Novel2BoardError(  # pragma: no cover - a broken installation
        "the built-in templates are missing from the installation",
        path=_PACKAGE_DIR, hint="reinstall novel2board")


def template_dirs(project_root: Path | None) -> list[Path]:
    """The project's templates/ (when it exists now), then the built-ins.

    Asked once per rendered prompt, tens of thousands of times a novel: the
    existence check is one stat, the resolved paths are remembered.
    """
    folder = project_root / "templates" if project_root is not None else None
    if folder is None or not folder.is_dir():
        return list(_template_dirs(None, None))
    return list(_template_dirs(folder, project_root))


@functools.lru_cache(maxsize=16)
def _template_dirs(project_templates: Path | None,
                   project_root: Path | None) -> tuple[Path, ...]:
    if project_templates is None:
        return (builtin_templates_dir(),)
    resolved = project_templates.resolve()
    if not _inside(resolved, project_root.resolve()):
        raise Novel2BoardError(
            f"templates/ leads outside the project folder (to {resolved})",
            path=project_templates,
            hint="a project's templates are read only from inside its own folder; "
                 "copy the files in instead of linking to them")
    return (resolved, builtin_templates_dir())


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def template_root(folder: Path) -> Path:
    """What a file found in one of `template_dirs` may not lead out of
    through a symlink: the project folder for its templates/, else the
    built-in folder itself."""
    return folder if folder == builtin_templates_dir() else folder.parent


def contained(path: Path, root: Path, what: str = "file") -> Path:
    """`path` itself when its real location (symlinks followed) is inside
    `root`; an error otherwise. A shared project folder or template pack
    must not be able to make novel2board read /etc/passwd or ~/.ssh into a
    prompt by a link."""
    real = Path(path).resolve()
    if not _inside(real, Path(root).resolve()):
        raise Novel2BoardError(
            f"this {what} leads outside {root} (to {real})", path=path,
            hint="novel2board reads a project's files only from inside its folder; "
                 "copy the file in instead of linking to it")
    return path


def find_file(name: str, project_root: Path | None) -> Path:
    for folder in template_dirs(project_root):
        if (folder / name).is_file():
            return contained(folder / name, template_root(folder), "data file")
    raise Novel2BoardError(f"no template or data file named {name}",
                           path=builtin_templates_dir())


# The most a project file, a data file, a template, a picks file or a cache
# entry may hold: far above any real one, far below what fills memory.
MAX_DATA_BYTES = 16 * 1024 * 1024


class NotARegularFile(OSError):
    """A device, a pipe, a socket or a directory where a file was expected,
    or a file past its size limit: reading it could hang or fill memory."""


def read_regular(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes.

    Opened without blocking and checked on the open file, so a FIFO (which a
    plain open() waits on for ever) or /dev/zero (which never ends) is an
    error at once, and a file swapped for one after a check is caught too.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(f"{path} is not a regular file (a device, pipe, socket "
                                  "or folder)")
        if info.st_size > limit:
            raise NotARegularFile(f"{path} is {info.st_size / 1e6:,.1f} MB; the limit is "
                                  f"{limit / 1e6:,.0f} MB")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:            # it grew while being read
                raise NotARegularFile(f"{path} is over {limit / 1e6:,.0f} MB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_text(path: Path, limit: int = MAX_DATA_BYTES) -> str:
    """`read_regular` as UTF-8 text (a leading BOM dropped)."""
    return read_regular(path, limit).decode("utf-8-sig")


def load_yaml_file(path: Path):
    """A YAML data file, with file:line on a syntax error.

    Parsed once while the file is unchanged (PyYAML is slow: the data files
    took 70 ms a chapter, a novel's worth of chapters several seconds); each
    caller gets its own copy, free to change."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise Novel2BoardError(f"cannot be read ({exc})", path=path) from None
    return copy.deepcopy(_parsed_yaml(Path(path), info.st_mtime_ns, info.st_size))


@functools.lru_cache(maxsize=64)
def _parsed_yaml(path: Path, mtime_ns: int, size: int):
    try:
        text = read_regular_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise Novel2BoardError(f"cannot be read ({exc})", path=path) from None
    return safe_load(text, path)


def load_data(name: str, project_root: Path | None):
    """A YAML data file by name, from the project's templates/ or the built-ins."""
    return load_yaml_file(find_file(name, project_root))


def unknown_overrides(project_root: Path | None) -> list[tuple[Path, str]]:
    """Files in the project's templates/ that override nothing, and a guess.

    A misspelt override (templates/prompts/midjourny.j2) would otherwise be
    ignored in silence while the built-in template goes on being used.
    """
    import difflib
    if project_root is None or not (project_root / "templates").is_dir():
        return []
    builtin = builtin_templates_dir()
    known = {p.relative_to(builtin).as_posix() for p in builtin.rglob("*") if p.is_file()}
    found = []
    folder = project_root / "templates"
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or rel in known or path.name.startswith(".") \
                or path.name.lower().startswith("readme") or path.suffix not in (".j2", ".yaml"):
            continue
        guess = difflib.get_close_matches(rel, sorted(known), n=1, cutoff=0.7)
        found.append((path, guess[0] if guess else ""))
    return found
