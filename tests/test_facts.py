"""Facts validate themselves: a contributor's mistake is reported precisely."""
import datetime as dt
from pathlib import Path

import pytest

from core.plugins.facts import FactError, PanVector, Phone, load_facts_file

CHECKED = dt.date(2025, 1, 23)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fact_without_source_is_refused_with_file_section_and_entry(tmp_path):
    path = write(tmp_path, """
departements:
  - {code: "14", name: Calvados, prefecture_seat: Caen}
""")
    with pytest.raises(FactError) as error:
        load_facts_file(path)
    message = str(error.value)
    assert str(path) in message and "departements[0] (Calvados)" in message
    assert "'source'" in message and "'checked_on'" in message


def test_a_bad_phone_number_is_refused(tmp_path):
    path = write(tmp_path, """
pan_vectors:
  - {departement: "06", kind: phone, label: PAN de Nice, phone: "04 93 72 20", source: seed 003, checked_on: 2023-08-01}
""")
    with pytest.raises(FactError, match=r"pan_vectors\[0\] \(PAN de Nice\): invalid phone number '04 93 72 20'"):
        load_facts_file(path)


def test_an_invalid_insee_code_is_refused(tmp_path):
    path = write(tmp_path, """
departements:
  - {code: "20", name: Corse, prefecture_seat: Ajaccio, source: x, checked_on: 2025-01-01}
""")
    with pytest.raises(FactError, match="invalid INSEE département code '20'"):
        load_facts_file(path)


def test_an_unquoted_code_is_explained(tmp_path):
    path = write(tmp_path, """
departements:
  - {code: 33, name: Gironde, prefecture_seat: Bordeaux, source: x, checked_on: 2025-01-01}
""")
    with pytest.raises(FactError, match='quote it in YAML'):
        load_facts_file(path)


def test_unknown_fields_and_sections_are_refused(tmp_path):
    with pytest.raises(FactError, match="unknown field"):
        load_facts_file(write(tmp_path, "resources:\n  - {name: X, kind: hotline, fax: '01', source: s, checked_on: 2025-01-01}\n"))
    with pytest.raises(FactError, match="unknown section"):
        load_facts_file(write(tmp_path, "prefectures: []\n"))


def test_a_non_https_link_is_refused():
    with pytest.raises(FactError, match="https://"):
        PanVector(kind="online-form", url="http://example.org/form", source="s", checked_on=CHECKED)


def test_phone_numbers_written_as_people_write_them_are_accepted():
    for number in ("05 56 90 60 60", "0806 001 620", "0 806 001 624", "04.93.72.20.21", "+33 4 93 72 20 21"):
        assert Phone(number=number).number == number


def test_digital_and_non_digital_pan_vectors():
    email = PanVector(kind="email", email="pref-etrangers@calvados.gouv.fr", source="s", checked_on=CHECKED)
    desk = PanVector(kind="in-person", address=("Rue Choron", "14000 Caen"), source="s", checked_on=CHECKED)
    assert email.digital and not desk.digital


def test_a_seed_citation_is_spelled_out_for_volunteers():
    from core.rules.sources import describe_source
    assert describe_source("seed 001, §2.1.2") == "Guide ASTI Calvados, janv. 2025, §2.1.2"
    assert describe_source("seed 000, partie II, III.A.2 ; seed 002, §3") == (
        "Formation ASTI Bordeaux, « focus pratique de la Gironde », 2023, partie II, III.A.2 ; "
        "Lettre de dix associations nationales au ministre de l'Intérieur, 17 déc. 2024, §3")
    assert describe_source("CESEDA R.431-2") == "CESEDA R.431-2"


def test_a_value_with_a_trailing_newline_is_refused():
    with pytest.raises(FactError):
        Phone(number="05 56 90 60 60\n")
    with pytest.raises(FactError):
        PanVector(kind="online-form", url="https://example.org/\n", source="s", checked_on=CHECKED)


def test_the_insee_pattern_accepts_exactly_the_named_departements():
    from core.plugins.departements import NAMES
    from core.plugins.fields import INSEE_DEPARTEMENT
    candidates = {f"{n:02d}" for n in range(0, 100)} | {f"{n}" for n in range(970, 980)} | {"2A", "2B", "20"}
    assert {code for code in candidates if INSEE_DEPARTEMENT.fullmatch(code)} == set(NAMES)


def test_the_published_json_schema_is_the_one_the_loader_uses():
    """Editors check facts.yaml against core/plugins/facts.schema.json: it must
    be regenerated (flask --app core plugins schema) when a fact type changes."""
    from core.plugins.facts import SCHEMA_PATH, schema_text
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


REPOSITORY = Path(__file__).resolve().parent.parent
FACTS_FILES = sorted(path for folder in ("core", "plugins") for path in (REPOSITORY / folder).glob("**/facts*.yaml"))


@pytest.mark.parametrize("facts_file", FACTS_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_facts_file_of_the_repository_passes_the_json_schema_an_editor_would_use(facts_file):
    import json

    import jsonschema
    import yaml

    from core.plugins.facts import SCHEMA_PATH
    document = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
    as_json = json.loads(json.dumps(document, default=str))  # an editor sees dates as text
    jsonschema.validate(as_json, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_the_json_schema_refuses_what_the_loader_refuses():
    import json

    import jsonschema

    from core.plugins.facts import SCHEMA_PATH
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    bad_phone = {"pan_vectors": [{"kind": "phone", "phone": "04 93 72 20", "source": "s", "checked_on": "2023-08-01"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_phone, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"departements": [{"code": "14", "name": "Calvados", "prefecture_seat": "Caen"}]}, schema)


@pytest.mark.parametrize("entry, problem", [
    ('{code: "14", name: Calvados, prefecture_seat: Caen, source: s, checked_on: 0}', "'checked_on' must be a date"),
    ('{code: "14", name: Calvados, prefecture_seat: Caen, source: s, checked_on: "2024-01-01T00:00:00"}',
     "'checked_on' must be a date"),
])
def test_a_number_or_a_moment_is_not_a_day(tmp_path, entry, problem):
    with pytest.raises(FactError, match=problem):
        load_facts_file(write(tmp_path, f"departements:\n  - {entry}\n"))


def test_yes_is_not_true_and_a_nested_mistake_says_where(tmp_path):
    (tmp_path / "l.txt").write_text("Objet : x", encoding="utf-8")
    with pytest.raises(FactError, match="'registered' must be true or false"):
        load_facts_file(write(tmp_path, "letter_templates:\n  - {slug: l, title: L, template: l.txt, registered: 'yes',"
                                        " source: s, checked_on: 2025-01-01}\n"))
    with pytest.raises(FactError, match=r"resources\[0\] \(R\): phones\[1\]: unknown field\(s\) hourz"):
        load_facts_file(write(tmp_path, "resources:\n  - {name: R, kind: hotline, phones: ['05 56 90 60 60', "
                                        "{number: '05 56 90 60 61', hourz: x}], source: s, checked_on: 2025-01-01}\n"))
