"""Case files, as volunteers use them: create, log evidence, see the next
step and the deadlines, verify, export; and what they must not be able to do."""
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from core.accounts.models import Role
from core.cases.models import Case, EvidenceEntry
from core.web import clock
from core.web.audit import AuditEvent
from core.web.extensions import db
from tests.conftest import csrf_token, log_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = clock.today()


def token(client, url):
    return csrf_token(client.get(url).get_data(as_text=True))


def search_cases(client, text, **filters):
    """The search box as a volunteer sends it: in the body, then the list it leads to."""
    data = {"q": text, "csrf_token": token(client, "/dossiers"), **filters}
    return client.post("/dossiers/recherche", data=data, follow_redirects=True)


def create_case(client, follow_redirects=False, **overrides):
    data = {"person_name": "M. K.", "agdref": "1499999901", "nationality": "ivoirienne", "contact": "",
            "departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal", "permit": "cst",
            "expires_on": (TODAY - dt.timedelta(days=3)).isoformat(),
            "filed_on": (TODAY - dt.timedelta(days=69)).isoformat(), "anef_request_number": "",
            "favorable_decision_on": "", "ephoto_taken_on": "", "note": "", "civility": "", "birth_date": "",
            "request_complete": "", "remedies_stated": "", **overrides}
    data["csrf_token"] = token(client, "/dossiers/nouveau")
    return client.post("/dossiers/nouveau", data=data, follow_redirects=follow_redirects)


def case_id(response):
    return int(re.search(r"/dossiers/(\d+)$", response.headers["Location"]).group(1))


def add_entry(client, case, files=(), **overrides):
    values = {"kind": "screenshot", "occurred_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
              "summary": "Message d'erreur ANEF", "url": "https://administration-etrangers-en-france.interieur.gouv.fr/",
              "reference": "", "result": "", "corrects": "", **overrides}
    data = {f"entry-{name}": value for name, value in values.items()}
    data["entry-csrf_token"] = token(client, f"/dossiers/{case}")
    data["entry-files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/dossiers/{case}/journal", data=data, content_type="multipart/form-data")


@pytest.fixture
def case(benevole_client):
    return case_id(create_case(benevole_client))


def test_a_calvados_renewal_whose_permit_expired_shows_the_api_it_should_hold(benevole_client):
    response = create_case(benevole_client)
    assert response.status_code == 302
    page = benevole_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dossier D-" in page or "D-0" in page
    assert "attestation de prolongation d’instruction (API)" in page
    assert "La personne devrait détenir ce document et aucun n’est enregistré" in page
    assert "Prochaine étape : Captures d&#39;écran du blocage" in page


def test_a_wrong_agdref_is_explained_and_nothing_typed_is_lost(benevole_client):
    response = create_case(benevole_client, agdref="12345", nationality="sénégalaise")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Un numéro AGDREF compte exactement 10 chiffres." in page
    assert 'value="sénégalaise"' in page and 'value="M. K."' in page
    with benevole_client.application.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_a_renewal_without_expiry_is_kept_and_says_what_cannot_be_computed_yet(benevole_client):
    page = create_case(benevole_client, expires_on="", follow_redirects=True).get_data(as_text=True)
    assert "Fenêtre de renouvellement et API : il faut la date d’expiration du titre actuel." in page


def test_a_screenshot_is_logged_with_its_sha256_and_served_to_logged_in_users_only(app, benevole_client, case):
    response = add_entry(benevole_client, case, files=[("capture.png", PNG)])
    assert response.status_code == 302
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    import hashlib
    digest = hashlib.sha256(PNG).hexdigest()
    assert digest in page and "capture.png" in page
    url = re.search(r'href="(/dossiers/\d+/pieces/\d+)"', page).group(1)
    download = benevole_client.get(url)
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Type"] == "image/png" and "attachment" in download.headers["Content-Disposition"]
    assert app.test_client().get(url).status_code == 302  # anonymous: to the login page
    stored = list((__import__("pathlib").Path(app.config["ATTACHMENTS_DIR"])).rglob(digest))
    assert stored and "static" not in str(stored[0])


