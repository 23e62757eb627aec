"""Configuration from environment variables, with safe development defaults.

``PERMANENCE_ENV`` is ``development`` unless set to ``production``. In
production the application refuses to start without a real ``SECRET_KEY``,
and session cookies are only sent over HTTPS.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

#: Known to everyone who reads this file: never acceptable in production.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def from_environment(environ: Mapping[str, str] = os.environ) -> dict:
    env = environ.get("PERMANENCE_ENV", "development")
    if env not in ("development", "production"):
        raise ConfigurationError(f"PERMANENCE_ENV must be 'development' or 'production', not {env!r}")
    production = env == "production"
    config = {
        "PERMANENCE_ENV": env,
        "SECRET_KEY": environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        "DATABASE_URL": environ.get("DATABASE_URL", ""),
        # Plugins listed here stay disabled whatever the database says: the
        # way out when two installed plugins claim the same département.
        "DISABLED_PLUGINS": [name.strip() for name in environ.get("PERMANENCE_DISABLED_PLUGINS", "").split(",")
                             if name.strip()],
        # A plugin enabled or disabled on another application server is seen here this many seconds later.
        "PLUGIN_RECHECK_SECONDS": float(environ.get("PERMANENCE_PLUGIN_RECHECK_SECONDS", "5")),
        "DEMO": environ.get("PERMANENCE_DEMO", "") == "1",
        # A local fact not checked for longer than this is shown "à revérifier".
        "FACT_MAX_AGE_MONTHS": int(environ.get("PERMANENCE_FACT_MAX_AGE_MONTHS", "12")),
        "ASSOCIATION_NAME": environ.get("PERMANENCE_ASSOCIATION", "Permanence"),
        # The sender of the letters: the association's postal address (lines
        # separated by "|") and the city written before the date.
        "ASSOCIATION_ADDRESS": environ.get("PERMANENCE_ASSOCIATION_ADDRESS", ""),
        "ASSOCIATION_CITY": environ.get("PERMANENCE_ASSOCIATION_CITY", ""),
        # A closed case's personal data is deleted this many months after closing.
        "RETENTION_MONTHS": int(environ.get("PERMANENCE_RETENTION_MONTHS", "24")),
        # Statistics leaving the intranet withhold any count below this.
        "STATS_SUPPRESSION_THRESHOLD": int(environ.get("PERMANENCE_STATS_THRESHOLD", "5")),
        # weasyprint (default) or wkhtmltopdf (pdfkit); see core/web/pdf.py.
        "PDF_ENGINE": environ.get("PDF_ENGINE", "weasyprint"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": int(environ.get("PERMANENCE_SESSION_SECONDS", 8 * 3600)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Attachments are checked one by one (10 MB each, core/cases/evidence.py), so
        # that a refused file is explained next to the form, which keeps the
        # rest of what was typed; only an absurd request is cut at the door.
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        # Where the attachments' bytes live (core/cases/storage.py): "local" (ATTACHMENTS_DIR, by
        # default the instance folder's attachments/) or "s3", which several servers can share.
        "ATTACHMENTS_STORAGE": environ.get("PERMANENCE_ATTACHMENTS_STORAGE", "local"),
        "ATTACHMENTS_DIR": environ.get("PERMANENCE_ATTACHMENTS_DIR", ""),
        **{f"S3_{name}": environ.get(f"PERMANENCE_S3_{name}", "")
           for name in ("ENDPOINT_URL", "BUCKET", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "REGION", "PREFIX")},
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        # Brute-force protection of the login form: failures per (email,
        # address) pair and per address, within the window.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_LOCK_SECONDS": 15 * 60,
        # Number of reverse proxies in front of the app (nginx: 1), so that
        # the login throttling sees the visitor's address, not the proxy's.
        "PROXY_COUNT": int(environ.get("PERMANENCE_PROXY_COUNT", "0")),
        # An RFC 3161 timestamping authority for the evidence logs (docs/evidence.md): its URL, its
        # root certificate (PEM) to verify its tokens, intermediate certificates if its tokens lack them.
        "TSA_URL": environ.get("PERMANENCE_TSA_URL", ""),
        "TSA_CA_FILE": environ.get("PERMANENCE_TSA_CA_FILE", ""),
        "TSA_CERTS": environ.get("PERMANENCE_TSA_CERTS", ""),
        "TSA_TIMEOUT": float(environ.get("PERMANENCE_TSA_TIMEOUT", "10")),
    }
    return config



def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs, as Heroku-style URLs expect."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_production_safety(config: Mapping) -> None:
    if config.get("PERMANENCE_ENV") != "production" or config.get("TESTING"):
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            "Refusing to start in production with the development secret key or a short one: "
            f"set SECRET_KEY to a random value of at least {MIN_SECRET_KEY_LENGTH} characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if config.get("DEMO"):
        raise ConfigurationError("PERMANENCE_DEMO=1 (demo accounts) is not allowed in production.")
