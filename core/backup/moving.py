"""Moving the attachments from one storage to the other (a local folder to S3 when a second
application server arrives, or back). Each file is read, hashed and written under its name; a
file already at the destination is left as it is. Nothing is removed from the source: the
administrator switches ``PERMANENCE_ATTACHMENTS_STORAGE`` once the copy is complete."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.cases.attachments import storage
from core.cases.evidence import sha256_of
from core.cases.storage import Storage
from core.web.extensions import db


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def referenced_digests() -> list[str]:
    """Every file a log entry or a letter points to."""
    from core.cases.models import Attachment
    from core.letters.models import Letter

    rows = db.session.execute(db.select(Attachment.sha256).union(db.select(Letter.sha256))).scalars().all()
    db.session.rollback()
    return sorted(rows)


def copy_attachments(destination: Storage) -> CopyReport:
    report = CopyReport()
    for digest in referenced_digests():
        if destination.exists(digest):
            report.present += 1
            continue
        try:
            data = storage().read(digest)
        except FileNotFoundError:
            report.missing.append(digest)
            continue
        if sha256_of(data) != digest:  # copied as it is: the log's verification must still see it
            report.changed.append(digest)
        destination.write(digest, data)
        report.copied += 1
    return report