def test_a_renamed_executable_is_refused_and_the_rest_of_the_form_is_kept(app, benevole_client, case):
    response = add_entry(benevole_client, case, files=[("capture.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 100)],
                         summary="Texte que le bénévole ne veut pas retaper")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "« capture.png » n’est ni une image PNG, ni une image JPEG, ni un PDF" in page
    assert "Texte que le bénévole ne veut pas retaper" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0


def test_one_refused_file_of_three_says_the_two_others_were_not_added_either(app, benevole_client, case):
    response = add_entry(benevole_client, case, files=[("ecran-1.png", PNG), ("virus.png", b"MZ" + b"\x00" * 100),
                                                       ("ecran-2.png", PNG + b"2")], summary="Trois captures")
    page = response.get_data(as_text=True).replace("&nbsp;", " ")
    assert response.status_code == 400
    assert "« virus.png »" in page
    assert "Rien n’a été enregistré : ces fichiers n’ont donc pas été ajoutés non plus : ecran-1.png, ecran-2.png" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0


def test_an_11_mb_file_is_refused_with_a_clear_message(benevole_client, case):
    big = PNG + b"\x00" * (11 * 1024 * 1024)
    response = add_entry(benevole_client, case, files=[("grande.png", big)], summary="Garder ce texte")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "« grande.png » dépasse 10 Mo (la limite d’ANEF)" in page and "Garder ce texte" in page


def test_the_ladder_advances_when_a_pan_attempt_is_logged(benevole_client, case):
    add_entry(benevole_client, case, kind="pan-attempt", result="no-slot", summary="Aucun créneau")
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert re.search(r'class="done">\s*<span aria-hidden="true">✓</span> Demander un rendez-vous au point', page)
    missing_result = add_entry(benevole_client, case, kind="pan-attempt", result="", summary="?")
    assert "Indiquez si un créneau a été trouvé." in missing_result.get_data(as_text=True)


def test_failed_attempts_over_three_weeks_make_the_case_ready_for_a_refere(benevole_client, case):
    for days_ago in (22, 15, 8, 1):
        add_entry(benevole_client, case, kind="pan-attempt", result="no-slot", summary="Aucun créneau",
                  occurred_at=(dt.datetime.now() - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M"))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Prêt pour un référé mesures-utiles : 4 tentatives de rendez-vous infructueuses" in page
    assert "n&#39;ayant pas été effectuées la même semaine" in page and "Seuil de prudence de l&#39;intranet" in page


def test_a_correction_is_a_new_entry_that_points_to_the_old_one(app, benevole_client, case):
    add_entry(benevole_client, case, summary="Appel le mauvais jour", kind="ccc-call")
    with app.app_context():
        first = db.session.scalar(db.select(EvidenceEntry).where(EvidenceEntry.case_id == case))
        first_id, first_summary = first.id, first.summary
    add_entry(benevole_client, case, kind="ccc-call", summary="Appel, à la bonne date", corrects=str(first_id))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Corrige l’entrée n° 1." in page and first_summary in page
    assert benevole_client.post(f"/dossiers/{case}/journal/1/modifier").status_code in (404, 405)


def test_tampering_with_a_stored_entry_makes_the_verification_fail_and_name_it(app, benevole_client, case):
    for text in ("un", "deux", "trois"):
        add_entry(benevole_client, case, summary=text)
    ok = benevole_client.post(f"/dossiers/{case}/journal/verifier", data={"csrf_token": token(benevole_client, f"/dossiers/{case}")},
                              follow_redirects=True).get_data(as_text=True)
    assert "Le journal est intact : 3 entrées vérifiées" in ok
    # Said next to the button, where the page lands (#journal), not at the top out of view.
    assert ok.index("Vérifier le journal") < ok.index("Le journal est intact") < ok.index("#3 –")
    with app.app_context():  # someone with access to the database rewrites history
        db.session.execute(db.update(EvidenceEntry).where(EvidenceEntry.case_id == case, EvidenceEntry.sequence == 2)
                           .values(summary="deux, réécrit"))
        db.session.commit()
    broken = benevole_client.post(f"/dossiers/{case}/journal/verifier", data={"csrf_token": token(benevole_client, f"/dossiers/{case}")},
                                  follow_redirects=True).get_data(as_text=True)
    assert "Le journal a été altéré : entrée n° 2 – son contenu a été modifié après son enregistrement." in broken
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code != 0 and "entrée n° 2" in result.output


def test_a_changed_attachment_file_is_detected(app, benevole_client, case):
    add_entry(benevole_client, case, files=[("preuve.pdf", PDF)])
    import hashlib
    from pathlib import Path
    path = next(Path(app.config["ATTACHMENTS_DIR"]).rglob(hashlib.sha256(PDF).hexdigest()))
    path.write_bytes(PDF + b"% altered")
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code != 0 and "une de ses pièces jointes a été modifiée" in result.output


def test_the_lawyers_zip_has_the_pieces_a_bordereau_pdf_and_the_manifest(app, benevole_client, case):
    add_entry(benevole_client, case, files=[("capture.png", PNG)], summary="Blocage à l'étape 3")
    add_entry(benevole_client, case, kind="prefecture-email", summary="Courriel URGENT à la préfecture")
    response = benevole_client.get(f"/dossiers/{case}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "bordereau.pdf" in names and "manifest.json" in names and "pieces/001-1-capture.png" in names
    assert archive.read("pieces/001-1-capture.png") == PNG
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(archive.read("bordereau.pdf"))).pages)  # lines joined
    assert "Bordereau de pièces" in text and "Courriel URGENT à la préfecture" in text and "intègre" in text
    manifest = json.loads(archive.read("manifest.json"))
    assert [e["hashed"]["sequence"] for e in manifest["entries"]] == [1, 2]
    assert manifest["entries"][1]["hashed"]["previous"] == manifest["entries"][0]["hash"]
    assert manifest["head"] == {"entries": 2, "hash": manifest["entries"][1]["hash"]}
    import hashlib
    for entry in manifest["entries"]:  # anyone can recompute the chain from the manifest alone
        canonical = json.dumps(entry["hashed"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == entry["hash"]
    assert manifest["entries"][0]["files"] == ["pieces/001-1-capture.png"]


def test_the_bordereau_is_french_for_a_volunteer_whose_screen_is_in_english(app, benevole_client, case):
    add_entry(benevole_client, case, kind="prefecture-email", summary="Courriel URGENT")
    benevole_client.post("/langue", data={"locale-csrf_token": token(benevole_client, "/"), "locale-locale": "en",
                                          "locale-next": "/"})
    assert "Cases" in benevole_client.get("/dossiers").get_data(as_text=True)  # the screen is in English
    archive = zipfile.ZipFile(io.BytesIO(benevole_client.get(f"/dossiers/{case}/export.zip").data))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("bordereau.pdf"))).pages)
    from core.rules.dates import FRENCH_MONTHS
    assert FRENCH_MONTHS[TODAY.month - 1] in text and "courriel à la préfecture" in text.lower() and " at " not in text


@pytest.mark.parametrize("entries, said", [
    (("un", "deux"), "des entrées enregistrées à la fin du journal manquent"),
    (("un", "deux", "trois"), "entrée n° 2 – elle a été supprimée du journal"),  # named where it was
], ids=["the last entry", "an entry from the middle"])
def test_deleting_an_entry_is_detected(app, benevole_client, case, entries, said):
    for text in entries:
        add_entry(benevole_client, case, summary=text)
    with app.app_context():
        db.session.execute(db.delete(EvidenceEntry).where(EvidenceEntry.case_id == case, EvidenceEntry.sequence == 2))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code != 0 and said in result.output


def test_huge_ids_and_hostile_search_text_are_refused_cleanly(benevole_client):
    assert benevole_client.get("/dossiers/99999999999999999999").status_code == 404
    assert benevole_client.get("/dossiers?page=99999999999999999999").status_code == 200
    assert search_cases(benevole_client, "%_" * 30000).status_code == 200
    assert benevole_client.post("/dossiers/recherche", data={"q": "abc\x00def", "csrf_token": token(benevole_client, "/dossiers")}
                                ).status_code == 400


def test_the_dashboard_lists_cases_with_a_date_in_the_next_30_days_most_urgent_first(benevole_client):
    soon = case_id(create_case(benevole_client, person_name="Bientôt", expires_on=(TODAY + dt.timedelta(days=65)).isoformat(),
                               filed_on=""))
    later = case_id(create_case(benevole_client, person_name="Plus tard", expires_on=(TODAY + dt.timedelta(days=85)).isoformat(),
                                filed_on=""))
    page = benevole_client.get("/").get_data(as_text=True)
    assert "Échéances des 30 prochains jours" in page
    assert page.index("Bientôt") < page.index("Plus tard")
    assert f"D-{soon:05d}" in page and f"D-{later:05d}" in page


def test_the_list_searches_filters_and_paginates(benevole_client):
    for number in range(23):
        create_case(benevole_client, person_name=f"Personne {number:02d}", agdref=f"14000000{number:02d}")
    create_case(benevole_client, person_name="Gironde", departement="33", demarche="salarie", agdref="")
    page1 = benevole_client.get("/dossiers").get_data(as_text=True)
    assert "24 dossiers" in page1 and "page 1 sur 2" in page1
    assert "page 2 sur 2" in benevole_client.get("/dossiers?page=2").get_data(as_text=True)
    by_agdref = search_cases(benevole_client, "1400000007").get_data(as_text=True)
    assert "1 dossier" in by_agdref and "Personne 07" in by_agdref
    assert "Personne 12" in search_cases(benevole_client, "personne 12").get_data(as_text=True)
    gironde = benevole_client.get("/dossiers?departement=33").get_data(as_text=True)
    assert "1 dossier" in gironde and "Gironde" in gironde
    assert "1 dossier" in benevole_client.get("/dossiers?demarche=salarie").get_data(as_text=True)
    assert "0 dossier" in benevole_client.get("/dossiers?status=closed").get_data(as_text=True)


def test_only_a_coordinator_closes_and_reassigns(app, benevole_client, make_user, case):
    response = benevole_client.post(f"/dossiers/{case}/statut", data={
        "status-csrf_token": token(benevole_client, f"/dossiers/{case}"), "status-status": "closed",
        "status-assigned_to": ""})
    assert response.status_code == 403
    coordinator = app.test_client()
    other = make_user(Role.BENEVOLE, name="Dominique Autre")
    log_in(coordinator, make_user(Role.COORDINATEUR).email)
    asked = coordinator.post(f"/dossiers/{case}/statut", data={
        "status-csrf_token": token(coordinator, f"/dossiers/{case}"), "status-status": "closed",
        "status-assigned_to": str(other.id)})
    confirmation = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f"Clore le dossier D-{case:05d} ?" in confirmation
    assert "Annuler : le garder ouvert" in confirmation
    with app.app_context():
        assert db.session.get(Case, case).status == "open"  # nothing changed before the confirmation
    fields = dict(re.findall(r'name="(status-[a-z_]+)"[^>]*value="([^"]*)"', confirmation))
    assert fields["status-close_confirmed"] == "1"
    coordinator.post(f"/dossiers/{case}/statut", data=fields)
    page = coordinator.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Dossier clos." in page and ">clos<" in page
    assert "suivi par : Dominique Autre" in page
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "case.status"))
        assert event.detail == "closed, Dominique Autre"


