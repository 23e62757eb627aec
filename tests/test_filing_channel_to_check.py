"""The forms of the public démarches-simplifiées list: the heading they are listed under and what
is still to be checked are said to volunteers in their words, never in the transcriber's jargon."""
import html
import re
from pathlib import Path

import pytest

from core.plugins.facts import FactError, FilingChannel, load_facts_file
from core.plugins.national import plugin as national
from core.plugins.scaffold import write_plugin

NATIONAL_LIST = Path(__file__).resolve().parents[1] / "core/plugins/national/facts.demarches-simplifiees.yaml"
#: The transcriber's words: kept in the YAML's comments, never shown.
JARGON = ("Rubrique de la liste", "hors du lien", "hors lien", "À vérifier :", "lien parasite", "telle qu'écrite",
          "liste à puces", "Note de transcription")


def page_text(client, code: str) -> str:
    return html.unescape(client.get(f"/departements/{code}").get_data(as_text=True))


def test_the_national_list_keeps_its_jargon_out_of_what_volunteers_read():
    channels = national.facts.filing_channels
    assert len(channels) == 110
    for channel in channels:
        for text in (channel.notes, channel.heading, channel.to_check):
            assert not any(word in text for word in JARGON), (channel.label, text)
    # The transcriber's own words are kept, as comments above the entries they are about.
    comments = [line for line in NATIONAL_LIST.read_text(encoding="utf-8").splitlines()
                if line.startswith("  # Note de transcription : ")]
    assert len(comments) == sum(1 for channel in channels if channel.to_check)
    assert any("La première lettre « D » est hors du lien dans la liste." in line for line in comments)


def test_the_calvados_page_shows_the_heading_discreetly_and_what_is_to_be_checked(benevole_client):
    page = page_text(benevole_client, "14")
    assert not any(word in page for word in JARGON)
    student = page.split("Pré-demande en ligne Carte de séjour Etudiant-Autre situation", 1)[1]
    assert re.match(r'</h4>\s*<p class="muted">[^<]*Première demande', student)
    # A form for employers, outside any heading of the list: what a volunteer should know, then the doubt.
    hiring = page.split("Vérification préalable à l'embauche - Préfecture du Calvados", 1)[1].split("<h4>", 1)[0]
    assert "Démarche destinée aux employeurs" in hiring and "Première demande" not in hiring
    assert re.search(r'<span class="badge badge-stale">à vérifier</span> La liste publique place ce formulaire à part',
                     hiring)


def test_the_val_de_marne_page_says_what_is_to_be_checked_in_plain_french(benevole_client):
    page = page_text(benevole_client, "94")
    assert not any(word in page for word in JARGON)
    assert page.count('<span class="badge badge-stale">à vérifier</span> L\'adresse est sur le site '
                      'demarche.numerique.gouv.fr') == 10
    assert ("Le rattachement de la sous-préfecture de L’Haÿ-les-Roses au Val-de-Marne est à vérifier : "
            "la liste publique ne nomme pas son département.") in page
    assert "La liste publique donne la même adresse pour une autre démarche" in page


def test_the_api_gives_the_heading_and_what_is_to_be_checked(client):
    calvados = client.get("/api/v1/departements/14").get_json()["channels"]
    student = next(c for c in calvados if c["url"].endswith("/pref14-sejour-etudiant-autre-etablissement"))
    assert (student["heading"], student["to_check"], student["notes"]) == ("Première demande", "", "")
    val_de_marne = client.get("/api/v1/departements/94").get_json()["channels"]
    nogent = next(c for c in val_de_marne if c["url"].endswith("/sp-nogent-sur-marne-blocages-anef"))
    assert nogent["to_check"].startswith("La liste publique range ce formulaire sous l'intertitre")
    assert nogent["heading"] == "" and nogent["notes"] == ""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plugin_channel_may_say_its_heading_and_what_is_to_be_checked(tmp_path):
    facts = load_facts_file(write(tmp_path, """
filing_channels:
  - departement: "94"
    kind: demarches-simplifiees
    label: Demande de rendez-vous
    url: https://www.demarches-simplifiees.fr/commencer/exemple
    heading: Première demande
    to_check: "Deux démarches de la liste ont la même adresse : vérifiez que le formulaire ouvert est le bon."
    source: page de la préfecture
    checked_on: 2026-08-20
"""))
    channel = facts.filing_channels[0]
    assert channel.heading == "Première demande" and channel.to_check.startswith("Deux démarches")
    assert channel.notes == "" and FilingChannel(kind="postal", label="x", source="s", checked_on="2026-01-01").to_check == ""
    with pytest.raises(FactError, match="unknown field"):
        load_facts_file(write(tmp_path, """
filing_channels:
  - {kind: postal, label: x, a_verifier: "?", source: s, checked_on: 2026-01-01}
"""))


def test_the_schema_documents_the_two_fields_for_plugin_authors():
    from core.plugins.facts import FactSet

    fields = FactSet.model_json_schema()["$defs"]["FilingChannel"]["properties"]
    assert "heading" in fields["heading"]["description"] and "à vérifier" in fields["to_check"]["description"]


def test_a_new_plugin_copies_the_national_forms_with_what_is_to_be_checked_and_stays_valid(tmp_path):
    directory = write_plugin("94", tmp_path / "val-de-marne")
    facts = directory / "permanence_val_de_marne" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "#   to_check: " in text and "Rubrique de la liste" not in text
    block = text.split("# being repeated here.", 1)[1].split("\n", 1)[1]
    facts.write_text(text.split("# Already known nationally")[0]
                     + "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in block.splitlines()),
                     encoding="utf-8")
    own = load_facts_file(facts)
    assert own.filing_channels == tuple(c for c in national.facts.filing_channels if c.departement == "94")
