"""The document a person is owed while the request is examined (API,
récépissé…), how long it lasts, and whether the stay is regular."""
from __future__ import annotations

import datetime as dt

from core.rules.catalogue import Rules
from core.rules.dates import add_months, french_date
from core.rules.models import Demarche, DocumentRights
from core.rules.situation import (
    CLOSED,
    DUE,
    L433_3_PERMITS,
    NO,
    UNKNOWN,
    WINDOW_EXEMPT_PERMITS,
    YES,
    Attestation,
    Channel,
    FilingWindow,
    HeldDocument,
    RegularStay,
    Situation,
    Warning,
)

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
        consequence = "CESEDA R.431-15-1 al. 1 et 2" if anef else "CESEDA R.431-12"
        warnings.append(Warning(code, {"opens_on": window.opens_on, "closes_on": window.closes_on},
                                f"{window.legal_basis} ; {consequence}"))

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
        if expired and window is not None and not l433_3_until(rules, s, demarche):
            warnings.append(Warning("no-api-outside-window"))
        return Attestation("confirmation-de-depot", "CESEDA R.431-15-1 al. 1",
                           rights=_document(rules, "confirmation-de-depot")), warnings

    # A local channel: a récépissé for a complete request (R.431-12), which
    # sets no condition on how early it was filed.
    late = window is not None and s.filed_on > window.closes_on
    if late:
        if expired and not l433_3_until(rules, s, demarche):
            warnings.append(Warning("no-recepisse-outside-window"))
        return Attestation("recepisse", "CESEDA R.431-12 (l'étranger admis à souscrire sa demande reçoit un "
                                        "récépissé : aucun délai n'y est posé) ; déposée après son délai (R.431-5), "
                                        "la demande risque d'être traitée comme une première demande",
                           rights=_document(rules, "recepisse"), condition="une fois la demande enregistrée"), warnings
    warnings.append(Warning("recepisse-renewal-must-be-asked" if s.kind == "renewal" else "recepisse-once-complete"))
    return Attestation("recepisse", "CESEDA R.431-12 (récépissé dû pour une demande complète)",
                       rights=_document(rules, "recepisse"),
                       condition="une fois la demande complète" if s.kind == "first" else ""), warnings


def l433_3_until(rules: Rules, s: Situation, demarche: Demarche) -> dt.date | None:
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
    l433_3 = l433_3_until(rules, s, demarche)
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
