"""What the national rules say about one person's situation on a given date.

Small pure functions over the :class:`~core.rules.catalogue.Rules` data: no
Flask, no database. The page for volunteers, the case page and
``POST /api/v1/assess`` all call :func:`assess`. Every statement carries its
legal basis; docs/legal-review.md lists each rule with the text it encodes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from core.rules.catalogue import PERMITS, AnefEntry, Demarche, DocumentRights, EscalationStep, Note, Reminder, Rules
from core.rules.dates import add_months, end_of_franc_period, french_date

R431_3 = "CESEDA R.431-3 (préfecture ou sous-préfecture ; voie postale seulement si le préfet le prescrit)"
R431_2 = "CESEDA R.431-2 al. 1 et annexe 9"

NOT_YET_OPEN, OPEN, CLOSED = "not-yet-open", "open", "closed"

# Permits after whose expiry a renewal request keeps the stay regular for
# three months (L.433-3 al. 1; seed 000, partie II, II.2, NB).
L433_3_PERMITS = ("csp-4-ans", "carte-resident", "rld-ue", "titre-conventionnel-plus-1-an")
# Permits L.433-3 al. 2 adds in the départements an arrêté lists.
L433_3_LISTED_PERMITS = ("cst", "csp")
#: R.431-5, last alinéa: the 1° window does not apply to a holder of the
#: long-term resident EU status granted by France.
WINDOW_EXEMPT_PERMITS = {"rld-ue": "CESEDA R.431-5, dernier alinéa (titulaire du statut de résident de longue "
                                   "durée-UE accordé par la France : le délai du 1° ne s'applique pas)"}
#: The documents a volunteer records as held (case page), as the rules read them.
HELD_KINDS = ("confirmation-de-depot", "api", "recepisse", "attestation-decision-favorable", "titre", "autre")

YES, DUE, NO, UNKNOWN = "yes", "due", "no", "unknown"
#: Up to which age a first request with a birth date is read against the
#: young adults' deadlines of R.431-5 2° and 3° (which end at 19 at the
#: latest): past them, the page still says the deadline was missed.
YOUNG_UNTIL_YEARS = 21


class SituationError(ValueError):
    """The situation cannot be assessed; ``field`` says which input is wrong
    and ``code`` what is wrong with it (the API turns it into a message)."""

    def __init__(self, field: str, code: str, **details):
        self.field, self.code, self.details = field, code, details
        super().__init__(f"{field}: {code} {details or ''}".strip())


@dataclass(frozen=True)
class HeldDocument:
    """A document the person holds (recorded on the case page)."""

    kind: str  # one of HELD_KINDS
    valid_until: dt.date | None = None


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
    birth_date: dt.date | None = None  # for the young adults' windows (R.431-5 2° and 3°)
    held: tuple[HeldDocument, ...] = ()
    #: Did the acknowledgement of the request state the voies et délais de
    #: recours? None: not known (CRPA L.112-3, L.112-6; CJA R.421-5).
    remedies_stated: bool | None = None
    departement: str | None = None  # for the public holidays of the time limits


@dataclass(frozen=True)
class Channel:
    kind: str  # "anef" or "local"
    mandatory_since: dt.date | None
    legal_basis: str
    source: str
    decided_on: dt.date  # the date whose rules apply: the filing date, or the planned filing
    #: False when the sources only say the démarche was on ANEF *by* a later
    #: date: the channel on this date is then to be checked, not a fact.
    certain: bool = True


@dataclass(frozen=True)
class FilingWindow:
    opens_on: dt.date | None  # None: the text sets only a last day (R.431-5 2° and 3°)
    closes_on: dt.date
    status: str  # not-yet-open, open, closed (at the reference date)
    legal_basis: str
    kind: str = "renewal"  # renewal (R.431-5 1°) or young-adult (2° and 3°)

    def contains(self, day: dt.date) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and day <= self.closes_on


@dataclass(frozen=True)
class Attestation:
    """The temporary document due at the reference date."""

    type: str  # none, unknown, confirmation-de-depot, api, attestation-decision-favorable, recepisse
    legal_basis: str
    valid_until: dt.date | None = None
    rights: DocumentRights | None = None  # what it proves and allows
    #: When it is due only once something has happened (« une fois la demande complète »).
    condition: str = ""


@dataclass(frozen=True)
class RegularStay:
    """Whether the stay is regular on the reference date, and on what basis:
    ``yes`` (a valid permit or document, or the law), ``due`` (a document that
    proves it is due: without it the person cannot show it), ``no``, or
    ``unknown`` (to be checked; the basis says what)."""

    status: str
    basis: str
    until: dt.date | None = None
    #: What the answer rests on, for code (letters): permit, decision, l433-3,
    #: held, due, rejected, nothing, unknown.
    ground: str = "unknown"


@dataclass(frozen=True)
class Deadline:
    kind: str
    date: dt.date
    legal_basis: str
    #: When the date holds only under a condition the volunteer must check.
    condition: str = ""


@dataclass(frozen=True)
class NotComputed:
    """A date or answer the rules could not give, and why (an input is missing)."""

    what: str
    missing: str


@dataclass(frozen=True)
class CourtRoute:
    """Which route before the tribunal administratif fits the case now."""

    kind: str  # refere-mesures-utiles, annulation-suspension, out-of-time, reasonable-time
    legal_basis: str
    until: dt.date | None = None


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
    regular_stay: RegularStay
    escalation: tuple[EscalationStep, ...]
    deadlines: tuple[Deadline, ...]
    warnings: tuple[Warning, ...]
    court_route: CourtRoute | None = None
    reminders: tuple[Reminder, ...] = ()
    notes: tuple[Note, ...] = ()
    not_computed: tuple[NotComputed, ...] = ()
    implicit_rejection_on: dt.date | None = None
    #: Filed within the R.431-5 deadline that applies (or, for an RLD-UE
    #: holder, before expiry): what a letter may then state.
    filed_in_time: bool = False


# --- the channel: annexe 9 at a date ------------------------------------------

def _entries(demarche: Demarche, kind: str, permit: str | None) -> list[AnefEntry]:
    """The annexe 9 entries for this kind; for a renewal, those covering the
    permit held (the démarche's usual permit when it is not said)."""
    permit = permit or demarche.default_permit
    return [entry for entry in demarche.anef_since if entry.covers(kind, permit)]


def channel_at(rules: Rules, demarche: Demarche, kind: str, day: dt.date, permit: str | None = None) -> Channel:
    """ANEF from the annexe 9 entries in force at ``day`` for this kind (and,
    for a renewal, this permit); the latest of them gives the date and source.

    For an entry known only as "on ANEF by" a date, ``mandatory_since`` is
    None: the start date is not in the sources.
    """
    entries = [entry for entry in _entries(demarche, kind, permit) if entry.start <= day]
    if entries:
        # An exact, checked date wins over one known only as "on ANEF by".
        sure = [entry for entry in entries if entry.exact and entry.verified]
        latest = (sure or entries)[-1]
        return Channel("anef", latest.start if latest.exact else None, R431_2, latest.source, day,
                       certain=latest.verified)
    upcoming = _entries(demarche, kind, permit)
    certain = not any(not entry.exact or not entry.verified for entry in upcoming)
    return Channel("local", None, R431_3, demarche.local_source or (upcoming[0].source if upcoming else ""), day,
                   certain=certain)


def next_anef_entry(demarche: Demarche, kind: str, after: dt.date, permit: str | None = None) -> AnefEntry | None:
    return next((e for e in _entries(demarche, kind, permit) if e.start > after), None)


# --- R.431-5: the windows --------------------------------------------------------

def anef_window(expires_on: dt.date, opens_days: int = 120, closes_days: int = 60) -> tuple[dt.date, dt.date]:
    """On ANEF: from the 120th to the 60th day before expiry, both included."""
    return expires_on - dt.timedelta(days=opens_days), expires_on - dt.timedelta(days=closes_days)


def local_window(expires_on: dt.date, months: int = 2) -> tuple[dt.date, dt.date]:
    """Elsewhere: from two calendar months before expiry to the expiry date."""
    return add_months(expires_on, -months), expires_on


def window_status(opens_on: dt.date | None, closes_on: dt.date, on: dt.date) -> str:
    if opens_on is not None and on < opens_on:
        return NOT_YET_OPEN
    return OPEN if on <= closes_on else CLOSED


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


def young_adult_window(demarche: Demarche, birth_date: dt.date, on: dt.date) -> FilingWindow:
    """R.431-5 sets only a last day for a young person: the eve of the 19th
    birthday for the titles its 2° lists, two months after the 18th birthday
    for the others (3°)."""
    if demarche.young_adult:
        closes_on = add_months(birth_date, 19 * 12) - dt.timedelta(days=1)
        basis = f"CESEDA R.431-5 2° (« au plus tard la veille de son dix-neuvième anniversaire ») ; {demarche.young_adult}"
    else:
        closes_on = add_months(add_months(birth_date, 18 * 12), 2)
        basis = ("CESEDA R.431-5 3° (« au plus tard, deux mois après la date de son dix-huitième anniversaire », "
                 "si le titre demandé n'est pas l'un de ceux que liste le 2°)")
    return FilingWindow(None, closes_on, window_status(None, closes_on, on), basis, kind="young-adult")


def _plan_channel(rules: Rules, s: Situation, demarche: Demarche) -> tuple[Channel, list[Warning]]:
    """The channel of the filing: the one in force on the filing date, or, for
    a request not yet filed, the one in force when it can be filed in time.

    A démarche that moves to ANEF before the person's window opens is filed on
    ANEF, in ANEF's window: the page must say so, not only warn.
    """
    filed = s.filed_on is not None and s.filed_on <= s.on
    if filed:
        return channel_at(rules, demarche, s.kind, s.filed_on, s.permit), []
    current = channel_at(rules, demarche, s.kind, s.on, s.permit)
    upcoming = next_anef_entry(demarche, s.kind, s.on, s.permit) if current.kind == "local" else None
    if upcoming is None:
        return current, []
    if not upcoming.exact:
        return current, [Warning("anef-by-date", {"by": upcoming.start})]
    if s.expires_on is None or not demarche.residence_permit or upcoming.start > s.expires_on:
        return current, [Warning("moves-to-anef", {"on": upcoming.start})]
    local = filing_window(rules, "local", s.expires_on, s.on)
    last_local_day = min(local.closes_on, upcoming.start - dt.timedelta(days=1))
    if local.opens_on <= last_local_day and last_local_day >= s.on:
        # Still time to file locally in the window before the move.
        return current, [Warning("moves-to-anef", {"on": upcoming.start}),
                         Warning("file-locally-before-move", {"until": last_local_day, "on": upcoming.start})]
    anef = Channel("anef", upcoming.start, R431_2, upcoming.source, upcoming.start, certain=upcoming.verified)
    closes_on = filing_window(rules, "anef", s.expires_on, s.on).closes_on
    return anef, [Warning("moves-to-anef-before-filing", {"on": upcoming.start, "closes_on": closes_on})]


# --- the document due -----------------------------------------------------------

def _document(rules: Rules, slug: str) -> DocumentRights | None:
    return rules.documents.get(slug)


AFTER_REJECTION = (" ; après le rejet implicite né le {date}, elle peut encore être délivrée mais ne fait pas "
                   "obstacle au rejet et ne garantit pas le séjour (CE, avis, 6 mai 2025, n° 499904)")


def attestation_at(rules: Rules, situation: Situation, demarche: Demarche, channel: Channel,
                   window: FilingWindow | None, rejection_final: bool = False,
                   rejection_on: dt.date | None = None) -> tuple[Attestation, list[Warning]]:
    """Which temporary document the person should hold at the reference date."""
    s, params = situation, rules.parameters
    warnings: list[Warning] = []
    filed = s.filed_on is not None and s.filed_on <= s.on
    expired = s.expires_on is not None and s.on > s.expires_on
    anef = channel.kind == "anef"
    kind_suffix = "first" if s.kind == "first" else "renewal"

    if not demarche.residence_permit:
        return Attestation("none", "Pas une demande de titre de séjour : aucune attestation de séjour "
                                   "(CESEDA R.431-15-1, R.431-12)"), warnings

    if filed and anef and s.favorable_decision_on and s.favorable_decision_on <= s.on:
        return Attestation("attestation-decision-favorable", "CESEDA R.431-15-1 al. 4",
                           rights=_document(rules, f"attestation-decision-favorable-{kind_suffix}")), warnings

    if not filed:
        if expired:
            warnings.append(Warning("expired-not-filed", {"expired_on": s.expires_on}))
        elif window is not None and window.status == CLOSED:
            warnings.append(Warning("window-closed-not-filed", {"closes_on": window.closes_on}))
        return Attestation("none", "CESEDA R.431-15-1 al. 1 (aucune demande déposée)"), warnings

    if anef and s.kind == "first" and demarche.first_request_document:
        rights = _document(rules, demarche.first_request_document)
        months = params["bpi_api_months"].at(s.on) if rights.duration_verified else None
        return Attestation("api", rights.legal_basis,
                           valid_until=_period_end(s.filed_on, s.on, months) if months else None,
                           rights=rights), warnings

    if rejection_final:
        return Attestation("none", "Aucun document n'est dû en l'état : le rejet implicite n'a pas été contesté dans "
                                   "le délai (CESEDA R.432-1, R.432-2 ; CJA R.421-1, R.421-2), a priori — sauf "
                                   "demande de motifs (CRPA L.232-4) ou d'aide juridictionnelle faite dans le délai ; "
                                   "la préfecture peut encore statuer expressément"), warnings

    if window is None and s.kind == "renewal" and s.permit not in WINDOW_EXEMPT_PERMITS:
        if anef:
            return Attestation("unknown", "CESEDA R.431-15-1 al. 1 et 2 : sans la date d'expiration du titre, "
                                          "on ne peut pas dire si la demande a été déposée dans le délai de "
                                          "l'article R.431-5 (API due) ou non (confirmation de dépôt seulement)"
                               ), warnings
        return Attestation("recepisse", "CESEDA R.431-12 (récépissé dû une fois la demande complète)",
                           rights=_document(rules, "recepisse")), warnings

    in_window = window is not None and window.contains(s.filed_on)
    if window is not None and not in_window:
        late = s.filed_on > window.closes_on
        code = ("filed-after-window" if anef else "filed-after-local-window") if late else "filed-before-window"
        warnings.append(Warning(code, {"opens_on": window.opens_on, "closes_on": window.closes_on}))

    if anef:
        api_months = params["api_max_months"].at(s.on)
        young_without_document = window is not None and window.kind == "young-adult" and s.expires_on is None
        exempt = (s.kind == "renewal" and s.permit in WINDOW_EXEMPT_PERMITS and s.expires_on is not None
                  and s.filed_on <= s.expires_on)
        if (in_window or exempt) and (expired or young_without_document):
            start = s.expires_on if s.expires_on else s.filed_on
            if s.kind == "first" and not young_without_document:
                warnings.append(Warning("api-first-request-limits"))
            basis = ("CESEDA R.431-15-1 al. 3 (jeune majeur sans document de séjour)" if young_without_document
                     else "CESEDA R.431-15-1 al. 2")
            if rejection_on is not None and s.on >= rejection_on:
                return Attestation("api", basis + AFTER_REJECTION.format(date=french_date(rejection_on)),
                                   rights=_document(rules, f"api-{kind_suffix}")), warnings
            return Attestation("api", basis, valid_until=_period_end(start, s.on, api_months),
                               rights=_document(rules, f"api-{kind_suffix}")), warnings
        if expired and window is not None and not _l433_3_until(rules, s, demarche):
            warnings.append(Warning("no-api-outside-window"))
        return Attestation("confirmation-de-depot", "CESEDA R.431-15-1 al. 1",
                           rights=_document(rules, "confirmation-de-depot")), warnings

    # A local channel: a récépissé for a complete request (R.431-12), which
    # sets no condition on how early it was filed.
    late = window is not None and s.filed_on > window.closes_on
    if late:
        if expired and not _l433_3_until(rules, s, demarche):
            warnings.append(Warning("no-recepisse-outside-window"))
        return Attestation("recepisse", "CESEDA R.431-12 (l'étranger admis à souscrire sa demande reçoit un "
                                        "récépissé : aucun délai n'y est posé) ; déposée après son délai (R.431-5), "
                                        "la demande risque d'être traitée comme une première demande",
                           rights=_document(rules, "recepisse"), condition="une fois la demande enregistrée"), warnings
    warnings.append(Warning("recepisse-renewal-must-be-asked" if s.kind == "renewal" else "recepisse-once-complete"))
    return Attestation("recepisse", "CESEDA R.431-12 (récépissé dû pour une demande complète)",
                       rights=_document(rules, "recepisse"),
                       condition="une fois la demande complète" if s.kind == "first" else ""), warnings


def _l433_3_until(rules: Rules, s: Situation, demarche: Demarche) -> dt.date | None:
    """The last day of regular stay L.433-3 gives a renewal of the permits it lists."""
    permit = s.permit or demarche.default_permit
    if s.kind != "renewal" or s.expires_on is None or permit not in L433_3_PERMITS:
        return None
    if s.filed_on is None or s.filed_on > s.on:
        return None
    return add_months(s.expires_on, rules.parameters["l433_3_months"].at(s.on))


def _period_end(start: dt.date, on: dt.date, months: int) -> dt.date:
    """The end, at the latest, of the attestation covering ``on``: attestations
    of at most ``months`` months follow each other from ``start`` (counted
    from the start each time, so month ends do not drift)."""
    periods = 1
    while add_months(start, periods * months) < on:
        periods += 1
    return add_months(start, periods * months)


# --- regular stay: from the documents held or due ------------------------------------

def _held_valid(s: Situation, kinds: set[str]) -> HeldDocument | None:
    return next((d for d in s.held if d.kind in kinds and (d.valid_until is None or d.valid_until >= s.on)), None)


#: How a document held is named in a regular-stay answer (French, like the legal bases).
HELD_NAMES = {"api": "Attestation de prolongation d'instruction détenue",
              "recepisse": "Récépissé détenu", "attestation-decision-favorable": "Attestation de décision favorable "
              "détenue", "titre": "Titre de séjour détenu"}


def regular_stay(rules: Rules, s: Situation, demarche: Demarche, attestation: Attestation,
                 rejection_on: dt.date | None) -> RegularStay:
    """One answer, from what the person holds or is due on the reference date,
    never contradicting the rest of the assessment."""
    if not demarche.residence_permit:
        return RegularStay(UNKNOWN, "Démarche sans incidence sur la régularité du séjour : elle dépend du titre "
                                    "ou document détenu")
    permit_valid = s.expires_on is not None and s.on <= s.expires_on
    if attestation.type == "attestation-decision-favorable":
        return RegularStay(YES, "Attestation de décision favorable (CESEDA R.431-15-1 al. 4), dans l'attente du titre",
                           ground="decision")
    if permit_valid:
        return RegularStay(YES, "Titre ou document de séjour en cours de validité", until=s.expires_on,
                           ground="permit")
    held_proof = _held_valid(s, set(HELD_NAMES))
    due = attestation.rights
    if rejection_on is not None and s.on >= rejection_on:
        rejected = (f"le silence de la préfecture vaut rejet implicite depuis le {french_date(rejection_on)} "
                    "(CESEDA R.432-1, R.432-2), même si une attestation ou un récépissé a été délivré ensuite "
                    "(CE, avis, 6 mai 2025, n° 499904)")
        if held_proof is not None:
            return RegularStay(UNKNOWN, f"Un document détenu couvre cette date, mais {rejected} : faire vérifier "
                                        "par un·e juriste", until=held_proof.valid_until, ground="rejected")
        if due is not None and due.proves_regular_stay:
            return RegularStay(UNKNOWN, f"{due.label} était due, mais {rejected} : faire vérifier par un·e "
                                        "juriste, et contester le rejet dans le délai", ground="rejected")
        return RegularStay(NO, f"Aucun document ne couvre cette date, et {rejected}", ground="rejected")
    l433_3 = _l433_3_until(rules, s, demarche)
    if l433_3 is not None and s.on <= l433_3:
        return RegularStay(YES, "CESEDA L.433-3 al. 1 : renouvellement demandé, le titre expiré (avec la preuve du "
                                "dépôt de la demande) justifie du séjour régulier trois mois après l'expiration, "
                                "avec les droits sociaux et le droit de travailler", until=l433_3, ground="l433-3")
    if held_proof is not None:
        with_permit = ", avec le titre expiré" if held_proof.kind == "api" and s.kind == "renewal" else ""
        return RegularStay(YES, f"{HELD_NAMES[held_proof.kind]}{with_permit}", until=held_proof.valid_until,
                           ground="held")
    if due is not None and due.proves_regular_stay:
        if attestation.condition:
            return RegularStay(UNKNOWN, f"Un récépissé est dû {attestation.condition} (CESEDA R.431-12) ; "
                                        "sans lui, rien ne prouve le séjour régulier", ground="due")
        return RegularStay(DUE, f"{due.label} due selon {attestation.legal_basis} : la demander ; sans elle, la "
                                "personne ne peut pas prouver la régularité de son séjour",
                           until=attestation.valid_until, ground="due")
    if attestation.type == "unknown":
        return RegularStay(UNKNOWN, "Date d'expiration du titre inconnue : impossible de dire si un document "
                                    "prouvant le séjour régulier est dû")
    if s.expires_on is None:
        return RegularStay(UNKNOWN, "Aucun titre ni document de séjour indiqué")
    basis = {"confirmation-de-depot": "Titre expiré ; la confirmation de dépôt ne justifie pas de la régularité "
                                      "du séjour (CESEDA R.431-15-1 al. 1)"}.get(
        attestation.type, "Titre expiré et aucun document prouvant le séjour régulier n'est dû")
    return RegularStay(NO, basis, ground="nothing")


# --- silence, time limits and the court -------------------------------------------

def implicit_rejection_on(rules: Rules, s: Situation, demarche: Demarche) -> tuple[dt.date, str]:
    """The day silence becomes a rejection (R.432-1, R.432-2, and the
    démarche's own rule when it has one), and its legal basis."""
    rule = demarche.implicit_rejection
    if rule is None:
        param = rules.parameters["implicit_rejection_months"]
        return add_months(s.filed_on, param.at(s.on)), param.source
    if rule.days is not None:
        return s.filed_on + dt.timedelta(days=rule.days), rule.legal_basis
    return add_months(s.filed_on, rule.months), rule.legal_basis


def challenge_ends(rules: Rules, s: Situation, rejection_on: dt.date) -> dt.date:
    """The last day to challenge an implicit rejection: two months, délai franc,
    moved to the next working day (CJA R.421-1, R.421-2)."""
    return end_of_franc_period(rejection_on, rules.parameters["challenge_months"].at(s.on), s.departement)


CHALLENGE_CONDITION = ("si l'accusé de réception de la demande mentionnait les voies et délais de recours "
                       "(CRPA L.112-3 et L.112-6 ; CJA R.421-5) ; sinon, un délai raisonnable s'applique")
REJECTION_CONDITION = ("sur une demande complète : si la préfecture a demandé des pièces manquantes, le délai est "
                       "suspendu pendant le temps donné pour les produire (CRPA L.114-5) ; le silence sur un dossier "
                       "incomplet vaut refus d'enregistrement, qui ne se conteste pas de la même façon (CE, avis, "
                       "10 octobre 2024, n° 493514)")


def court_route(s: Situation, rejection_on: dt.date | None, last_day: dt.date | None) -> CourtRoute:
    """Before an implicit rejection, the référé mesures-utiles (L.521-3) can
    order the préfet to act; once a decision exists it cannot, and the route
    is a recours en annulation with a référé-suspension (L.521-1), in time."""
    if rejection_on is None or s.on < rejection_on:
        return CourtRoute("refere-mesures-utiles", "CJA L.521-3 (pas de décision à contester : mesures utiles, "
                                                   "sans faire obstacle à une décision administrative)",
                          until=rejection_on - dt.timedelta(days=1) if rejection_on else None)
    if s.remedies_stated is not False and last_day is not None and s.on <= last_day:
        return CourtRoute("annulation-suspension", "CJA R.421-1, R.421-2 (recours en annulation dans les deux "
                                                   "mois) ; L.521-1 (référé-suspension, avec le recours)",
                          until=last_day)
    if s.remedies_stated is True:
        return CourtRoute("out-of-time", "CJA R.421-1, R.421-2 : délai de recours expiré")
    return CourtRoute("reasonable-time", "CJA R.421-5 ; CRPA L.112-6 ; CE, Ass., 13 juillet 2016, Czabaj, "
                                         "n° 387763 (délai raisonnable, en principe un an)")


def deadlines(rules: Rules, s: Situation, window: FilingWindow | None, attestation: Attestation,
              rejection: tuple[dt.date, str] | None, last_day: dt.date | None) -> list[Deadline]:
    params = rules.parameters
    found = []
    if window is not None:
        if window.opens_on is not None:
            found.append(Deadline("window-opens", window.opens_on, window.legal_basis))
        found.append(Deadline("window-closes" if window.kind == "renewal" else "young-adult-deadline",
                              window.closes_on, window.legal_basis))
    if s.expires_on is not None:
        found.append(Deadline("permit-expires", s.expires_on, "Date de fin de validité du titre ou document"))
    if attestation.type == "api" and attestation.valid_until:
        found.append(Deadline("api-ends", attestation.valid_until, attestation.legal_basis))
    if rejection is not None:
        found.append(Deadline("implicit-rejection", rejection[0], rejection[1], condition=REJECTION_CONDITION))
        if last_day is not None:
            found.append(Deadline("challenge-ends", last_day, params["challenge_months"].source,
                                  condition="" if s.remedies_stated else CHALLENGE_CONDITION))
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
    channel, channel_warnings = _plan_channel(rules, s, demarche)
    warnings += channel_warnings
    if channel.kind == "anef" and channel.mandatory_since is None:
        entry = next((e for e in _entries(demarche, s.kind, s.permit) if not e.exact), None)
        warnings.append(Warning("anef-date-unknown", {"by": entry.start if entry else s.on}))
    restricted = [e for e in demarche.anef_since if e.permits and s.kind in e.kinds]
    unlisted = s.permit is not None and restricted and not any(s.permit in e.permits for e in restricted)
    if s.kind == "renewal" and ((s.permit is None and len({e.permits for e in restricted}) > 1) or unlisted):
        warnings.append(Warning("channel-depends-on-permit"))
        channel = replace(channel, certain=False)

    window = _window(rules, s, demarche, channel, not_computed, warnings)
    if window is not None and not filed:
        if window.status == OPEN:
            warnings.append(Warning("window-open-file-now", {"closes_on": window.closes_on}))
        elif window.status == NOT_YET_OPEN:
            warnings.append(Warning("window-not-yet-open", {"opens_on": window.opens_on}))
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
                warnings.append(Warning("implicit-rejection-born", {"rejection_on": rejection[0], "until": last_day}))
        if demarche.implicit_rejection is not None and not demarche.implicit_rejection.verified:
            warnings.append(Warning("implicit-rejection-to-check"))

    rejection_final = last_day is not None and s.on > last_day and s.remedies_stated is True
    attestation, attestation_warnings = attestation_at(rules, s, demarche, channel, window, rejection_final,
                                                       rejection[0] if rejection else None)
    warnings += attestation_warnings
    if _l433_3_until(rules, s, demarche) and s.filed_on > s.expires_on:
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
