"""Local facts kept right by the people who use them: a volunteer reports a wrong fact from the
département page, a coordinator records a correction with its source (shown beside the plugin's
fact, never in its place) or dismisses the report, an administrator completes a missing address,
and the corrections go back to the plugin's maintainers as a YAML patch."""
from __future__ import annotations

import datetime as dt
import re

import yaml

from core.accounts.models import Role
from core.corrections.models import FactCorrection, FactReport
from core.web import clock
from core.web.audit import AuditEvent
from core.web.extensions import db
from tests.conftest import csrf_token

#: Test values only: obviously not the préfecture's (never shown to anyone).
EMAIL = "etrangers-test@calvados.example"
TODAY = clock.today().isoformat()


def report_link(page: str, section: str) -> str:
    return re.search(rf'href="(/departements/\d+/signaler/{section}/[0-9a-f]{{16}})"', page).group(1)


def send_report(client, link, **fields):
    form = client.get(link).get_data(as_text=True)
    return client.post(link, data={"csrf_token": csrf_token(form), "field": "emails", "what_is_wrong": "",
                                   "what_they_saw": "", "where_seen": "", **fields})


def open_review(coordinator, report_id):
    return coordinator.get(f"/corrections/{report_id}").get_data(as_text=True)


def correct_from_review(coordinator, report_id, **fields):
    page = open_review(coordinator, report_id)
    return coordinator.post(f"/corrections/{report_id}", data={
        "correct-csrf_token": csrf_token(page), "correct-field": "emails", "correct-value": EMAIL,
        "correct-source": "Site de la préfecture, page « Étrangers »", "correct-checked_on": TODAY,
        "correct-submit": "1", **fields})


def test_a_reported_email_is_corrected_shown_beside_the_plugins_and_exported_as_a_patch(
        app, benevole_client, coordinator):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    link = report_link(page, "prefecture_services")
    refused = send_report(benevole_client, link, what_they_saw="gardé tel quel")
    assert refused.status_code == 400 and "gardé tel quel" in refused.get_data(as_text=True)
    sent = send_report(benevole_client, link, what_is_wrong="Le courriel revient en erreur",
                       what_they_saw=EMAIL, where_seen="Affiche au guichet")
    assert sent.status_code == 302
    assert "Merci : le signalement est transmis" in benevole_client.get(sent.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        report = db.session.scalar(db.select(FactReport))
        assert (report.plugin, report.field, report.status) == ("calvados", "emails", "open")
    assert benevole_client.get(f"/corrections/{report.id}").status_code == 403

    dashboard = coordinator.get("/").get_data(as_text=True)
    assert "1 signalement d’une information locale erronée à vérifier" in dashboard
    review = open_review(coordinator, report.id)
    assert "Le courriel revient en erreur" in review and EMAIL in review  # proposed as the value
    future = correct_from_review(coordinator, report.id, **{"correct-checked_on": "2199-01-01"})
    assert future.status_code == 400 and "cette date est dans le futur" in future.get_data(as_text=True)
    wrong = correct_from_review(coordinator, report.id, **{"correct-value": "pas une adresse"})
    assert wrong.status_code == 400 and "Cette valeur est refusée" in wrong.get_data(as_text=True)
    assert "pas une adresse" in wrong.get_data(as_text=True)  # what was typed stays
    assert correct_from_review(coordinator, report.id).status_code == 302

    shown = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "pref-etrangers@calvados.gouv.fr" in shown  # the plugin's fact is still there
    assert "Corrigé sur cet intranet" in shown and EMAIL in shown
    assert "Site de la préfecture, page « Étrangers »" in shown
    with app.app_context():
        assert db.session.get(FactReport, report.id).status == "corrected"
        actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"fact.report", "fact.correct"} <= actions

    patch = coordinator.get("/corrections/patch/calvados.yaml")
    assert patch.status_code == 200 and "corrections-calvados.yaml" in patch.headers["Content-Disposition"]
    document = yaml.safe_load(patch.get_data(as_text=True))
    (service,) = document["prefecture_services"]
    assert service["emails"] == [EMAIL] and service["address"] == ["Rue Choron", "14000 Caen"]
    assert service["source"].startswith("seed 001, §1.3.2")  # the plugin's own source is kept…
    assert "emails corrigé : Site de la préfecture, page « Étrangers » (vérifié le " in service["source"]  # …and the correction's added
    assert service["checked_on"] == "2025-01-23"  # the other fields were not re-checked
    assert f"emails ← {EMAIL}" in patch.get_data(as_text=True)
    from core.plugins.facts import FactSet
    FactSet.model_validate(document)  # a maintainer's loader accepts it

    from tests.test_cases import case_id, create_case
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    letter = benevole_client.get(f"/dossiers/{case}/courriers/calvados-urgent-api").get_data(as_text=True)
    assert EMAIL in letter and "emails corrigé : Site de la préfecture" in letter  # the email goes to the right address

    listing = coordinator.get("/corrections").get_data(as_text=True)
    with app.app_context():
        correction = db.session.scalar(db.select(FactCorrection))
    coordinator.post(f"/corrections/correction/{correction.id}/retirer", data={"csrf_token": csrf_token(listing)})
    again = benevole_client.get("/departements/14").get_data(as_text=True)
    assert EMAIL not in again and "pref-etrangers@calvados.gouv.fr" in again


