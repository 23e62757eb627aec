"""Attachments of the evidence log: what a file really is (checked on its content), that it is
stored under its SHA-256 (core/cases/storage.py: a local folder or S3), and that no stored file
is left without the row that points to it, nor a row without its file, when volunteers add the
same file at once."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from core.cases.evidence import sha256_of, sniff_media_type
from core.cases.models import Attachment
from core.cases.storage import Storage
from core.web.extensions import db


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


def storage() -> Storage:
    """The configured backend (core/cases/storage.py), built once with the application."""
    return current_app.extensions["permanence.storage"]


def check_storage() -> None:
    """Raises unless the attachments' storage can be written to (``/healthz``)."""
    storage().check()


def store_upload(upload: Upload) -> tuple[str, bool]:
    """``(sha256, whether this call wrote the file)``: a file already there belongs to an entry
    already saved (or about to be), and is never removed on this one's behalf."""
    digest = sha256_of(upload.data)
    if storage().exists(digest):
        return digest, False
    storage().write(digest, upload.data)
    return digest, True


def forget_unreferenced_files(files: list[tuple[str, bytes]]) -> None:
    """Files this failed entry wrote: removed, unless an attachment row points to one by now.

    The same file may be in another volunteer's entry being saved at this very moment: checked
    again after the removal, and written back if that entry was saved meanwhile; if it is saved
    after, it writes the file back itself (:func:`keep_files`)."""
    def referenced(digest: str) -> bool:
        db.session.rollback()  # a fresh read: what other transactions committed since
        return db.session.scalar(db.select(Attachment.id).where(Attachment.sha256 == digest).limit(1)) is not None

    for digest, data in dict(files).items():
        if referenced(digest):
            continue
        storage().delete(digest)
        if referenced(digest):
            storage().write(digest, data)


def keep_files(uploads, hashes) -> None:
    """After the commit: a file this entry found already stored may have been removed meanwhile by
    a failed entry that had written it (:func:`forget_unreferenced_files`); it is written back."""
    for upload, digest in zip(uploads, hashes, strict=True):
        if not storage().exists(digest):
            storage().write(digest, upload.data)
