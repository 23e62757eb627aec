"""The national assessment completed with what the plugins know of the
département: the local channels for the démarche, its pitfalls, and the
local facts each escalation step needs. Pure: takes a LocalFacts. The page
``/evaluer``, the case page and ``POST /api/v1/assess`` all go through it."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.plugins.facts import Departement, FilingChannel, LocalPitfall
from core.plugins.registry import LocalFacts, PluginInfo
from core.rules.assessment import assess
from core.rules.catalogue import Rules
from core.rules.situation import Assessment, Situation, Warning


@dataclass(frozen=True)
class LocalAssessment:
    assessment: Assessment
    departement: str
    covered: tuple[Departement, PluginInfo] | None
    options: tuple[FilingChannel, ...]
    pitfalls: tuple[LocalPitfall, ...]
    warnings: tuple[Warning, ...]
    #: step slug → the local facts that step needs (PAN vectors, substitution, tribunal…)
    step_facts: dict = field(default_factory=dict)


def assess_locally(rules: Rules, facts: LocalFacts, departement: str, situation: Situation) -> LocalAssessment:
    assessment = assess(rules, replace(situation, departement=departement))
    slug = assessment.demarche.slug
    covered = facts.departement(departement)
    options = tuple(c for c in facts.filing_channels(departement)
                    if slug in c.demarches and situation.kind in c.kinds) if assessment.channel.kind == "local" else ()
    # Only the pitfalls of this démarche: the general ones are on the département page.
    pitfalls = tuple(p for p in facts.local_pitfalls(departement) if slug in p.demarches)
    warnings = list(assessment.warnings)
    if covered is None:
        warnings.append(Warning("no-local-facts", {"code": departement}))
    warnings += [Warning("local-pitfall", {"title": p.title, "workaround": p.workaround}, p.source, p.checked_on)
                 for p in pitfalls]
    step_facts = {
        "pan": facts.pan_vectors(departement),
        "substitution": facts.substitution_modality(departement),
        "prefecture-email": facts.prefecture_services(departement),
        "prefecture-contact": facts.prefecture_services(departement),
        "postal-or-guichet": options,
        "defenseur-des-droits": [r for r in facts.resources(departement) if r.kind == "defenseur-des-droits"],
        "refere-mesures-utiles": facts.tribunal(departement),
    }
    return LocalAssessment(assessment=assessment, departement=departement, covered=covered, options=options,
                           pitfalls=pitfalls, warnings=tuple(warnings), step_facts=step_facts)
