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


def fact_key(fact) -> str:
    """Names a fact by its content: a report stays with the fact it was about, and says so
    when the plugin has since changed it."""
    text = json.dumps(fact.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
