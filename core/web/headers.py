"""What every response tells the browser, for computers shared by a whole
help desk: nothing of a page is kept in the cache or the history's back
button once the volunteer has logged out, no other site may frame a page or
learn its address, and nothing runs but the application's own script."""
from __future__ import annotations

from flask import Flask, request

#: The pages load only the application's own files (templates/base.html): no inline script or
#: style, no other origin. A WeasyPrint PDF is made on the server, not shown by this policy.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # older browsers that ignore frame-ancestors
    "X-Content-Type-Options": "nosniff",
    # The path of a page names a case (/dossiers/42): other sites are told nothing.
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response):
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # setdefault() raises and catches a KeyError per name
    for name, value in ALWAYS.items():
        if name.lower() not in present:
            headers[name] = value
    if request.endpoint != "static":
        # A person's data must not stay in a shared computer's cache; only the layout's files may.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
