"""HTML to PDF, safely: no network, and no local file but the project's own
static assets, whatever the HTML (which carries what a user typed) asks.

Two engines:

* ``weasyprint`` (default): correct A4 layout with ``@page`` margins and page
  footers; every resource goes through :func:`_safe_fetcher`.
* ``wkhtmltopdf`` through pdfkit (``PDF_ENGINE=wkhtmltopdf``), hardened:
  JavaScript off, no local file access, every request sent to a dead proxy,
  margins as options. Debian's build (unpatched Qt) ignores ``@page`` margins
  and shrinks text ("smart shrinking"); see README.
"""
from __future__ import annotations

from pathlib import Path

from core.web.paths import SITE_ROOT

#: The site's static folder (in the checkout or in the installed package).
ALLOWED_ROOT = (SITE_ROOT / "static").resolve()
ENGINES = ("weasyprint", "wkhtmltopdf")
#: Where wkhtmltopdf is told to send every network request: a closed port.
DEAD_PROXY = "http://127.0.0.1:9"


class BlockedResource(ValueError):
    pass


class PdfEngineError(RuntimeError):
    """The engine is not installed or failed; the message says which."""


def _static_only_fetcher():
    """A WeasyPrint fetcher serving file:// URLs under static/ only: any other
    file, and any network URL, is refused (WeasyPrint then skips it)."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(url[len("file://"):]).resolve()
                if path.is_relative_to(ALLOWED_ROOT) and path.is_file():
                    return super().fetch(url, headers)
            raise BlockedResource(f"resource not allowed in a PDF: {url[:80]}")

    return StaticOnlyFetcher(allowed_protocols=("file",), allow_redirects=False, timeout=1)


def render_pdf(html: str, engine: str = "weasyprint") -> bytes:
    if engine == "wkhtmltopdf":
        return _wkhtmltopdf(html)
    if engine != "weasyprint":
        raise PdfEngineError(f"unknown PDF engine {engine!r} (expected one of {', '.join(ENGINES)})")
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ALLOWED_ROOT) + "/", url_fetcher=_static_only_fetcher()).write_pdf()


# Options Debian's build (unpatched Qt) supports; footers and link options
# need a patched Qt and are left out.
WKHTMLTOPDF_OPTIONS = {
    "page-size": "A4", "encoding": "UTF-8", "quiet": "",
    "margin-top": "20mm", "margin-bottom": "22mm", "margin-left": "20mm", "margin-right": "20mm",
    "disable-javascript": "", "javascript-delay": "0", "no-stop-slow-scripts": "",
    "disable-local-file-access": "", "proxy": DEAD_PROXY,
    "load-error-handling": "ignore", "load-media-error-handling": "ignore",
}


def _wkhtmltopdf(html: str) -> bytes:
    import os
    import shutil
    import subprocess
    import tempfile

    import pdfkit

    binary = shutil.which("wkhtmltopdf")
    if binary is None:
        raise PdfEngineError("wkhtmltopdf is not installed (Debian: apt-get install wkhtmltopdf)")
    command = pdfkit.PDFKit(html, "string", options=WKHTMLTOPDF_OPTIONS,
                            configuration=pdfkit.configuration(wkhtmltopdf=binary)).command()
    for _attempt in range(2):  # Qt WebKit occasionally dies under load: one retry
        with tempfile.TemporaryDirectory() as runtime:  # Qt wants a private runtime directory
            process = subprocess.run(command, input=html.encode("utf-8"), capture_output=True, timeout=60,
                                     env={**os.environ, "XDG_RUNTIME_DIR": runtime, "QT_QPA_PLATFORM": "offscreen"})
        if process.stdout.startswith(b"%PDF-"):
            break
    # A blocked resource makes it exit 1 while still writing the PDF: judge by the output.
    if not process.stdout.startswith(b"%PDF-"):
        raise PdfEngineError(f"wkhtmltopdf failed: {process.stderr.decode(errors='replace')[-300:]}")
    return process.stdout
