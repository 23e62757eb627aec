"""What the national rules say about one person's situation on a given date.

Small pure functions over the :class:`~core.rules.catalogue.Rules` data: no
Flask, no database. The page for volunteers, the case page and
``POST /api/v1/assess`` all call :func:`assess`. Every statement carries its
legal basis; docs/legal-review.md lists each rule with the text it encodes.
"""
from __future__ import annotations

from dataclasses import replace

from core.rules.catalogue import Rules
from core.rules.court import challenge_ends, court_route, deadlines, implicit_rejection_on
from core.rules.dates import add_months
from core.rules.documents import attestation_at, l433_3_until, regular_stay
from core.rules.filing import anef_entries, filing_window, plan_channel, young_adult_window
from core.rules.models import PERMITS, Demarche
from core.rules.situation import (
    L433_3_LISTED_PERMITS,
    NO,
    NOT_YET_OPEN,
    OPEN,
    R431_2,
    WINDOW_EXEMPT_PERMITS,
    YOUNG_UNTIL_YEARS,
    Assessment,
    Channel,
    FilingWindow,
    NotComputed,
    Situation,
    SituationError,
    Warning,
)

# --- everything at once ------------------------------------------------------

def check_situation(rules: Rules, situation: Situation) -> Demarche:
    """Refuse what cannot be assessed, naming the input."""
    demarche = rules.demarches.get(situation.demarche)
    if demarche is None:
        raise SituationError("demarche", "unknown", value=situation.demarche)
    if situation.kind not in ("first", "renewal"):
        raise SituationError("kind", "unknown", value=situation.kind)
    if situation.kind not in demarche.kinds:
        raise SituationError("kind", "not-offered", value=situation.kind, demarche=demarche.slug)
    if situation.on < rules.encoded_from:
        raise SituationError("on", "before-rules", first=rules.encoded_from)
    if situation.filed_on is not None and situation.filed_on < rules.encoded_from:
        raise SituationError("filed_on", "before-rules", first=rules.encoded_from)
    if situation.permit is not None and situation.permit not in PERMITS:
        raise SituationError("permit", "unknown", value=situation.permit)
    if situation.favorable_decision_on and situation.filed_on is None:
        raise SituationError("favorable_decision_on", "requires-filing")
    if situation.favorable_decision_on and situation.favorable_decision_on < situation.filed_on:
        raise SituationError("favorable_decision_on", "before-filing")
    if situation.birth_date and situation.birth_date > situation.on:
        raise SituationError("birth_date", "after-reference-date")
    return demarche