def test_a_report_can_be_dismissed_with_a_reason(app, benevole_client, coordinator):
    page = benevole_client.get("/departements/69").get_data(as_text=True)  # the national layer's tribunal
    link = report_link(page, "tribunals")
    send_report(benevole_client, link, field="name", what_is_wrong="Ce n'est pas le bon tribunal")
    with app.app_context():
        report = db.session.scalar(db.select(FactReport))
        assert report.plugin == "national" and report.fact_label == "Tribunal administratif de Lyon"
    review = open_review(coordinator, report.id)
    coordinator.post(f"/corrections/{report.id}", data={
        "dismiss-csrf_token": csrf_token(review), "dismiss-review_note": "CJA R.221-3 : Lyon pour le Rhône",
        "dismiss-submit": "1"})
    assert "Aucun signalement ouvert." in coordinator.get("/corrections").get_data(as_text=True)
    assert "classé sans suite : CJA R.221-3" in open_review(coordinator, report.id)


def test_an_administrator_completes_the_tribunals_missing_address(app, benevole_client, browser):
    admin_client = browser(Role.ADMIN)
    page = admin_client.get("/departements/14").get_data(as_text=True)
    link = re.search(r'href="(/departements/14/corriger/tribunals/[0-9a-f]{16})"', page).group(1)
    assert "/corriger/" not in benevole_client.get("/departements/14").get_data(as_text=True)
    assert benevole_client.get(link).status_code == 403
    form = admin_client.get(link).get_data(as_text=True)
    assert "non renseigné" in form  # the address is a gap today
    saved = admin_client.post(link, data={
        "correct-csrf_token": csrf_token(form), "correct-field": "address",
        "correct-value": "1 rue du Test\n14000 Caen", "correct-source": "Site du tribunal (test)",
        "correct-checked_on": TODAY, "correct-submit": "1"})
    assert saved.status_code == 302
    shown = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "Adresse postale :" in shown and "1 rue du Test<br>14000 Caen" in shown
    plugins = admin_client.get("/admin/plugins").get_data(as_text=True)
    assert "Signalements" in plugins and "aucun ouvert" in plugins


def test_an_unknown_fact_or_section_is_a_404_not_a_500(benevole_client):
    assert benevole_client.get("/departements/14/signaler/tribunals/0000000000000000").status_code == 404
    assert benevole_client.get("/departements/14/signaler/letter_templates/0000000000000000").status_code == 404
    assert benevole_client.get("/departements/20/signaler/tribunals/0000000000000000").status_code == 404


def test_the_open_reports_show_on_the_plugins_page(app, benevole_client, make_user, browser):
    page = benevole_client.get("/departements/33").get_data(as_text=True)
    send_report(benevole_client, report_link(page, "prefecture_services"), what_is_wrong="Horaires changés",
                field="hours")
    admin = browser(Role.ADMIN)
    plugins = admin.get("/admin/plugins").get_data(as_text=True)
    assert "1 signalement ouvert" in plugins and "/corrections?plugin=gironde" in plugins


def test_a_pan_booking_vector_can_be_corrected_and_goes_into_the_patch():
    """The PAN vectors carry a computed field (digital): a correction must still rebuild them."""

    from core.corrections.facts import corrected, patch_yaml
    from core.plugins.registry import PluginRegistry

    registry = PluginRegistry()
    vector = registry.facts(registry.plugins).pan_vectors("14")[0]
    fixed = corrected(vector, "notes", "Créneaux ouverts le lundi", "Affiche au guichet (test)", dt.date(2026, 11, 20))
    assert fixed.notes == "Créneaux ouverts le lundi" and fixed.kind == vector.kind
    assert "notes: Créneaux ouverts le lundi" in patch_yaml([fixed], "test")


# --- a correction follows its fact when the plugin changes -------------------------------------

def record_email_correction(app, benevole_client, coordinator):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    send_report(benevole_client, report_link(page, "prefecture_services"), what_is_wrong="Le courriel revient",
                what_they_saw=EMAIL)
    with app.app_context():
        report_id = db.session.scalar(db.select(FactReport.id))
    assert correct_from_review(coordinator, report_id).status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(FactCorrection.id))


def change_correction(app, correction_id, **columns):
    """What a plugin update looks like from the correction's side: the fact it was made on is
    no longer the one given (another version, the same value, or no fact of that name)."""
    with app.app_context():
        row = db.session.get(FactCorrection, correction_id)
        for name, value in columns.items():
            setattr(row, name, value)
        db.session.commit()


