"""What the intranet knows of each of the 101 départements, for the network's map: which plugin
covers it, whether that plugin's own facts are due for a re-check, whether the PAN booking
vectors it records meet the arrêté of 1 August 2023. Pure Python (no Flask): the page and the
tests give it the enabled plugins' facts and the day.

The national layer's facts are left out of the freshness count: its tribunals are the same for a
département with or without a plugin, and a département that only the national layer knows is
shown as such, whatever their age (the département page marks each of them)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.plugins.departements import NAMES
from core.plugins.registry import LocalFacts
from core.rules.dates import is_stale
from core.rules.pan import PanCompliance, pan_compliance

#: The states of the map, from the best known to the least: each has its colour and its pattern.
NATIONAL, PLUGIN, STALE, PAN, STALE_PAN = "national", "plugin", "stale", "pan", "stale-pan"
STATES = (PLUGIN, STALE, PAN, STALE_PAN, NATIONAL)


@dataclass(frozen=True)
class DepartementState:
    code: str
    name: str
    #: The plugin covering it, or None: the national layer only.
    plugin: str | None = None
    #: How many of the plugin's own facts are older than the configured age.
    stale_facts: int = 0
    #: The PAN booking vectors the plugin records, against the arrêté (None without a plugin).
    pan: PanCompliance | None = None

    @property
    def pan_short(self) -> bool:
        return self.pan is not None and not self.pan.compliant

    @property
    def state(self) -> str:
        if self.plugin is None:
            return NATIONAL
        if self.stale_facts and self.pan_short:
            return STALE_PAN
        if self.pan_short:
            return PAN
        return STALE if self.stale_facts else PLUGIN


def plugin_facts(facts: LocalFacts, code: str) -> list:
    """Every fact the département's plugin gives itself (the national layer's left out)."""
    found = [*facts.prefecture_services(code), *facts.filing_channels(code), *facts.pan_vectors(code),
             *facts.resources(code), *facts.local_pitfalls(code)]
    for single in (facts.tribunal(code), facts.local_substitution_modality(code)):
        if single is not None:
            found.append(single)
    return [fact for fact in found if not facts.is_national(fact)]


def departement_state(facts: LocalFacts, code: str, today: dt.date, max_age_months: int) -> DepartementState:
    covered = facts.departement(code)
    if covered is None:
        return DepartementState(code=code, name=NAMES[code])
    departement, plugin = covered
    stale = sum(1 for fact in plugin_facts(facts, code) if is_stale(fact.checked_on, today, max_age_months))
    return DepartementState(code=code, name=departement.name, plugin=plugin.name, stale_facts=stale,
                            pan=pan_compliance(facts.pan_vectors(code)))


def departement_states(facts: LocalFacts, today: dt.date, max_age_months: int) -> list[DepartementState]:
    """The 101 départements in the INSEE order (01 … 19, 2A, 2B, 21 … 95, 971 … 976)."""
    return [departement_state(facts, code, today, max_age_months) for code in NAMES]
