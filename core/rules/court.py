"""Silence, time limits and the court: when the préfecture's silence becomes
a rejection (R.432-2), until when it can be challenged (délai franc), and
which route the tribunal offers; and the dates that matter, gathered."""
from __future__ import annotations

import datetime as dt

from core.rules.catalogue import Rules
from core.rules.dates import add_months, end_of_franc_period
from core.rules.models import Demarche
from core.rules.situation import Attestation, CourtRoute, Deadline, FilingWindow, Situation

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
