"""Who did something, as the pages say it: a colleague's name rather than the email address
the evidence log and the audit keep (the address stays in the log: it is what was signed)."""
from __future__ import annotations

from flask import g
from markupsafe import Markup, escape

from core.accounts.models import User
from core.web.extensions import db


def who(email: str | None) -> Markup:
    """« Marie Dupont », the address in a tooltip; the address alone when no account has it any
    more (or never had: an import). One query per page, for every name it shows."""
    if not email:
        return Markup("—")
    names = g.get("_names_by_email")
    if names is None:
        names = g._names_by_email = dict(db.session.execute(db.select(User.email, User.name)).all())
    name = names.get(email)
    if not name:
        return escape(email)
    return Markup('<span title="{}">{}</span>').format(email, name)
