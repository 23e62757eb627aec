"""Backups that restore: an intranet with cases, log entries, attachments and a letter is backed
up (encrypted), restored into an empty instance, and every row and every file comes back, with
every evidence log verified; on SQLite, and on PostgreSQL with the attachments on S3. A wrong
key, a damaged archive or a database already in use are refused before anything is written."""
from __future__ import annotations

import flask_migrate
import pytest
from sqlalchemy import MetaData

from core import create_app
from core.accounts.models import Role, User
from core.web.extensions import db
from tests.conftest import PASSWORD, app_config, log_in
from tests.test_cases import PDF, PNG, add_entry, case_id, create_case


def new_instance(kind, tmp_path, name, request):
    """An empty database of ``kind`` with its own attachments (a folder, or S3 with PostgreSQL)."""
    if kind == "sqlite":
        return create_app(app_config(f"sqlite:///{tmp_path / name}.sqlite3",
                                     ATTACHMENTS_DIR=str(tmp_path / name / "attachments")))
    seaweedfs = request.getfixturevalue("seaweedfs")
    url = request.getfixturevalue("postgres").new_database()
    return create_app(app_config(url, **seaweedfs.settings(seaweedfs.new_place())))


def fill(site):
    """What a week at a help desk leaves: two cases, entries with files, a PAN email."""
    from tests.test_letters import generate_pan_email

    with site.app_context():
        flask_migrate.upgrade()
        user = User(email="camille@example.org", name="Camille", role=Role.BENEVOLE.value)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = site.test_client()
    log_in(client, "camille@example.org")
    first = case_id(create_case(client, person_name="Mme A.", anef_request_number="1401202411040000"))
    second = case_id(create_case(client, person_name="M. B."))
    add_entry(client, first, files=[("capture.png", PNG)], summary="Aucun créneau")
    add_entry(client, first, kind="prefecture-email", summary="Courriel à la préfecture")
    add_entry(client, second, files=[("recepisse.pdf", PDF), ("capture.png", PNG)])
    assert generate_pan_email(client, first, "Demande de rendez-vous").status_code == 302


def every_row(site) -> dict[str, list[tuple]]:
    with site.app_context():
        metadata = MetaData()
        metadata.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            return {name: sorted(tuple(str(value) for value in row)
                                 for row in connection.execute(table.select()))
                    for name, table in metadata.tables.items()}


def files_of(site) -> dict[str, bytes]:
    from core.cases.models import Attachment
    from core.letters.models import Letter

    with site.app_context():
        digests = set(db.session.scalars(db.select(Attachment.sha256).union(db.select(Letter.sha256))))
    return {digest: site.extensions["permanence.storage"].read(digest) for digest in digests}


@pytest.fixture
def backup_key(tmp_path):
    site = create_app(app_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}"))
    path = tmp_path / "backup.key"
    result = site.test_cli_runner().invoke(args=["backup", "key", str(path)])
    assert result.exit_code == 0 and "Gardez-en une copie" in result.output
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return path


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_encrypted_backup_restores_every_case_entry_letter_and_file_and_every_log_verifies(
        kind, tmp_path, request, backup_key):
    source = new_instance(kind, tmp_path, "source", request)
    fill(source)
    made = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(tmp_path / "backups"),
                                                 "--key-file", str(backup_key)])
    assert made.exit_code == 0, made.output
    assert "2 dossier(s), 4 entrée(s) de journal" in made.output
    (archive,) = (tmp_path / "backups").glob("permanence-*.tar.gz.enc")
    assert b"Mme A." not in archive.read_bytes() and b"PNG" not in archive.read_bytes()

    target = new_instance(kind, tmp_path, "target", request)
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive),
                                                     "--key-file", str(backup_key)])
    assert restored.exit_code == 0, restored.output
    assert "Chaque journal est vérifié" in restored.output
    rows = every_row(source)
    assert every_row(target) == rows
    assert files_of(target) == files_of(source) and len(files_of(source)) == 3  # PNG, PDF, the email
    again = target.test_cli_runner().invoke(args=["cases", "verify"])
    assert again.exit_code == 0 and "D-00002" in again.output

    client = target.test_client()  # the restored intranet works: same account, same case page
    log_in(client, "camille@example.org")
    assert "Mme A." in client.get("/dossiers/1").get_data(as_text=True)


def test_a_wrong_key_a_damaged_archive_and_a_database_in_use_are_refused_before_anything_is_written(
        tmp_path, request, backup_key):
    source = new_instance("sqlite", tmp_path, "source", request)
    fill(source)
    runner = source.test_cli_runner()
    runner.invoke(args=["backup", "create", "--output", str(tmp_path / "backups"), "--key-file", str(backup_key)])
    (archive,) = (tmp_path / "backups").glob("permanence-*.tar.gz.enc")

    other_key = tmp_path / "other.key"
    runner.invoke(args=["backup", "key", str(other_key)])
    target = new_instance("sqlite", tmp_path, "target", request)
    wrong = target.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--key-file", str(other_key)])
    assert wrong.exit_code != 0 and "chiffrée avec une autre clé" in wrong.output
    without = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert without.exit_code != 0 and "--key-file" in without.output

    damaged = tmp_path / "damaged.tar.gz.enc"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(damaged), "--key-file", str(backup_key)])
    assert refused.exit_code != 0 and "a été modifié" in refused.output
    cut = tmp_path / "cut.tar.gz.enc"
    cut.write_bytes(archive.read_bytes()[: len(data) - 100])
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(cut), "--key-file", str(backup_key)])
    assert refused.exit_code != 0 and "tronquée" in refused.output
    assert every_row(target) == {} and not any((tmp_path / "target").rglob("*"))  # nothing was written

    in_use = runner.invoke(args=["backup", "restore", str(archive), "--key-file", str(backup_key)])
    assert in_use.exit_code != 0 and "n’est pas vide" in in_use.output


def test_older_archives_beyond_keep_are_removed_and_a_missing_file_is_said(tmp_path, request):
    source = new_instance("sqlite", tmp_path, "source", request)
    fill(source)
    folder = tmp_path / "backups"
    folder.mkdir()
    for old in ("permanence-20250101-020000.tar.gz", "permanence-20250102-020000.tar.gz"):
        (folder / old).write_bytes(b"an older archive")
    (folder / "notes.txt").write_text("not an archive: never removed")
    import hashlib
    source.extensions["permanence.storage"].delete(hashlib.sha256(PDF).hexdigest())
    result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(folder), "--keep", "2"])
    assert result.exit_code == 1 and "1 fichier(s) auxquels la base renvoie manquent" in result.output
    assert len(list(folder.glob("permanence-*.tar.gz"))) == 3  # a run with a file missing removes no archive
    source.extensions["permanence.storage"].write(hashlib.sha256(PDF).hexdigest(), PDF)
    import time
    time.sleep(1.1)  # archives are named to the second
    result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(folder), "--keep", "2"])
    assert result.exit_code == 0 and "permanence-20250101-020000.tar.gz" in result.output
    kept = sorted(path.name for path in folder.iterdir())
    assert kept[0] == "notes.txt" and "permanence-20250102-020000.tar.gz" not in kept
    assert len([name for name in kept if name.startswith("permanence-")]) == 2 and not any(
        name.startswith(".") for name in kept)  # the newest two, no partial file
