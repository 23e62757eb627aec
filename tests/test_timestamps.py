"""Evidence that holds against whoever runs the server: each entry's hash
timestamped by an RFC 3161 authority (a real one, OpenSSL's, started here),
the tokens in the lawyer's export, and a log rewritten in the database with
every hash recomputed caught by the verification (issue 13, item 12)."""
import io
import json
import subprocess
import zipfile

import pytest

from core import create_app
from core.cases.models import Case, EvidenceEntry, EvidenceTimestamp
from core.cases.service import record_of
from core.cases.timestamps import Authority
from core.web.config import ConfigurationError
from core.web.extensions import db
from tests.conftest import app_config
from tests.local_tsa import LocalAuthority
from tests.test_cases import PNG, add_entry, case_id, create_case, token


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    with LocalAuthority(tmp_path_factory.mktemp("tsa")) as local:
        yield local


@pytest.fixture
def case(benevole_client):
    return case_id(create_case(benevole_client))


@pytest.fixture
def timestamped(app, authority, monkeypatch):
    """The administrator set PERMANENCE_TSA_URL and PERMANENCE_TSA_CA_FILE to this authority."""
    monkeypatch.setitem(app.extensions, "permanence.tsa", authority.configured)
    return authority


def verification(client, case) -> str:
    page = client.post(f"/dossiers/{case}/journal/verifier", data={"csrf_token": token(client, f"/dossiers/{case}")},
                       follow_redirects=True).get_data(as_text=True)
    return " ".join(page.replace("&#39;", "'").replace("&#34;", '"').split())


def rewrite_entry_and_recompute_every_hash(app, case, sequence, summary):
    """What whoever can write to the database can do: change an entry, then recompute its hash,
    every later entry's link and hash, and the case's head, so that the chain agrees with itself."""
    with app.app_context():
        entries = db.session.scalars(db.select(EvidenceEntry).where(EvidenceEntry.case_id == case)
                                     .order_by(EvidenceEntry.sequence)).all()
        previous = entries[sequence - 2].entry_hash if sequence > 1 else "0" * 64
        for entry in entries[sequence - 1:]:
            if entry.sequence == sequence:
                entry.summary = summary
            entry.previous_hash = previous
            entry.entry_hash = previous = record_of(entry).digest()
        db.session.execute(db.update(Case).where(Case.id == case).values(evidence_head=previous))
        db.session.commit()


def test_without_an_authority_the_verification_says_what_it_cannot_prove(app, benevole_client, case):
    add_entry(benevole_client, case, summary="Capture de l'erreur")
    said = verification(benevole_client, case)
    assert "Le journal est intact : 1 entrée vérifiée" in said
    assert "Aucune autorité d’horodatage n’est configurée" in said
    # And indeed: a rewrite with every hash recomputed goes unnoticed without one.
    rewrite_entry_and_recompute_every_hash(app, case, 1, "Tout allait bien")
    assert "Le journal est intact" in verification(benevole_client, case)


def test_each_entry_added_is_timestamped_and_the_verification_says_up_to_when(app, benevole_client, case,
                                                                             timestamped):
    before = timestamped.requests
    for text in ("Capture de l'erreur", "Appel au CCC"):
        assert add_entry(benevole_client, case, summary=text).status_code == 302
    assert timestamped.requests == before + 2
    with app.app_context():
        stamps = db.session.scalars(db.select(EvidenceTimestamp).where(EvidenceTimestamp.case_id == case)
                                    .order_by(EvidenceTimestamp.sequence)).all()
        heads = [entry.entry_hash for entry in db.session.get(Case, case).entries]
        assert [(stamp.sequence, stamp.entry_hash) for stamp in stamps] == [(1, heads[0]), (2, heads[1])]
    said = verification(benevole_client, case)
    assert "Le journal est intact : 2 entrées vérifiées" in said
    assert "Horodaté par l’autorité jusqu’à l’entrée n° 2 le" in said


