"""Keeping no personal data longer than needed: a closed case's data is
deleted after a configurable period (default 24 months after closing), and a
person's data is erased on request; only the anonymous counts remain."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from core.cases import search, service
from core.cases.models import Attachment, Case
from core.rules.dates import add_months
from core.stats.counts import anonymous_record
from core.web.audit import audit
from core.web.extensions import db, utcnow


def expired_cases(today: dt.date) -> list[Case]:
    months = current_app.config["RETENTION_MONTHS"]
    closed = db.session.scalars(db.select(Case).where(Case.status == "closed", Case.closed_at.is_not(None))).all()
    return [case for case in closed if add_months(case.closed_at.date(), months) <= today]


def _delete_files(digests: set[str]) -> None:
    """Remove the stored files no remaining entry refers to. The same file may be attached at this
    moment to another case: it is checked again after the removal and written back if it is now
    used (a volunteer's entry saved meanwhile also writes it back itself: attachments.keep_files)."""
    def still_used(digest: str) -> bool:
        db.session.rollback()  # what other transactions committed since
        return bool(db.session.scalar(db.select(db.func.count(Attachment.id)).where(Attachment.sha256 == digest)))

    for digest in digests:
        if still_used(digest):
            continue
        try:
            data = service.storage().read(digest)
            service.storage().delete(digest)
            if still_used(digest) and not service.storage().exists(digest):
                service.storage().write(digest, data)
        except FileNotFoundError:
            continue
        except (service.StorageError, OSError):  # left for the next night's sweep (delete_unused_files)
            current_app.logger.exception("file %s… could not be deleted; the next retention run tries again",
                                         digest[:12])


def delete_unused_files() -> int:
    """Files no entry or letter refers to any more (an erasure whose deletion failed, an entry that
    failed while the storage was down): deleted by the nightly retention run, so none stays."""
    from core.letters.models import Letter

    used = set(db.session.scalars(db.select(Attachment.sha256).union(db.select(Letter.sha256))))
    db.session.rollback()
    unused = {digest for digest in service.storage().digests() if digest not in used}
    _delete_files(unused)
    return len(unused)


def _digests(case: Case) -> set[str]:
    return {a.sha256 for entry in case.entries for a in entry.attachments}


def delete_for_retention(case: Case, today: dt.date) -> None:
    if case.erased_at is None:  # an erased shell was already counted when it was erased
        db.session.add(anonymous_record(case, "retention", today))
    digests, reference = _digests(case), case.reference
    for letter in list(case.letters):  # letters point to evidence entries: they go first
        db.session.delete(letter)
    db.session.flush()
    db.session.expire(case, ["letters"])
    db.session.delete(case)
    audit("retention.delete", None, reference, commit=False)
    db.session.commit()
    _delete_files(digests)


class AlreadyErased(ValueError):
    pass


def erase_person(case: Case, today: dt.date, by: str) -> None:
    """The person's data goes; the case stays as a shell whose evidence log
    now holds one entry saying that an erasure happened, without the data."""
    if case.erased_at is not None:
        raise AlreadyErased(case.reference)
    db.session.add(anonymous_record(case, "erasure", today))
    digests = _digests(case)
    for letter in list(case.letters):
        db.session.delete(letter)
    db.session.flush()
    for entry in list(case.entries):
        db.session.delete(entry)
    for document in list(case.documents):
        db.session.delete(document)
    case.blockages.clear()
    case.deadlines.clear()
    case.next_deadline_on = case.next_deadline_kind = None
    case.person_name, case.agdref, case.nationality, case.contact, case.note = "[effacé]", None, None, None, None
    case.civility = case.birth_date = case.request_complete = case.remedies_stated = None
    case.anef_request_number = None
    case.expires_on = case.filed_on = case.favorable_decision_on = case.ephoto_taken_on = case.permit = None
    case.status, case.erased_at = "closed", utcnow()
    case.closed_at = case.closed_at or utcnow()
    case.evidence_count, case.evidence_head = 0, None
    case.timestamps.clear()  # they covered entries that no longer exist; the new log starts at #1
    db.session.flush()
    service.append_entry(case, kind="erasure", occurred_at=utcnow(), by=by,
                         summary="Données personnelles effacées à la demande de la personne (RGPD, article 17).")
    audit("person.erase", case)
    search.purge_removed_names(db.session)
    db.session.commit()
    search.empty_write_ahead_log(db.session)
    _delete_files(digests)

