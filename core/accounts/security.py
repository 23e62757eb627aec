"""Who may see what: login required everywhere but a few public endpoints,
and roles for the administrative areas."""
from __future__ import annotations

import functools
import secrets
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from core.accounts.models import Role, User
from core.web.extensions import db, login_manager

#: Blueprints whose every endpoint is public (the JSON API holds no personal data).
PUBLIC_BLUEPRINTS = frozenset({"api"})


def public(view):
    """Mark a view as reachable without logging in (login page, language switch)."""
    view.is_public = True
    return view


def role_required(role: Role):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True  # unknown URLs fall through to the 404 page
    if endpoint.split(".")[0] in PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


class BoundedIntConverter(IntegerConverter):
    """Database ids fit in 32 bits: a longer number is a 404, not an overflow (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


MAX_ID = 2**31 - 1


def bounded_int(value, default: int = 1) -> int:
    """A query-string number (page, case) within what the database accepts."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), MAX_ID)


def refuse_nul_bytes():
    """No text a person types, and no address, contains NUL; PostgreSQL refuses it in a column
    or a query (a calendar token in the path)."""
    if "\x00" in request.path:
        abort(400)
    # The form only when one was sent: reading request.form parses whatever the body is.
    forms = (request.form,) if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") else ()
    for values in (request.args, *forms):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def require_login():
    if not is_public_endpoint(request.endpoint) and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths: never redirect a user to another site after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@login_manager.user_loader
def load_user(session_id: str):
    """``id:token``: a session whose token the account no longer has is over."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # Registered before CSRFProtect, so an anonymous POST is sent to the login page.
    app.before_request(require_login)
    app.before_request(refuse_nul_bytes)
