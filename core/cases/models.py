"""A case file (dossier) and what hangs on it: the documents the person
holds, the evidence log with its attachments, the stored deadlines, the
blockages met.

Timestamps are stored as naive UTC, the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from core.web.extensions import db, utcnow


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    CLOSED = "closed"


#: What the case list filters on (core/cases/listing.py index).
LIST_FILTERS = ("status", "departement", "demarche", "assigned_to_id")


def _list_indexes() -> dict[str, tuple]:
    """One index per order of the case list, alone and after each filter, so that a page of the list
    reads its 21 rows from an index whatever the filter (a filtered page sorted afterwards read up to
    a third of 100,000 cases: 50 ms on SQLite). The default order puts cases without a next deadline
    last; SQLite's indexes cannot say NULLS LAST, so "IS NULL" comes first, on both databases."""
    def by_next_deadline():
        return db.text("(next_deadline_on IS NULL)"), "next_deadline_on", db.text("updated_at DESC")

    indexes = {"ix_cases_next_deadline": by_next_deadline()}
    for column in LIST_FILTERS:
        indexes[f"ix_cases_{column}_next_deadline"] = (column, *by_next_deadline())
        indexes[f"ix_cases_{column}_updated_at"] = (column, "updated_at")
    return indexes


LIST_INDEXES = _list_indexes()
#: Made of expressions: SQLite cannot reflect them (core/cases/search.py made_by_hand).
LIST_EXPRESSION_INDEXES = frozenset(name for name in LIST_INDEXES if name.endswith("_next_deadline"))


class Case(db.Model):
    """A dossier: the person's situation as the rules need it, and who follows it.

    Only what the work needs about the person: a name or initials, an
    optional AGDREF number, a nationality, a way to reach them, a note.
    """

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'waiting', 'closed')", name="status"),
        CheckConstraint("kind IN ('first', 'renewal')", name="kind"),
        CheckConstraint("civility IN ('madame', 'monsieur')", name="civility"),
        *(db.Index(name, *columns) for name, columns in LIST_INDEXES.items()),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_name: Mapped[str] = mapped_column(String(120), index=True)
    #: "madame", "monsieur" or None: letters to the administration use it.
    civility: Mapped[str | None] = mapped_column(String(10))
    #: Only for a young person (R.431-5 2° and 3°) and the letters that need it.
    birth_date: Mapped[dt.date | None]
    agdref: Mapped[str | None] = mapped_column(String(10), index=True)
    nationality: Mapped[str | None] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(db.Text)
    departement: Mapped[str] = mapped_column(String(3))  # indexed with the list's orders
    demarche: Mapped[str] = mapped_column(String(60))  # indexed with the list's orders
    kind: Mapped[str] = mapped_column(String(10))
    permit: Mapped[str | None] = mapped_column(String(40))
    expires_on: Mapped[dt.date | None]
    filed_on: Mapped[dt.date | None]
    anef_request_number: Mapped[str | None] = mapped_column(String(40))
    favorable_decision_on: Mapped[dt.date | None]
    ephoto_taken_on: Mapped[dt.date | None]
    #: What the case records, so that a letter states it only then (None: not known).
    request_complete: Mapped[bool | None]
    #: Did the acknowledgement of the request state the voies et délais de recours?
    remedies_stated: Mapped[bool | None]
    status: Mapped[str] = mapped_column(String(10), default=CaseStatus.OPEN.value)  # indexed with the list's orders
    assigned_to_id: Mapped[int | None] = mapped_column(db.ForeignKey("users.id"))  # indexed with the list's orders
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    #: The earliest stored deadline from the day it was computed, and its kind: kept here, indexed, so
    #: that the list sorts and shows 100,000 cases without reading their deadlines
    #: (service.refresh_deadlines, catch_up_next_deadlines).
    next_deadline_on: Mapped[dt.date | None] = mapped_column(index=True)
    next_deadline_kind: Mapped[str | None] = mapped_column(String(60))
    closed_at: Mapped[dt.datetime | None]
    #: Two volunteers saving the same case at once: the second is told, not overwritten.
    version: Mapped[int] = mapped_column(default=1)
    #: The head of the evidence chain (number of entries, last hash), so that
    #: removing the last entries is detected too (core/cases/service.py, verify_case).
    evidence_count: Mapped[int] = mapped_column(default=0)
    evidence_head: Mapped[str | None] = mapped_column(String(64))
    #: Set when the person's data was erased at their request: the case stays
    #: as an empty shell whose log records the erasure, without the data.
    erased_at: Mapped[dt.datetime | None]

    assigned_to = db.relationship("User", foreign_keys=[assigned_to_id])
    documents = db.relationship("HeldDocument", back_populates="case", cascade="all, delete-orphan",
                                order_by="HeldDocument.id")
    entries = db.relationship("EvidenceEntry", back_populates="case", cascade="all, delete-orphan",
                              order_by="EvidenceEntry.sequence", foreign_keys="EvidenceEntry.case_id")
    deadlines = db.relationship("CaseDeadline", back_populates="case", cascade="all, delete-orphan",
                                order_by="CaseDeadline.date")
    blockages = db.relationship("CaseBlockage", back_populates="case", cascade="all, delete-orphan",
                                order_by="CaseBlockage.occurred_on")
    letters = db.relationship("Letter", cascade="all, delete-orphan", overlaps="case")
    timestamps = db.relationship("EvidenceTimestamp", cascade="all, delete-orphan",
                                 order_by="(EvidenceTimestamp.sequence, EvidenceTimestamp.stamped_at)")

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        return f"D-{self.id:05d}"

    @property
    def current_entries(self) -> list[EvidenceEntry]:
        """The log as it now stands: an entry a later one corrects is left out."""
        corrected = {entry.corrects_id for entry in self.entries if entry.corrects_id}
        return [entry for entry in self.entries if entry.id not in corrected]


