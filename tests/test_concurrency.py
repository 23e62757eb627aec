"""Many volunteers writing to one case at the same moment, on the real
database (SQLite by default, PostgreSQL in CI): every entry and letter
reported saved is stored exactly once, no stored file is left without its
row, the chain verifies, and an editor of the situation is not told that
someone else saved it when only evidence and status changed (issue 13)."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from core.accounts.models import Role
from core.cases.models import Attachment, Case, EvidenceEntry
from core.cases.service import storage, verify_case
from core.letters.models import Letter
from core.web.extensions import db
from tests.conftest import csrf_token, log_in
from tests.test_cases import PNG, add_entry, case_id, create_case, token
from tests.test_letters import generate_pan_email

WRITERS, ENTRIES_EACH = 6, 3


def _stored_files(app) -> set[str]:
    with app.app_context():
        return set(storage().digests())


def test_many_volunteers_adding_entries_and_letters_to_one_case_lose_nothing(app, make_user, tmp_path):
    owner = app.test_client()
    log_in(owner, make_user(Role.BENEVOLE).email)
    case = case_id(create_case(owner, anef_request_number="1401202411040000"))
    clients = []
    for _ in range(WRITERS):
        client = app.test_client()
        log_in(client, make_user(Role.BENEVOLE).email)
        clients.append(client)
    start = threading.Barrier(WRITERS)
    before = _stored_files(app)

    def write(number):
        client = clients[number]
        start.wait()
        saved, letters = [], 0
        for turn in range(ENTRIES_EACH):
            summary = f"Capture {number}-{turn}"
            picture = PNG + f"{number}-{turn}".encode()  # a distinct file each time
            response = add_entry(client, case, files=[(f"capture-{number}-{turn}.png", picture)], summary=summary)
            assert response.status_code in (302, 409), (response.status_code, response.get_data(as_text=True)[-500:])
            if response.status_code == 302:
                saved.append(summary)
        if number % 2 == 0:
            response = generate_pan_email(client, case, "URGENT : RDV")
            assert response.status_code in (302, 409), response.status_code
            letters += response.status_code == 302
        return saved, letters

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))
    reported = [summary for saved, _ in results for summary in saved]
    letters = sum(count for _, count in results)
    assert len(reported) >= WRITERS  # most are saved; a 409 asks to send again, it does not lose silently

    with app.app_context():
        stored = db.session.scalars(db.select(EvidenceEntry.summary).where(EvidenceEntry.case_id == case)).all()
        assert sorted(s for s in stored if s.startswith("Capture")) == sorted(reported)  # each exactly once
        assert db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.case_id == case)) == letters
        check = verify_case(db.session.get(Case, case))
        assert check.ok, check
        referenced = set(db.session.scalars(db.select(Attachment.sha256)).all())
    assert _stored_files(app) - before <= referenced  # no stored file without its row


def test_evidence_and_status_changes_do_not_make_an_editors_save_conflict(app, benevole_client, coordinator):
    case = case_id(create_case(benevole_client, person_name="Amina Benali"))
    edit_page = benevole_client.get(f"/dossiers/{case}/modifier").get_data(as_text=True)
    assert add_entry(coordinator, case, summary="Entre-temps").status_code == 302
    page = coordinator.get(f"/dossiers/{case}").get_data(as_text=True)
    coordinator.post(f"/dossiers/{case}/statut", data={
        "status-csrf_token": re.search(r'name="status-csrf_token" type="hidden" value="([^"]+)"', page).group(1),
        "status-status": "waiting", "status-assigned_to": ""})
    form = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', edit_page))
    form.update({"person_name": "Amina Benali-Haddad", "demarche": "conjoint-de-francais", "kind": "renewal",
                 "departement": "14", "csrf_token": csrf_token(edit_page)})
    response = benevole_client.post(f"/dossiers/{case}/modifier", data=form)
    assert response.status_code == 302, re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))[-800:]
    with app.app_context():
        saved = db.session.get(Case, case)
        assert (saved.person_name, saved.status) == ("Amina Benali-Haddad", "waiting")


def test_a_shared_file_removed_by_a_colleagues_failed_entry_is_written_back(app, benevole_client, monkeypatch):
    """Two volunteers attach the same screenshot at once: the first wrote it, the second found it
    there; the first's entry fails for good and removes the file it wrote, just after the second's
    entry was saved. The second's entry still has its file."""
    import core.cases.service as service

    case = case_id(create_case(benevole_client))
    picture = PNG + b"the same capture"
    real_append_once = service._append_once

    def then_the_colleague_gives_up(*arguments):
        entry = real_append_once(*arguments)
        if entry is not None:  # saved; the colleague's failed attempt now removes "its" file
            service.storage().delete(entry.attachments[0].sha256)
        return entry

    with app.app_context():
        service.store_upload(service.check_upload("colleague.png", picture))  # the colleague's copy, written first
    monkeypatch.setattr(service, "_append_once", then_the_colleague_gives_up)
    assert add_entry(benevole_client, case, files=[("capture.png", picture)]).status_code == 302
    monkeypatch.undo()
    with app.app_context():
        assert verify_case(db.session.get(Case, case)).ok


def test_a_failed_entry_removes_only_files_no_saved_entry_uses(app, benevole_client):
    import core.cases.service as service

    case = case_id(create_case(benevole_client))
    kept, dropped = PNG + b"kept", PNG + b"dropped"
    add_entry(benevole_client, case, files=[("kept.png", kept)])
    with app.app_context():
        files = [(service.store_upload(service.check_upload(name, data))[0], data)
                 for name, data in (("kept.png", kept), ("dropped.png", dropped))]
        service.forget_unreferenced_files(files)
        assert [service.storage().exists(digest) for digest, _data in files] == [True, False]


def test_a_log_checked_while_a_colleague_adds_to_it_is_not_called_tampered(app, benevole_client, coordinator,
                                                                          monkeypatch):
    """The check reads the log's head, then its entries: a colleague's entry saved in between is
    expected, not "entries missing" nor "rewritten"."""
    import core.cases.service as service

    case = case_id(create_case(benevole_client))
    add_entry(benevole_client, case, summary="Avant")
    real_head, calls = service._head, []

    def a_colleague_adds_right_after(case_row):
        head = real_head(case_row)
        if not calls:
            calls.append(head)
            colleague = threading.Thread(target=add_entry, args=(coordinator, case), kwargs={"summary": "Pendant"})
            colleague.start()
            colleague.join()
        return head

    monkeypatch.setattr(service, "_head", a_colleague_adds_right_after)
    page = benevole_client.post(f"/dossiers/{case}/journal/verifier",
                                data={"csrf_token": token(benevole_client, f"/dossiers/{case}")},
                                follow_redirects=True).get_data(as_text=True)
    assert calls and "Le journal est intact : 2 entrées vérifiées" in page