def test_two_volunteers_saving_the_same_case_do_not_overwrite_each_other(app, benevole_client, make_user, case):
    other = app.test_client()
    log_in(other, make_user(Role.BENEVOLE).email)
    form_a = benevole_client.get(f"/dossiers/{case}/modifier").get_data(as_text=True)
    form_b = other.get(f"/dossiers/{case}/modifier").get_data(as_text=True)

    def fields(page, **changes):
        data = {name: value for name, value in re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page)}
        data.update({"csrf_token": csrf_token(page), "demarche": "conjoint-de-francais", "kind": "renewal",
                     "permit": "cst", "note": ""}, **changes)
        return data

    first = benevole_client.post(f"/dossiers/{case}/modifier", data=fields(form_a, nationality="première"))
    assert first.status_code == 302
    second = other.post(f"/dossiers/{case}/modifier", data=fields(form_b, nationality="seconde"))
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "Quelqu’un d’autre a enregistré ce dossier" in page and 'value="seconde"' in page
    with app.app_context():
        assert db.session.get(Case, case).nationality == "première"


def test_every_view_and_change_is_in_the_audit_log_that_only_admins_read(app, benevole_client, make_user, case):
    admin_client = app.test_client()
    log_in(admin_client, make_user(Role.ADMIN).email)
    benevole_client.get(f"/dossiers/{case}")
    add_entry(benevole_client, case, summary="x")
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.case_id == case)).all()
    assert {"case.create", "case.view", "evidence.add"} <= set(actions)
    assert benevole_client.get("/admin/journal").status_code == 403
    page = admin_client.get(f"/admin/journal?case={case}").get_data(as_text=True)
    # In words, not the codes the application stores.
    assert "dossier consulté" in page and "entrée ajoutée au journal des preuves" in page
    assert "case.view" not in page and "evidence.add" not in page
    assert not [rule for rule in app.url_map.iter_rules() if "journal" in rule.rule and "admin" in rule.rule
                and rule.methods & {"POST", "PUT", "DELETE"}]


