"""The audit trail: who saw or changed what, when. Every area records its
actions here (``audit("case.view", case)``); administrators read it on
``/admin/journal``."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import String, insert
from sqlalchemy.orm import Mapped, mapped_column

from core.web.durability import commit_without_waiting_for_the_disk
from core.web.extensions import db, utcnow
from core.web.messages import translated


class AuditEvent(db.Model):
    """Who saw or changed what, when. Written by the application only: there is
    no page or command to edit or delete it; administrators read it."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)
    case_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[str | None] = mapped_column(String(500))


def audit(action: str, case=None, detail: str | None = None, *, commit: bool = True) -> None:
    """Record an action. The row is written at once, in the transaction of what it records (a
    change and its audit row are committed together or not at all), as a plain INSERT: the
    ORM's unit of work cost a list page 0.3 ms more for a row nobody reads back."""
    email = current_user.email if current_user and current_user.is_authenticated else None
    only_a_read = not (db.session.new or db.session.dirty or db.session.deleted)
    if commit and only_a_read:
        commit_without_waiting_for_the_disk(db.session)  # unless something was written before it
    db.session.execute(insert(AuditEvent.__table__).values(
        at=utcnow(), user_email=email, action=action, case_id=case.id if case else None,
        detail=(detail or "")[:500] or None))
    if not commit:
        return
    if not only_a_read:
        db.session.commit()
        return
    # Nothing pending but this row (a read, or changes already flushed with the values the objects
    # hold): nothing to reload after the commit (the user, the cases shown), one query less a page
    # and the same count whatever is shown.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def audit_action_label(action: str) -> str:
    """What an audit row records, in words: the log shows no code such as ``case.view``."""
    return translated(lambda: {
        "attachment.download": _("attachment downloaded"), "blockage.add": _("blockage recorded"),
        "blockage.remove": _("blockage removed"),
        "calendar.feed": _("calendar read by a calendar application"),
        "calendar.create": _("calendar address created"), "calendar.revoke": _("calendar address revoked"),
        "case.create": _("case created"),
        "case.edit-form": _("case opened for editing"), "case.export": _("case exported for a lawyer (ZIP)"),
        "case.list": _("case list viewed"), "case.status": _("status or volunteer in charge changed"),
        "case.update": _("case edited"), "case.view": _("case viewed"), "chain.verify": _("evidence log verified"),
        "document.add": _("document held added"), "document.remove": _("document held removed"),
        "evidence.add": _("entry added to the evidence log"), "evidence.timestamp": _("evidence log timestamped"),
        "fact.report": _("local fact reported as wrong"), "fact.correct": _("local fact corrected"),
        "fact.dismiss": _("report of a local fact dismissed"), "fact.withdraw": _("correction withdrawn"),
        "fact.patch": _("corrections exported for a plugin"),
        "letter.download": _("letter downloaded"), "letter.generate": _("letter generated"),
        "person.erase": _("person's data erased"), "person.export": _("person's data exported"),
        "retention.delete": _("case deleted at the end of its retention period"),
        "stats.export": _("statistics exported"), "plugin.enable": _("plugin enabled"),
        "plugin.disable": _("plugin disabled"), "user.create": _("account created"),
        "user.role": _("account's role changed"), "user.activate": _("account reactivated"),
        "user.deactivate": _("account deactivated"),
    }).get(action, action)
