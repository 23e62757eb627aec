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
    #: True or False; None when it does not depend on this request (a duplicate,
    #: a change of address) or is not known yet (a récépissé not yet issued).
    regular_stay: bool | None
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
    """ANEF from the first annexe 9 entry in force at ``day`` for this kind.

    For an entry known only as "on ANEF by" a date, ``mandatory_since`` is
    None: the start date is not in the sources.
    """
    entries = [entry for entry in demarche.anef_since if kind in entry.kinds and entry.start <= day]
    if entries:
        first = entries[0]
        return Channel("anef", first.start if first.exact else None, R431_2, first.source, day)
    return Channel("local", None, R431_3, demarche.local_source or _local_until(demarche, kind), day)


def next_anef_entry(demarche: Demarche, kind: str, after: dt.date):
    return next((e for e in demarche.anef_since if kind in e.kinds and e.start > after), None)


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
    anef = channel.kind == "anef"

    if not demarche.residence_permit:
        return Attestation("none", None, "Pas une demande de titre de séjour : aucune attestation de séjour "
                                         "(CESEDA R.431-15-1, R.431-12)"), warnings

    if filed and anef and s.favorable_decision_on and s.favorable_decision_on <= s.on:
        return Attestation("attestation-decision-favorable", True, "CESEDA R.431-15-1 al. 4"), warnings

    if not filed:
        if expired:
            warnings.append(Warning("expired-not-filed", {"expired_on": s.expires_on}))
        elif window is not None and window.status == CLOSED:
            warnings.append(Warning("window-closed-not-filed", {"closes_on": window.closes_on}))
        return Attestation("none", permit_valid, "CESEDA R.431-15-1 al. 1 (aucune demande déposée)"), warnings

    in_window = window is not None and window.contains(s.filed_on)
    if window is not None and not in_window:
        late = s.filed_on > window.closes_on
        code = ("filed-after-window" if anef else "filed-after-local-window") if late else "filed-before-window"
        warnings.append(Warning(code, {"opens_on": window.opens_on, "closes_on": window.closes_on}))

    l433_3 = _l433_3(rules, s, demarche, expired)
    if l433_3 and s.filed_on > s.expires_on:
        warnings.append(Warning("l433-3-filed-after-expiry"))

    if anef:
        api_months = params["api_max_months"].at(s.on)
        if s.kind == "first" and demarche.api_on_first_filing:
            return Attestation("api", True, "CESEDA R.431-15-1 al. 2 (API délivrée aux bénéficiaires de la "
                                            "protection internationale : seed 000, partie II, I.A, étape 5)"), warnings
        if in_window and expired:
            if s.kind == "first":
                warnings.append(Warning("api-first-request-limits"))
            return Attestation("api", True, "CESEDA R.431-15-1 al. 2",
                               valid_until=_api_period_end(s.expires_on, s.on, api_months)), warnings
        basis = "CESEDA R.431-15-1 al. 1 (la confirmation de dépôt ne justifie pas de la régularité du séjour)"
        if l433_3 and s.on <= l433_3:
            return Attestation("confirmation-de-depot", True,
                               basis + " ; CESEDA L.433-3 (séjour régulier trois mois après l'expiration)"), warnings
        if expired and window is not None:
            warnings.append(Warning("no-api-outside-window"))
        return Attestation("confirmation-de-depot", permit_valid, basis), warnings

    # A local channel: a récépissé for a complete request (R.431-12).
    if s.kind == "renewal" and in_window and expired:
        warnings.append(Warning("recepisse-renewal-must-be-asked"))
        return Attestation("recepisse", True, "CESEDA R.431-12 (récépissé d'une demande complète)"), warnings
    if s.kind == "first" and (window is None or in_window):
        warnings.append(Warning("recepisse-once-complete"))
        return Attestation("recepisse", None if not permit_valid else True,
                           "CESEDA R.431-12 (récépissé dû une fois la demande complète)"), warnings
    if l433_3 and s.on <= l433_3:
        return Attestation("none", True, "CESEDA L.433-3 (séjour régulier trois mois après l'expiration)"), warnings
    if expired:
        warnings.append(Warning("no-recepisse-outside-window"))
    return Attestation("none", permit_valid, "CESEDA R.431-12 et R.431-5"), warnings


def _l433_3(rules: Rules, s: Situation, demarche: Demarche, expired: bool) -> dt.date | None:
    """The last day of regular stay L.433-3 gives a renewal of the permits it lists."""
    permit = s.permit or demarche.default_permit
    if s.kind != "renewal" or not expired or permit not in L433_3_PERMITS:
        return None
    return add_months(s.expires_on, rules.parameters["l433_3_months"].at(s.on))


def _api_period_end(expires_on: dt.date, on: dt.date, months: int) -> dt.date:
    """The end, at the latest, of the API period covering ``on``: APIs of at
    most ``months`` months follow each other from the permit's expiry
    (counted from the expiry each time, so month ends do not drift)."""
    periods = 1
    while add_months(expires_on, periods * months) < on:
        periods += 1
    return add_months(expires_on, periods * months)