def test_a_rewritten_entry_with_every_hash_recomputed_is_caught_once_timestamped(app, benevole_client, case,
                                                                               timestamped):
    for text in ("Capture de l'erreur", "Tentative PAN sans créneau", "Courriel à la préfecture"):
        add_entry(benevole_client, case, summary=text)
    rewrite_entry_and_recompute_every_hash(app, case, 2, "Rendez-vous obtenu")
    said = verification(benevole_client, case)
    assert "Le journal a été réécrit après son horodatage" in said
    assert "l’entrée n° 2 ne correspond plus à l’horodatage" in said
    assert "Une entrée de n° 2 à n° 2 a été modifiée après cette date." in said
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code != 0 and "réécrit après son horodatage" in result.output


def test_the_lawyers_zip_carries_the_tokens_that_openssl_verifies_without_permanence(app, benevole_client, case,
                                                                                   timestamped, tmp_path):
    add_entry(benevole_client, case, files=[("capture.png", PNG)], summary="Blocage à l'étape 3")
    add_entry(benevole_client, case, kind="prefecture-email", summary="Courriel URGENT")
    archive = zipfile.ZipFile(io.BytesIO(benevole_client.get(f"/dossiers/{case}/export.zip").data))
    manifest = json.loads(archive.read("manifest.json"))
    assert [(s["sequence"], s["file"]) for s in manifest["timestamps"]] == [(1, "horodatages/001-1.tsr"),
                                                                           (2, "horodatages/002-1.tsr")]
    archive.extractall(tmp_path)
    for stamp, entry in zip(manifest["timestamps"], manifest["entries"], strict=True):
        assert stamp["hash"] == entry["hash"]
        checked = subprocess.run(["openssl", "ts", "-verify", "-digest", entry["hash"], "-in", tmp_path / stamp["file"],
                                  "-CAfile", tmp_path / manifest["authority_certificate"]],
                                 capture_output=True, text=True)
        assert "Verification: OK" in checked.stdout, checked.stderr
    from pypdf import PdfReader
    bordereau = " ".join(" ".join(page.extract_text().split())
                         for page in PdfReader(io.BytesIO(archive.read("bordereau.pdf"))).pages)
    assert "Horodaté (RFC 3161) jusqu'à l'entrée n° 2" in bordereau and "(heure de Paris)" in bordereau


def test_an_authority_that_does_not_answer_costs_the_volunteer_nothing_and_the_nightly_job_catches_up(
        app, benevole_client, case, authority, monkeypatch):
    unreachable = Authority("http://127.0.0.1:9/tsr", authority.configured.ca_file, timeout=2)
    monkeypatch.setitem(app.extensions, "permanence.tsa", unreachable)
    assert add_entry(benevole_client, case, summary="Capture de l'erreur").status_code == 302
    assert "Aucune entrée n’est encore horodatée." in verification(benevole_client, case)
    monkeypatch.setitem(app.extensions, "permanence.tsa", authority.configured)
    result = app.test_cli_runner().invoke(args=["cases", "timestamp"])
    assert result.exit_code == 0 and "1 journal(s) horodaté(s)" in result.output, result.output
    assert "Horodaté par l’autorité jusqu’à l’entrée n° 1" in verification(benevole_client, case)
    again = app.test_cli_runner().invoke(args=["cases", "timestamp"])
    assert "0 journal(s) horodaté(s)" in again.output  # nothing new to cover


def test_a_token_the_configured_authority_did_not_sign_is_refused(app, benevole_client, case, timestamped,
                                                                  monkeypatch, tmp_path):
    add_entry(benevole_client, case, summary="Capture de l'erreur")
    with LocalAuthority(tmp_path) as other:  # the administrator's authority is not this one
        monkeypatch.setitem(app.extensions, "permanence.tsa", other.configured)
        said = verification(benevole_client, case)
    assert "L’horodatage de l’entrée n° 1 ne se vérifie pas avec le certificat de l’autorité" in said


def test_an_authority_without_its_certificate_stops_the_start(db_url, tmp_path):
    with pytest.raises(ConfigurationError, match="PERMANENCE_TSA_CA_FILE"):
        create_app(app_config(db_url, TSA_URL="https://tsa.example.org/tsr"))
    with pytest.raises(ConfigurationError, match="PERMANENCE_TSA_CA_FILE"):
        create_app(app_config(db_url, TSA_URL="https://tsa.example.org/tsr", TSA_CA_FILE=str(tmp_path / "none.pem")))


