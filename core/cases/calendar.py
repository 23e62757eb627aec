"""A private iCalendar feed per volunteer: the deadlines of the cases in
their charge, at a secret, revocable address that calendar apps subscribe to.

The feed leaves the intranet (into the volunteer's calendar app), so it
carries no personal data: the case reference and what the date is, with a
link back to the case.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.models import User
from core.accounts.security import public
from core.cases.models import Case, CaseDeadline
from core.web import clock, messages
from core.web.extensions import db, utcnow
from core.web.forms import ActionForm

bp = Blueprint("calendar", __name__)


def event_uid(case_id: int, kind: str, occurrence: int = 1) -> str:
    """The same event keeps the same UID when the deadlines are recomputed
    (their rows are replaced at every change), so that a calendar app
    updates its date instead of deleting and adding it; nor does it depend on
    the address the feed was fetched at."""
    suffix = f"-{occurrence}" if occurrence > 1 else ""
    return f"case-{case_id}-{kind.replace(':', '-')}{suffix}@permanence"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a space."""
    data, parts = line.encode("utf-8"), []
    while len(data) > 75:
        cut = 75
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = b" " + data[cut:]
    parts.append(data.decode("utf-8"))
    return "\r\n".join(parts)


@bp.route("/calendrier/<token>.ics")
@public
def feed(token):
    user = db.session.scalar(db.select(User).where(User.calendar_token == token)) if len(token) >= 32 else None
    if user is None or not user.active:
        abort(404)
    rows = db.session.execute(
        db.select(CaseDeadline, Case).join(Case).where(Case.assigned_to_id == user.id, Case.status != "closed",
                                                      CaseDeadline.date >= clock.today() - dt.timedelta(days=30))
        .order_by(CaseDeadline.date)).all()
    from core.web.audit import audit
    audit("calendar.feed", detail=user.email)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        # A calendar application asks in its own language (often English): the feed speaks the volunteer's.
        body = _calendar(rows)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})


def _calendar(rows) -> str:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    name = _("Permanence – deadlines")  # not inside the f-string: the message extractor would not see it
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Permanence//Echeances//FR", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(name)}"]
    seen: Counter[tuple[int, str]] = Counter()
    for deadline, case in rows:
        link = url_for("cases.show", case_id=case.id, _external=True)
        seen[case.id, deadline.kind] += 1
        lines += ["BEGIN:VEVENT", f"UID:{event_uid(case.id, deadline.kind, seen[case.id, deadline.kind])}",
                  f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{deadline.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{deadline.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(case.reference + ' – ' + messages.deadline_label(deadline.kind))}",
                  f"DESCRIPTION:{_escape(link)}", f"URL:{link}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


@bp.route("/compte/calendrier", methods=["POST"])
def manage():
    form = ActionForm()  # create, renew or revoke the feed's secret
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            current_user.calendar_token = None
            flash(_("Your calendar link is revoked: calendars subscribed to it no longer receive anything."), "success")
        else:
            current_user.calendar_token = secrets.token_urlsafe(32)
            flash(_("Your new calendar link is ready; the previous one, if any, no longer works."), "success")
        from core.web.audit import audit
        audit("calendar.revoke" if request.form.get("action") == "revoke" else "calendar.create", commit=False)
        db.session.commit()
    return redirect(url_for("auth.account", _anchor="calendrier"))
