"""What the national rules say about one person's situation on a given date.

Small pure functions over the :class:`~core.rules.catalogue.Rules` data: no
Flask, no database. The page for volunteers and ``POST /api/v1/assess``
both call :func:`assess`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.dates import add_months
from core.rules.catalogue import Demarche, EscalationStep, Rules

R431_3 = "CESEDA R.431-3 (préfecture, sous-préfecture, ou voie postale si le préfet le prescrit)"
R431_2 = "CESEDA R.431-2 al. 1 et annexe 9"

NOT_YET_OPEN, OPEN, CLOSED = "not-yet-open", "open", "closed"

# Permits after whose expiry a renewal request keeps the stay regular for
# three months (L.433-3; seed 000, partie II, II.2, NB).
L433_3_PERMITS = ("csp-4-ans", "carte-resident", "titre-conventionnel-plus-1-an")
PERMITS = ("cst", "csp", "csp-4-ans", "carte-resident", "titre-conventionnel-plus-1-an", "vls-ts", "autre")


class SituationError(ValueError):
    """The situation cannot be assessed; ``field`` says which input is wrong
    and ``code`` what is wrong with it (the API turns it into a message)."""

    def __init__(self, field: str, code: str, **details):
        self.field, self.code, self.details = field, code, details
        super().__init__(f"{field}: {code} {details or ''}".strip())


@dataclass(frozen=True)
class Situation:
    """What a volunteer knows of the person's request."""

    demarche: str
    kind: str  # "first" or "renewal"
    on: dt.date  # the reference date: today, or a date under review
    expires_on: dt.date | None = None  # the current permit or document
    filed_on: dt.date | None = None
    permit: str | None = None  # one of PERMITS, for L.433-3
    favorable_decision_on: dt.date | None = None
    ephoto_taken_on: dt.date | None = None


@dataclass(frozen=True)
class Channel:
    kind: str  # "anef" or "local"
    mandatory_since: dt.date | None
    legal_basis: str
    source: str
    decided_on: dt.date  # the date whose rules apply: the filing date, else the reference date


