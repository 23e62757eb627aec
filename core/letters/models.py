"""A letter as it was sent."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.web.extensions import db, utcnow


class Letter(db.Model):
    """A letter or email as it was sent: the text the volunteer validated, the
    file generated from it (a PDF, or an .eml), who made it and when. The file
    is also attached to a `letter-generated` entry of the evidence log."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(db.Text)
    recipient: Mapped[str] = mapped_column(String(500))
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(60))
    sha256: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    entry_id: Mapped[int | None] = mapped_column(db.ForeignKey("evidence_entries.id"))

    case = db.relationship("Case", overlaps="letters")

    def hashed_fields(self) -> dict:
        """What its evidence entry's hash covers (core/cases/evidence.letter_digest)."""
        return {"slug": self.slug, "title": self.title, "kind": self.kind, "subject": self.subject,
                "body": self.body, "recipient": self.recipient, "file_name": self.file_name,
                "media_type": self.media_type, "sha256": self.sha256, "created_by": self.created_by,
                "created_at": self.created_at.isoformat(timespec="seconds")}
