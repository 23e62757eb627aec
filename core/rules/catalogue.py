"""The national rules as data: loaded from ``core/rules/data/*.yaml`` and
validated once, at start-up, by the models of :mod:`core.rules.models`. A
malformed entry stops the application with a message naming the file and
the entry. No Flask here.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from core.rules.models import (
    CHANNEL_KINDS,
    BlockageKind,
    Demarche,
    DocumentRights,
    EscalationStep,
    LegalGround,
    Parameter,
    RefereReadiness,
    Reminder,
    RulesFile,
)
from core.rules.validation import load_yaml, located_errors

DATA_DIR = Path(__file__).with_name("data")
#: Where the JSON Schema of the rules files is published.
SCHEMA_PATH = Path(__file__).with_name("rules.schema.json")
#: How many levels of each section are containers before an entry's own fields.
ENTRY_DEPTH = {"parameters": 2, "ladders": 3, "refere_readiness": 1}


class RulesError(ValueError):
    """A rules file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Rules:
    demarches: dict[str, Demarche]
    parameters: dict[str, Parameter]
    ladders: dict[str, tuple[EscalationStep, ...]]
    refere_readiness: RefereReadiness
    legal_grounds: dict[str, LegalGround] = field(default_factory=dict)
    blockages: dict[str, BlockageKind] = field(default_factory=dict)
    documents: dict[str, DocumentRights] = field(default_factory=dict)
    reminders: tuple[Reminder, ...] = ()

    @functools.cached_property
    def demarches_in_order(self) -> tuple[Demarche, ...]:
        """The démarches in the order of a French reader's menu (É with E),
        sorted once: every case list shows them."""
        return tuple(sorted(self.demarches.values(), key=lambda demarche: french_order(demarche.label)))

    @property
    def encoded_from(self) -> dt.date:
        """The first reference date every parameter has a value for."""
        return max(parameter.first_date for parameter in self.parameters.values())


def french_order(text: str) -> str:
    """Alphabetical order as a French reader expects it: É with E."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def load_rules(directory: Path = DATA_DIR) -> Rules:
    directory = Path(directory)
    demarches = _section(directory / "demarches.yaml", "demarches")
    parameters = {name: parameter.model_copy(update={"name": name})
                  for name, parameter in _section(directory / "parameters.yaml", "parameters").items()}
    escalation = _read(directory / "escalation.yaml")
    for channel in CHANNEL_KINDS:
        if not (escalation.ladders or {}).get(channel):
            raise RulesError(f"{directory / 'escalation.yaml'}: ladders.{channel} is missing")
    if escalation.refere_readiness is None:
        raise RulesError(f"{directory / 'escalation.yaml'}: refere_readiness is missing")
    rules = Rules(demarches={d.slug: d for d in demarches}, parameters=parameters,
                  ladders=dict(escalation.ladders), refere_readiness=escalation.refere_readiness,
                  legal_grounds={g.slug: g for g in _section(directory / "legal_grounds.yaml", "legal_grounds")},
                  blockages={b.slug: b for b in _section(directory / "blockages.yaml", "blockages")},
                  documents={d.slug: d for d in _section(directory / "documents.yaml", "documents")},
                  reminders=_section(directory / "reminders.yaml", "reminders"))
    _check_references(rules, directory)
    return rules


def _check_references(rules: Rules, directory: Path) -> None:
    """What one file names must exist in another."""
    for reminder in rules.reminders:
        unknown = set(reminder.demarches or ()) - set(rules.demarches)
        if unknown:
            raise RulesError(f"{directory / 'reminders.yaml'}: {reminder.slug}: unknown démarche(s) {sorted(unknown)}")
    for demarche in rules.demarches.values():
        if demarche.first_request_document and demarche.first_request_document not in rules.documents:
            raise RulesError(f"{directory / 'demarches.yaml'}: {demarche.slug}: first_request_document "
                             f"{demarche.first_request_document!r} is not in documents.yaml")


def _read(path: Path) -> RulesFile:
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: an impossible date
        raise RulesError(f"{path}: cannot read rules: {exc}") from exc
    if not isinstance(document, dict):
        raise RulesError(f"{path}: the top level must be a mapping")
    unknown = set(document) - set(RulesFile.model_fields)
    if unknown:
        raise RulesError(f"{path}: unknown section(s) {', '.join(sorted(map(str, unknown)))}; "
                         f"expected {', '.join(RulesFile.model_fields)}")
    try:
        return RulesFile.model_validate(document)
    except ValidationError as exc:
        depth = ENTRY_DEPTH.get(str(exc.errors()[0]["loc"][0]), 2)
        raise RulesError(located_errors(exc, document, path, label_keys=("slug", "step", "name"),
                                        depth=depth)) from None


def _section(path: Path, name: str):
    """One section, required and non-empty, without two entries of the same key."""
    entries = getattr(_read(path), name)
    if not entries:
        raise RulesError(f"{path}: section '{name}' must be a non-empty list")
    keys = list(entries) if isinstance(entries, dict) else [entry.slug for entry in entries]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RulesError(f"{path}: {name}: duplicate entries {', '.join(duplicates)}")
    return entries


def schema_text() -> str:
    """The JSON Schema of a rules file (any of core/rules/data/*.yaml)."""
    return json.dumps(RulesFile.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
