"""The hook contract: every hook documented, and every hook exercised
through the real plugins (or a real installed test plugin)."""
import inspect
import re
from pathlib import Path

import pytest

from core import create_app
from core.plugins import hookspecs
from core.plugins.conformance import HOOK_RESULTS
from core.plugins.facts import LetterTemplate
from tests.conftest import app_config, yaml_plugin_source

HOOKS = sorted(name for name, value in vars(hookspecs).items()
               if name.startswith("permanence_") and callable(value))
DOCS = Path(__file__).resolve().parent.parent / "docs" / "hooks.md"


def test_there_are_hooks_for_every_responsibility_of_a_departement():
    assert HOOKS == sorted([
        "permanence_departements", "permanence_prefecture_services", "permanence_filing_channels",
        "permanence_pan_vectors", "permanence_substitution_modality", "permanence_local_pitfalls",
        "permanence_tribunal", "permanence_resources", "permanence_letter_templates", "permanence_blockage_kinds"])


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hookspec_says_what_it_receives_returns_and_when_it_is_called(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook))
    for part in ("Receives:", "Returns:", "Called:", "Result:"):
        assert part in doc, f"{hook} docstring lacks {part!r}"


def documented_signature(hook: str) -> str:
    """``permanence_tribunal(departement: str) -> Tribunal | None``, as the docs write it."""
    return f"{hook}{inspect.signature(getattr(hookspecs, hook))}".replace("core.plugins.facts.", "")


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hookspec_is_documented_in_docs_under_its_typed_signature(hook):
    docs = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## `{re.escape(documented_signature(hook))}`\n(.*?)(?=^## |\Z)", docs, re.M | re.S)
    headings = re.findall(rf"^## `({hook}\(.*?)`$", docs, re.M)
    assert section, f"docs/hooks.md: the heading of {hook} should be {documented_signature(hook)!r}, found {headings}"
    assert len(section.group(1).split()) > 20, f"docs/hooks.md says too little about {hook}"
    single = getattr(hookspecs, hook).permanence_spec["firstresult"]
    assert ("Stops at first non-None result." in section.group(1)) == single
    assert ("Stops at first non-None result." in inspect.getdoc(getattr(hookspecs, hook))) == single


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hookspec_is_typed(hook):
    signature = inspect.signature(getattr(hookspecs, hook))
    assert signature.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())


@pytest.mark.parametrize("hook", [h for h in HOOKS if h != "permanence_departements"])
def test_the_conformance_kit_knows_what_every_hook_returns(hook):
    assert hook in HOOK_RESULTS


@pytest.fixture
def facts(app):
    from core.plugins.state import local_facts
    with app.app_context():
        yield local_facts()


def test_departements_hook_lists_each_covered_departement_with_its_prefecture_seat(facts):
    seats = {d.code: (d.name, d.prefecture_seat, plugin.name) for d, plugin in facts.departements()}
    assert seats["33"] == ("Gironde", "Bordeaux", "gironde")
    assert seats["14"] == ("Calvados", "Caen", "calvados")
    assert seats["06"] == ("Alpes-Maritimes", "Nice", "paca")
    assert seats["04"] == ("Alpes-de-Haute-Provence", "Digne-les-Bains", "paca")


def test_prefecture_services_hook_gives_the_gironde_bureau_with_phone_and_hours(facts):
    (service,) = facts.prefecture_services("33")
    assert service.address == ("2, esplanade Charles de Gaulle", "33000 Bordeaux")
    assert service.phones[0].number == "05 56 90 60 60"
    assert "8h30 à 14h45" in service.phones[0].hours
    assert service.source.startswith("seed 000")


def test_filing_channels_hook_gives_the_calvados_postal_address_for_admission_exceptionnelle(facts):
    postal = [c for c in facts.filing_channels("14") if "admission-exceptionnelle" in c.demarches]
    assert postal and postal[0].kind == "postal"
    assert postal[0].address[-1] == "14038 CAEN CEDEX 08"
    gironde = {c.url.rsplit("/", 1)[-1]: c.demarches for c in facts.filing_channels("33")}
    assert gironde["cdi-cdd"] == ("salarie", "travailleur-temporaire")
    assert gironde["recepisse-v2"] == ("recepisse-renouvellement",)


def test_pan_vectors_hook_gives_nice_by_phone_and_calvados_by_email_and_in_person(facts):
    (nice,) = facts.pan_vectors("06")
    assert (nice.kind, nice.phone, nice.digital) == ("phone", "04 93 72 20 21", False)
    calvados = {v.kind: v for v in facts.pan_vectors("14")}
    assert calvados["email"].email == "pref-etrangers@calvados.gouv.fr" and calvados["email"].digital
    assert calvados["in-person"].address == ("Rue Choron", "14000 Caen")
    (toulon,) = facts.pan_vectors("83")
    assert toulon.url == "" and "e-MERAUDE" in toulon.label  # the seed lost the link: none invented


