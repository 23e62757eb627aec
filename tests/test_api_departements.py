"""The local facts of each shipped plugin, as the JSON API gives them."""
import pytest


def dept(client, code):
    response = client.get(f"/api/v1/departements/{code}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_all_101_departements_are_listed_with_the_plugin_covering_each_or_none(client):
    listed = {d["code"]: d for d in client.get("/api/v1/departements").get_json()["departements"]}
    assert len(listed) == 101 and {"2A", "2B", "971", "976"} <= set(listed) and "20" not in listed
    assert {code for code, d in listed.items() if d["plugin"]} == {"04", "05", "06", "13", "14", "33", "83", "84"}
    assert listed["33"] == {"code": "33", "name": "Gironde", "prefecture_seat": "Bordeaux", "plugin": "gironde",
                            "url": "/api/v1/departements/33"}
    assert listed["972"] == {"code": "972", "name": "Martinique", "prefecture_seat": "Fort-de-France",
                             "plugin": None, "url": "/api/v1/departements/972"}


def test_gironde_gives_its_prefecture_its_links_its_arrete_and_its_sirius_pitfalls(client):
    gironde = dept(client, "33")
    assert gironde["prefecture"]["address"] == ["2, esplanade Charles de Gaulle", "33000 Bordeaux"]
    assert gironde["prefecture"]["phones"][0] == {"number": "05 56 90 60 60", "hours": "du lundi au vendredi de 8h30 à 14h45",
                                                   "label": ""}
    links = {c["url"].rsplit("/", 1)[-1]: c["demarches"] for c in gironde["channels"]}
    assert links["cdi-cdd"] == ["salarie", "travailleur-temporaire"]
    assert links["entrepreneur"] == ["entrepreneur"]
    assert links["recepisse-v2"] == ["recepisse-renouvellement"]
    assert any("BENEFICIAIRE+PROTECTION+INTERNATIONALE" in c["url"] for c in gironde["channels"])
    assert "15 mai 2023" in gironde["substitution"]["legal_basis"]
    titles = " ".join(q["title"] for q in gironde["quirks"])
    assert "PACS" in titles and "VLS-TS" in titles
    assert any("Formulaire papier introuvable" in q["title"] for q in gironde["quirks"])
    assert any("contact@demarches-simplifiees.fr" in r["emails"] for r in gironde["resources"])
    assert gironde["tribunal"]["name"] == "Tribunal administratif de Bordeaux"


def test_calvados_gives_its_email_its_two_pan_vectors_and_the_admission_exceptionnelle_address(client):
    calvados = dept(client, "14")
    assert "pref-etrangers@calvados.gouv.fr" in calvados["prefecture"]["emails"]
    vectors = {v["kind"]: v for v in calvados["pan"]["vectors"]}
    assert vectors["email"]["email"] == "pref-etrangers@calvados.gouv.fr" and vectors["email"]["digital"] is True
    assert vectors["in-person"]["address"] == ["Rue Choron", "14000 Caen"] and vectors["in-person"]["digital"] is False
    assert "de 8h45 à 12h30 et de 14h à 16h" in vectors["in-person"]["hours"]
    assert any(item.startswith("E-Photo") or item.startswith("E-photo") for item in vectors["email"]["required_information"])
    assert calvados["pan"]["compliant"] is True and calvados["pan"]["finding"] is None
    postal = next(c for c in calvados["channels"] if "admission-exceptionnelle" in c["demarches"])
    assert postal["address"] == ["Préfecture du Calvados", "Bureau du séjour et des naturalisations",
                                 "Admission exceptionnelle au séjour", "Rue Daniel Huet", "14038 CAEN CEDEX 08"]
    pre_requests = [c["url"] for c in calvados["channels"] if "pref14-" in c["url"]]
    assert "https://www.demarches-simplifiees.fr/commencer/pref14-premieredemande-visad" in pre_requests
    assert [letter["slug"] for letter in calvados["letters"]] == ["calvados-urgent-api"]
    assert calvados["tribunal"]["name"] == "Tribunal administratif de Caen"


@pytest.mark.parametrize("code, kind, detail", [
    ("06", "phone", "04 93 72 20 21"), ("13", "online-form", "Marseille"), ("83", "online-form", "e-MERAUDE"),
    ("84", "online-form", "Emeraude"), ("05", "online-form", "Gap"), ("04", "online-form", "e-maraude")])
def test_each_paca_prefecture_has_its_pan_booking_vector(client, code, kind, detail):
    (vector,) = dept(client, code)["pan"]["vectors"]
    assert vector["kind"] == kind and (detail in vector["label"] or detail == vector["phone"])
    if kind == "online-form":
        assert vector["url"] == ""  # lost in the seed: not invented


def test_a_paca_departement_with_one_vector_is_reported_short_of_the_arrete(client):
    nice = dept(client, "06")
    assert nice["pan"]["compliant"] is False
    assert nice["pan"]["finding"].startswith("1 vecteur de prise de rendez-vous enregistré, dont 1 non numérique")


@pytest.mark.parametrize("code, city", [("33", "Bordeaux"), ("14", "Caen"), ("04", "Marseille"), ("05", "Marseille"),
                                        ("13", "Marseille"), ("06", "Nice"), ("83", "Toulon"), ("84", "Nîmes")])
def test_every_departement_has_its_competent_tribunal(client, city, code):
    tribunal = dept(client, code)["tribunal"]
    assert tribunal["name"] == f"Tribunal administratif de {city}" and "R.221-3" in tribunal["source"]


def test_the_paca_hotline_and_the_national_anef_support_lines_are_resources(client):
    resources = dept(client, "13")["resources"]
    phones = [p["number"] for r in resources for p in r["phones"]]
    assert "04 84 89 58 05" in phones and "0806 001 620" in phones and "0 806 001 624" in phones


def test_every_fact_says_its_source_its_date_and_whether_to_recheck(client):
    for code in ("04", "05", "06", "13", "14", "33", "83", "84"):
        body = dept(client, code)
        facts = body["prefecture_services"] + body["channels"] + body["pan"]["vectors"] + body["quirks"] \
            + body["resources"] + [body["tribunal"]] + ([body["substitution"]] if body["substitution"] else [])
        for fact in facts:
            assert fact["source"] and fact["checked_on"] and isinstance(fact["to_recheck"], bool)


def test_an_uncovered_departement_gets_the_national_layer_each_fact_saying_who_says_it(client):
    rhone = dept(client, "69")
    assert (rhone["plugin"], rhone["prefecture_seat"]) == (None, "Lyon")
    assert rhone["tribunal"]["name"] == "Tribunal administratif de Lyon" and rhone["tribunal"]["origin"] == "national"
    forms = {channel["url"].rsplit("/", 1)[-1] for channel in rhone["channels"]}
    assert forms and all(channel["origin"] == "national" and "commit 558e79b" in channel["source"]
                         for channel in rhone["channels"])
    assert rhone["prefecture"] is None  # nothing invented: no préfecture service is known here
    calvados = dept(client, "14")
    origins = {channel["url"]: channel["origin"] for channel in calvados["channels"] if channel["url"]}
    visa_d = "https://www.demarches-simplifiees.fr/commencer/pref14-premieredemande-visad"
    assert origins[visa_d] == "calvados"  # the plugin's own entry, not repeated by the national list
    assert list(origins).count(visa_d) == 1 and "national" in origins.values()
    assert calvados["tribunal"]["origin"] == "calvados"


def test_an_invalid_code_answers_400_in_json(client):
    invalid = client.get("/api/v1/departements/20")
    assert invalid.status_code == 400 and invalid.get_json()["field"] == "code"
