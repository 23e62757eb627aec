"""HTML to PDF, safely: no network, and no local file but the project's own
static assets, whatever the HTML (which may contain what a user typed) asks.
"""
from __future__ import annotations

from pathlib import Path

from core import PROJECT_ROOT

ALLOWED_ROOT = (PROJECT_ROOT / "static").resolve()


class BlockedResource(ValueError):
    pass


def _safe_fetcher(url: str, *args, **kwargs):
    """Serve file:// URLs under static/ only; refuse everything else."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("file://"):
        path = Path(url[len("file://"):]).resolve()
        if path.is_relative_to(ALLOWED_ROOT) and path.is_file():
            return default_url_fetcher(url, *args, **kwargs)
    raise BlockedResource(f"resource not allowed in a PDF: {url[:80]}")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ALLOWED_ROOT) + "/", url_fetcher=_safe_fetcher).write_pdf()
