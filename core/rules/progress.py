"""Where a case stands on the escalation ladder, from its evidence log. Pure."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.rules.models import EscalationStep, RefereReadiness

#: Which evidence shows that a step was taken, in the order the case page
#: offers to log it.
EVIDENCE_FOR_STEP = {
    "screenshots": ("screenshot",),
    "ccc-contact": ("ccc-contact",),
    "ccc-call": ("ccc-call",),
    "pan": ("pan-attempt",),
    "prefecture-email": ("prefecture-email", "registered-letter"),
    "prefecture-contact": ("prefecture-email", "registered-letter"),
    "substitution": ("substitution-request",),
    "postal-or-guichet": ("postal-filing",),
    "defenseur-des-droits": ("defenseur-des-droits",),
    "refere-mesures-utiles": ("refere",),
}
FAILED_ATTEMPT_KINDS = {"pan-attempt", "appointment-attempt"}


@dataclass(frozen=True)
class LoggedFact:
    """The part of an evidence entry the ladder needs."""

    kind: str
    occurred_on: dt.date
    result: str | None = None


@dataclass(frozen=True)
class StepProgress:
    step: EscalationStep
    done_on: dt.date | None  # the first evidence of it

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class RefereReadinessStatus:
    ready: bool
    failed_attempts: int
    distinct_weeks: int
    span_days: int
    first_on: dt.date | None
    last_on: dt.date | None


@dataclass(frozen=True)
class LadderProgress:
    steps: tuple[StepProgress, ...]
    next_step: EscalationStep | None
    refere: RefereReadinessStatus


def ladder_progress(ladder: Sequence[EscalationStep], facts: Sequence[LoggedFact],
                    readiness: RefereReadiness) -> LadderProgress:
    steps = []
    for step in ladder:
        kinds = EVIDENCE_FOR_STEP.get(step.step, ())
        dates = [fact.occurred_on for fact in facts if fact.kind in kinds]
        steps.append(StepProgress(step, min(dates) if dates else None))
    next_step = next((progress.step for progress in steps if not progress.done), None)
    return LadderProgress(tuple(steps), next_step, refere_readiness(facts, readiness))


def refere_readiness(facts: Sequence[LoggedFact], readiness: RefereReadiness) -> RefereReadinessStatus:
    """Enough failed booking attempts to ask for a référé mesures-utiles:
    the Conseil d'État asked for attempts not all made in the same week (CE,
    10 June 2020, n° 435594); the thresholds are the project's prudence
    (escalation.yaml), since that applicant lost with four attempts in five days."""
    days = sorted({f.occurred_on for f in facts if f.kind in FAILED_ATTEMPT_KINDS and f.result == "no-slot"})
    if not days:
        return RefereReadinessStatus(False, 0, 0, 0, None, None)
    weeks = {day.isocalendar()[:2] for day in days}
    span = (days[-1] - days[0]).days
    ready = (len(days) >= readiness.min_attempts and len(weeks) >= readiness.min_distinct_weeks
             and span >= readiness.min_span_days)
    return RefereReadinessStatus(ready, len(days), len(weeks), span, days[0], days[-1])