def test_a_volunteer_subscribes_to_a_private_calendar_and_can_revoke_it(app, benevole_client):
    create_case(benevole_client, expires_on=(TODAY + dt.timedelta(days=70)).isoformat(), filed_on="")
    benevole_client.post("/compte/calendrier", data={"csrf_token": token(benevole_client, "/compte"), "action": "renew"})
    page = benevole_client.get("/compte").get_data(as_text=True)
    url = re.search(r'value="https?://[^/"]+(/calendrier/[^"]+\.ics)"', page).group(1)
    feed = app.test_client().get(url, headers={"Accept-Language": "en-US"})  # a calendar app: no session, English
    body = feed.get_data(as_text=True)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "X-WR-CALNAME:Permanence – échéances" in body and "deadlines" not in body  # the volunteer's language
    assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body and "DTSTART;VALUE=DATE:" in body
    assert "M. K." not in body and "1499999901" not in body  # no personal data leaves the intranet
    benevole_client.post("/compte/calendrier", data={"csrf_token": token(benevole_client, "/compte"), "action": "revoke"})
    assert app.test_client().get(url).status_code == 404


def test_calendar_events_keep_their_uid_when_the_deadlines_are_recomputed(app, benevole_client):
    """A calendar app updates an event with the same UID; a new UID at each
    change would make every event disappear and come back."""
    case = case_id(create_case(benevole_client, expires_on=(TODAY + dt.timedelta(days=70)).isoformat(), filed_on=""))
    create_case(benevole_client, person_name="Autre", expires_on=(TODAY + dt.timedelta(days=90)).isoformat(), filed_on="")
    benevole_client.post("/compte/calendrier", data={"csrf_token": token(benevole_client, "/compte"), "action": "renew"})
    url = re.search(r'value="https?://[^/"]+(/calendrier/[^"]+\.ics)"',
                    benevole_client.get("/compte").get_data(as_text=True)).group(1)

    def uids():
        return re.findall(r"^UID:(.+)\r$", app.test_client().get(url).get_data(as_text=True), flags=re.M)

    before = uids()
    add_entry(benevole_client, case, summary="Capture de l'écran ANEF")  # recomputes the case's deadlines
    assert before and uids() == before
    assert len(set(before)) == len(before)


