"""WeasyPrint's URL fetcher, locked down: no network, no file outside the project.

A chapter is untrusted text: even escaped, the HTML we hand WeasyPrint must
never make it fetch `http://...` or read `file:///etc/passwd`.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

log = logging.getLogger(__name__)


def _inside(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in roots)


def safe_fetcher(allowed_roots: list[Path]):
    """A WeasyPrint URLFetcher that reads only files under `allowed_roots`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [r.resolve() for r in allowed_roots]

    class SafeFetcher(URLFetcher):
        refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                self.refused.append(url)
                log.warning("refused to fetch %s: novel2board never uses the network", url)
                raise ValueError(f"network URL refused: {url}")
            path = Path(unquote(parsed.path))
            if not _inside(path, roots) or not path.is_file():
                self.refused.append(url)
                log.warning("refused to read %s: not a file inside the project", path)
                raise ValueError(f"file outside the project refused: {path}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return SafeFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
