"""WeasyPrint's URL fetcher, locked down: no network, no file outside the project.

A chapter is untrusted text: even escaped, the HTML we hand WeasyPrint must
never make it fetch `http://...` or read `file:///etc/passwd`.  A user's own
template could still name such a URL, so the fetcher itself refuses every
scheme but `data:` and `file:`, and every file outside the allowed folders
(the board's images/, the project's templates/, the built-in templates).
Symbolic links are resolved first, so a link in images/ cannot lead out.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..resources import read_regular

# A picture past this is not put into a sheet (a 30 MB PNG is a mistake).
MAX_PICTURE_BYTES = 64 * 1024 * 1024

log = logging.getLogger(__name__)

_LOCAL_HOSTS = ("", "localhost")


class RefusedURL(ValueError):
    """WeasyPrint catches ValueError and draws the page without the resource."""


def is_inside(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in roots)


def check_url(url: str, roots: list[Path]) -> Path | None:
    """The local file `url` names if it may be read; None for a data: URL.

    Raises RefusedURL for everything else.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        raise RefusedURL(f"refused to fetch {url}: novel2board never uses the network")
    if parsed.netloc.lower() not in _LOCAL_HOSTS:
        raise RefusedURL(f"refused to fetch {url}: a file on another machine")
    path = Path(unquote(parsed.path))
    if not is_inside(path, roots):
        raise RefusedURL(f"refused to read {path}: not inside the project's images/ "
                         "or templates/")
    if not path.is_file():
        raise RefusedURL(f"cannot read {path}: no such file")
    return path


def safe_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URLFetcher that reads only files under `allowed_roots`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [r.resolve() for r in allowed_roots]

    class SafeFetcher(URLFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                path = check_url(url, roots)
            except RefusedURL as exc:
                self.refused.append(url)
                log.warning("%s", exc)
                raise
            if path is None:
                return super().fetch(url, headers)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                data = read_regular(path, MAX_PICTURE_BYTES)    # not a FIFO, not /dev/zero
            except OSError as exc:
                self.refused.append(url)
                log.warning("%s: %s; the frame is drawn instead", path, exc)
                raise RefusedURL(str(exc)) from None
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return SafeFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