def implicit_rejection(rules: Rules, s: Situation) -> tuple[dt.date, dt.date]:
    """The day silence becomes a rejection (R.432-1, R.432-2), and the last
    day to challenge it (R.421-2 CJA)."""
    params = rules.parameters
    rejection = add_months(s.filed_on, params["implicit_rejection_months"].at(s.on))
    return rejection, add_months(rejection, params["challenge_months"].at(s.on))


def deadlines(rules: Rules, situation: Situation, window: FilingWindow | None,
              attestation: Attestation, residence_permit: bool = True) -> list[Deadline]:
    s, params = situation, rules.parameters
    found = []
    if window is not None:
        found.append(Deadline("window-opens", window.opens_on, window.legal_basis))
        found.append(Deadline("window-closes", window.closes_on, window.legal_basis))
    if s.expires_on is not None:
        found.append(Deadline("permit-expires", s.expires_on, "Date de fin de validité du titre ou document"))
    if attestation.type == "api" and attestation.valid_until:
        found.append(Deadline("api-ends", attestation.valid_until, params["api_max_months"].source))
    decided = s.favorable_decision_on is not None and s.favorable_decision_on <= s.on
    if residence_permit and s.filed_on is not None and s.filed_on <= s.on and not decided:
        rejection, challenge_ends = implicit_rejection(rules, s)
        found.append(Deadline("implicit-rejection", rejection, params["implicit_rejection_months"].source))
        found.append(Deadline("challenge-ends", challenge_ends, params["challenge_months"].source))
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
    if situation.filed_on is not None and situation.filed_on < rules.encoded_from:
        raise SituationError("filed_on", "before-rules", first=rules.encoded_from)
    if situation.kind == "renewal" and demarche.residence_permit and situation.expires_on is None:
        raise SituationError("expires_on", "required-for-renewal")
    if situation.permit is not None and situation.permit not in PERMITS:
        raise SituationError("permit", "unknown", value=situation.permit)
    if situation.favorable_decision_on and situation.filed_on is None:
        raise SituationError("favorable_decision_on", "requires-filing")
    if situation.favorable_decision_on and situation.favorable_decision_on < situation.filed_on:
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
    if channel.kind == "anef" and channel.mandatory_since is None:
        warnings.append(Warning("anef-date-unknown", {"by": _first_entry(demarche, s.kind).start}))

    # R.431-5: a renewal, or a change of status (a first request made while
    # holding a document), is filed in the window before that document expires
    # (seed 000, partie II, I.A, NB).
    window = None
    if demarche.residence_permit and s.expires_on is not None:
        window = filing_window(rules, channel.kind, s.expires_on, s.on)
        if not filed and window.status == OPEN:
            warnings.append(Warning("window-open-file-now", {"closes_on": window.closes_on}))
        elif not filed and window.status == NOT_YET_OPEN:
            warnings.append(Warning("window-not-yet-open", {"opens_on": window.opens_on}))
    warnings += _transition_warnings(rules, s, demarche, channel, channel_day)

    attestation, attestation_warnings = attestation_at(rules, s, demarche, channel, window)
    warnings += attestation_warnings
    decided = s.favorable_decision_on is not None and s.favorable_decision_on <= s.on
    if demarche.residence_permit and filed and not decided:
        rejection, challenge_ends = implicit_rejection(rules, s)
        if s.on > challenge_ends:
            warnings.append(Warning("challenge-period-over", {"rejection_on": rejection, "ended_on": challenge_ends}))
        elif s.on >= rejection:
            warnings.append(Warning("implicit-rejection-born", {"rejection_on": rejection, "until": challenge_ends}))
    return Assessment(situation=s, demarche=demarche, channel=channel, filing_window=window,
                      attestation=attestation, escalation=rules.ladders[channel.kind],
                      deadlines=tuple(deadlines(rules, s, window, attestation, demarche.residence_permit)),
                      warnings=tuple(warnings))


def _first_entry(demarche: Demarche, kind: str):
    return next(e for e in demarche.anef_since if kind in e.kinds)


def _transition_warnings(rules, s: Situation, demarche: Demarche, channel: Channel, channel_day: dt.date):
    """When the démarche moves to ANEF around this request's dates."""
    found = []
    upcoming = next_anef_entry(demarche, s.kind, channel_day) if channel.kind == "local" else None
    if upcoming is not None:
        found.append(Warning("moves-to-anef", {"on": upcoming.start}))
        if s.expires_on is not None and upcoming.start <= s.expires_on and not (s.filed_on and s.filed_on <= s.on):
            opens, closes = anef_window(s.expires_on, rules.parameters["anef_window_opens_days"].at(s.on),
                                        rules.parameters["anef_window_closes_days"].at(s.on))
            found.append(Warning("moves-to-anef-before-expiry", {"on": upcoming.start, "opens_on": opens,
                                                                  "closes_on": closes}))
    if channel.kind == "anef" and channel.mandatory_since and s.expires_on is not None:
        _, closes = anef_window(s.expires_on, rules.parameters["anef_window_opens_days"].at(s.on),
                                rules.parameters["anef_window_closes_days"].at(s.on))
        if closes < channel.mandatory_since:
            found.append(Warning("window-before-anef", {"closes_on": closes, "since": channel.mandatory_since}))
    return found