def test_admins_create_and_deactivate_accounts(app, admin_client):
    page = admin_client.get("/admin/utilisateurs").get_data(as_text=True)
    admin_client.post("/admin/utilisateurs", data={"csrf_token": csrf_token(page), "name": "Nouvelle Bénévole",
                                                   "email": "Nouvelle@Example.org", "role": "benevole",
                                                   "password": "a long password"})
    assert log_in(app.test_client(), "nouvelle@example.org", "a long password").status_code == 302
    with app.app_context():
        from core.accounts.models import User
        user_id = db.session.scalar(db.select(User.id).filter_by(email="nouvelle@example.org"))
    page = admin_client.get("/admin/utilisateurs").get_data(as_text=True)
    admin_client.post(f"/admin/utilisateurs/{user_id}/deactivate", data={"csrf_token": csrf_token(page), "role": "benevole"})
    assert log_in(app.test_client(), "nouvelle@example.org", "a long password").status_code == 200


def test_the_pieces_of_the_lawyers_zip_are_stored_as_they_are_and_the_rest_deflated(benevole_client, case):
    """A screenshot is already compressed: deflating it again only costs time."""
    add_entry(benevole_client, case, files=[("capture.png", PNG)])
    archive = zipfile.ZipFile(io.BytesIO(benevole_client.get(f"/dossiers/{case}/export.zip").data))
    assert archive.getinfo("pieces/001-1-capture.png").compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("manifest.json").compress_type == zipfile.ZIP_DEFLATED
    assert archive.testzip() is None


