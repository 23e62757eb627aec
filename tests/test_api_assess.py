"""The public JSON API: the same rules as the page, no login, never a 500."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CALVADOS_RENEWAL = {"departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal",
                    "expires_on": "2025-01-09", "filed_on": "2024-11-04", "on": "2025-01-12"}


def test_the_calvados_renewal_of_seed_001_gets_an_api_from_the_api(client):
    response = client.post("/api/v1/assess", json=CALVADOS_RENEWAL)
    assert response.status_code == 200
    body = response.get_json()
    attestation = body["attestation"]
    assert (attestation["type"], attestation["label"], attestation["legal_basis"], attestation["valid_until"]) == (
        "api", "attestation de prolongation d’instruction (API)", "CESEDA R.431-15-1 al. 2", "2025-04-09")
    assert "accompagnée du titre de séjour expiré" in attestation["allows"]["regular_stay"]
    assert body["regular_stay"]["status"] == "due" and "R.431-15-1 al. 2" in body["regular_stay"]["basis"]
    assert body["court_route"]["kind"] == "refere-mesures-utiles"
    assert body["channel"]["kind"] == "anef" and body["channel"]["mandatory_since"] == "2023-04-05"
    assert body["filing_window"] == {"kind": "renewal", "opens_on": "2024-09-11", "closes_on": "2024-11-10",
                                     "status": "closed", "legal_basis": body["filing_window"]["legal_basis"]}
    deadlines = {d["kind"]: d for d in body["deadlines"]}
    assert deadlines["challenge-ends"]["date"] == "2025-05-05"
    assert "voies et délais" in deadlines["challenge-ends"]["condition"]
    assert body["not_computed"] == []
    assert body["demarche"] == {"slug": "conjoint-de-francais", "label": "Conjoint·e de Français·e"}
    assert body["departement"] == {"code": "14", "covered": True, "name": "Calvados", "plugin": "calvados"}


def test_a_renewal_without_expiry_date_is_answered_and_says_what_could_not_be_computed(client):
    """The issue that created the API allowed expires_on: null."""
    response = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "expires_on": None})
    assert response.status_code == 200
    body = response.get_json()
    assert body["channel"]["kind"] == "anef" and body["escalation"] and body["filing_window"] is None
    assert body["attestation"]["type"] == "unknown" and body["regular_stay"]["status"] == "unknown"
    assert body["not_computed"] == [{"what": "filing-window", "missing": "expires_on",
                                     "message": "Fenêtre de renouvellement et API : il faut la date d’expiration du titre actuel."}]
    assert [d["kind"] for d in body["deadlines"]] == ["implicit-rejection", "challenge-ends"]


def test_documents_held_young_adults_and_the_acknowledgement_are_taken_into_account(client):
    held = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "on": "2025-01-20",
                                               "held": [{"kind": "api", "valid_until": "2025-04-09"}]}).get_json()
    assert held["regular_stay"]["status"] == "yes"
    young = client.post("/api/v1/assess", json={"departement": "14", "demarche": "confie-ase", "kind": "first",
                                                "birth_date": "2006-08-10", "filed_on": "2025-06-01",
                                                "on": "2025-07-01"}).get_json()
    assert young["filing_window"]["closes_on"] == "2025-08-09" and young["attestation"]["type"] == "api"
    stated = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "remedies_stated": False,
                                                 "on": "2025-06-01"}).get_json()
    assert stated["court_route"]["kind"] == "reasonable-time"
    assert "challenge-ends" not in [d["kind"] for d in stated["deadlines"]]


def test_the_escalation_steps_carry_the_local_facts_they_need(client):
    body = client.post("/api/v1/assess", json=CALVADOS_RENEWAL).get_json()
    steps = {step["step"]: step for step in body["escalation"]}
    assert [s["email"] for s in steps["pan"]["local"] if s["kind"] == "email"] == ["pref-etrangers@calvados.gouv.fr"]
    assert steps["pan"]["local"][0]["digital"] is True
    assert "arrêté du 1er août 2023" in steps["substitution"]["local"]["legal_basis"]
    assert steps["refere-mesures-utiles"]["legal_basis"].startswith("CJA L.521-3")


def test_a_local_channel_lists_the_plugins_options_and_the_local_pitfalls(client):
    body = client.post("/api/v1/assess", json={"departement": "33", "demarche": "pacs-avec-francais",
                                                "kind": "first", "on": "2025-01-12"}).get_json()
    assert body["channel"]["kind"] == "local"
    assert any("SIRIUS" in warning for warning in body["warnings"])
    salarie = client.post("/api/v1/assess", json={"departement": "33", "demarche": "salarie",
                                                   "kind": "first", "on": "2025-01-12"}).get_json()
    assert [o["url"] for o in salarie["channel"]["options"]] == ["https://www.demarches-simplifiees.fr/commencer/cdi-cdd"]


def test_a_departement_without_plugin_gets_the_national_answer_and_a_warning(client):
    body = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "departement": "69"}).get_json()
    assert body["attestation"]["type"] == "api"
    assert body["departement"]["covered"] is False
    assert any("69" in warning and "manquent" in warning for warning in body["warnings"])


def test_on_defaults_to_today(client):
    body = client.post("/api/v1/assess", json={"departement": "14", "demarche": "etudiant",
                                                "kind": "first"}).get_json()
    from core.web import clock
    assert body["on"] == clock.today().isoformat()  # the help desk's day (Paris), not the server's (UTC)


@pytest.mark.parametrize("body, field, message", [
    ({**CALVADOS_RENEWAL, "demarche": "astronaute"}, "demarche", "Démarche inconnue : « astronaute »."),
    ({**CALVADOS_RENEWAL, "on": "2025-02-30"}, "on", "Cette date n’existe pas."),
    ({**CALVADOS_RENEWAL, "expires_on": "09/01/2025"}, "expires_on", "Une date au format AAAA-MM-JJ, ou null, est attendue."),
    ({**CALVADOS_RENEWAL, "kind": "premiere"}, "kind", "Le type doit être « first » (première demande) ou « renewal » (renouvellement)."),
    ({**CALVADOS_RENEWAL, "departement": "20"}, "departement", "Ce n’est pas un code de département (INSEE : 01–95, 2A, 2B, 971–974, 976)."),
    ({**CALVADOS_RENEWAL, "remedies_stated": "oui"}, "remedies_stated", "true, false ou null est attendu."),
    ({**CALVADOS_RENEWAL, "held": [{"kind": "passeport"}]}, "held", "Chaque document détenu est"),
    ({**CALVADOS_RENEWAL, "expiry": "2025-01-09"}, "expiry", "Champ inconnu."),
    ({**CALVADOS_RENEWAL, "on": "2020-01-01"}, "on", "Les règles sont encodées à partir du 1er mai 2021"),
])
def test_bad_input_answers_400_naming_the_field_in_french(client, body, field, message):
    response = client.post("/api/v1/assess", json=body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert response.get_json()["error"].startswith(message)


def test_errors_follow_the_requests_language(client):
    response = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "on": "2025-02-30"},
                           headers={"Accept-Language": "en"})
    assert response.get_json() == {"error": "This date does not exist.", "field": "on"}


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post("/api/v1/assess", data="départ=14", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.get_json()["field"] == "body"
    response = client.post("/api/v1/assess", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["field"] == "body"


def test_the_api_needs_no_login_and_no_csrf_token(client):
    assert client.post("/api/v1/assess", json=CALVADOS_RENEWAL).status_code == 200


def test_demarches_lists_each_channel_at_the_date(client):
    before = {d["slug"]: d for d in client.get("/api/v1/demarches?on=2023-04-04").get_json()["demarches"]}
    after = {d["slug"]: d for d in client.get("/api/v1/demarches?on=2023-04-05").get_json()["demarches"]}
    assert before["conjoint-de-francais"]["channel"] == "local"
    assert after["conjoint-de-francais"]["channel"] == "anef"
    assert after["conjoint-de-francais"]["channels"]["first"]["mandatory_since"] == "2023-04-05"
    assert after["salarie"]["channel"] == "local"
    famille = client.get("/api/v1/demarches?on=2021-05-30").get_json()["demarches"]
    assert next(d for d in famille if d["slug"] == "passeport-talent-famille")["channel"] == "mixed"
    assert client.get("/api/v1/demarches?on=demain").status_code == 400


def test_an_unknown_api_url_answers_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.get_json()["error"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)
dates_or_junk = st.one_of(st.dates().map(lambda d: d.isoformat()), st.none(), st.text(max_size=12), st.integers())
plausible_bodies = st.fixed_dictionaries(
    {"departement": st.one_of(st.sampled_from(["14", "33", "06", "69", "2A", "971", "20", "00", ""]), json_values),
     "demarche": st.one_of(st.sampled_from(["conjoint-de-francais", "salarie", "carte-resident", "duplicata",
                                            "recepisse-renouvellement", "inconnue"]), json_values),
     "kind": st.one_of(st.sampled_from(["first", "renewal"]), json_values)},
    optional={"expires_on": dates_or_junk, "filed_on": dates_or_junk, "on": dates_or_junk,
              "favorable_decision_on": dates_or_junk, "ephoto_taken_on": dates_or_junk,
              "permit": st.one_of(st.sampled_from(["cst", "carte-resident", "csp-4-ans"]), json_values)})


@given(body=st.one_of(plausible_bodies, json_values))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_assess_endpoint_never_answers_500(client, body):
    response = client.post("/api/v1/assess", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400), (body, response.get_data(as_text=True)[:300])
    payload = response.get_json()
    if response.status_code == 400:
        assert set(payload) == {"error", "field"} and payload["error"]
    else:
        assert payload["attestation"]["type"] in ("none", "confirmation-de-depot", "api",
                                                  "attestation-decision-favorable", "recepisse")


def test_optional_fields_accept_empty_values_and_codes_in_lower_case(client):
    response = client.post("/api/v1/assess", json={"departement": "2a", "demarche": "etudiant", "kind": "first",
                                                    "permit": "", "on": "2025-01-01"})
    assert response.status_code == 200 and response.get_json()["departement"]["code"] == "2A"
    bad = client.post("/api/v1/assess", json={"departement": "14", "demarche": "etudiant", "kind": "first",
                                               "permit": 3})
    assert bad.status_code == 400 and bad.get_json() == {"error": "Ce champ doit être un texte.", "field": "permit"}


def test_a_json_body_sent_without_its_content_type_is_read(client):
    response = client.post("/api/v1/assess", data=json.dumps(CALVADOS_RENEWAL), content_type="text/plain")
    assert response.status_code == 200


def test_demarches_before_the_encoded_rules_and_a_decision_without_filing_are_refused(client):
    assert client.get("/api/v1/demarches?on=2020-01-01").get_json()["field"] == "on"
    response = client.post("/api/v1/assess", json={**CALVADOS_RENEWAL, "filed_on": None,
                                                    "favorable_decision_on": "2025-02-01"})
    assert response.status_code == 400 and response.get_json()["field"] == "favorable_decision_on"
