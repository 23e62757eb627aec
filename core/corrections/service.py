"""Finding the fact a report is about among the enabled plugins' facts, this instance's corrections
of a département, and the patch for a plugin's maintainers."""
from __future__ import annotations

from core.corrections.facts import (
    CORRECTABLE,
    attach,
    corrected,
    correction_state,
    fact_label,
    fact_ref,
    fact_version,
    identity_of,
    patch_yaml,
    section_of,
)
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


def current_facts(code: str, facts=None) -> list:
    """Every correctable fact the page of ``code`` shows now."""
    facts = local_facts() if facts is None else facts
    return [fact for reader in SECTION_READERS.values() for fact in reader(facts, code)]


def find_fact(code: str, section: str, version: str):
    """The fact shown on the page now with this content, or None (unknown section, or the plugin
    changed it since the page was shown)."""
    reader = SECTION_READERS.get(section)
    if reader is None:
        return None
    return next((fact for fact in reader(local_facts(), code) if fact_version(fact) == version), None)


def fact_of(row):
    """The fact a report or a correction is about, as given now (updated or not), or None when
    no fact of that name is given any more."""
    reader = SECTION_READERS.get(row.section)
    if reader is None:
        return None
    facts = reader(local_facts(), row.departement)
    attached, _detached = attach(facts, row.departement, [row])
    ref = next(iter(attached), None)
    return next((fact for fact in facts if fact_ref(fact, row.departement) == ref), None)


def about(fact, code: str, section: str) -> dict:
    """The columns that say which fact a report or a correction is about."""
    return {"departement": code, "section": section, "fact_identity": identity_of(fact, code),
            "fact_version": fact_version(fact), "fact_label": fact_label(fact),
            "plugin": local_facts().origin(fact, code)}


def active_corrections(code: str, facts=None) -> tuple[dict[tuple[str, str], list[FactCorrection]], list]:
    """This instance's corrections in force for a département, by :func:`fact_ref` of the fact
    they go with (newest first), and those whose fact is no longer given."""
    rows = db.session.scalars(db.select(FactCorrection).where(
        FactCorrection.departement == code, FactCorrection.withdrawn_at.is_(None))
        .order_by(FactCorrection.created_at.desc(), FactCorrection.id.desc())).all()
    return attach(current_facts(code, facts), code, rows)


def states(corrections) -> dict[int, str]:
    """Each correction's :func:`correction_state` (``detached`` when its fact is gone), by id:
    the list of corrections says which can be withdrawn."""
    found: dict[int, str] = {}
    for code in {row.departement for row in corrections}:
        facts = current_facts(code)
        attached, detached = attach(facts, code, [row for row in corrections if row.departement == code])
        by_ref = {fact_ref(fact, code): fact for fact in facts}
        for ref, rows in attached.items():
            found.update({row.id: correction_state(by_ref[ref], row) for row in rows})
        found.update({row.id: "detached" for row in detached})
    return found


def open_reports(plugin: str | None = None) -> list[FactReport]:
    query = db.select(FactReport).where(FactReport.status == "open").order_by(FactReport.reported_at)
    if plugin:
        query = query.where(FactReport.plugin == plugin)
    return list(db.session.scalars(query))


def unseen_outcomes(email: str) -> int:
    """How many of this volunteer's reports were reviewed since they last looked (their dashboard
    says so: a report must not vanish into the coordination's hands)."""
    return db.session.scalar(db.select(db.func.count(FactReport.id)).where(
        FactReport.reported_by == email, FactReport.status != "open", FactReport.outcome_seen_at.is_(None)))


def open_report_counts() -> dict[str, int]:
    rows = db.session.execute(db.select(FactReport.plugin, db.func.count(FactReport.id))
                              .where(FactReport.status == "open").group_by(FactReport.plugin))
    return dict(rows.all())


