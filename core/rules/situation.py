"""What goes into an assessment (a :class:`Situation`) and what comes out
(an :class:`Assessment` and its parts), with the constants the rules share.
Plain frozen dataclasses; the reasoning is in the modules that fill them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.rules.models import Demarche, DocumentRights, EscalationStep, Note, Reminder

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


#: The legal basis of each warning, shown next to it (docs/legal-review.md
#: records each reading). Where the basis depends on the case (the window,
#: the démarche's own rejection delay), the rule that warns passes it.
#: No basis: the warnings about what was typed (a filing date after the
#: reference date) or about the intranet (no plugin for the département).
WARNING_BASES = {
    "expired-not-filed": "CESEDA L.411-1 (un document de séjour est exigé) ; R.431-5 1° (délai de renouvellement) ; "
                         "L.433-3 al. 1",
    "window-closed-not-filed": "CESEDA R.431-5 1° ; R.431-15-1 al. 1 et 2 (l'API n'est due que pour une demande "
                               "déposée dans ce délai)",
    "filed-after-window": "CESEDA R.431-5 1° ; R.431-15-1 al. 1 et 2",
    "filed-after-local-window": "CESEDA R.431-5 1° ; R.431-12 (le récépissé suit l'enregistrement de la demande, "
                                "sans condition de délai) ; demande tardive traitée comme une première demande : "
                                "CAA Douai, 18 juin 2025, n° 24DA02148 (à vérifier)",
    "filed-before-window": "CESEDA R.431-5 1°",
    "no-api-outside-window": "CESEDA R.431-15-1 al. 1 et 2",
    "no-recepisse-outside-window": "CESEDA L.411-1 ; R.431-12 (« autorise sa présence ») ; R.431-5 1° ; demande "
                                   "tardive traitée comme une première demande : CAA Douai, 18 juin 2025, "
                                   "n° 24DA02148 (à vérifier)",
    "api-first-request-limits": "CESEDA R.431-15-1 al. 2 ; R.431-15-2 (à vérifier) ; seed 001, §1.3.2",
    "recepisse-renewal-must-be-asked": "CESEDA R.431-12 (« pour la durée qu'il précise ») ; R.431-15-1 al. 2 "
                                       "(l'API, elle, est renouvelée) ; seed 001, §3",
    "recepisse-once-complete": "CESEDA R.431-12 ; seed 001, §3 (« tout dossier complet doit donner lieu à la "
                               "délivrance d'un récépissé »)",
    "l433-3-filed-after-expiry": "CESEDA L.433-3 al. 1 ; R.431-5 1° ; demande tardive traitée comme une première "
                                 "demande : CAA Douai, 18 juin 2025, n° 24DA02148 (à vérifier)",
    "l433-3-listed-departements": "CESEDA L.433-3 al. 2",
    "anef-date-unknown": R431_2 + " (les dates sont celles des arrêtés)",
    "anef-by-date": R431_2 + " (les dates sont celles des arrêtés)",
    "moves-to-anef": R431_2,
    "moves-to-anef-before-filing": R431_2 + " ; R.431-5 1°",
    "file-locally-before-move": "CESEDA R.431-3 ; R.431-2 al. 1 et annexe 9 ; R.431-5 1°",
    "channel-depends-on-permit": R431_2 + " (les arrêtés distinguent selon le titre détenu)",
    "window-before-anef": "CESEDA R.431-5 1° ; R.431-2 al. 1 et annexe 9",
    "window-open-file-now": "CESEDA R.431-5",
    "window-not-yet-open": "CESEDA R.431-5",
    "no-window": "CESEDA R.431-5, dernier alinéa",
    "young-adult-3-to-check": "CESEDA R.431-5 2° et 3°",
    "implicit-rejection-born": "CESEDA R.432-1, R.432-2 ; CJA R.421-1, R.421-2",
    "implicit-rejection-to-check": "CESEDA R.432-2",
    "challenge-period-over": "CJA R.421-1, R.421-2, R.421-5 ; CRPA L.112-3, L.112-6, R.112-5 ; CE Ass., 13 juillet 2016, "
                             "Czabaj, n° 387763 ; CE, 18 mars 2019, n° 417270",
    "implicit-rejection-reasonable-time": "CRPA L.112-3, L.112-6, R.112-5 ; CJA R.421-5 ; CE Ass., 13 juillet "
                                          "2016, Czabaj, n° 387763 ; CE, 18 mars 2019, n° 417270",
}


@dataclass(frozen=True)
class Warning:
    """A sentence for the volunteer, as a code and its details (translated by
    the caller), with the legal basis or the local source it rests on."""

    code: str
    details: dict = field(default_factory=dict)
    legal_basis: str = ""
    checked_on: dt.date | None = None  # for a local fact: when its source was last read

    def __post_init__(self):
        if not self.legal_basis:
            object.__setattr__(self, "legal_basis", WARNING_BASES.get(self.code, ""))


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
