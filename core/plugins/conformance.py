"""The conformance kit: what every plugin, in-tree or external, must satisfy.

Run by ``flask --app core plugins check [NAME]``, by the administration
page, and by pytest (``tests/test_conformance.py``) for every installed
plugin. Each finding names the plugin, the département and the fact, so a
contributor knows what to fix. The module does not depend on Flask.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.plugins import facts as f
from core.plugins.registry import NATIONAL, PluginRegistry

#: What each hook must return: ``(single?, fact class)``.
HOOK_RESULTS: dict[str, tuple[bool, type[f.Fact]]] = {
    "permanence_prefecture_services": (False, f.PrefectureService),
    "permanence_filing_channels": (False, f.FilingChannel),
    "permanence_pan_vectors": (False, f.PanVector),
    "permanence_substitution_modality": (True, f.SubstitutionModality),
    "permanence_local_pitfalls": (False, f.LocalPitfall),
    "permanence_tribunal": (True, f.Tribunal),
    "permanence_resources": (False, f.Resource),
    "permanence_letter_templates": (False, f.LetterTemplate),
    "permanence_blockage_kinds": (False, f.LocalBlockageKind),
}

#: A code no département plugin may answer for (valid, but not a real claim).
PROBE_CODE = "95"


@dataclass(frozen=True)
class Finding:
    plugin: str
    departement: str | None
    fact: str
    message: str

    def __str__(self):
        where = f"plugin '{self.plugin}'"
        if self.departement:
            where += f", département {self.departement}"
        return f"{where}, {self.fact}: {self.message}"


def check_plugin(registry: PluginRegistry, name: str) -> list[Finding]:
    info = registry.plugins[name]
    findings: list[Finding] = []
    if name != NATIONAL and not info.departements:
        findings.append(Finding(name, None, "permanence_departements", "the plugin covers no département"))
    for other in registry.plugins.values():
        if other.name != name:
            for code in sorted(set(info.codes) & set(other.codes)):
                findings.append(Finding(name, code, "permanence_departements",
                                        f"also claimed by plugin '{other.name}'"))
    implemented = registry.implemented_hooks(name)
    for hook, (single, fact_class) in HOOK_RESULTS.items():
        if hook not in implemented:
            continue
        for code in info.codes or (PROBE_CODE,):
            findings += _check_answer(registry, name, hook, code, single, fact_class)
        if name != NATIONAL and PROBE_CODE not in info.codes:
            try:
                answer = registry.call_one(name, hook, departement=PROBE_CODE)
            except Exception as exc:  # third-party code: report, don't crash the kit
                findings.append(Finding(name, PROBE_CODE, hook, f"raised {type(exc).__name__}: {exc}"))
                continue
            if answer:
                findings.append(Finding(name, PROBE_CODE, hook,
                                        "answers for a département the plugin does not claim"))
    return findings


def _check_answer(registry, name, hook, code, single, fact_class) -> list[Finding]:
    try:
        answer = registry.call_one(name, hook, departement=code)
    except Exception as exc:  # third-party code: report, don't crash the kit
        return [Finding(name, code, hook, f"raised {type(exc).__name__}: {exc}")]
    if single:
        answers = [] if answer is None else [answer]
    elif isinstance(answer, list):
        answers = answer
    else:
        return [Finding(name, code, hook, f"must return a list, got {type(answer).__name__}")]
    found = []
    for item in answers:
        label = getattr(item, "name", None) or getattr(item, "label", None) or getattr(item, "title", None) or ""
        fact = f"{hook} ({label})" if label else hook
        if not isinstance(item, fact_class):
            found.append(Finding(name, code, fact, f"must be a {fact_class.__name__}, got {type(item).__name__}"))
            continue
        try:  # re-validate: a plugin may have built it without validation (model_construct)
            type(item)(**dict(item))
        except f.FactError as exc:
            found.append(Finding(name, code, fact, str(exc)))
        if item.departement not in (None, code):
            found.append(Finding(name, code, fact, f"is about département {item.departement}"))
    return found


# --- what a département's facts still lack (information, not a failure) -----

@dataclass(frozen=True)
class Gap:
    departement: str
    what: str  # no-prefecture-service, no-prefecture-contact, no-pan-vector, pan-short, no-tribunal, no-tribunal-address


def departement_gaps(facts, code: str) -> list[Gap]:
    """What a volunteer would miss for this département: shown on its page
    and in the plugin check, so contributors know what to look for."""
    from core.rules.pan import pan_compliance

    found = []
    services = facts.prefecture_services(code)
    if not services:
        found.append(Gap(code, "no-prefecture-service"))
    elif not any(s.address or s.emails or s.phones for s in services):
        found.append(Gap(code, "no-prefecture-contact"))
    vectors = facts.pan_vectors(code)
    if not vectors:
        found.append(Gap(code, "no-pan-vector"))
    elif not pan_compliance(vectors).compliant:
        found.append(Gap(code, "pan-short"))
    tribunal = facts.tribunal(code)
    if tribunal is None:
        found.append(Gap(code, "no-tribunal"))
    elif not tribunal.address:
        found.append(Gap(code, "no-tribunal-address"))
    return found
