"""A report of a wrong or outdated local fact, and a correction recorded for this instance."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.web.extensions import db, utcnow


class _AboutAFact:
    """Which fact: its département, section, what it was called then, hence its identity
    (core.corrections.facts.fact_identity), and the version of its content seen then."""

    departement: Mapped[str] = mapped_column(String(3), index=True)
    section: Mapped[str] = mapped_column(String(40))
    fact_identity: Mapped[str] = mapped_column(String(32), index=True)
    fact_version: Mapped[str] = mapped_column(String(32), index=True)
    fact_label: Mapped[str] = mapped_column(String(300))
    #: Who gave the fact: "national" or the plugin's name (the patch goes to its maintainers).
    plugin: Mapped[str] = mapped_column(String(100), index=True)
    field: Mapped[str | None] = mapped_column(String(40))


class FactReport(_AboutAFact, db.Model):
    """A volunteer says a fact is wrong: what, what they saw instead, where."""

    __tablename__ = "fact_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    what_is_wrong: Mapped[str] = mapped_column(Text)
    what_they_saw: Mapped[str] = mapped_column(Text, default="")
    where_seen: Mapped[str] = mapped_column(String(500), default="")
    reported_by: Mapped[str] = mapped_column(String(254), index=True)
    reported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: open, corrected or dismissed.
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    #: When the volunteer who reported it saw the outcome (their dashboard says so until then).
    outcome_seen_at: Mapped[dt.datetime | None]


class FactCorrection(_AboutAFact, db.Model):
    """A field's right value on this instance, with its source and the day it was checked; shown
    beside the plugin's fact. Withdrawn, it stays for the record."""

    __tablename__ = "fact_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("fact_reports.id", ondelete="SET NULL"), index=True)
    value: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    checked_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_by: Mapped[str | None] = mapped_column(String(254))
    withdrawn_at: Mapped[dt.datetime | None]

    report: Mapped[FactReport | None] = relationship()
