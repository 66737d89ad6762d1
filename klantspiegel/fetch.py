"""The only way WeasyPrint gets a file: `file:` URLs inside the portfolio and the theme.

No other file, no http, no data: URLs, no redirects. Images from Markdown are asked for as
`media/<name>` against the theme; they map to the (validated) files in the portfolio.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class OutsideFetchError(ValueError):
    """A document asked for something outside the portfolio and the theme."""


class GuardedFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders; refuses everything else."""

    def __init__(self, allowed: list[Path], media: Mapping[Path, Path] | None = None):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        # Images from Markdown: their URL (media/<name>, against the base URL) -> the file.
        self.media = {url.resolve(): source.resolve() for url, source in (media or {}).items()}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise OutsideFetchError(f"refused to fetch {url}: only portfolio and theme files")
        path = Path(unquote(parts.path)).resolve()
        path = self.media.get(path, path)
        if not any(path.is_relative_to(root) for root in self.allowed) or not path.is_file():
            raise OutsideFetchError(f"refused to fetch {url}: outside the portfolio and theme")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )
