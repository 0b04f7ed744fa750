"""PDF rendering for printed documents, fetching nothing but the project's own static files.

Templates link their stylesheet as `{% static 'documents/print.css' %}` (or a path relative to
static/); fonts and images come from static/ the same way. Every other URL a document names —
http(s), file:// outside static/, data:, anything typed by a user that slipped into the HTML —
is refused, so rendering never reaches the network or the server's files.
"""

import datetime
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefused(ValueError):
    """A document asked for a resource outside the project's static files."""


def static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


class StaticFileFetcher(URLFetcher):
    """Serves file:// URLs under static/ (and /static/… paths) from disk; refuses the rest.

    Never follows redirects and never opens a socket: `fetch` does not call the parent's.
    """

    def __init__(self, root: Path | None = None):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = (root or static_dir()).resolve()
        self.static_prefix = "/" + urlsplit(settings.STATIC_URL).path.strip("/") + "/"

    @property
    def base_url(self) -> str:
        return self.root.as_uri() + "/"

    def path_for(self, url: str) -> Path:
        """The file under static/ that `url` names, or FetchRefused."""
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise FetchRefused(f"Malformed URL: {url!r}") from error
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"Only the project's static files may be fetched: {url!r}")
        requested = Path(url2pathname(parts.path))
        if not requested.is_absolute():
            raise FetchRefused(f"Not an absolute file path: {url!r}")
        if not requested.resolve().is_relative_to(self.root):
            # "/static/…" resolved against the file:// base URL: map it onto static/.
            relative = parts.path.removeprefix(self.static_prefix)
            if relative == parts.path:
                raise FetchRefused(f"Outside the project's static files: {url!r}")
            requested = self.root / url2pathname(relative)
        path = requested.resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused(f"Outside the project's static files: {url!r}")
        return path

    def fetch(self, url, headers=None):
        path = self.path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_document(html: str) -> Document:
    """The laid-out pages of a complete HTML document (`.pages`, `.write_pdf()`)."""
    fetcher = StaticFileFetcher()
    return HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).render()


def render_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document; only files under static/ are loaded."""
    return render_document(html).write_pdf()


def place_and_date(ward, day: datetime.date) -> str:
    """ "Mỹ Thới, ngày 05 tháng 3 năm 2026" (Nghị định 30/2020: a leading 0 for days below 10
    and for months 1 and 2 only)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{ward.short_name}, ngày {day.day:02d} tháng {month} năm {day.year}"
