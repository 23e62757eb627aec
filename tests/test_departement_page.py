"""The département page: local facts with their sources, freshness and the PAN rule."""
import datetime as dt
import re

from core.plugins.facts import PanVector
from core.rules.dates import add_months, is_stale
from core.rules.pan import pan_compliance


def test_the_page_shows_each_fact_with_its_source_spelled_out(benevole_client):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "pref-etrangers@calvados.gouv.fr" in page and "14038 CAEN CEDEX 08" in page
    assert "Guide ASTI Calvados" in page and "seed 001" not in page


def test_a_nice_pan_by_phone_only_falls_short_of_the_arrete(benevole_client):
    page = benevole_client.get("/departements/06").get_data(as_text=True)
    assert "04 93 72 20 21" in page
    assert "1 vecteur de prise de rendez-vous enregistré, dont 1 non numérique" in page
    assert "en exige au moins deux, dont un non numérique" in page


def test_toulon_has_one_online_form_none_of_them_non_digital(benevole_client):
    page = benevole_client.get("/departements/83").get_data(as_text=True)
    assert "1 vecteur de prise de rendez-vous enregistré, dont aucun non numérique" in page
    assert "Adresse du formulaire inconnue" in page  # the seed lost the link: none invented


def test_calvados_email_and_front_desk_meet_the_arrete(benevole_client):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "vecteur de prise de rendez-vous enregistré" not in page


def test_facts_older_than_the_configured_age_are_shown_to_recheck(app, benevole_client, monkeypatch):
    monkeypatch.setitem(app.config, "FACT_MAX_AGE_MONTHS", 1200)
    assert "à revérifier" not in benevole_client.get("/departements/14").get_data(as_text=True)
    monkeypatch.setitem(app.config, "FACT_MAX_AGE_MONTHS", 0)
    assert "à revérifier" in benevole_client.get("/departements/14").get_data(as_text=True)


def test_a_code_with_a_trailing_newline_is_not_a_departement(benevole_client):
    assert benevole_client.get("/departements/33%0A").status_code == 404


def test_a_departement_without_plugin_gets_the_national_facts_and_a_warning(benevole_client):
    page = benevole_client.get("/departements/69").get_data(as_text=True)
    assert "Aucun plugin activé ne couvre ce département" in page
    assert "Libre réponse 71120" in page
    assert "Tribunal administratif de Lyon" in page and "« Lyon : Ain, Ardèche, Loire, Rhône »" in page
    assert "Siège de la préfecture : Lyon" in page
    assert "Couche nationale" in page
    assert "Aucun moyen de prendre rendez-vous au PAN n’est enregistré pour ce département" in page
    assert benevole_client.get("/departements/20").status_code == 404


def test_every_departement_of_france_has_a_page_with_its_tribunal(benevole_client):
    from core.plugins.departements import NAMES
    for code in NAMES:
        page = benevole_client.get(f"/departements/{code}").get_data(as_text=True)
        assert "Tribunal administratif" in page and "R.221-3" in page, code


def test_months_are_counted_the_calendar_way():
    assert add_months(dt.date(2025, 1, 9), -2) == dt.date(2024, 11, 9)
    assert add_months(dt.date(2024, 12, 31), -2) == dt.date(2024, 10, 31)
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 4), 4) == dt.date(2025, 3, 4)
    assert is_stale(dt.date(2025, 1, 23), dt.date(2026, 1, 24), 12)
    assert not is_stale(dt.date(2025, 1, 23), dt.date(2026, 1, 23), 12)


def test_pan_compliance_counts_vectors_and_non_digital_ones():
    def vector(kind, **extra):
        return PanVector(kind=kind, source="s", checked_on=dt.date(2025, 1, 23), **extra)
    assert not pan_compliance([]).compliant
    assert not pan_compliance([vector("phone", phone="04 93 72 20 21")]).compliant
    assert not pan_compliance([vector("online-form"), vector("email", email="a@b.fr")]).compliant
    assert pan_compliance([vector("email", email="a@b.fr"), vector("in-person")]).compliant


def test_the_page_is_grouped_as_a_volunteer_works(benevole_client):
    page = benevole_client.get("/departements/33").get_data(as_text=True)
    positions = [page.index(f'id="{anchor}"') for anchor in ("deposer", "aide", "debloquer", "juge")]
    assert positions == sorted(positions)
    assert page.index("05 56 90 60 60") < positions[1]  # the préfecture is under "Déposer"
    assert positions[2] < page.index("arrêté préfectoral de la Gironde du 15 mai 2023") < positions[3]
    assert page.index("Tribunal administratif de Bordeaux") > positions[3]


def test_the_national_resources_are_folded_and_the_plugins_own_shown_in_full(app, benevole_client):
    """The same dozen national contacts on every page: folded under the département's own."""
    from core.plugins.national import plugin as national

    national_names = [resource.name for resource in national.facts.resources]
    folded_on = {}
    for code, own in (("14", "ASTI du Calvados"), ("33", "ASTI Bordeaux – permanence juridique"), ("69", None)):
        page = benevole_client.get(f"/departements/{code}").get_data(as_text=True)
        aide = page.split('id="aide"')[1].split('id="debloquer"')[0]
        shown, folded = aide.split('<details class="folded">')
        folded, after = folded.split("</details>")
        if own:
            assert f"<h3>{own}" in shown, code  # in full, with its source
            assert shown.count("<h3>") >= 1 and "provenance" in shown
        else:  # no plugin: nothing of its own, said so
            assert "<h3>" not in shown and '<p class="muted">' in shown
        assert "Libre réponse 71120" in folded and "Libre réponse 71120" not in shown + after, code
        assert folded.count("<h3>") == len(national_names), code
        assert f": {len(national_names)}</summary>" in folded, code
        folded_on[code] = folded
    assert folded_on["14"].count("Défenseur des droits") == folded_on["33"].count("Défenseur des droits")


def test_what_a_departement_lacks_is_listed_for_contributors(benevole_client):
    marseille = benevole_client.get("/departements/13").get_data(as_text=True)
    assert "Ce qui manque pour ce département" in marseille
    assert "aucune adresse, ni courriel, ni téléphone enregistré pour la préfecture" in marseille
    assert "aucune adresse postale enregistrée pour le tribunal administratif" in marseille
    calvados = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "moyens de prise de rendez-vous au PAN enregistrés ne respectent pas" not in calvados


def test_the_calvados_pan_list_of_required_information_is_shown(benevole_client):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "Ce que la préfecture exige avant de donner un rendez-vous" in page and "E-photo (photo avec le code)" in page


import pytest  # noqa: E402


@pytest.mark.parametrize("code", ["04", "05", "06", "13", "14", "33", "83", "84"])
def test_every_covered_departement_page_renders_with_its_tribunal(benevole_client, code):
    response = benevole_client.get(f"/departements/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tribunal administratif de" in page and 'id="juge"' in page


def test_a_score_of_online_forms_is_folded_under_their_count_and_a_few_are_shown(benevole_client):
    """Val-de-Marne's forms from the public list fill screens: folded, counted; the link inside."""
    page = benevole_client.get("/departements/94").get_data(as_text=True)
    card = page.split("Canaux de dépôt locaux (hors ANEF)")[1].split("</section>")[0]
    summary = re.search(r'<details class="folded">\s*<summary>(\d+) formulaires en ligne \(démarches-simplifiées\)'
                        r'</summary>', card)
    assert summary and int(summary.group(1)) > 3
    assert card.index("<details") < card.index("https://www.demarches-simplifiees.fr/")  # inside, not before