def test_a_correction_stays_with_its_fact_when_the_plugin_updates_it(app, benevole_client, coordinator):
    correction = record_email_correction(app, benevole_client, coordinator)
    change_correction(app, correction, fact_version="0" * 16)  # made on an older version of the fact

    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert EMAIL in page and "Le plugin a mis à jour cette information depuis cette correction" in page
    assert "Le plugin a mis à jour cette information depuis." in coordinator.get("/corrections").get_data(as_text=True)
    patch = coordinator.get("/corrections/patch/calvados.yaml").get_data(as_text=True)
    assert "updated since" in patch and yaml.safe_load(patch)["prefecture_services"][0]["emails"] == [EMAIL]

    from tests.test_cases import case_id, create_case
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    letter = benevole_client.get(f"/dossiers/{case}/courriers/calvados-urgent-api").get_data(as_text=True)
    assert EMAIL in letter  # still the instance's decision until withdrawn


def test_a_correction_the_plugin_has_adopted_can_be_withdrawn(app, benevole_client, coordinator):
    correction = record_email_correction(app, benevole_client, coordinator)
    change_correction(app, correction, value="pref-etrangers@calvados.gouv.fr", fact_version="0" * 16)

    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "Le plugin donne désormais lui-même cette valeur" in page
    assert "Le plugin donne désormais cette valeur" in coordinator.get("/corrections").get_data(as_text=True)
    patch = coordinator.get("/corrections/patch/calvados.yaml").get_data(as_text=True)
    assert "adopted since" in patch and yaml.safe_load(patch) == {}  # nothing left to merge


def test_a_correction_of_a_fact_no_longer_given_is_listed_not_lost(app, benevole_client, coordinator):
    from core.corrections.facts import fact_identity

    correction = record_email_correction(app, benevole_client, coordinator)
    change_correction(app, correction, fact_label="Bureau renommé depuis",
                      fact_identity=fact_identity("prefecture_services", "14", "Bureau renommé depuis"))

    volunteer_page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert EMAIL not in volunteer_page  # not shown beside another fact
    coordination_page = coordinator.get("/departements/14").get_data(as_text=True)
    assert "Corrections dont l’information n’est plus donnée" in coordination_page
    assert "Bureau renommé depuis" in coordination_page and EMAIL in coordination_page
    assert "Le plugin ne donne plus cette information" in coordinator.get("/corrections").get_data(as_text=True)
    assert "no longer gives" in coordinator.get("/corrections/patch/calvados.yaml").get_data(as_text=True)


def test_corrections_are_attached_by_name_and_by_version_among_namesakes():
    from types import SimpleNamespace

    from core.corrections.facts import attach, fact_ref
    from core.plugins.facts import PrefectureService

    def service(name, phone):
        return PrefectureService(name=name, phones=[{"number": phone}], source="test", checked_on="2026-11-01")

    before = service("Bureau du séjour", "02 31 00 00 00")
    updated = service("Bureau du séjour", "02 31 11 11 11")  # the plugin changed the phone
    identity, version = fact_ref(before, "14")
    row = SimpleNamespace(fact_identity=identity, fact_version=version)
    attached, detached = attach([updated], "14", [row])
    assert attached == {fact_ref(updated, "14"): [row]} and detached == []

    namesake = service("Bureau du séjour", "02 31 22 22 22")  # two services of one name: by version
    attached, detached = attach([before, namesake], "14", [row])
    assert attached == {fact_ref(before, "14"): [row]}
    attached, detached = attach([updated, namesake], "14", [row])  # which one it was: unknown
    assert attached == {} and detached == [row]
    assert attach([service("Autre bureau", "02 31 00 00 00")], "14", [row]) == ({}, [row])


def test_the_volunteer_who_reported_learns_the_outcome(app, benevole_client, coordinator):
    page = benevole_client.get("/departements/69").get_data(as_text=True)
    send_report(benevole_client, report_link(page, "tribunals"), field="name", what_is_wrong="Pas le bon tribunal")
    mine = benevole_client.get("/signalements").get_data(as_text=True)
    assert "Pas le bon tribunal" in mine and "En attente de la vérification par la coordination" in mine
    assert "a été vérifié" not in benevole_client.get("/").get_data(as_text=True)

    with app.app_context():
        report = db.session.scalar(db.select(FactReport))
    review = open_review(coordinator, report.id)
    coordinator.post(f"/corrections/{report.id}", data={
        "dismiss-csrf_token": csrf_token(review), "dismiss-review_note": "CJA R.221-3 : Lyon pour le Rhône",
        "dismiss-submit": "1"})

    home = benevole_client.get("/").get_data(as_text=True)
    assert "1 de vos signalements d’une information locale erronée a été vérifié" in home
    mine = benevole_client.get("/signalements").get_data(as_text=True)
    assert "Classé sans suite : CJA R.221-3 : Lyon pour le Rhône" in mine and "nouveau" in mine
    assert "a été vérifié" not in benevole_client.get("/").get_data(as_text=True)  # seen: the notice goes
    assert "nouveau" not in benevole_client.get("/signalements").get_data(as_text=True)
    assert "Pas le bon tribunal" not in coordinator.get("/signalements").get_data(as_text=True)  # one's own only
