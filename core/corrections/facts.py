"""Which fact a report is about, which of its fields can be corrected, and the corrected fact
in the plugins' own format. Pure: no Flask, no database (the patch a maintainer applies must be
exactly what the loader accepts, so it is built and validated by the facts' own classes)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import yaml

from core.plugins.facts import SECTIONS, FactError, FactSet

#: The fields a correction may change, by section; lists are typed one item per line.
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "prefecture_services": ("name", "address", "phones", "emails", "hours"),
    "filing_channels": ("label", "url", "address", "email", "notes"),
    "pan_vectors": ("label", "phone", "email", "url", "hours", "address", "notes"),
    "substitution_modalities": ("summary", "send_to", "url", "notes"),
    "local_pitfalls": ("title", "problem", "workaround"),
    "tribunals": ("name", "address", "phone", "url", "notes"),
    "resources": ("name", "description", "address", "phones", "emails", "url"),
}
LIST_FIELDS = frozenset({"address", "phones", "emails", "send_to"})


def fact_version(fact) -> str:
    """Names a fact by its whole content: the address of its report page, and the version a
    correction was made on (the plugin may update the fact since)."""
    text = json.dumps(fact.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


#: Sections with one fact per département: the fact is the section's, whatever its name.
ONE_PER_DEPARTEMENT = frozenset({"tribunals", "substitution_modalities"})


def fact_identity(section: str, departement: str, label: str) -> str:
    """Names a fact by what it is (the préfecture's service « Bureau du séjour » of the Calvados),
    not by what it says: a correction stays with its fact when the plugin updates another field
    or the same one. Computed from the columns a report keeps (migration 0012)."""
    parts = (section, departement) if section in ONE_PER_DEPARTEMENT else (section, departement, label)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def identity_of(fact, departement: str) -> str:
    return fact_identity(section_of(fact), departement, fact_label(fact))


def fact_ref(fact, departement: str) -> tuple[str, str]:
    """(identity, version): what :func:`attach` files the rows of a fact under."""
    return identity_of(fact, departement), fact_version(fact)


def attach(facts: list, departement: str, rows: list) -> tuple[dict[tuple[str, str], list], list]:
    """Which correction (or report) goes with which fact shown now: by identity, and among facts
    of the same identity (two services with one name) by version. Returns the rows by
    :func:`fact_ref` of their fact, in the rows' order, and the rows whose fact is no longer
    given (detached)."""
    by_identity: dict[str, list[tuple[str, str]]] = {}
    for fact in facts:
        ref = fact_ref(fact, departement)
        if ref not in by_identity.setdefault(ref[0], []):
            by_identity[ref[0]].append(ref)
    attached: dict[tuple[str, str], list] = {}
    detached = []
    for row in rows:
        candidates = by_identity.get(row.fact_identity, [])
        if len(candidates) > 1:
            candidates = [ref for ref in candidates if ref[1] == row.fact_version]
        if len(candidates) == 1:
            attached.setdefault(candidates[0], []).append(row)
        else:
            detached.append(row)
    return attached, detached


def correction_state(fact, row) -> str:
    """« adopted »: the plugin now gives the corrected value (the correction can be withdrawn);
    « changed »: the plugin updated the fact since (check the correction is still needed);
    « current »: the fact is as it was when corrected."""
    if shown_value(row.field, getattr(fact, row.field, "")).strip() == "\n".join(
            line.strip() for line in row.value.splitlines() if line.strip()):
        return "adopted"
    return "changed" if fact_version(fact) != row.fact_version else "current"


def fact_label(fact) -> str:
    for name in ("name", "label", "title", "summary"):
        if getattr(fact, name, ""):
            return str(getattr(fact, name))[:300]
    return getattr(fact, "kind", "") or "?"


def typed_value(field: str, text: str):
    """What a volunteer typed, in the fact's shape: one item per line for a list."""
    if field in LIST_FIELDS:
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text.strip()


def shown_value(field: str, value) -> str:
    """A field's value as the page shows it in one place (a list on several lines)."""
    if isinstance(value, (list, tuple)):
        return "\n".join(getattr(item, "number", item) if not isinstance(item, str) else item for item in value)
    return "" if value is None else str(value)


def corrected(fact, field: str, text: str, source: str, checked_on: dt.date):
    """``fact`` with ``field`` set to what was typed, validated by the fact's class (a wrong phone
    number or link raises :class:`FactError`). The fact keeps its own source and date, and the
    source says what was corrected, from where and when: the other fields were not re-checked."""
    if field not in CORRECTABLE.get(section_of(fact), ()):
        raise FactError(f"{field}: this field cannot be corrected")
    data = fact.model_dump(mode="json", exclude_defaults=True, exclude=set(type(fact).model_computed_fields))
    data.update({field: typed_value(field, text),
                 "source": f"{fact.source} ; {field} corrigé : {source} (vérifié le {checked_on.isoformat()})"})
    return type(fact)(**data)


def section_of(fact) -> str:
    return next(name for name, cls in SECTIONS.items() if isinstance(fact, cls))


def patch_yaml(corrected_facts: list, header: str) -> str:
    """The corrected facts as a facts.yaml a maintainer can compare with theirs and merge; checked
    by the loader's own validation before it is handed out."""
    sections: dict[str, list] = {}
    for fact in corrected_facts:
        entry = fact.model_dump(mode="json", exclude_defaults=True,
                                exclude={"source", "checked_on", *type(fact).model_computed_fields})
        entry.update(source=fact.source, checked_on=fact.checked_on.isoformat())
        sections.setdefault(section_of(fact), []).append(entry)
    body = yaml.safe_dump(sections, allow_unicode=True, sort_keys=False, width=100) if sections else "{}\n"
    FactSet.model_validate(yaml.safe_load(body))  # what the maintainer's loader will say
    return "".join(f"# {line}\n" for line in header.splitlines()) + body
