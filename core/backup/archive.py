"""One archive (``permanence-YYYYMMDD-HHMMSS.tar.gz``, ``.enc`` when encrypted) holding the
database copy, every attachment it refers to and ``manifest.json`` with each file's SHA-256.

The archive is written under a temporary name and renamed when complete, so a backup cut by a
full disk or a reboot never looks like a good one. A restore unpacks and checks every hash before
it touches the instance, which must be empty, and ends by verifying every evidence chain."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from core.backup import crypto, database
from core.cases.attachments import storage
from core.cases.evidence import sha256_of

FORMAT = "permanence-backup/1"
NAME = re.compile(r"^permanence-\d{8}-\d{6}\.tar\.gz(\.enc)?$")
ATTACHMENT_MEMBER = re.compile(r"^attachments/([0-9a-f]{64})$")
DATABASE_MEMBERS = ("database.sqlite3", "database.pgdump")


class BackupError(RuntimeError):
    """The archive cannot be made or restored; the message says why."""


@dataclass
class Created:
    path: Path
    manifest: dict
    missing: list[str] = field(default_factory=list)  # referenced by the database, not in the storage
    removed: list[Path] = field(default_factory=list)  # older archives beyond --keep


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]
    broken: list[str]  # references of the cases whose chain does not verify


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, when: float) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(when), 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(output: Path, key: bytes | None = None, keep: int | None = None) -> Created:
    from core.web.extensions import db

    output.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    name = f"permanence-{now:%Y%m%d-%H%M%S}.tar.gz" + (".enc" if key else "")
    revision = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
    db.session.rollback()
    with tempfile.TemporaryDirectory(prefix="permanence-backup-") as work:
        snapshot = database.dump(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(work))
        manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "schema_revision": revision, "storage": storage().kind,
                    "database": {"engine": snapshot.engine, "file": snapshot.file.name,
                                 "sha256": _file_sha256(snapshot.file), "size": snapshot.file.stat().st_size},
                    "counts": snapshot.counts, "attachments": [], "missing_attachments": []}
        partial = output / f".{name}.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_archive(descriptor, key, snapshot, manifest, now)
        except BaseException:
            partial.unlink(missing_ok=True)  # never a half archive left behind, in the clear or not
            raise
        final = output / name
        partial.replace(final)
    created = Created(final, manifest, manifest["missing_attachments"])
    if keep and not created.missing:  # a run with files missing keeps every older archive
        archives = sorted(path for path in output.iterdir() if NAME.match(path.name) and path != final)
        created.removed = archives[:max(len(archives) - (keep - 1), 0)]
        for old in created.removed:
            old.unlink()
    return created


def _write_archive(descriptor: int, key: bytes | None, snapshot, manifest: dict, now: dt.datetime) -> None:
    with open(descriptor, "wb") as raw:
        sink = crypto.EncryptingWriter(raw, key) if key else raw
        with tarfile.open(fileobj=sink, mode="w|gz") as archive:
            archive.add(snapshot.file, arcname=snapshot.file.name)
            for digest in sorted(snapshot.digests):
                try:
                    data = storage().read(digest)
                except FileNotFoundError:
                    manifest["missing_attachments"].append(digest)
                    continue
                # Kept as found, even if changed: the restore's verification will say so.
                manifest["attachments"].append({"sha256": digest, "content_sha256": sha256_of(data),
                                                "size": len(data)})
                _add_bytes(archive, f"attachments/{digest}", data, now.timestamp())
            text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            _add_bytes(archive, "manifest.json", text, now.timestamp())
        if key:
            sink.close()
        raw.flush()
        os.fsync(raw.fileno())


def _unpack(archive_path: Path, key: bytes | None, folder: Path) -> dict:
    """Every member checked by name and by hash against the manifest; nothing else is written."""
    with open(archive_path, "rb") as raw:
        encrypted = crypto.is_encrypted(raw.read(len(crypto.MAGIC)))
        raw.seek(0)
        if encrypted and key is None:
            raise BackupError(_("This archive is encrypted: give its key with --key-file."))
        source = crypto.DecryptingReader(raw, key) if encrypted else raw
        try:
            with tarfile.open(fileobj=source, mode="r|gz") as archive:
                for member in archive:
                    if not member.isfile() or not (member.name in (*DATABASE_MEMBERS, "manifest.json")
                                                   or ATTACHMENT_MEMBER.match(member.name)):
                        raise BackupError(_("Unexpected file in the archive: %(name)s.", name=member.name))
                    target = folder / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.extractfile(member) as data, open(target, "wb") as copy:
                        while block := data.read(1 << 20):
                            copy.write(block)
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(_("The archive is damaged (%(error)s).", error=error)) from None
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("The archive has no readable manifest.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown archive format: %(format)s.", format=manifest.get("format")))
    described = manifest["database"]
    if described.get("file") not in DATABASE_MEMBERS or not all(
            re.fullmatch(r"[0-9a-f]{64}", str(item.get("sha256"))) for item in manifest["attachments"]):
        raise BackupError(_("The archive has no readable manifest."))
    if _file_sha256(folder / described["file"]) != described["sha256"]:
        raise BackupError(_("The database copy does not match its hash in the manifest."))
    for item in manifest["attachments"]:
        path = folder / "attachments" / item["sha256"]
        if not path.is_file() or _file_sha256(path) != item["content_sha256"]:
            raise BackupError(_("The file %(name)s does not match its hash in the manifest.", name=item["sha256"][:12]))
    return manifest


def restore_backup(archive_path: Path, key: bytes | None = None) -> Restored:
    """Into an empty database; the attachments go to the configured storage."""
    import flask_migrate

    from core.cases.models import Case
    from core.cases.service import verify_case
    from core.web.extensions import db

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()
    if not database.is_empty(url):
        raise BackupError(_("The database is not empty: a backup is restored into a new, empty database."))
    with tempfile.TemporaryDirectory(prefix="permanence-restore-") as work:
        folder = Path(work)
        manifest = _unpack(archive_path, key, folder)
        for item in manifest["attachments"]:  # the archive's verified copy wins over what is there
            data = (folder / "attachments" / item["sha256"]).read_bytes()
            try:
                same = sha256_of(storage().read(item["sha256"])) == item["content_sha256"]
            except FileNotFoundError:
                same = False
            if not same:
                storage().write(item["sha256"], data)
        database.restore(url, manifest["database"]["engine"], folder / manifest["database"]["file"])
    db.engine.dispose()
    flask_migrate.upgrade()  # an archive from an older version: brought up to this one's schema
    broken = [case.reference for case in db.session.scalars(db.select(Case).order_by(Case.id))
              if not verify_case(case).ok]
    db.session.rollback()
    return Restored(manifest, database.counts(url), broken)