def test_substitution_modality_hook_is_local_when_a_plugin_has_one(facts):
    assert "15 mai 2023" in facts.substitution_modality("33").legal_basis
    assert facts.substitution_modality("06").departement is None


def test_local_pitfalls_hook_gives_sirius_and_the_pacs_in_gironde_only(facts):
    pitfalls = {p.title: p for p in facts.local_pitfalls("33")}
    sirius = pitfalls["SIRIUS oriente le PACS avec un·e Français·e vers ANEF"]
    assert "pacs-avec-francais" in sirius.demarches and "mariage" in sirius.problem
    assert any("VLS-TS" in title for title in pitfalls)
    assert facts.local_pitfalls("14") == []


def test_tribunal_hook_gives_the_competent_tribunal_of_each_departement(facts, install_plugin, db_url):
    expected = {"33": "Bordeaux", "14": "Caen", "04": "Marseille", "05": "Marseille", "13": "Marseille",
                "06": "Nice", "83": "Toulon", "84": "Nîmes"}
    for code, city in expected.items():
        tribunal = facts.tribunal(code)
        assert tribunal.name == f"Tribunal administratif de {city}" and "R.221-3" in tribunal.source
    rhone = facts.tribunal("69")  # no plugin: the national layer's, from the text itself
    assert rhone.name == "Tribunal administratif de Lyon" and "« Lyon : Ain, Ardèche, Loire, Rhône »" in rhone.source
    assert facts.is_national(rhone)
    install_plugin("rhone", yaml_plugin_source(), files={"facts.yaml": """
        departements:
          - {code: "69", name: Rhône, prefecture_seat: Lyon, source: "INSEE COG", checked_on: 2026-11-22}
        tribunals:
          - {name: Tribunal administratif de test, address: ["1 rue de l'Exemple", "69000 Lyon"],
             source: "test fixture", checked_on: 2026-11-22}
    """})
    app = create_app(app_config(db_url))
    with app.app_context():
        from core.plugins.state import local_facts
        assert local_facts().tribunal("69").name == "Tribunal administratif de test"


def test_resources_hook_puts_local_resources_before_national_ones(facts):
    names = [r.name for r in facts.resources("13")]
    assert names.index("Hotline juridique (professionnel·les)") < names.index("Défenseur des droits")
    ddd = next(r for r in facts.resources("33") if r.kind == "defenseur-des-droits")
    assert ddd.address == ("Défenseur des droits", "Libre réponse 71120", "75342 Paris CEDEX 07")


def test_letter_templates_hook_gives_a_plugins_own_letters(install_plugin, db_url):
    install_plugin("rhone", yaml_plugin_source(), files={
        "facts.yaml": """
            departements:
              - {code: "69", name: Rhône, prefecture_seat: Lyon, source: "INSEE COG", checked_on: 2026-11-22}
            letter_templates:
              - {slug: demande-rdv-lyon, title: "Demande de rendez-vous", kind: email,
                 template: demande-rdv.txt, source: "test fixture", checked_on: 2026-11-22}
        """,
        "demande-rdv.txt": "Madame, Monsieur, …",
    })
    app = create_app(app_config(db_url))
    with app.app_context():
        from core.plugins.state import local_facts
        (letter,) = local_facts().local_letter_templates("69")
        assert isinstance(letter, LetterTemplate) and letter.kind == "email"
        assert letter.template.read_text(encoding="utf-8") == "Madame, Monsieur, …"
        assert local_facts().local_letter_templates("33") == []


def test_blockage_kinds_hook_gives_a_plugins_local_kinds(install_plugin, db_url):
    install_plugin("rhone", yaml_plugin_source(), files={"facts.yaml": """
        departements:
          - {code: "69", name: Rhône, prefecture_seat: Lyon, source: "INSEE COG", checked_on: 2026-11-22}
        blockage_kinds:
          - {slug: rdv-guichet-lyon, label: "Guichet fermé sans préavis", source: "test fixture", checked_on: 2026-11-22}
    """})
    app = create_app(app_config(db_url))
    with app.app_context():
        from core.plugins.state import local_facts
        (kind,) = local_facts().blockage_kinds("69")
        assert (kind.slug, kind.label) == ("rdv-guichet-lyon", "Guichet fermé sans préavis")
        assert local_facts().blockage_kinds("33") == []
