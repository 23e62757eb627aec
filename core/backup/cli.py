"""``flask --app core backup key|create|restore`` and ``attachments migrate|create-bucket``."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from core.web.cli import CommandGroup

backup_cli = CommandGroup("backup", help="Backups: one archive with the database and the attachments.")
attachments_cli = CommandGroup("attachments", help="Where the attachments are stored (local folder or S3).")

KEY_FILE = click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
                        help="The key made by 'backup key' (keep a copy away from this server).")


def _key(path: Path | None) -> bytes | None:
    from core.backup import crypto

    if path is None:
        return None
    try:
        return crypto.read_key(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError, crypto.BackupKeyError):
        raise click.ClickException(_("%(path)s is not a readable backup key.", path=path)) from None


def _damage(error) -> str:
    return {"cut": _("The archive is truncated: it was not copied whole."),
            "lengthened": _("The archive goes on after its end: it was changed."),
            "not-encrypted": _("This is not an encrypted Permanence backup."),
            }.get(error.reason) or _("The archive has been changed (part %(chunk)s): it cannot be restored.",
                                     chunk=error.chunk)


@backup_cli.command("key")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_key(path):
    """Create a key file for encrypted backups (readable by its owner only)."""
    from core.backup import crypto

    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(_("%(path)s already exists: it is never overwritten.", path=path)) from None
    with open(descriptor, "w", encoding="ascii") as file:
        file.write(crypto.new_key_text())
    click.echo(_("Key written to %(path)s. Keep a copy away from this server: without it, "
                 "the encrypted backups cannot be restored.", path=path))


@backup_cli.command("create")
@click.option("--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder the archive is written to.")
@KEY_FILE
@click.option("--keep", type=click.IntRange(min=1), help="Keep only this many archives in the folder.")
def backup_create(output, key_file, keep):
    """Write one consistent archive: database, attachments and a manifest of their hashes."""
    from core.backup.archive import BackupError, create_backup
    from core.backup.database import DatabaseCopyError

    try:
        created = create_backup(output, _key(key_file), keep)
    except DatabaseCopyError as error:
        raise click.ClickException(_("The database could not be copied: %(error)s", error=error)) from None
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    counts = created.manifest["counts"]
    click.echo(_("%(path)s: %(cases)d case(s), %(entries)d log entries, %(files)d file(s).", path=created.path,
                 cases=counts["cases"], entries=counts["evidence_entries"],
                 files=len(created.manifest["attachments"])))
    for old in created.removed:
        click.echo(_("Older archive removed: %(name)s", name=old.name))
    if created.missing:
        click.echo(_("%(count)d file(s) the database refers to are missing from the storage; the restore's "
                     "verification will name their cases.", count=len(created.missing)), err=True)
        raise click.exceptions.Exit(1)


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@KEY_FILE
def backup_restore(archive, key_file):
    """Restore an archive into an empty instance, then verify every evidence log."""
    from core.backup.archive import BackupError, restore_backup
    from core.backup.crypto import BackupKeyError, DamagedArchive
    from core.backup.database import DatabaseCopyError

    try:
        restored = restore_backup(archive, _key(key_file))
    except BackupKeyError:
        raise click.ClickException(_("This archive was encrypted with another key.")) from None
    except DamagedArchive as error:
        raise click.ClickException(_damage(error)) from None
    except DatabaseCopyError as error:
        raise click.ClickException(_("The database could not be restored: %(error)s", error=error)) from None
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    expected = restored.manifest["counts"]
    for table, count in expected.items():
        if restored.counts.get(table) != count:
            raise click.ClickException(_("The restored database has %(found)s row(s) in %(table)s, the archive "
                                         "said %(count)d.", found=restored.counts.get(table), table=table,
                                         count=count))
    click.echo(_("Restored: %(cases)d case(s), %(entries)d log entries, %(files)d file(s).",
                 cases=expected["cases"], entries=expected["evidence_entries"],
                 files=len(restored.manifest["attachments"])))
    if restored.broken:
        click.echo(_("These logs do not verify: %(references)s (flask --app core cases verify REFERENCE).",
                     references=", ".join(restored.broken)), err=True)
        raise click.exceptions.Exit(1)
    click.echo(_("Every evidence log verifies."))


@attachments_cli.command("migrate")
@click.option("--to", "target", required=True, type=click.Choice(["local", "s3"]),
              help="The storage to copy every attachment to.")
def attachments_migrate(target):
    """Copy every attachment from the configured storage to the other one, checking each hash."""
    from core.backup.moving import copy_attachments
    from core.cases.storage import StorageError, storage_from_config

    try:
        destination = storage_from_config(current_app.config, current_app.instance_path, target)
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    if destination.kind == current_app.extensions["permanence.storage"].kind:
        raise click.ClickException(_("The attachments are already stored there (%(kind)s).", kind=target))
    report = copy_attachments(destination)
    click.echo(_("%(copied)d file(s) copied, %(present)d already there.", copied=report.copied,
                 present=report.present))
    if report.missing or report.changed:
        click.echo(_("Missing: %(missing)d; changed since they were attached (copied as they are): %(changed)d. "
                     "flask --app core cases verify names their cases.", missing=len(report.missing),
                     changed=len(report.changed)), err=True)
        raise click.exceptions.Exit(1)
    click.echo(_("Now set PERMANENCE_ATTACHMENTS_STORAGE=%(kind)s and restart; the old copies can then be "
                 "removed.", kind=target))


@attachments_cli.command("create-bucket")
def attachments_create_bucket():
    """Create the S3 bucket named by PERMANENCE_S3_BUCKET, if it does not exist."""
    from core.cases.storage import StorageError, storage_from_config

    try:
        store = storage_from_config(current_app.config, current_app.instance_path, "s3")
    except StorageError as error:
        raise click.ClickException(str(error)) from None
    created = store.create_bucket()
    click.echo(_("Bucket %(bucket)s created.", bucket=store.bucket) if created
               else _("Bucket %(bucket)s already exists.", bucket=store.bucket))
