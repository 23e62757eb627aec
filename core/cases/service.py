"""What can be done to a case file, for the views and the commands alike:
assessing it with the rules, keeping its deadlines, appending evidence to its
hash chain, verifying the chain, exporting it for a lawyer, tracing access."""
from __future__ import annotations

import datetime as dt
import random
import time

from flask import abort, current_app
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from core.cases import timestamps
from core.cases.attachments import (  # noqa: F401 (the views and commands find them here too)
    Upload,
    UploadError,
    check_upload,
    forget_unreferenced_files,
    keep_files,
    storage,
    store_upload,
)
from core.cases.evidence import (
    GENESIS,
    ChainCheck,
    EntryRecord,
    blockage_shown,
    letter_digest,
    sha256_of,
    verify_chain,
)
from core.cases.models import Attachment, Case, CaseBlockage, CaseDeadline, EvidenceEntry, EvidenceTimestamp
from core.cases.storage import StorageError
from core.plugins.local import LocalAssessment, assess_locally
from core.plugins.state import local_facts
from core.rules import HeldDocument as HeldFact
from core.rules import Situation, SituationError
from core.rules.progress import LadderProgress, LoggedFact, ladder_progress
from core.web import clock
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


# --- the rules, applied to a case -----------------------------------------------

def situation_of(case: Case, on: dt.date) -> Situation:
    return Situation(demarche=case.demarche, kind=case.kind, on=on, expires_on=case.expires_on,
                     filed_on=case.filed_on, permit=case.permit,
                     favorable_decision_on=case.favorable_decision_on, ephoto_taken_on=case.ephoto_taken_on,
                     birth_date=case.birth_date, remedies_stated=case.remedies_stated,
                     held=tuple(HeldFact(d.kind, d.valid_until) for d in case.documents))


def assess_case(case: Case, on: dt.date | None = None) -> LocalAssessment:
    return assess_locally(rules(), local_facts(), case.departement, situation_of(case, on or clock.today()))


def progress_of(case: Case, assessment: LocalAssessment) -> LadderProgress:
    facts = [LoggedFact(entry.kind, clock.local_date(entry.occurred_at), entry.result) for entry in case.current_entries]
    return ladder_progress(assessment.assessment.escalation, facts, rules().refere_readiness)


def refresh_deadlines(case: Case, on: dt.date | None = None) -> None:
    """Recompute the stored dates that matter: the rules' deadlines plus the
    end of the documents the person holds."""
    case.deadlines.clear()
    if case.status != "closed":
        try:
            found = assess_case(case, on).assessment.deadlines
        except SituationError:  # saved under rules that changed since: its page asks to correct it
            found = ()
        for deadline in found:
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
    set_beside_the_situation(case, changed=False, next_deadline_on=values[0], next_deadline_kind=values[1])


def set_beside_the_situation(case: Case, *, changed: bool, only_if: dict | None = None, **values) -> bool:
    """Write columns that are not the situation the edit form changes (the next
    deadline, the evidence head, the status) without a new version of the case:
    the version guards the edit form only, so that a colleague's evidence entry
    or status change does not make an editor's save "conflict" (issue 13).
    ``changed``: whether the case's last-change time moves. ``only_if``: the
    columns' values the row must still have (a compare-and-set); False when it
    no longer had them and nothing was written."""
    columns = Case.__table__.c
    statement = db.update(Case.__table__).where(columns.id == case.id)
    for name, expected in (only_if or {}).items():
        statement = statement.where(columns[name] == expected)
    now = utcnow()
    written = db.session.execute(statement.values(updated_at=now if changed else columns.updated_at, **values))
    if written.rowcount != 1:
        return False
    for name, value in values.items():
        set_committed_value(case, name, value)
    if changed:
        set_committed_value(case, "updated_at", now)
    return True


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
    today = today or clock.today()
    return min((d for d in case.deadlines if d.date >= today), key=lambda d: d.date, default=None)


# --- evidence ----------------------------------------------------------------------

def record_blockage_shown(case: Case, entry: EvidenceEntry, *, chosen: str | None, by: str) -> str | None:
    """The blockage an entry shows (the one chosen, else the one its result says: a PAN attempt with no
    slot), recorded with the entry it comes from, so that it counts without being entered again."""
    kind = blockage_shown(entry.kind, entry.result, chosen)
    if kind:
        case.blockages.append(CaseBlockage(kind=kind, occurred_on=clock.local_date(entry.occurred_at),
                                           recorded_by=by, from_entry_id=entry.id))
    return kind


