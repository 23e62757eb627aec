"""The national rules, told as the seeds' situations. Pure Python: no app."""
import datetime as dt

import pytest

from core.rules import Situation, SituationError, assess, channel_at, load_rules
from core.rules.catalogue import DATA_DIR as RULES_DIR
from core.rules.catalogue import RulesError

D = dt.date
RULES = load_rules()


def situation(**values):
    defaults = {"demarche": "conjoint-de-francais", "kind": "renewal"}
    return Situation(**{**defaults, **values})


# --- annexe 9: the channel at a date ------------------------------------------

def test_a_conjoint_de_francais_files_locally_on_4_april_2023_and_on_anef_on_5_april():
    conjoint = RULES.demarches["conjoint-de-francais"]
    assert channel_at(RULES, conjoint, "first", D(2023, 4, 4)).kind == "local"
    on_anef = channel_at(RULES, conjoint, "first", D(2023, 4, 5))
    assert on_anef.kind == "anef" and on_anef.mandatory_since == D(2023, 4, 5)
    assert "31 mars 2023" in on_anef.source


@pytest.mark.parametrize("slug, first_day", [
    ("etudiant", D(2021, 5, 1)), ("passeport-talent", D(2021, 5, 25)), ("visiteur", D(2021, 9, 13)),
    ("duplicata", D(2021, 9, 13)), ("changement-adresse", D(2021, 9, 13)),
    ("modification-etat-civil", D(2021, 9, 27)), ("changement-situation-familiale", D(2021, 9, 27)),
    ("dcem", D(2021, 10, 11)), ("titre-de-voyage", D(2022, 3, 21)), ("titre-identite-voyage", D(2022, 3, 21)),
    ("refugie", D(2022, 4, 18)), ("protection-subsidiaire", D(2022, 4, 18)), ("citoyen-ue", D(2022, 9, 28)),
    ("conjoint-de-francais", D(2023, 4, 5)), ("parent-enfant-francais", D(2023, 4, 5)),
    ("ascendant-de-francais", D(2023, 4, 5)), ("enfant-de-francais", D(2023, 4, 5)),
    ("travailleur-saisonnier", D(2023, 4, 5)), ("famille-citoyen-ue", D(2023, 4, 5)),
    ("confie-ase", D(2023, 10, 2)), ("victime-traite", D(2023, 10, 2)), ("ordonnance-protection", D(2023, 10, 2)),
    ("etranger-malade", D(2023, 10, 2)),
])
def test_each_annexe_9_demarche_moves_to_anef_on_its_date(slug, first_day):
    demarche = RULES.demarches[slug]
    kind = "first" if "first" in demarche.kinds else "renewal"
    assert channel_at(RULES, demarche, kind, first_day - dt.timedelta(days=1)).kind == "local"
    assert channel_at(RULES, demarche, kind, first_day).kind == "anef"


def test_a_10_year_carte_de_resident_renewal_is_on_anef_from_4_july_2024_as_the_arrete_says():
    carte = RULES.demarches["carte-resident"]
    assert channel_at(RULES, carte, "renewal", D(2024, 7, 3)).kind == "local"
    on_anef = channel_at(RULES, carte, "renewal", D(2024, 7, 4))
    assert on_anef.kind == "anef"
    assert "1er juillet 2024" in on_anef.source and "01/07/2024" in on_anef.source  # both sources cited
    with pytest.raises(SituationError) as error:
        assess(RULES, situation(demarche="carte-resident", kind="first", on=D(2025, 1, 1)))
    assert (error.value.field, error.value.code) == ("kind", "not-offered")


def test_passeport_talent_famille_renewals_went_to_anef_before_first_requests():
    famille = RULES.demarches["passeport-talent-famille"]
    assert channel_at(RULES, famille, "renewal", D(2021, 5, 25)).kind == "anef"
    assert channel_at(RULES, famille, "first", D(2021, 5, 25)).kind == "local"
    assert channel_at(RULES, famille, "first", D(2021, 6, 7)).kind == "anef"


