"""Attachments behave the same in a local folder and on S3-compatible object storage (a real
SeaweedFS started by the tests): a volunteer's capture is stored, downloaded, put in the lawyer's
ZIP and the person's export, checked by the log's verification, and goes with erasure and
retention; ``attachments migrate`` moves them from one to the other."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from core import create_app
from core.accounts.models import Role
from core.cases.models import Attachment, Case
from core.cases.storage import StorageError
from core.web.config import ConfigurationError
from core.web.extensions import db
from tests.conftest import app_config, log_in
from tests.test_cases import PDF, PNG, add_entry, case_id, create_case


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(params=["local", "s3"])
def site(request, app, db_url, tmp_path):
    """An intranet on this run's database with its attachments in a folder, or on S3 under a prefix of its own."""
    if request.param == "s3":
        seaweedfs = request.getfixturevalue("seaweedfs")
        settings = seaweedfs.settings(seaweedfs.new_place())
    else:
        settings = {"ATTACHMENTS_DIR": str(tmp_path / "attachments")}
    site = create_app(app_config(db_url, **settings))
    site.instance_path = str(tmp_path / "instance")
    return site


def storage_of(application):
    return application.extensions["permanence.storage"]


def volunteer(application, make_user, role=Role.BENEVOLE):
    client = application.test_client()
    log_in(client, make_user(role).email)
    return client


def verify(application, case):
    return application.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])


def test_a_capture_is_stored_downloaded_exported_and_checked_the_same_way(site, make_user):
    client = volunteer(site, make_user)
    case = case_id(create_case(client))
    assert add_entry(client, case, files=[("capture.png", PNG)], summary="Blocage à l'étape 3").status_code == 302
    store, digest = storage_of(site), digest_of(PNG)
    assert store.read(digest) == PNG
    with site.app_context():
        attachment = db.session.scalar(db.select(Attachment).where(Attachment.sha256 == digest))
    download = client.get(f"/dossiers/{case}/pieces/{attachment.id}")
    assert download.status_code == 200 and download.data == PNG and download.mimetype == "image/png"
    lawyer = zipfile.ZipFile(io.BytesIO(client.get(f"/dossiers/{case}/export.zip").data))
    assert lawyer.read("pieces/001-1-capture.png") == PNG
    person = zipfile.ZipFile(io.BytesIO(client.get(f"/dossiers/{case}/donnees-personnelles.zip").data))
    assert person.read("pieces/001-1-capture.png") == PNG
    assert verify(site, case).exit_code == 0

    store.write(digest, PNG + b"altered")  # someone with access to the storage rewrites the capture
    result = verify(site, case)
    assert result.exit_code != 0 and "une de ses pièces jointes a été modifiée" in result.output
    store.delete(digest)
    assert client.get(f"/dossiers/{case}/pieces/{attachment.id}").status_code == 404
    assert "une de ses pièces jointes a disparu" in verify(site, case).output
    assert "pieces/001-1-capture.png" not in zipfile.ZipFile(
        io.BytesIO(client.get(f"/dossiers/{case}/export.zip").data)).namelist()


def test_a_generated_letter_and_its_attached_capture_are_read_back_from_the_storage(site, make_user):
    from tests.test_letters import generate_pan_email

    client = volunteer(site, make_user)
    case = case_id(create_case(client, anef_request_number="1401202411040000"))
    add_entry(client, case, files=[("capture.png", PNG)], summary="Aucun créneau")
    assert generate_pan_email(client, case, "Demande de rendez-vous").status_code == 302
    with site.app_context():
        letter = db.session.get(Case, case).letters[0]
    email = client.get(f"/dossiers/{case}/courriers/archives/{letter.id}")
    assert email.status_code == 200 and digest_of(email.data) == letter.sha256
    assert storage_of(site).exists(letter.sha256)
    assert verify(site, case).exit_code == 0


def test_erasure_and_retention_remove_the_files_only_no_other_case_uses(site, make_user):
    client, coordinator = volunteer(site, make_user), volunteer(site, make_user, Role.COORDINATEUR)
    first, second = case_id(create_case(client, person_name="Première")), case_id(create_case(client))
    own, shared, other = PNG + b"first's own", PDF, PNG + b"second's own"
    add_entry(client, first, files=[("own.png", own), ("shared.pdf", shared)])
    add_entry(client, second, files=[("shared.pdf", shared), ("other.png", other)])
    store = storage_of(site)
    page = coordinator.get(f"/dossiers/{first}/effacer").get_data(as_text=True)
    from tests.conftest import csrf_token
    coordinator.post(f"/dossiers/{first}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{first:05d}"})
    assert [store.exists(digest_of(data)) for data in (own, shared, other)] == [False, True, True]

    import datetime as dt
    with site.app_context():
        case = db.session.get(Case, second)
        case.status, case.closed_at = "closed", dt.datetime(2023, 1, 10)
        db.session.commit()
    assert site.test_cli_runner().invoke(args=["retention", "run", "--today", "2025-06-01"]).exit_code == 0
    assert [store.exists(digest_of(data)) for data in (own, shared, other)] == [False, False, False]


def local_with_s3_configured(db_url, seaweedfs, place, tmp_path):
    """Attachments still in the local folder, the S3 settings already written: before the move."""
    settings = {**seaweedfs.settings(place), "ATTACHMENTS_STORAGE": "local"}
    return create_app(app_config(db_url, ATTACHMENTS_DIR=str(tmp_path / "attachments"), **settings))


