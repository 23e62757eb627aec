"""``flask --app core plugins new <code>``: the skeleton of a département
plugin, a package of its own that installs with ``pip install -e`` and
passes the conformance kit from its first commit."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from core.plugins.departements import CHECKED_ON, SOURCE, name_of, prefecture_seat_of
from core.plugins.facts import schema_text


class ScaffoldError(ValueError):
    pass


def plugin_name_for(code: str) -> str:
    """« Alpes-Maritimes » → « alpes-maritimes », « Côte-d'Or » → « cote-d-or »."""
    ascii_name = unicodedata.normalize("NFKD", name_of(code)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def write_plugin(code: str, directory: Path, name: str | None = None) -> Path:
    if name_of(code) is None:
        raise ScaffoldError(f"{code!r} is not a département code")
    name = name or plugin_name_for(code)
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise ScaffoldError(f"invalid plugin name {name!r}: lower-case letters, digits and hyphens")
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} already exists and is not empty")
    package = "permanence_" + name.replace("-", "_")
    values = {"code": code, "name": name, "package": package, "departement": name_of(code),
              # The national list's date, not today's: nobody checked the name and seat by running this.
              "seat": prefecture_seat_of(code), "source": SOURCE, "checked_on": CHECKED_ON.isoformat(),
              "national": national_block(code),
              "national_summary": national_summary(code)}
    files = {
        "pyproject.toml": PYPROJECT, "README.md": README, f"{package}/__init__.py": INIT,
        f"{package}/facts.yaml": FACTS, "tests/test_conformance.py": TEST,
    }
    for relative, template in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    # For the contributor's editor (see the first line of facts.yaml).
    (directory / "facts.schema.json").write_text(schema_text(), encoding="utf-8")
    return directory


def _known_nationally(code: str) -> dict[str, list]:
    """What the national layer (core/plugins/national) already says about this département alone."""
    from core.plugins.national import plugin as national

    return {section: [fact for fact in getattr(national.facts, section) if fact.departement == code]
            for section in ("tribunals", "filing_channels")}


def national_block(code: str) -> str:
    """Those facts as commented YAML: shown without the plugin repeating them; uncommented, they
    are the plugin's own (to add the tribunal's address, say), and valid as they are."""
    import yaml

    lines = []
    for section, facts in _known_nationally(code).items():
        if not facts:
            continue
        entries = [{"departement": code, **fact.model_dump(mode="json", exclude_defaults=True,
                                                           exclude={"departement", "source", "checked_on"}),
                    "source": fact.source, "checked_on": fact.checked_on.isoformat()} for fact in facts]
        text = yaml.safe_dump({section: entries}, allow_unicode=True, sort_keys=False, width=100)
        lines += ["# " + line if line else "#" for line in text.splitlines()]
    return "\n".join(lines)


def national_summary(code: str) -> str:
    known = _known_nationally(code)
    tribunal = known["tribunals"][0].name if known["tribunals"] else None
    said = [f"- the competent tribunal administratif: {tribunal} (CJA R.221-3), without its address;"
            if tribunal else "- no tribunal administratif: find it in CJA R.221-3;",
            f"- {len(known['filing_channels'])} démarches-simplifiées form(s) of the public list;"
            if known["filing_channels"] else "- no démarches-simplifiées form in the public list;",
            "- the national contacts (CCC, Défenseur des droits, ANEF assistance)."]
    return "\n".join(said)


PYPROJECT = '''[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "permanence-{name}"
version = "0.1.0"
description = "Permanence plugin: local facts for {departement} ({code})"
requires-python = ">=3.11"
dependencies = ["permanence"]

# This line is what makes Permanence find the plugin.
[project.entry-points."permanence.plugins"]
{name} = "{package}:plugin"

[tool.setuptools]
packages = ["{package}"]

[tool.setuptools.package-data]
{package} = ["*.yaml", "letters/*"]
'''

README = '''# permanence-{name}

Local facts for {departement} ({code}), for the Permanence intranet.

    pip install -e .                              # in Permanence's virtual environment
    flask --app core plugins list                 # "{name}" appears, with {code} {departement}
    flask --app core plugins check {name}
    python -m pytest tests                         # runs the same conformance kit

Every fact in `{package}/facts.yaml` carries its `source` and the date it was
last checked (`checked_on`); see Permanence's docs/writing-a-plugin.md.

## Already known nationally

Permanence's national layer already gives, for {departement}, and shows on the
département page marked « Couche nationale »:

{national_summary}

The tribunal and the forms are copied, commented out, at the end of `{package}/facts.yaml`:
uncomment one to make it this plugin's own (to add the tribunal's postal
address and site, for instance), with the date you checked it.

## Still to find (with a source and the date you checked it)

- the préfecture's services for foreigners: address, emails, phones, hours;
- the ways to book a PAN appointment: at least two, one of them not digital
  (arrêté du 1er août 2023);
- the substitution modality if an arrêté préfectoral sets one (postal
  filing, a démarches-simplifiées form), with the arrêté;
- the local pitfalls volunteers meet (SIRIUS, a form that misdirects…);
- the tribunal administratif's postal address and site;
- local associations and permanences (resources), local letters.

`flask --app core plugins check {name}` lists what is still missing.

`facts.schema.json` lets your editor check `facts.yaml` as you type (VS Code
with the YAML extension reads the first line of the file); refresh it with
`flask --app core plugins schema > facts.schema.json` after upgrading Permanence.
'''

INIT = '''"""{departement} ({code}) : informations locales (à compléter : citer la source principale)."""
from pathlib import Path

from core.plugins.kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
'''

FACTS = '''# yaml-language-server: $schema=../facts.schema.json
# {departement} ({code}). Every fact: a `source` (article, arrêté, document and
# section, or public page) and `checked_on` (when a person last checked it).
# Never invent an address, a number or a link: leave it out instead.
# Sections and fields: Permanence's docs/hooks.md.

# From the national layer (core/plugins/departements.py), with its date: set yours once you
# have checked the name and the seat yourself.
departements:
  - code: "{code}"
    name: "{departement}"
    prefecture_seat: "{seat}"
    source: "{source}"
    checked_on: {checked_on}

# prefecture_services:
#   - name: "Préfecture de … – service de l'immigration"
#     address: ["…", "… {seat}"]
#     emails: ["…"]
#     phones: [{{number: "0x xx xx xx xx", hours: "du lundi au vendredi de … à …"}}]
#     source: "…"
#     checked_on: YYYY-MM-DD

# pan_vectors:            # at least two, one of them not digital (arrêté du 1er août 2023)
#   - kind: phone          # phone, email, in-person, online-form, postal
#     phone: "0x xx xx xx xx"
#     hours: "…"
#     source: "…"
#     checked_on: YYYY-MM-DD

# filing_channels, substitution_modalities, local_pitfalls, tribunals,
# resources, letter_templates: see docs/hooks.md.

# Already known nationally (core/plugins/national): shown on the département page without
# being repeated here. Uncomment an entry to make it this plugin's own, e.g. to add an address.
{national}
'''

TEST = '''"""The Permanence conformance kit, run on this plugin as installed."""
from core.plugins.testing import assert_plugin_conforms


def test_{package}_passes_the_permanence_conformance_kit():
    assert_plugin_conforms("{name}")
'''