@pytest.mark.parametrize("slug", ["salarie", "travailleur-temporaire", "entrepreneur", "admission-exceptionnelle",
                                  "pacs-avec-francais", "recepisse-renouvellement"])
def test_demarches_off_annexe_9_stay_on_a_local_channel(slug):
    demarche = RULES.demarches[slug]
    channel = channel_at(RULES, demarche, demarche.kinds[0], D(2026, 11, 22))
    assert channel.kind == "local" and channel.source and "R.431-3" in channel.legal_basis


# The dated scenarios (windows, documents, deadlines, regular stay, court
# route) are in tests/scenarios/*.yaml, run by tests/test_scenarios.py.


# --- escalation, deadlines, legal grounds ---------------------------------------

def test_the_anef_ladder_goes_from_screenshots_to_the_refere_in_order():
    steps = [step.step for step in assess(RULES, situation(kind="first", on=D(2025, 1, 1))).escalation]
    expected = ["screenshots", "ccc-contact", "ccc-call", "pan", "prefecture-email", "substitution",
                "defenseur-des-droits", "refere-mesures-utiles"]
    assert [s for s in steps if s in expected] == expected


def test_a_local_ladder_has_no_substitution_ccc_or_pan():
    steps = [step.step for step in assess(RULES, situation(demarche="salarie", kind="first",
                                                             on=D(2025, 1, 1))).escalation]
    assert steps[0] == "screenshots" and steps[-1] == "refere-mesures-utiles"
    assert "postal-or-guichet" in steps and "defenseur-des-droits" in steps
    assert not {"substitution", "ccc-contact", "ccc-call", "pan"} & set(steps)


def test_every_step_says_what_to_do_what_to_keep_and_why():
    for ladder in RULES.ladders.values():
        for step in ladder:
            assert step.action and step.evidence and step.legal_basis and step.source
    assert "435594" in RULES.refere_readiness.legal_basis and RULES.refere_readiness.min_attempts == 4


def test_the_legal_grounds_of_seed_000_and_the_three_others_are_there_with_citations():
    expected = {"egalite-continuite", "vie-privee", "vie-familiale", "conditions-existence-decentes",
                "interet-superieur-enfant", "prestations-familiales", "liberte-aller-venir",
                "demande-incomplete", "attestation-prolongation-instruction", "refere-mesures-utiles"}
    assert set(RULES.legal_grounds) == expected
    assert "Code de la sécurité sociale, L.512-2" in RULES.legal_grounds["prestations-familiales"].citations
    assert all(g.text and g.when_to_use and g.citations and g.source for g in RULES.legal_grounds.values())


# --- input the rules refuse -------------------------------------------------------