def record_of(entry: EvidenceEntry) -> EntryRecord:
    return EntryRecord(case_id=entry.case_id, sequence=entry.sequence, kind=entry.kind,
                       occurred_at=entry.occurred_at, recorded_at=entry.recorded_at, recorded_by=entry.recorded_by,
                       summary=entry.summary, url=entry.url, reference=entry.reference, result=entry.result,
                       corrects_sequence=entry.corrects.sequence if entry.corrects else None,
                       attachments=tuple((a.sha256, a.filename, a.media_type, a.size) for a in entry.attachments),
                       previous_hash=entry.previous_hash, letter_digest=entry.letter_digest)


class ChainBusy(RuntimeError):
    """Other entries kept being added to the same case while this one waited:
    nothing was saved, and the person is asked to send it again."""


APPEND_ATTEMPTS = 8


def append_entry(case: Case, *, kind: str, occurred_at: dt.datetime, summary: str, by: str,
                 url: str | None = None, reference: str | None = None, result: str | None = None,
                 corrects: EvidenceEntry | None = None, uploads: list[Upload] = (), letter=None) -> EvidenceEntry:
    """Add an entry at the end of the case's chain. Two volunteers adding at
    the same moment both succeed: the case's head is moved by a compare-and-set
    (``evidence_count`` still what was read), so the second is chained after
    the first. If it fails for good, nothing is left behind: no row, and no
    stored file that no row points to (erasure and retention would never find it).

    ``letter``, a new :class:`~core.letters.models.Letter`, is saved with the entry, in the same
    transaction, and its text is covered by the entry's hash. Once saved, the entry is timestamped
    if an authority is configured (:func:`stamp_entry`)."""
    stored: list[tuple[str, bool]] = []
    try:
        for upload in uploads:  # one by one: if the storage fails on the second, the first is removed
            stored.append(store_upload(upload))
        hashes = [digest for digest, _written in stored]
        for attempt in range(APPEND_ATTEMPTS):
            entry = _append_once(case, kind, occurred_at, summary, by, url, reference, result, corrects,
                                 uploads, hashes, letter)
            if entry is not None:
                break
            db.session.rollback()
            time.sleep(0.005 * (attempt + 1) * random.random())  # let the other writer finish
            case = db.session.get(Case, case.id)
            if corrects is not None:
                corrects = db.session.get(EvidenceEntry, corrects.id)
        else:
            raise ChainBusy(f"case {case.id}: the chain's head kept moving")
    except BaseException:
        db.session.rollback()
        try:
            forget_unreferenced_files([(digest, upload.data) for upload, (digest, written) in zip(uploads, stored)
                                       if written])
        except (StorageError, OSError):  # the nightly sweep of unused files removes it (retention)
            current_app.logger.exception("case %s: a file of a failed entry could not be removed", case.id)
        raise
    # Saved: what follows must not make the volunteer think otherwise (no error page, no retry).
    try:
        keep_files(uploads, hashes)
    except (StorageError, OSError):  # the nightly check of the logs (cases verify) will name it
        current_app.logger.exception("entry %s #%s saved, but a file could not be written back", case.id,
                                     entry.sequence)
    stamp_entry(case, entry.sequence, entry.entry_hash)
    return entry


def _append_once(case, kind, occurred_at, summary, by, url, reference, result, corrects, uploads, hashes, letter
                 ) -> EvidenceEntry | None:
    """One try; None when another entry was added first (the caller rolls back and tries again)."""
    count, head = _head(case)
    entry = EvidenceEntry(case_id=case.id, sequence=count + 1, kind=kind,
                          occurred_at=occurred_at.replace(microsecond=0),
                          recorded_at=utcnow().replace(microsecond=0), recorded_by=by,
                          summary=summary, url=url or None, reference=reference or None, result=result or None,
                          corrects=corrects, previous_hash=head or GENESIS, entry_hash="")
    for upload, digest in zip(uploads, hashes, strict=True):
        entry.attachments.append(Attachment(filename=upload.filename, media_type=upload.media_type,
                                            size=len(upload.data), sha256=digest))
    if letter is not None:
        entry.letter_digest = letter_digest(letter.hashed_fields())
    entry.entry_hash = record_of(entry).digest()
    try:
        # The head first: from here on this transaction holds the case's row until it commits.
        if not set_beside_the_situation(case, changed=True, only_if={"evidence_count": count},
                                        evidence_count=entry.sequence, evidence_head=entry.entry_hash):
            return None
        db.session.add(entry)
        db.session.flush()
        if letter is not None:
            letter.entry_id = entry.id
            db.session.add(letter)
            db.session.flush()
    except (IntegrityError, OperationalError) as error:  # taken sequence; SQLite: "database is locked"
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise
        return None
    refresh_deadlines(case)
    audit("evidence.add", case, f"#{entry.sequence} {kind} {entry.entry_hash}", commit=False)
    db.session.commit()
    return entry


