"""Finding the fact a report is about among the enabled plugins' facts, this instance's corrections
of a département, and the patch for a plugin's maintainers."""
from __future__ import annotations

from collections import defaultdict

from core.corrections.facts import CORRECTABLE, corrected, fact_key, fact_label, patch_yaml, section_of
from core.corrections.models import FactCorrection, FactReport
from core.plugins.state import local_facts
from core.web import clock
from core.web.extensions import db

#: How to read each section's facts for a département (LocalFacts' accessors).
SECTION_READERS = {
    "prefecture_services": lambda facts, code: facts.prefecture_services(code),
    "filing_channels": lambda facts, code: facts.filing_channels(code),
    "pan_vectors": lambda facts, code: facts.pan_vectors(code),
    "substitution_modalities": lambda facts, code: [fact] if (fact := facts.substitution_modality(code)) else [],
    "local_pitfalls": lambda facts, code: facts.local_pitfalls(code),
    "tribunals": lambda facts, code: [fact] if (fact := facts.tribunal(code)) else [],
    "resources": lambda facts, code: facts.resources(code),
}


def find_fact(code: str, section: str, key: str):
    """The fact shown on the page now, or None (unknown section, or the plugin changed it since)."""
    reader = SECTION_READERS.get(section)
    if reader is None:
        return None
    return next((fact for fact in reader(local_facts(), code) if fact_key(fact) == key), None)


def about(fact, code: str, section: str) -> dict:
    """The columns that say which fact a report or a correction is about."""
    return {"departement": code, "section": section, "fact_key": fact_key(fact), "fact_label": fact_label(fact),
            "plugin": local_facts().origin(fact, code)}


def active_corrections(code: str) -> dict[str, list[FactCorrection]]:
    """This instance's corrections in force for a département, by fact, newest first."""
    rows = db.session.scalars(db.select(FactCorrection).where(
        FactCorrection.departement == code, FactCorrection.withdrawn_at.is_(None))
        .order_by(FactCorrection.created_at.desc())).all()
    found: dict[str, list[FactCorrection]] = defaultdict(list)
    for row in rows:
        found[row.fact_key].append(row)
    return found


def open_reports(plugin: str | None = None) -> list[FactReport]:
    query = db.select(FactReport).where(FactReport.status == "open").order_by(FactReport.reported_at)
    if plugin:
        query = query.where(FactReport.plugin == plugin)
    return list(db.session.scalars(query))


def open_report_counts() -> dict[str, int]:
    rows = db.session.execute(db.select(FactReport.plugin, db.func.count(FactReport.id))
                              .where(FactReport.status == "open").group_by(FactReport.plugin))
    return dict(rows.all())


def plugin_patch(plugin: str, instance: str) -> str:
    """Every correction in force on ``plugin``'s facts, applied to the fact as the plugin gives it
    today (the latest correction of a field wins); a fact the plugin has changed since is named
    in the header, for the maintainers to look at by hand."""
    rows = db.session.scalars(db.select(FactCorrection).where(
        FactCorrection.plugin == plugin, FactCorrection.withdrawn_at.is_(None)).order_by(FactCorrection.created_at))
    patched: dict[tuple[str, str, str], object] = {}
    changed_since: list[str] = []
    changes: list[str] = []
    for row in rows:
        where = (row.departement, row.section, row.fact_key)
        fact = patched.get(where) or find_fact(row.departement, row.section, row.fact_key)
        if fact is None:
            changed_since.append(f"{row.departement} {row.section}: « {row.fact_label} » ({row.field}: {row.value!r})")
            continue
        patched[where] = corrected(fact, row.field, row.value, row.source, row.checked_on)
        report = f", report #{row.report_id}" if row.report_id else ""
        changes.append(f"  - {row.departement} {row.section} « {row.fact_label} »: {row.field} ← "
                       f"{' | '.join(row.value.splitlines())} (source: {row.source}, checked on {row.checked_on}{report})")
    header = [f"Corrections recorded on {instance} for the plugin « {plugin} », {clock.today().isoformat()}.",
              "Each entry is the plugin's fact with this instance's corrections applied; its source says",
              "which field was corrected, from where and when (checked_on is still the plugin's: the other",
              "fields were not re-checked). Compare each entry with the plugin's facts.yaml before merging.",
              "Changes:", *changes]
    if changed_since:
        header += ["Corrections of facts the plugin has changed since (to look at by hand):",
                   *(f"  - {line}" for line in changed_since)]
    return patch_yaml(list(patched.values()), "\n".join(header))


def correction_helpers(code: str) -> dict:
    """What the département page needs beside each fact: this instance's corrections of it, the
    link to report it, and for administrators the link to correct or complete it."""
    from flask import url_for
    from flask_login import current_user

    from core.accounts.models import Role
    from core.corrections.forms import FIELD_LABELS

    corrections = active_corrections(code)
    is_admin = current_user.has_role(Role.ADMIN)
    keys: dict[int, str] = {}

    def key(fact) -> str:  # asked three times per fact on the page: hashed once
        if id(fact) not in keys:
            keys[id(fact)] = fact_key(fact)
        return keys[id(fact)]

    def url(endpoint: str, fact) -> str | None:
        section = section_of(fact)
        if section not in CORRECTABLE:
            return None
        return url_for(endpoint, code=code, section=section, key=key(fact))

    return {"corrections_of": lambda fact: corrections.get(key(fact), []),
            "report_url": lambda fact: url("corrections.report", fact),
            "correct_url": (lambda fact: url("corrections.correct", fact)) if is_admin else (lambda fact: None),
            "field_label": lambda name: str(FIELD_LABELS.get(name, name)), "shown_lines": str.splitlines}


class CorrectedFacts:
    """The enabled plugins' facts with this instance's corrections applied (latest per field), for
    what is written out, a letter's recipient: the correction's source then goes with it."""

    def __init__(self, facts, departement: str):
        self._facts, self._corrections = facts, active_corrections(departement)

    def _fixed(self, fact):
        if fact is None:
            return None
        done = set()
        for row in self._corrections.get(fact_key(fact), []):  # newest first: the first of a field wins
            if row.field not in done:
                done.add(row.field)
                fact = corrected(fact, row.field, row.value, row.source, row.checked_on)
        return fact

    def __getattr__(self, name):
        answer = getattr(self._facts, name)
        if name in ("prefecture_services", "pan_vectors", "resources"):
            return lambda departement: [self._fixed(fact) for fact in answer(departement)]
        if name in ("tribunal", "substitution_modality"):
            return lambda departement: self._fixed(answer(departement))
        return answer