def test_a_long_timestamped_log_is_verified_with_one_check_of_its_last_token(app, benevole_client, case,
                                                                           timestamped, monkeypatch):
    """The last token matching proves every entry before it through the chain: checking each token
    (one openssl run, ~10 ms, per entry) would make a log of 1,000 entries take ten seconds."""
    import core.cases.timestamps as timestamps
    for number in range(5):
        add_entry(benevole_client, case, summary=f"Tentative {number}")
    real, verifications = timestamps._openssl, []

    def counted(*arguments, **options):
        if "-verify" in arguments:
            verifications.append(arguments)
        return real(*arguments, **options)

    monkeypatch.setattr(timestamps, "_openssl", counted)
    assert "jusqu’à l’entrée n° 5" in verification(benevole_client, case)
    assert len(verifications) == 1


def test_tokens_moved_away_from_a_rewritten_entry_do_not_hide_it(app, benevole_client, case, timestamped):
    """Whoever rewrote entry 3 files its token and the next one under no entry (or another):
    each token's own imprint must be the recomputed hash of the entry it is filed under."""
    for number in range(4):
        add_entry(benevole_client, case, summary=f"Tentative {number}")
    rewrite_entry_and_recompute_every_hash(app, case, 3, "Rendez-vous obtenu")
    with app.app_context():
        db.session.execute(db.update(EvidenceTimestamp).where(EvidenceTimestamp.case_id == case,
                                                              EvidenceTimestamp.sequence >= 3).values(sequence=0))
        db.session.commit()
    assert "Le journal a été réécrit après son horodatage" in verification(benevole_client, case)
    result = app.test_cli_runner().invoke(args=["cases", "timestamp"])  # the nightly job does not launder it
    assert result.exit_code != 0 and "non horodaté" in result.output


def test_an_erased_persons_log_starts_again_and_verifies(app, benevole_client, coordinator, case, timestamped):
    for text in ("Capture", "Appel", "Courriel"):
        add_entry(benevole_client, case, summary=text)
    page = coordinator.get(f"/dossiers/{case}/effacer").get_data(as_text=True)
    from tests.conftest import csrf_token
    coordinator.post(f"/dossiers/{case}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{case:05d}"})
    with app.app_context():
        assert db.session.get(Case, case).erased_at is not None
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code == 0 and "jusqu’à l’entrée n° 1" in result.output, result.output


def test_an_authority_answering_nonsense_costs_the_volunteer_nothing(app, benevole_client, case, authority,
                                                                     monkeypatch):
    import socket
    import threading
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_nonsense():
        for _ in range(2):
            connection, _address = listener.accept()
            connection.recv(65536)
            connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            connection.close()

    threading.Thread(target=answer_nonsense, daemon=True).start()
    nonsense = Authority(f"http://127.0.0.1:{listener.getsockname()[1]}/tsr", authority.configured.ca_file, timeout=5)
    monkeypatch.setitem(app.extensions, "permanence.tsa", nonsense)
    assert add_entry(benevole_client, case, summary="Capture de l'erreur").status_code == 302
    with app.app_context():
        assert len(db.session.get(Case, case).entries) == 1
    listener.close()


def test_tokens_of_a_former_authority_stay_verifiable_with_both_roots_configured(app, benevole_client, case,
                                                                                timestamped, monkeypatch, tmp_path):
    add_entry(benevole_client, case, summary="Capture de l'erreur")
    with LocalAuthority(tmp_path) as new:  # the administrator changes authority and keeps the former root
        both = tmp_path / "roots.pem"
        both.write_bytes(new.configured.ca_file.read_bytes() + timestamped.configured.ca_file.read_bytes())
        monkeypatch.setitem(app.extensions, "permanence.tsa", Authority(new.url, both))
        assert "Horodaté par l’autorité jusqu’à l’entrée n° 1" in verification(benevole_client, case)