def verify_case(case: Case) -> ChainCheck:
    """The chain recomputed from what is stored, each file and letter it covers, then its timestamps.

    The tokens are read first, then the entries: a colleague's entry saved and timestamped during
    the check is then either seen whole or not at all, never its token without it."""
    stamps = [timestamps.StoredStamp(row.sequence, row.reply, row.stamped_at)
              for row in db.session.scalars(db.select(EvidenceTimestamp).where(EvidenceTimestamp.case_id == case.id))]
    head_before = _head(case)
    db.session.expire(case, ["entries", "letters"])
    records, problems = [], {}
    letters: dict[int, list] = {}
    for letter in case.letters:
        letters.setdefault(letter.entry_id, []).append(letter)
    for entry in case.entries:
        records.append((record_of(entry), entry.entry_hash))
        for attachment in entry.attachments:
            try:
                data = storage().read(attachment.sha256)
            except FileNotFoundError:
                problems.setdefault(entry.sequence, "attachment-missing")
                continue
            if sha256_of(data) != attachment.sha256:
                problems.setdefault(entry.sequence, "attachment-changed")
        if entry.letter_digest is not None:  # exactly its letter: not missing, not rewritten, not doubled
            found = letters.get(entry.id, [])
            if not found:
                problems.setdefault(entry.sequence, "letter-missing")
            elif len(found) > 1 or letter_digest(found[0].hashed_fields()) != entry.letter_digest:
                problems.setdefault(entry.sequence, "letter-changed")
    check = verify_chain(records, problems, head=_head_for(records, head_before, _head(case)))
    return check.with_timestamps(timestamps.check_stamps(
        stamps, {record.sequence: record.digest() for record, _stored in records}, timestamp_authority()))


def _head(case: Case) -> tuple[int, str | None]:
    """The chain's head as stored now (number of entries, last hash), not as the ORM last loaded it."""
    columns = Case.__table__.c
    return tuple(db.session.execute(db.select(columns.evidence_count, columns.evidence_head)
                                    .where(columns.id == case.id)).one())


def _head_for(records, before: tuple[int, str | None], after: tuple[int, str | None]) -> tuple[int, str | None]:
    """The head the entries read must end with. Entries added by colleagues between reading the
    head and reading the entries are expected: the head read before must then be one of the
    entries, and the head read after, at or past the last one. Anything else is left to
    ``verify_chain`` to report with the head read before."""
    count = len(records)
    if before[0] < count <= after[0] and (before[0] == 0 or records[before[0] - 1][1] == before[1]):
        return count, records[-1][1]
    return before


# --- timestamps -------------------------------------------------------------------------

def timestamp_authority() -> timestamps.Authority | None:
    """The timestamping authority the administrator configured (PERMANENCE_TSA_URL), if any."""
    return current_app.extensions.get("permanence.tsa")


def stamp_entry(case: Case, sequence: int, digest: str) -> EvidenceTimestamp | None:
    """Have the authority timestamp an entry's hash. An authority that does not answer costs the
    volunteer nothing: the entry is saved, and ``cases timestamp`` (nightly) tries again."""
    authority = timestamp_authority()
    if authority is None:
        return None
    try:
        stamp = timestamps.stamp(authority, digest)
        row = EvidenceTimestamp(case_id=case.id, sequence=sequence, entry_hash=digest, reply=stamp.reply,
                                stamped_at=stamp.time, authority_url=authority.url)
        db.session.add(row)
        audit("evidence.timestamp", case, f"#{sequence} {digest}", commit=False)
        db.session.commit()
    except Exception as error:  # whatever the network or the authority does, the entry stays saved
        db.session.rollback()
        current_app.logger.warning("case %s, entry %s not timestamped: %r", case.id, sequence, error)
        return None
    return row


def stamp_unstamped(case: Case) -> str:
    """For the nightly command: timestamp the last entry if no token covers it yet, after checking
    the chain (a broken chain is reported, never timestamped). Returns what was done."""
    if not case.evidence_count:
        return "empty"
    if any(row.sequence == case.evidence_count for row in case.timestamps):
        return "covered"
    check = verify_case(case)
    if not check.ok:
        return "broken"
    return "stamped" if stamp_entry(case, case.evidence_count, case.evidence_head) else "failed"