@dataclass(frozen=True)
class FilingWindow:
    opens_on: dt.date
    closes_on: dt.date
    status: str  # not-yet-open, open, closed (at the reference date)
    legal_basis: str

    def contains(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


@dataclass(frozen=True)
class Attestation:
    type: str  # none, confirmation-de-depot, api, attestation-decision-favorable, recepisse
    regular_stay: bool
    legal_basis: str
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Deadline:
    kind: str
    date: dt.date
    legal_basis: str


@dataclass(frozen=True)
class Warning:
    """A sentence for the volunteer, as a code and its details (translated by the caller)."""

    code: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    situation: Situation
    demarche: Demarche
    channel: Channel
    filing_window: FilingWindow | None
    attestation: Attestation
    escalation: tuple[EscalationStep, ...]
    deadlines: tuple[Deadline, ...]
    warnings: tuple[Warning, ...]


# --- the pieces -------------------------------------------------------------

def anef_window(expires_on: dt.date, opens_days: int = 120, closes_days: int = 60) -> tuple[dt.date, dt.date]:
    """On ANEF: from the 120th to the 60th day before expiry, both included."""
    return expires_on - dt.timedelta(days=opens_days), expires_on - dt.timedelta(days=closes_days)


def local_window(expires_on: dt.date, months: int = 2) -> tuple[dt.date, dt.date]:
    """Elsewhere: from two calendar months before expiry to the expiry date."""
    return add_months(expires_on, -months), expires_on


def window_status(opens_on: dt.date, closes_on: dt.date, on: dt.date) -> str:
    if on < opens_on:
        return NOT_YET_OPEN
    return OPEN if on <= closes_on else CLOSED


def channel_at(rules: Rules, demarche: Demarche, kind: str, day: dt.date) -> Channel:
    """ANEF from the first annexe 9 entry in force at ``day`` for this kind."""
    entries = [entry for entry in demarche.anef_since if kind in entry.kinds and entry.start <= day]
    if entries:
        first = entries[0]
        return Channel("anef", first.start, R431_2, first.source, day)
    return Channel("local", None, R431_3, demarche.local_source or _local_until(demarche, kind), day)


def _local_until(demarche: Demarche, kind: str) -> str:
    upcoming = [entry for entry in demarche.anef_since if kind in entry.kinds]
    return upcoming[0].source if upcoming else ""


def filing_window(rules: Rules, channel_kind: str, expires_on: dt.date, on: dt.date) -> FilingWindow:
    params = rules.parameters
    if channel_kind == "anef":
        opens_on, closes_on = anef_window(expires_on, params["anef_window_opens_days"].at(on),
                                          params["anef_window_closes_days"].at(on))
        basis = params["anef_window_opens_days"].source
    else:
        opens_on, closes_on = local_window(expires_on, params["local_window_opens_months"].at(on))
        basis = params["local_window_opens_months"].source
    return FilingWindow(opens_on, closes_on, window_status(opens_on, closes_on, on), basis)


def attestation_at(rules: Rules, situation: Situation, demarche: Demarche, channel: Channel,
                   window: FilingWindow | None) -> tuple[Attestation, list[Warning]]:
    """Which temporary document the person should hold at the reference date."""
    s, params = situation, rules.parameters
    warnings: list[Warning] = []
    filed = s.filed_on is not None and s.filed_on <= s.on
    permit_valid = s.expires_on is not None and s.on <= s.expires_on
    expired = s.expires_on is not None and s.on > s.expires_on

    if not demarche.residence_permit:
        return Attestation("none", permit_valid, "CESEDA R.431-15-1 (les attestations ANEF concernent "
                                                 "les demandes de titre de séjour)"), warnings

    if filed and channel.kind == "anef" and s.favorable_decision_on and s.favorable_decision_on <= s.on:
        return Attestation("attestation-decision-favorable", True, "CESEDA R.431-15-1 al. 4"), warnings

    l433_3_until = None
    if s.kind == "renewal" and filed and expired and s.permit in L433_3_PERMITS:
        l433_3_until = add_months(s.expires_on, params["l433_3_months"].at(s.on))

    if not filed:
        if expired:
            warnings.append(Warning("expired-not-filed", {"expired_on": s.expires_on}))
        return Attestation("none", permit_valid, "CESEDA R.431-15-1 al. 1 (aucune demande déposée)"), warnings

    in_window = window is not None and window.contains(s.filed_on)
    if window is not None and not in_window:
        late = s.filed_on > window.closes_on
        warnings.append(Warning("filed-after-window" if late else "filed-before-window",
                                {"opens_on": window.opens_on, "closes_on": window.closes_on}))

    if channel.kind == "anef":
        if s.kind == "renewal" and in_window and expired:
            api_months = params["api_max_months"].at(s.on)
            return Attestation("api", True, "CESEDA R.431-15-1 al. 2",
                               valid_until=_api_period_end(s.expires_on, s.on, api_months)), warnings
        if s.kind == "first" and expired and s.filed_on <= s.expires_on:
            api_months = params["api_max_months"].at(s.on)
            warnings.append(Warning("api-first-request-limits"))
            return Attestation("api", True, "CESEDA R.431-15-1 al. 2",
                               valid_until=_api_period_end(s.expires_on, s.on, api_months)), warnings
        regular = permit_valid
        basis = "CESEDA R.431-15-1 al. 1 (la confirmation de dépôt ne justifie pas de la régularité du séjour)"
        if l433_3_until and s.on <= l433_3_until:
            regular, basis = True, basis + " ; CESEDA L.433-3 (séjour régulier trois mois après l'expiration)"
        elif expired and s.kind == "renewal":
            warnings.append(Warning("no-api-outside-window"))
        return Attestation("confirmation-de-depot", regular, basis), warnings

    # local channel: a récépissé for a complete request (R.431-12)
    if s.kind == "first" or (in_window and expired):
        warnings.append(Warning("recepisse-once-complete"))
        return Attestation("recepisse", True, "CESEDA R.431-12 (récépissé d'une demande complète)"), warnings
    if l433_3_until and s.on <= l433_3_until:
        return Attestation("none", True, "CESEDA L.433-3 (séjour régulier trois mois après l'expiration)"), warnings
    if expired:
        warnings.append(Warning("no-recepisse-outside-window"))
    return Attestation("none", permit_valid, "CESEDA R.431-12 et R.431-5"), warnings


def _api_period_end(expires_on: dt.date, on: dt.date, months: int) -> dt.date:
    """The end, at the latest, of the API period covering ``on``: APIs of at
    most ``months`` months follow each other from the permit's expiry."""
    end = add_months(expires_on, months)
    while end < on:
        end = add_months(end, months)
    return end


def deadlines(rules: Rules, situation: Situation, window: FilingWindow | None,
              attestation: Attestation) -> list[Deadline]:
    s, params = situation, rules.parameters
    found = []
    if window is not None:
        found.append(Deadline("window-opens", window.opens_on, window.legal_basis))
        found.append(Deadline("window-closes", window.closes_on, window.legal_basis))
    if s.expires_on is not None:
        found.append(Deadline("permit-expires", s.expires_on, "Date de fin de validité du titre ou document"))
    if attestation.type == "api" and attestation.valid_until:
        found.append(Deadline("api-ends", attestation.valid_until, params["api_max_months"].source))
    if s.filed_on is not None and s.filed_on <= s.on and not s.favorable_decision_on:
        rejection = add_months(s.filed_on, params["implicit_rejection_months"].at(s.on))
        found.append(Deadline("implicit-rejection", rejection, params["implicit_rejection_months"].source))
        found.append(Deadline("challenge-ends", add_months(rejection, params["challenge_months"].at(s.on)),
                              params["challenge_months"].source))
    if s.ephoto_taken_on is not None:
        found.append(Deadline("ephoto-expires", add_months(s.ephoto_taken_on, params["ephoto_months"].at(s.on)),
                              params["ephoto_months"].source))
    return sorted(found, key=lambda deadline: deadline.date)


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
    if situation.kind == "renewal" and demarche.residence_permit and situation.expires_on is None:
        raise SituationError("expires_on", "required-for-renewal")
    if situation.permit is not None and situation.permit not in PERMITS:
        raise SituationError("permit", "unknown", value=situation.permit)
    if situation.favorable_decision_on and situation.filed_on and situation.favorable_decision_on < situation.filed_on:
        raise SituationError("favorable_decision_on", "before-filing")
    return demarche


def assess(rules: Rules, situation: Situation) -> Assessment:
    demarche = check_situation(rules, situation)
    s = situation
    filed = s.filed_on is not None and s.filed_on <= s.on
    channel_day = s.filed_on if filed else s.on
    channel = channel_at(rules, demarche, s.kind, channel_day)
    warnings: list[Warning] = []
    if s.filed_on is not None and not filed:
        warnings.append(Warning("filed-after-reference-date", {"filed_on": s.filed_on}))
    if channel.kind == "local":
        upcoming = [e for e in demarche.anef_since if s.kind in e.kinds and e.start > channel_day]
        if upcoming:
            warnings.append(Warning("moves-to-anef", {"on": upcoming[0].start}))

    window = None
    if s.kind == "renewal" and demarche.residence_permit and s.expires_on is not None:
        window = filing_window(rules, channel.kind, s.expires_on, s.on)
        if not filed and window.status == OPEN:
            warnings.append(Warning("window-open-file-now", {"closes_on": window.closes_on}))
        elif not filed and window.status == NOT_YET_OPEN:
            warnings.append(Warning("window-not-yet-open", {"opens_on": window.opens_on}))

    attestation, attestation_warnings = attestation_at(rules, s, demarche, channel, window)
    warnings += attestation_warnings
    return Assessment(situation=s, demarche=demarche, channel=channel, filing_window=window,
                      attestation=attestation, escalation=rules.ladders[channel.kind],
                      deadlines=tuple(deadlines(rules, s, window, attestation)), warnings=tuple(warnings))