def plugin_patch(plugin: str, instance: str) -> str:
    """Every correction in force on ``plugin``'s facts, applied to the fact as the plugin gives it
    today (the latest correction of a field wins). The header names the corrections the plugin
    has since adopted, those of a fact it has updated since, and those of a fact it no longer
    gives, for the maintainers to look at by hand."""
    rows = db.session.scalars(db.select(FactCorrection).where(
        FactCorrection.plugin == plugin, FactCorrection.withdrawn_at.is_(None))
        .order_by(FactCorrection.created_at, FactCorrection.id)).all()
    patched: dict[tuple[str, tuple[str, str]], object] = {}
    changes: list[str] = []
    notes: dict[str, list[str]] = {"adopted": [], "changed": [], "detached": []}
    for code in sorted({row.departement for row in rows}):
        facts = current_facts(code)
        by_ref = {fact_ref(fact, code): fact for fact in facts}
        attached, detached = attach(facts, code, [row for row in rows if row.departement == code])
        for row in detached:
            notes["detached"].append(f"{code} {row.section}: « {row.fact_label} » ({row.field}: {row.value!r})")
        for ref, fact_rows in attached.items():
            for row in fact_rows:
                state = correction_state(by_ref[ref], row)
                if state == "adopted":
                    notes["adopted"].append(f"{code} {row.section}: « {row.fact_label} » ({row.field})")
                    continue
                if state == "changed":
                    notes["changed"].append(f"{code} {row.section}: « {row.fact_label} » ({row.field})")
                fact = patched.get((code, ref)) or by_ref[ref]
                patched[(code, ref)] = corrected(fact, row.field, row.value, row.source, row.checked_on)
                report = f", report #{row.report_id}" if row.report_id else ""
                changes.append(f"  - {code} {row.section} « {row.fact_label} »: {row.field} ← "
                               f"{' | '.join(row.value.splitlines())} (source: {row.source}, checked on "
                               f"{row.checked_on}{report})")
    header = [f"Corrections recorded on {instance} for the plugin « {plugin} », {clock.today().isoformat()}.",
              "Each entry is the plugin's fact with this instance's corrections applied; its source says",
              "which field was corrected, from where and when (checked_on is still the plugin's: the other",
              "fields were not re-checked). Compare each entry with the plugin's facts.yaml before merging.",
              "Changes:", *changes]
    for state, title in (("changed", "Corrections of facts the plugin has updated since (check each is still needed):"),
                         ("adopted", "Corrections the plugin has adopted since (nothing to merge):"),
                         ("detached", "Corrections of facts the plugin no longer gives (to look at by hand):")):
        if notes[state]:
            header += [title, *(f"  - {line}" for line in notes[state])]
    return patch_yaml(list(patched.values()), "\n".join(header))


def correction_helpers(code: str) -> dict:
    """What the département page needs beside each fact: this instance's corrections of it with
    their state, the link to report it, for administrators the link to correct or complete it,
    and the corrections whose fact is no longer given."""
    from flask import url_for
    from flask_login import current_user

    from core.accounts.models import Role
    from core.corrections.forms import FIELD_LABELS

    corrections, detached = active_corrections(code)
    is_admin = current_user.has_role(Role.ADMIN)
    refs: dict[int, tuple[str, str]] = {}

    def ref(fact) -> tuple[str, str]:  # asked several times per fact on the page: hashed once
        if id(fact) not in refs:
            refs[id(fact)] = fact_ref(fact, code)
        return refs[id(fact)]

    def url(endpoint: str, fact) -> str | None:
        section = section_of(fact)
        if section not in CORRECTABLE:
            return None
        return url_for(endpoint, code=code, section=section, key=ref(fact)[1])

    return {"corrections_of": lambda fact: corrections.get(ref(fact), []),
            "correction_state": correction_state, "detached_corrections": detached,
            "report_url": lambda fact: url("corrections.report", fact),
            "correct_url": (lambda fact: url("corrections.correct", fact)) if is_admin else (lambda fact: None),
            "field_label": lambda name: str(FIELD_LABELS.get(name, name)), "shown_lines": str.splitlines}


class CorrectedFacts:
    """The enabled plugins' facts with this instance's corrections applied (latest per field), for
    what is written out, a letter's recipient: the correction's source then goes with it. A
    correction the plugin has since adopted is left out: the plugin's own source then says it."""

    def __init__(self, facts, departement: str):
        self._facts, self._departement = facts, departement
        self._corrections, _detached = active_corrections(departement, facts)

    def _fixed(self, fact):
        if fact is None:
            return None
        done = set()
        original = fact
        for row in self._corrections.get(fact_ref(fact, self._departement), []):  # newest first: first wins
            if row.field not in done and correction_state(original, row) != "adopted":
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
