"""The assessment page: the API's answer, in plain French, for volunteers."""
from urllib.parse import urlencode

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
    assert "69 – Rhône" in page and "Aucun tribunal n’est enregistré" in page