class HeldDocument(db.Model):
    """A document the person holds now (ADD, API, récépissé…): state, not evidence."""

    __tablename__ = "held_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date | None]
    valid_until: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(200))

    case = db.relationship("Case", back_populates="documents")


class EvidenceEntry(db.Model):
    """One dated piece of the evidence log. Never edited nor deleted: a
    correction is a new entry pointing to the one it corrects. Its hash
    covers its content, its attachments' hashes and the previous entry's
    hash (core/cases/evidence.py)."""

    __tablename__ = "evidence_entries"
    __table_args__ = (db.UniqueConstraint("case_id", "sequence", name="uq_evidence_entries_case_sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[dt.datetime]
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(254))
    summary: Mapped[str] = mapped_column(db.Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    reference: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[str | None] = mapped_column(String(40))
    corrects_id: Mapped[int | None] = mapped_column(db.ForeignKey("evidence_entries.id"))
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    #: A generated letter's entry: the digest of the letter as sent (evidence.letter_digest), in the hash.
    letter_digest: Mapped[str | None] = mapped_column(String(64))

    case = db.relationship("Case", back_populates="entries", foreign_keys=[case_id])
    corrects = db.relationship("EvidenceEntry", remote_side=[id])
    # Loaded with the entries in one more query, not one per entry (chain check, case page, exports).
    attachments = db.relationship("Attachment", back_populates="entry", cascade="all, delete-orphan",
                                  order_by="Attachment.id", lazy="selectin")


class Attachment(db.Model):
    """A file attached to an evidence entry, stored outside the static
    folder under its SHA-256 and served only to logged-in users."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(db.ForeignKey("evidence_entries.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    entry = db.relationship("EvidenceEntry", back_populates="attachments")


class EvidenceTimestamp(db.Model):
    """An RFC 3161 token by which a timestamping authority signed an entry's hash and a time
    (core/cases/timestamps.py): from then on, rewriting that entry or any before it is detected,
    even by whoever can write to this database."""

    __tablename__ = "evidence_timestamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The entry whose hash the token covers (its message imprint).
    sequence: Mapped[int]
    entry_hash: Mapped[str] = mapped_column(String(64))
    #: The authority's whole TimeStampResp (DER), as `openssl ts -verify -in` reads it.
    reply: Mapped[bytes] = mapped_column(db.LargeBinary)
    #: The time the authority certifies (genTime, UTC).
    stamped_at: Mapped[dt.datetime]
    authority_url: Mapped[str] = mapped_column(String(500))


class CaseDeadline(db.Model):
    """The dates that matter for a case, recomputed by the rules at each change
    (and daily by `flask --app core cases refresh-deadlines`), so that the
    dashboard and the calendars are plain queries."""

    __tablename__ = "case_deadlines"
    # The dashboard reads the coming days in this order and stops at its limit.
    __table_args__ = (db.Index("ix_case_deadlines_date_case", "date", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: A rule's deadline kind, or "document-ends:<document>" (up to 44 characters today).
    kind: Mapped[str] = mapped_column(String(60))
    date: Mapped[dt.date]
    legal_basis: Mapped[str] = mapped_column(String(400))

    case = db.relationship("Case", back_populates="deadlines")


class CaseBlockage(db.Model):
    """A blockage met on a case (taxonomy: core/rules/data/blockages.yaml)."""

    __tablename__ = "case_blockages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    occurred_on: Mapped[dt.date]
    recorded_by: Mapped[str] = mapped_column(String(254))
    #: The log entry it was derived from (a PAN attempt with no slot…), if any: shown as such, counted once.
    from_entry_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("evidence_entries.id", ondelete="SET NULL"), index=True)

    case = db.relationship("Case", back_populates="blockages")
    from_entry = db.relationship("EvidenceEntry")