def test_a_malformed_rules_file_stops_the_load_naming_file_and_entry(tmp_path):
    for name in ("parameters.yaml", "escalation.yaml", "legal_grounds.yaml"):
        (tmp_path / name).write_text((RULES_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "demarches.yaml").write_text(
        "demarches:\n  - slug: etudiant\n    label: Étudiant\n    anef_since:\n      - {from: 1 mai 2021, source: x}\n",
        encoding="utf-8")
    with pytest.raises(RulesError) as error:
        load_rules(tmp_path)
    message = str(error.value)
    assert "demarches.yaml" in message and "demarches[0] (etudiant)" in message and "'from' must be a date" in message
    (tmp_path / "demarches.yaml").write_text("demarches:\n  - {slug: etudiant, label: x, anef_since: [{from: 2021-13-01, source: x}]}\n")
    with pytest.raises(RulesError, match="demarches.yaml.*month must be in 1..12"):
        load_rules(tmp_path)



# --- what a legal review found wrong, checked on the data itself --------------

def test_freedom_of_movement_is_protocol_4_article_2_not_article_5():
    citations = RULES.legal_grounds["liberte-aller-venir"].citations
    assert "Protocole n° 4 à la CEDH, art. 2" in citations
    assert not any("art. 5" in citation for citation in citations)


def test_ce_435594_is_quoted_for_attempts_not_made_in_the_same_week_and_the_span_is_our_prudence():
    readiness = RULES.refere_readiness
    assert "n'ayant pas été effectuées la même semaine" in readiness.legal_basis
    assert "Seuil de prudence de l'intranet, pas un critère du Conseil d'État" in readiness.prudence
    for ladder in RULES.ladders.values():
        refere = next(step for step in ladder if step.step == "refere-mesures-utiles")
        assert "la même semaine" in refere.action and "semaine d'essais" not in refere.action
        assert "rejet implicite" in refere.action  # the route changes once a decision exists


def test_the_local_ladder_offers_the_post_only_where_the_prefet_prescribed_it():
    step = next(s for s in RULES.ladders["local"] if s.step == "postal-or-guichet")
    assert "guichet" in step.title and "si le préfet l'a prévu" in step.title
    assert "al. 2 (voie postale si le préfet le prescrit)" in step.legal_basis


def test_dgef_support_is_not_presented_as_the_ccc_document():
    step = next(s for s in RULES.ladders["anef"] if s.step == "ccc-contact")
    assert "pas le CCC" in step.action and "document du centre de contact citoyen" in step.action


def test_every_document_reminder_and_note_carries_its_source():
    assert {"confirmation-de-depot", "api-first", "api-renewal", "api-refugie", "recepisse"} <= set(RULES.documents)
    for document in RULES.documents.values():
        assert document.work and document.social_rights and document.travel and document.source
    for reminder in RULES.reminders:
        assert reminder.source and reminder.text
    for demarche in RULES.demarches.values():
        for note in demarche.notes:
            assert note.source
        if demarche.implicit_rejection:
            assert demarche.implicit_rejection.legal_basis and demarche.implicit_rejection.source


def test_no_source_shown_to_people_names_an_internal_file():
    texts = [d.source for d in RULES.documents.values()] + [r.source for r in RULES.reminders]
    texts += [n.source for d in RULES.demarches.values() for n in d.notes]
    texts += [e.source for d in RULES.demarches.values() for e in d.anef_since]
    assert not [text for text in texts if ".md" in text or ".yaml" in text or ".py" in text]


def test_the_bpi_api_is_for_the_protected_person_only():
    assert RULES.demarches["refugie"].first_request_document == "api-refugie"
    assert RULES.demarches["protection-subsidiaire"].first_request_document == "api-protection-subsidiaire"
    assert RULES.demarches["refugie-famille"].first_request_document is None
    assert RULES.demarches["protection-subsidiaire-famille"].first_request_document is None


def test_the_published_rules_schema_is_the_one_the_loader_uses_and_every_rules_file_passes_it():
    import json

    import jsonschema
    import yaml

    from core.rules.catalogue import SCHEMA_PATH, schema_text
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    def as_an_editor_reads_it(value):  # YAML dates are text to a JSON Schema, keys included
        if isinstance(value, dict):
            return {str(key): as_an_editor_reads_it(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_an_editor_reads_it(item) for item in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    for path in sorted(RULES_DIR.glob("*.yaml")):
        jsonschema.validate(as_an_editor_reads_it(yaml.safe_load(path.read_text(encoding="utf-8"))), schema)


@pytest.mark.parametrize("entry, problem", [
    ("{slug: etudiant, label: x, anef_since: [{from: 2021-05-01, permits: [], source: x}]}",
     r"anef_since\[0\]: 'permits' must not be an empty list"),  # [] would silently mean « no permit »
    ("{slug: etudiant, label: x, local_source: x, implicit_rejection: {days: '90', legal_basis: l, source: s}}",
     "'days' must be a whole number"),
    ("{slug: etudiant, label: x, anef_since: [{from: 0, source: x}]}", "'from' must be a date"),
])
def test_the_rules_refuse_what_a_juriste_did_not_mean(tmp_path, entry, problem):
    for path in RULES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "demarches.yaml").write_text(f"demarches:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=problem):
        load_rules(tmp_path)