def test_the_attachments_move_from_the_local_folder_to_s3_and_every_log_still_verifies(
        app, db_url, make_user, seaweedfs, tmp_path):
    place = seaweedfs.new_place()
    local = local_with_s3_configured(db_url, seaweedfs, place, tmp_path)
    client = volunteer(local, make_user)
    cases = [case_id(create_case(client)) for _ in range(2)]
    files = [PNG + bytes([number]) for number in range(3)]
    add_entry(client, cases[0], files=[("a.png", files[0]), ("b.png", files[1])])
    add_entry(client, cases[1], files=[("c.png", files[2])])

    moved = local.test_cli_runner().invoke(args=["attachments", "migrate", "--to", "s3"])
    assert moved.exit_code == 0, moved.output
    assert "3 fichier(s) copié(s)" in moved.output and "PERMANENCE_ATTACHMENTS_STORAGE=s3" in moved.output
    again = local.test_cli_runner().invoke(args=["attachments", "migrate", "--to", "s3"])
    assert "0 fichier(s) copié(s), 3 déjà présent(s)" in again.output

    on_s3 = create_app(app_config(db_url, **seaweedfs.settings(place)))
    assert sorted(storage_of(on_s3).digests()) == sorted(digest_of(data) for data in files)
    result = on_s3.test_cli_runner().invoke(args=["cases", "verify"])
    assert result.exit_code == 0, result.output
    with on_s3.app_context():
        attachment = db.session.scalar(db.select(Attachment).where(Attachment.sha256 == digest_of(files[2])))
    assert volunteer(on_s3, make_user).get(f"/dossiers/{cases[1]}/pieces/{attachment.id}").data == files[2]


def test_a_missing_file_is_reported_by_the_migration_and_the_rest_is_copied(app, db_url, make_user, seaweedfs,
                                                                            tmp_path):
    place = seaweedfs.new_place()
    local = local_with_s3_configured(db_url, seaweedfs, place, tmp_path)
    client = volunteer(local, make_user)
    case = case_id(create_case(client))
    add_entry(client, case, files=[("kept.png", PNG), ("lost.pdf", PDF)])
    storage_of(local).delete(digest_of(PDF))
    moved = local.test_cli_runner().invoke(args=["attachments", "migrate", "--to", "s3"])
    assert moved.exit_code == 1 and "Manquant(s) : 1" in moved.output
    assert seaweedfs.storage(place).exists(digest_of(PNG))


def test_a_wrong_s3_secret_makes_healthz_unavailable_without_saying_more(app, db_url, seaweedfs):
    settings = {**seaweedfs.settings(seaweedfs.new_place()), "S3_SECRET_ACCESS_KEY": "not-the-secret"}
    response = create_app(app_config(db_url, **settings)).test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable", "failing": ["storage"]}
    assert "not-the-secret" not in response.get_data(as_text=True)


def test_a_wrong_s3_secret_stops_the_retention_run_with_a_storage_message(app, db_url, seaweedfs):
    """The listing of the stored files fails while it is read: still a storage error, said plainly."""
    settings = {**seaweedfs.settings(seaweedfs.new_place()), "S3_SECRET_ACCESS_KEY": "not-the-secret"}
    storage = create_app(app_config(db_url, **settings)).extensions["permanence.storage"]
    with pytest.raises(StorageError, match="S3 digests"):
        list(storage.digests())


@pytest.mark.parametrize("settings, said", [
    ({"ATTACHMENTS_STORAGE": "s3", "S3_BUCKET": "pieces"},
     "PERMANENCE_S3_ACCESS_KEY_ID, PERMANENCE_S3_SECRET_ACCESS_KEY"),
    ({"ATTACHMENTS_STORAGE": "ftp"}, "must be one of local, s3"),
])
def test_an_incomplete_storage_configuration_is_refused_at_start_up_with_what_to_set(db_url, settings, said):
    with pytest.raises(ConfigurationError, match=said):
        create_app(app_config(db_url, **settings))


def test_a_storage_that_refuses_the_file_saves_nothing_and_keeps_what_was_typed(app, db_url, make_user, seaweedfs):
    settings = {**seaweedfs.settings(seaweedfs.new_place()), "S3_SECRET_ACCESS_KEY": "not-the-secret"}
    site = create_app(app_config(db_url, **settings))
    client = volunteer(site, make_user)
    case = case_id(create_case(client))
    answer = add_entry(client, case, files=[("capture.png", PNG)], summary="Capture du blocage à l'étape 4")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "le stockage des pièces jointes n’a pas répondu" in page.lower()
    assert "Capture du blocage à l&#39;étape 4" in page  # what was typed is still there
    with site.app_context():
        assert db.session.get(Case, case).evidence_count == 0


def test_the_nightly_retention_run_removes_files_no_entry_refers_to_any_more(site, make_user):
    """An erasure whose file deletion failed, or an entry that failed while the storage was down,
    leaves a file behind: the next run of the retention job deletes it, and only it."""
    client = volunteer(site, make_user)
    add_entry(client, case_id(create_case(client)), files=[("kept.png", PNG)])
    leftover = PNG + b"left behind by a storage that failed"
    storage_of(site).write(digest_of(leftover), leftover)
    result = site.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "1 fichier(s) auxquels plus aucune entrée ne renvoie" in result.output
    assert not storage_of(site).exists(digest_of(leftover)) and storage_of(site).exists(digest_of(PNG))
