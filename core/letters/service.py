"""A case's letters: those that fit it now, and whether one was already sent."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from core.cases import service
from core.letters.catalogue import LetterSpec, catalogue, recommend
from core.plugins.state import local_facts
from core.web import clock


def recommended_letters(case, result=None):
    """The letters that fit the case now (:func:`~core.letters.catalogue.recommend`), for the letters
    page and the case page."""
    result = result or service.assess_case(case)
    progress = service.progress_of(case, result)
    facts = local_facts()
    on = result.assessment.situation.on
    specs = catalogue(facts, case.departement)
    found = recommend(specs, result.assessment,
                      {d.kind for d in case.documents if d.valid_until is None or d.valid_until >= on},
                      progress.next_step.step if progress.next_step else None,
                      postal_substitution=facts.local_substitution_modality(case.departement) is not None)
    return [replace(item, sent_on=_last_sent(case, item.spec, specs)) for item in found]


#: Evidence kinds that show a letter of this purpose was sent another way.
SENT_AS = {"api-request": {"prefecture-email", "registered-letter"}, "api-request-bpi": {"prefecture-email"},
           "api-request-young": {"prefecture-email"}, "recepisse-request": {"registered-letter"},
           "pan": {"pan-attempt"}, "ccc": {"ccc-contact"}, "ddd": {"defenseur-des-droits"},
           "substitution": {"substitution-request"}}


def _last_sent(case, spec: LetterSpec, specs: list[LetterSpec]) -> dt.date | None:
    """The last day a letter of the same purpose was generated, or the log
    records the same step (since the permit expired, for an API request)."""
    same = {other.slug for other in specs if other.purpose == spec.purpose}
    days = [clock.local_date(letter.created_at) for letter in case.letters if letter.slug in same]
    since = case.expires_on if spec.purpose.startswith("api-request") and case.expires_on else None
    days += [clock.local_date(entry.occurred_at) for entry in case.entries
             if entry.kind in SENT_AS.get(spec.purpose, ()) and (since is None or clock.local_date(entry.occurred_at) > since)]
    return max(days, default=None)