def test_checking_a_log_runs_as_many_queries_for_three_entries_as_for_nine(app, benevole_client, case,
                                                                           count_queries):
    def queries_to_verify():
        page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
        with count_queries() as queries:
            response = benevole_client.post(f"/dossiers/{case}/journal/verifier",
                                            data={"csrf_token": csrf_token(page)})
        assert response.status_code == 302
        return len(queries)

    for number in range(3):
        add_entry(benevole_client, case, files=[(f"capture-{number}.png", PNG)], summary=f"Écran {number}")
    with_three = queries_to_verify()
    for number in range(3, 9):
        add_entry(benevole_client, case, files=[(f"capture-{number}.png", PNG)], summary=f"Écran {number}")
    assert queries_to_verify() == with_three


def test_the_case_list_runs_as_many_queries_for_five_cases_as_for_twenty(app, benevole_client, count_queries):
    """The list is one page of rows, its deadlines and volunteers loaded together: no query per case."""
    def list_queries(*arguments):
        with count_queries() as queries:
            assert benevole_client.get("/dossiers" + "".join(arguments)).status_code == 200
        return len(queries)

    for number in range(5):
        create_case(benevole_client, person_name=f"Personne {number}")
    search_cases(benevole_client, "Personne")
    counts = [list_queries(), list_queries("?sort=updated"), list_queries("?recherche=1")]
    for number in range(5, 20):
        create_case(benevole_client, person_name=f"Personne {number}")
    assert [list_queries(), list_queries("?sort=updated"), list_queries("?recherche=1")] == counts
    assert max(counts) <= 8, counts


def test_a_case_saved_under_rules_that_changed_since_asks_to_be_corrected_and_loses_nothing(app, benevole_client):
    """The rules evolve (a kind withdrawn from a démarche): a case saved before still opens, its
    page sends the volunteer to the form with the reason, and evidence can still be added."""
    case = case_id(create_case(benevole_client))
    with app.app_context():  # as if a new release no longer offered a first request of this démarche
        db.session.execute(db.update(Case).where(Case.id == case).values(demarche="carte-resident", kind="first"))
        db.session.commit()
    page = benevole_client.get(f"/dossiers/{case}")
    assert page.status_code == 303 and page.location.endswith(f"/dossiers/{case}/modifier")
    form = benevole_client.get(page.location).get_data(as_text=True)
    assert "La situation de ce dossier ne correspond pas aux règles actuelles" in form.replace("&#39;", "’")
    entry = {"entry-kind": "screenshot", "entry-occurred_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
             "entry-summary": "Capture gardée", "entry-url": "", "entry-reference": "", "entry-result": "",
             "entry-corrects": "", "entry-csrf_token": csrf_token(form)}
    assert benevole_client.post(f"/dossiers/{case}/journal", data=entry).status_code == 302
    assert benevole_client.get(f"/dossiers/{case}/courriers").status_code == 303
    result = app.test_cli_runner().invoke(args=["cases", "refresh-deadlines"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [entry.summary for entry in db.session.get(Case, case).entries] == ["Capture gardée"]