def assess(rules: Rules, situation: Situation) -> Assessment:
    demarche = check_situation(rules, situation)
    s = situation
    filed = s.filed_on is not None and s.filed_on <= s.on
    warnings: list[Warning] = []
    not_computed: list[NotComputed] = []
    if s.filed_on is not None and not filed:
        warnings.append(Warning("filed-after-reference-date", {"filed_on": s.filed_on}))
    channel, channel_warnings = plan_channel(rules, s, demarche)
    warnings += channel_warnings
    if channel.kind == "anef" and channel.mandatory_since is None:
        entry = next((e for e in anef_entries(demarche, s.kind, s.permit) if not e.exact), None)
        warnings.append(Warning("anef-date-unknown", {"by": entry.start if entry else s.on},
                                f"{R431_2} ; {entry.source}" if entry else ""))
    restricted = [e for e in demarche.anef_since if e.permits and s.kind in e.kinds]
    unlisted = s.permit is not None and restricted and not any(s.permit in e.permits for e in restricted)
    if s.kind == "renewal" and ((s.permit is None and len({e.permits for e in restricted}) > 1) or unlisted):
        warnings.append(Warning("channel-depends-on-permit"))
        channel = replace(channel, certain=False)

    window = _window(rules, s, demarche, channel, not_computed, warnings)
    if window is not None and not filed:
        if window.status == OPEN:
            warnings.append(Warning("window-open-file-now", {"closes_on": window.closes_on}, window.legal_basis))
        elif window.status == NOT_YET_OPEN:
            warnings.append(Warning("window-not-yet-open", {"opens_on": window.opens_on}, window.legal_basis))
    if channel.kind == "anef" and channel.mandatory_since and window is not None and window.kind == "renewal" \
            and window.closes_on < channel.mandatory_since:
        warnings.append(Warning("window-before-anef", {"closes_on": window.closes_on,
                                                       "since": channel.mandatory_since}))
    if s.kind == "renewal" and s.permit in WINDOW_EXEMPT_PERMITS:
        warnings.append(Warning("no-window", {"reason": WINDOW_EXEMPT_PERMITS[s.permit]}))

    decided = s.favorable_decision_on is not None and s.favorable_decision_on <= s.on
    rejection = last_day = None
    if demarche.residence_permit and filed and not decided:
        rejection = implicit_rejection_on(rules, s, demarche)
        last_day = challenge_ends(rules, s, rejection[0]) if s.remedies_stated is not False else None
        if last_day is not None and s.on > last_day:
            warnings.append(Warning("challenge-period-over", {"rejection_on": rejection[0], "ended_on": last_day}))
        elif s.on >= rejection[0]:
            if last_day is None:
                warnings.append(Warning("implicit-rejection-reasonable-time", {"rejection_on": rejection[0]}))
            else:
                warnings.append(Warning("implicit-rejection-born", {"rejection_on": rejection[0], "until": last_day},
                                        f"{rejection[1]} ; CJA R.421-1, R.421-2"))
        if demarche.implicit_rejection is not None and not demarche.implicit_rejection.verified:
            warnings.append(Warning("implicit-rejection-to-check", legal_basis=demarche.implicit_rejection.legal_basis))

    rejection_final = last_day is not None and s.on > last_day and s.remedies_stated is True
    attestation, attestation_warnings = attestation_at(rules, s, demarche, channel, window, rejection_final,
                                                       rejection[0] if rejection else None)
    warnings += attestation_warnings
    if l433_3_until(rules, s, demarche) and s.filed_on > s.expires_on:
        warnings.append(Warning("l433-3-filed-after-expiry"))
    rejection_day = rejection[0] if rejection else None
    stay = regular_stay(rules, s, demarche, attestation, rejection_day)
    if s.kind == "renewal" and s.expires_on and s.on > s.expires_on and filed and stay.status == NO \
            and (s.permit or demarche.default_permit) in L433_3_LISTED_PERMITS:
        warnings.append(Warning("l433-3-listed-departements"))
    route = court_route(s, rejection_day, last_day) if demarche.residence_permit else None
    filed_in_time = bool(filed and window is not None and window.contains(s.filed_on)) or bool(
        filed and s.kind == "renewal" and s.permit in WINDOW_EXEMPT_PERMITS and s.expires_on is not None
        and s.filed_on <= s.expires_on)
    reminders = tuple(r for r in rules.reminders if r.applies(channel.kind, s.kind, demarche.slug))
    return Assessment(situation=s, demarche=demarche, channel=channel, filing_window=window,
                      attestation=attestation, regular_stay=stay, escalation=rules.ladders[channel.kind],
                      deadlines=tuple(deadlines(rules, s, window, attestation, rejection, last_day)),
                      warnings=tuple(warnings), court_route=route, reminders=reminders, notes=demarche.notes,
                      not_computed=tuple(not_computed), implicit_rejection_on=rejection_day,
                      filed_in_time=filed_in_time)


def _window(rules: Rules, s: Situation, demarche: Demarche, channel: Channel,
            not_computed: list[NotComputed], warnings: list[Warning]) -> FilingWindow | None:
    """R.431-5: the renewal window of the document held (1°), or, for a young
    adult, the window around the 18th birthday (2° and 3°)."""
    if not demarche.residence_permit:
        return None
    if s.kind == "first" and s.birth_date is not None and s.expires_on is None \
            and min(s.on, s.filed_on or s.on) < add_months(s.birth_date, YOUNG_UNTIL_YEARS * 12):
        if not demarche.young_adult:
            warnings.append(Warning("young-adult-3-to-check"))
        return young_adult_window(demarche, s.birth_date, s.on)
    if s.kind == "renewal" and s.permit in WINDOW_EXEMPT_PERMITS:
        return None
    if s.expires_on is not None:
        return filing_window(rules, channel.kind, s.expires_on, s.on)
    if s.kind == "renewal":
        not_computed.append(NotComputed("filing-window", "expires_on"))
    return None
