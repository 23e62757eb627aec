"""The assessment page: the API's answer, in plain French, for volunteers."""
import datetime as dt
import re
from urllib.parse import urlencode

from core.cases.models import Case
from core.web.extensions import db

CALVADOS = {"departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal",
            "expires_on": "2025-01-09", "filed_on": "2024-11-04", "on": "2025-01-12"}


def test_a_volunteer_sees_the_api_due_with_dates_written_out(benevole_client):
    page = benevole_client.get("/evaluer?" + urlencode(CALVADOS)).get_data(as_text=True)
    assert "attestation de prolongation d’instruction (API)" in page
    assert "du 11 septembre 2024 au 10 novembre 2024" in page and "fermée" in page
    assert "obligatoire depuis le 5 avril 2023" in page
    assert "valable jusqu’au 9 avril 2025 au plus tard" in page
    assert "rejet implicite si la préfecture garde le silence" in page and "4 mars 2025" in page
    assert "<details><summary>Fondement</summary><p>CESEDA R.431-15-1 al. 2</p>" in page
    assert "pref-etrangers@calvados.gouv.fr" in page  # the PAN step, with the local vector
    assert "Imprimer" in page


def test_the_empty_form_asks_and_does_not_complain(benevole_client):
    page = benevole_client.get("/evaluer").get_data(as_text=True)
    assert "Évaluer une situation" in page and "Le formulaire contient des erreurs" not in page


def test_bad_input_is_explained_next_to_the_field_and_kept(benevole_client):
    response = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "expires_on": "", "departement": "14"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # No expiry date: answered, with what could not be computed said plainly.
    assert "Fenêtre de renouvellement et API : il faut la date d’expiration du titre actuel." in page
    assert 'value="2024-11-04"' in page  # what was typed is still there
    for code in ("20", "330", "975"):
        bad_code = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "departement": code})).get_data(as_text=True)
        assert "Ce n’est pas un code de département" in bad_code, code
    lower = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "departement": " 2a "})).get_data(as_text=True)
    assert "Ce n’est pas un code de département" not in lower


def test_an_uncovered_departement_gets_the_national_answer_and_says_so(benevole_client):
    page = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "departement": "69"})).get_data(as_text=True)
    assert "attestation de prolongation d’instruction (API)" in page
    assert "Aucun plugin activé ne couvre le département 69" in page


def test_the_legal_grounds_are_offered_with_their_citations(benevole_client, client):
    page = benevole_client.get("/evaluer?" + urlencode(CALVADOS)).get_data(as_text=True)
    assert "Fondements à invoquer" in page and "Intérêt supérieur de l&#39;enfant (art. 3 CIDE)" in page
    grounds = client.get("/api/v1/legal-grounds").get_json()["legal_grounds"]
    assert {g["slug"] for g in grounds} >= {"vie-privee", "demande-incomplete", "refere-mesures-utiles"}
    assert all(g["citations"] and g["source"] for g in grounds)


def test_the_page_says_when_the_request_was_filed_in_time(benevole_client):
    page = benevole_client.get("/evaluer?" + urlencode(CALVADOS)).get_data(as_text=True)
    assert "déposée dans les délais, le 4 novembre 2024" in page
    late = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "filed_on": "2024-12-20"})).get_data(as_text=True)
    assert "déposée hors de la fenêtre, le 20 décembre 2024" in late


def test_impossible_years_typed_in_the_form_are_refused_not_assessed(benevole_client):
    for year in ("0001", "0025", "2300"):
        response = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "expires_on": f"{year}-09-01"}))
        assert response.status_code == 200
        assert "hors de la période prise en charge (1900–2199)" in response.get_data(as_text=True)


def test_the_first_of_the_month_is_written_1er(benevole_client):
    page = benevole_client.get("/evaluer?" + urlencode({**CALVADOS, "on": "2025-02-01"})).get_data(as_text=True)
    assert "situation au 1er février 2025" in page


def test_an_uncovered_departement_is_named(benevole_client):
    page = benevole_client.get("/departements/69").get_data(as_text=True)
    assert "69 – Rhône" in page and "Tribunal administratif de Lyon" in page  # the national layer's


def test_a_volunteer_opens_a_case_from_the_assessment_without_typing_the_situation_again(app, benevole_client):
    """The seeds' Calvados example: renewal filed on 4 Nov 2024, permit expired on 9 Jan 2025, an API held."""
    page = benevole_client.get("/evaluer?departement=14&demarche=conjoint-de-francais&kind=renewal"
                               "&expires_on=2025-01-09&filed_on=2024-11-04&held_kind=api&held_until=2025-04-09"
                               "&on=2025-01-12").get_data(as_text=True)
    assert "Ouvrir un dossier avec cette situation" in page
    form = page[page.index('class="no-print open-case"'):]
    form = form[:form.index("</form>")]
    sent = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
    assert sent["expires_on"] == "2025-01-09" and sent["filed_on"] == "2024-11-04" and sent["held_kind"] == "api"

    prefilled = benevole_client.post("/dossiers/nouveau", data=sent)
    html = prefilled.get_data(as_text=True)
    assert prefilled.status_code == 200 and "Le formulaire contient des erreurs" not in html
    assert 'value="2025-01-09"' in html and 'value="2024-11-04"' in html and 'value="14"' in html
    assert "le document détenu (attestation de prolongation d’instruction (API), valable jusqu’au 9 avril 2025)" \
        in html.replace("&#39;", "’")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0  # nothing saved before the person is typed

    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    fields.update(person_name="T. N.", kind="renewal", demarche="conjoint-de-francais", permit="",
                  request_complete="", remedies_stated="", civility="")
    created = benevole_client.post("/dossiers/nouveau", data=fields)
    assert created.status_code == 302
    case = benevole_client.get(created.location).get_data(as_text=True)
    assert "T. N." in case and "9 janvier 2025" in case
    with app.app_context():
        stored = db.session.scalar(db.select(Case))
        assert (stored.expires_on, stored.filed_on) == (dt.date(2025, 1, 9), dt.date(2024, 11, 4))
        assert [(d.kind, d.valid_until) for d in stored.documents] == [("api", dt.date(2025, 4, 9))]
