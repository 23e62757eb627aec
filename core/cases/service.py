"""What can be done to a case file, for the views and the commands alike:
assessing it with the rules, keeping its deadlines, appending evidence to its
hash chain, verifying the chain, exporting it for a lawyer, tracing access."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.cases.evidence import GENESIS, ChainCheck, EntryRecord, sha256_of, sniff_media_type, verify_chain
from core.cases.models import Attachment, Case, CaseDeadline, EvidenceEntry
from core.plugins.local import LocalAssessment, assess_locally
from core.plugins.state import local_facts
from core.rules import HeldDocument as HeldFact
from core.rules import Situation
from core.rules.progress import LadderProgress, LoggedFact, ladder_progress
from core.web.audit import audit
from core.web.extensions import db, utcnow


def get_case(case_id: int) -> Case:
    """The case, or a 404 page: every page of a case starts here."""
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


def rules():
    return current_app.extensions["permanence.rules"]


def local_date(moment: dt.datetime) -> dt.date:
    """The day a stored (UTC) moment fell on for the people concerned (Europe/Paris by default)."""
    from flask_babel import get_timezone
    return moment.replace(tzinfo=dt.UTC).astimezone(get_timezone()).date()


# --- the rules, applied to a case -----------------------------------------------

def situation_of(case: Case, on: dt.date) -> Situation:
    return Situation(demarche=case.demarche, kind=case.kind, on=on, expires_on=case.expires_on,
                     filed_on=case.filed_on, permit=case.permit,
                     favorable_decision_on=case.favorable_decision_on, ephoto_taken_on=case.ephoto_taken_on,
                     birth_date=case.birth_date, remedies_stated=case.remedies_stated,
                     held=tuple(HeldFact(d.kind, d.valid_until) for d in case.documents))


def assess_case(case: Case, on: dt.date | None = None) -> LocalAssessment:
    return assess_locally(rules(), local_facts(), case.departement, situation_of(case, on or dt.date.today()))


def progress_of(case: Case, assessment: LocalAssessment) -> LadderProgress:
    facts = [LoggedFact(entry.kind, local_date(entry.occurred_at), entry.result) for entry in case.current_entries]
    return ladder_progress(assessment.assessment.escalation, facts, rules().refere_readiness)


def refresh_deadlines(case: Case, on: dt.date | None = None) -> None:
    """Recompute the stored dates that matter: the rules' deadlines plus the
    end of the documents the person holds."""
    case.deadlines.clear()
    if case.status != "closed":
        for deadline in assess_case(case, on).assessment.deadlines:
            case.deadlines.append(CaseDeadline(kind=deadline.kind, date=deadline.date,
                                               legal_basis=deadline.legal_basis[:400]))
        for document in case.documents:
            if document.valid_until:
                case.deadlines.append(CaseDeadline(kind=f"document-ends:{document.kind}", date=document.valid_until,
                                                   legal_basis="Document détenu par la personne"))
    coming = next_deadline(case, on)
    _store_next_deadline(case, (coming.date, coming.kind) if coming else (None, None))


def _store_next_deadline(case: Case, values: tuple) -> None:
    """Kept beside the case for the list, but not a change of the case: its
    version and last-change time stay, so that a colleague editing it is not
    told someone else saved it (the ORM would bump both)."""
    if not sa_inspect(case).persistent:
        case.next_deadline_on, case.next_deadline_kind = values
        return
    if (case.next_deadline_on, case.next_deadline_kind) == values:
        return
    columns = Case.__table__.c
    db.session.execute(db.update(Case.__table__).where(columns.id == case.id).values(
        next_deadline_on=values[0], next_deadline_kind=values[1], updated_at=columns.updated_at))
    set_committed_value(case, "next_deadline_on", values[0])
    set_committed_value(case, "next_deadline_kind", values[1])


def catch_up_next_deadlines(today: dt.date) -> None:
    """Move on the stored next deadline of the cases whose one has passed
    since it was computed, so that the list's order is right before the daily
    refresh. Asked at every list: one index probe, and the update only on the
    first list of the day."""
    cases = Case.__table__.c
    if db.session.scalar(db.select(cases.id).where(cases.next_deadline_on < today).limit(1)) is None:
        return
    coming = (db.select(CaseDeadline.date, CaseDeadline.kind)
              .where(CaseDeadline.case_id == cases.id, CaseDeadline.date >= today)
              .order_by(CaseDeadline.date, CaseDeadline.id).limit(1))
    # Not a change of the case: neither its version nor its last-change time move.
    db.session.execute(db.update(Case.__table__).where(cases.next_deadline_on < today).values(
        next_deadline_on=coming.with_only_columns(CaseDeadline.date).scalar_subquery(),
        next_deadline_kind=coming.with_only_columns(CaseDeadline.kind).scalar_subquery(),
        updated_at=cases.updated_at))


def next_deadline(case: Case, today: dt.date | None = None) -> CaseDeadline | None:
    today = today or dt.date.today()
    return min((d for d in case.deadlines if d.date >= today), key=lambda d: d.date, default=None)


# --- evidence ----------------------------------------------------------------------

class UploadError(ValueError):
    """A file was refused; ``code`` says why (too-large, not-allowed, empty)."""

    def __init__(self, code: str, filename: str):
        self.code, self.filename = code, filename
        super().__init__(f"{code}: {filename}")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    media_type: str


def check_upload(filename: str, data: bytes) -> Upload:
    from core.cases.evidence import MAX_ATTACHMENT_BYTES

    # Line breaks, NUL and other control characters would break the download's header, the ZIP's
    # entry names and the email letter, and PostgreSQL refuses NUL: they never reach storage.
    printable = "".join(character for character in (filename or "") if character.isprintable())
    name = Path(printable.replace("\\", "/")).name.strip()[:200] or "piece"
    if not data:
        raise UploadError("empty", name)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise UploadError("too-large", name)
    media_type = sniff_media_type(data[:16])
    if media_type is None:
        raise UploadError("not-allowed", name)
    return Upload(name, data, media_type)


def attachments_dir() -> Path:
    return Path(current_app.config.get("ATTACHMENTS_DIR") or Path(current_app.instance_path) / "attachments")


def attachment_path(sha256: str) -> Path:
    return attachments_dir() / sha256[:2] / sha256


def _store(upload: Upload) -> str:
    import tempfile

    digest = sha256_of(upload.data)
    path = attachment_path(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # A private temporary name: two uploads of the same file at once both succeed.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{digest[:8]}", delete=False) as temporary:
            temporary.write(upload.data)
        Path(temporary.name).replace(path)
    return digest


def record_of(entry: EvidenceEntry) -> EntryRecord:
    return EntryRecord(case_id=entry.case_id, sequence=entry.sequence, kind=entry.kind,
                       occurred_at=entry.occurred_at, recorded_at=entry.recorded_at, recorded_by=entry.recorded_by,
                       summary=entry.summary, url=entry.url, reference=entry.reference, result=entry.result,
                       corrects_sequence=entry.corrects.sequence if entry.corrects else None,
                       attachments=tuple((a.sha256, a.filename, a.media_type, a.size) for a in entry.attachments),
                       previous_hash=entry.previous_hash)


def append_entry(case: Case, *, kind: str, occurred_at: dt.datetime, summary: str, by: str,
                 url: str | None = None, reference: str | None = None, result: str | None = None,
                 corrects: EvidenceEntry | None = None, uploads: list[Upload] = ()) -> EvidenceEntry:
    """Add an entry at the end of the case's chain. Two volunteers adding at
    the same moment both succeed: the second is chained after the first."""
    hashes = [_store(upload) for upload in uploads]
    for _attempt in range(3):
        last = db.session.scalar(db.select(EvidenceEntry).where(EvidenceEntry.case_id == case.id)
                                 .order_by(EvidenceEntry.sequence.desc()).limit(1))
        entry = EvidenceEntry(case_id=case.id, sequence=(last.sequence + 1) if last else 1, kind=kind,
                              occurred_at=occurred_at.replace(microsecond=0),
                              recorded_at=utcnow().replace(microsecond=0), recorded_by=by,
                              summary=summary, url=url or None, reference=reference or None, result=result or None,
                              corrects=corrects, previous_hash=last.entry_hash if last else GENESIS, entry_hash="")
        for upload, digest in zip(uploads, hashes, strict=True):
            entry.attachments.append(Attachment(filename=upload.filename, media_type=upload.media_type,
                                                size=len(upload.data), sha256=digest))
        entry.entry_hash = record_of(entry).digest()
        case.evidence_count, case.evidence_head = entry.sequence, entry.entry_hash
        db.session.add(entry)
        try:
            db.session.flush()
        except IntegrityError:  # another entry took this sequence number: chain after it
            db.session.rollback()
            case = db.session.get(Case, case.id)
            if corrects is not None:
                corrects = db.session.get(EvidenceEntry, corrects.id)
            continue
        refresh_deadlines(case)
        audit("evidence.add", case, f"#{entry.sequence} {kind} {entry.entry_hash}", commit=False)
        db.session.commit()
        return entry
    raise RuntimeError("could not append to the evidence chain")


def verify_case(case: Case) -> ChainCheck:
    records, problems = [], {}
    for entry in case.entries:
        records.append((record_of(entry), entry.entry_hash))
        for attachment in entry.attachments:
            path = attachment_path(attachment.sha256)
            if not path.is_file():
                problems.setdefault(entry.sequence, "attachment-missing")
            elif sha256_of(path.read_bytes()) != attachment.sha256:
                problems.setdefault(entry.sequence, "attachment-changed")
    return verify_chain(records, problems, head=(case.evidence_count, case.evidence_head))
