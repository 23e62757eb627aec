"""What statistics keep once a case's personal data is gone."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.web.extensions import db


class AnonymousCase(db.Model):
    """What statistics keep of a case whose personal data was deleted
    (retention or erasure): categories and months, nothing about the person."""

    __tablename__ = "anonymous_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    departement: Mapped[str] = mapped_column(String(3))
    demarche: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    opened_month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    renewal_break: Mapped[bool] = mapped_column(default=False)
    days_to_api: Mapped[int | None]
    days_to_pan: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(20))  # retention, erasure
    removed_on: Mapped[dt.date]

    blockages = db.relationship("AnonymousBlockage", cascade="all, delete-orphan")


class AnonymousBlockage(db.Model):
    __tablename__ = "anonymous_blockages"

    id: Mapped[int] = mapped_column(primary_key=True)
    anonymous_case_id: Mapped[int] = mapped_column(db.ForeignKey("anonymous_cases.id", ondelete="CASCADE"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(String(60))
    month: Mapped[str] = mapped_column(String(7))
