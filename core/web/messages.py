"""Translated sentences for the errors the pure layers raise, shared by the
web pages and the command line."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from babel import dates as babel_dates
from flask_babel import format_datetime, format_decimal, ngettext, pgettext
from flask_babel import gettext as _

from core.plugins.registry import DuplicateClaimError, PluginLoadError
from core.plugins.state import PluginStateError
from core.rules.pan import PanCompliance
from core.web.i18n import locale_code


def translated(build: Callable[[], dict]) -> dict:
    """A table of labels, translated once per language instead of at every
    call: the case list asks for hundreds of labels a page. ``build`` is a
    lambda whose values depend on nothing but the language."""
    key = (build.__code__, locale_code())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = build()
    return table


_TABLES: dict[tuple, dict] = {}


def long_date(value: dt.date | None) -> str:
    """« 1er août 2023 » in French (Babel writes « 1 août »), « August 1, 2023 » in English."""
    if value is None:
        return ""
    return _long_date(value, locale_code())


@functools.lru_cache(maxsize=4096)
def _long_date(value: dt.date, locale: str) -> str:
    """Babel reads its patterns at each call: a list page writes the same few dates many times."""
    text = babel_dates.format_date(value, "long", locale=locale)
    if value.day == 1 and locale.startswith("fr") and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def in_days(days: int) -> str:
    """« aujourd'hui », « 3 jours »: a function, not ``ngettext`` in the template's loop,
    where Jinja copies its whole context for each call."""
    return _("today") if days == 0 else ngettext("%(num)d day", "%(num)d days", days)


def long_datetime(value: dt.datetime | None) -> str:
    """A stored (UTC) moment in the users' time zone: « 12 janvier 2025 à 09:30 »."""
    if value is None:
        return ""
    return _("%(date)s at %(time)s", date=long_date(_local(value).date()), time=format_datetime(value, "HH:mm"))


def _local(value: dt.datetime) -> dt.datetime:
    from flask_babel import get_timezone
    return value.replace(tzinfo=dt.UTC).astimezone(get_timezone())


def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s kB", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / 1024 / 1024, 1)))


def _dates_spelled_out(details: dict) -> dict:
    return {key: long_date(value) if isinstance(value, dt.date) else value for key, value in details.items()}


def describe_plugin_error(exc: Exception) -> str:
    if isinstance(exc, DuplicateClaimError):
        first, second = exc.plugins
        return _("Département %(code)s is claimed by two plugins, “%(first)s” and “%(second)s”: "
                 "disable one of them first.", code=exc.code, first=first, second=second)
    if isinstance(exc, PluginStateError) and exc.reason == "national":
        return _("The national defaults cannot be disabled.")
    if isinstance(exc, PluginStateError) and exc.reason == "config":
        return _("“%(name)s” is disabled by the configuration (PERMANENCE_DISABLED_PLUGINS): "
                 "remove it from there first.", name=exc.name)
    if isinstance(exc, PluginStateError):
        return _("No plugin named “%(name)s” is installed.", name=exc.name)
    if isinstance(exc, PluginLoadError):
        return _("The plugin “%(name)s” cannot be loaded: %(detail)s", name=exc.name, detail=exc.detail)
    return str(exc)


def describe_pan_shortfall(pan: PanCompliance) -> str:
    """« 1 vecteur de prise de rendez-vous enregistré, dont aucun non numérique : … »"""
    rule = _("the arrêté of 1 August 2023 requires at least two, one of them not digital.")
    if pan.vectors == 0:
        return _("No PAN booking vector is recorded for this département: %(rule)s", rule=rule)
    recorded = ngettext("%(num)d booking vector recorded", "%(num)d booking vectors recorded", pan.vectors)
    if pan.non_digital:
        non_digital = ngettext("of which %(num)d is not digital", "of which %(num)d are not digital",
                               pan.non_digital)
    else:
        non_digital = _("none of them non-digital")
    return _("%(recorded)s, %(non_digital)s: %(rule)s", recorded=recorded, non_digital=non_digital, rule=rule)


# --- the rules, in words -----------------------------------------------------

def attestation_label(kind: str) -> str:
    return translated(lambda: {
        "none": _("no temporary document"),
        "confirmation-de-depot": _("confirmation de dépôt (proof of filing only)"),
        "api": _("attestation de prolongation d'instruction (API)"),
        "attestation-decision-favorable": _("attestation de décision favorable"),
        "recepisse": _("récépissé"),
        "unknown": _("cannot be said without the permit's expiry date"),
    }).get(kind, kind)


def channel_label(kind: str) -> str:
    return translated(lambda: {"anef": _("ANEF (mandatory online service)"),
                               "local": _("local channel of the préfecture (not ANEF)")})[kind]


def regular_stay_label(status: str) -> str:
    return translated(lambda: {"yes": _("yes"), "due": _("no proof until the document due is made available"),
                               "no": _("no"), "unknown": _("to be checked")})[status]


def court_route_label(kind: str) -> str:
    return translated(lambda: {
        "refere-mesures-utiles": _("If the filing stays blocked, once the steps above are done, and no decision "
                                   "exists yet: référé mesures-utiles (L.521-3) to order the préfet to act"),
        "annulation-suspension": _("An implicit rejection exists: recours en annulation with a référé-suspension "
                                   "(L.521-1), in principle not a référé mesures-utiles"),
        "out-of-time": _("The time limit to challenge the implicit rejection is over, a priori (unless the reasons "
                         "or legal aid were asked for within it: see a lawyer)"),
        "reasonable-time": _("The two-month limit may not apply (acknowledgement without the voies et délais): "
                             "a reasonable time, one year in principle, from when the person knew of the decision"),
    })[kind]


def describe_not_computed(item) -> str:
    return translated(lambda: {
        ("filing-window", "expires_on"): _("Renewal window and API: need the expiry date of the current permit."),
    }).get((item.what, item.missing), item.what)


def window_status_label(status: str) -> str:
    return translated(lambda: {"not-yet-open": _("not yet open"), "open": _("open"), "closed": _("closed")})[status]


def deadline_label(kind: str) -> str:
    if kind.startswith("document-ends:"):
        return _("end of validity: %(document)s", document=document_label(kind.split(":", 1)[1]))
    return translated(lambda: {
        "window-opens": _("renewal window opens"),
        "window-closes": _("renewal window closes"),
        "permit-expires": _("permit expires"),
        "api-ends": _("end of the first API period (estimate: the date on the API prevails)"),
        "implicit-rejection": _("implicit rejection if the préfecture stays silent"),
        "challenge-ends": _("last day to challenge the implicit rejection"),
        "young-adult-deadline": _("last day for a young adult to file"),
        "ephoto-expires": _("e-photo expires"),
    })[kind]


def describe_warning(warning) -> str:
    d = _dates_spelled_out(warning.details)
    messages = {
        "expired-not-filed": lambda: _(
            "The permit expired on %(expired_on)s and no renewal was filed: without a request the stay is no longer "
            "regular. File at once and keep every proof (a carte de résident, a 4-year carte pluriannuelle or a "
            "treaty permit of more than one year still proves regular stay for three months after expiry once the "
            "renewal is asked: L.433-3).", **d),
        "filed-after-window": lambda: _("The request was filed after the ANEF window closed (%(closes_on)s): "
                                        "no API is due after the permit expires.", **d),
        "filed-after-local-window": lambda: _("The request was filed after its deadline (%(closes_on)s): the "
                                              "préfecture may handle it as a first request; the récépissé depends "
                                              "on its being registered.", **d),
        "window-closed-not-filed": lambda: _("The ANEF window closed on %(closes_on)s and nothing was filed: file "
                                             "at once; no API will be due after expiry.", **d),
        "l433-3-filed-after-expiry": lambda: _("The renewal was filed after the permit expired: L.433-3 al. 1 sets "
                                               "no filing date, but such a request may be treated as a first "
                                               "request; check before relying on it."),
        "recepisse-renewal-must-be-asked": lambda: _("Unlike an API, a récépissé must be renewed on request "
                                                     "before it ends."),
        "anef-date-unknown": lambda: _("This démarche is on ANEF at the latest since %(by)s; the sources do not give "
                                       "the date it became mandatory: for an earlier date, check annexe 9.", **d),
        "window-before-anef": lambda: _("The ANEF window closed (%(closes_on)s) before ANEF became mandatory for "
                                        "this démarche (%(since)s): the 120/60-day rule could not be met; argue "
                                        "that the request was filed in time.", **d),
        "implicit-rejection-born": lambda: _("The préfecture's silence became an implicit rejection on "
                                             "%(rejection_on)s; it can be challenged until %(until)s (recours en "
                                             "annulation with a référé-suspension: see a lawyer, legal aid can "
                                             "be asked).", **d),
        "challenge-period-over": lambda: _("An implicit rejection was born on %(rejection_on)s; the two months to "
                                           "challenge it ended on %(ended_on)s if the acknowledgement of the request "
                                           "stated the voies et délais de recours — otherwise a reasonable time "
                                           "may remain: see a lawyer.", **d),
        "implicit-rejection-reasonable-time": lambda: _("An implicit rejection was born on %(rejection_on)s. The "
                                                        "acknowledgement did not state the voies et délais: the "
                                                        "two months do not run, but a reasonable time (one year in "
                                                        "principle) does: see a lawyer soon.", **d),
        "implicit-rejection-to-check": lambda: _("The delay after which silence becomes a rejection depends on "
                                                 "the exact mention of the permit, and for some on the person's "
                                                 "situation: check the delay shown against its legal basis."),
        "anef-by-date": lambda: _("This démarche is on ANEF at the latest on %(by)s; the sources do not give the "
                                  "date it became mandatory: check annexe 9 before filing elsewhere.", **d),
        "moves-to-anef-before-filing": lambda: _("This démarche must be filed on ANEF from %(on)s, and the local "
                                                 "window opens only after that date: file on ANEF from %(on)s, "
                                                 "before %(closes_on)s (ANEF's 120/60-day window).", **d),
        "file-locally-before-move": lambda: _("It can still be filed locally, in its window, until %(until)s; "
                                              "from %(on)s only on ANEF.", **d),
        "channel-depends-on-permit": lambda: _("For this démarche, the channel of a renewal depends on the "
                                               "permit held (a carte de résident went to ANEF later): say which "
                                               "permit the person holds."),
        "no-window": lambda: _("No R.431-5 renewal window for this permit: %(reason)s.", **d),
        "young-adult-3-to-check": lambda: _("Young adult: the deadline shown is R.431-5 3° (two months after the "
                                            "18th birthday); if the title sought is one the 2° lists, it is the eve "
                                            "of the 19th birthday. Check the ground, and that the person was in "
                                            "France at 18."),
        "l433-3-listed-departements": lambda: _("Under L.433-3 al. 2, an expired carte de séjour temporaire or "
                                                "pluriannuelle proves regular stay for three months, for a renewal "
                                                "filed before expiry, only in départements listed by an arrêté; "
                                                "no such arrêté was found (to be checked)."),
        "filed-before-window": lambda: _("The request was filed before the window opened (%(opens_on)s): it "
                                         "remains a request; check that it was registered.", **d),
        "no-api-outside-window": lambda: _("Filed outside the R.431-5 window: the confirmation de dépôt does "
                                           "not prove regular stay (R.431-15-1 al. 1)."),
        "api-first-request-limits": lambda: _("An API on a first request opens no social rights; according to the "
                                              "Calvados guide it does not allow work unless a work permit was "
                                              "granted, but R.431-15-2 may allow it for some grounds: to be checked "
                                              "before telling an employer."),
        "recepisse-once-complete": lambda: _("The récépissé is due once the request is complete; its renewal "
                                             "must be asked for."),
        "no-recepisse-outside-window": lambda: _("Filed after the permit expired: the stay is not regular until a "
                                                 "récépissé is issued; it may be handled as a first request."),
        "filed-after-reference-date": lambda: _("The filing date (%(filed_on)s) is after the reference date: "
                                                "the request is treated as not yet filed.", **d),
        "moves-to-anef": lambda: _("This démarche moves to ANEF on %(on)s.", **d),
        "window-open-file-now": lambda: _("The renewal window is open: file before %(closes_on)s.", **d),
        "window-not-yet-open": lambda: _("The renewal window opens on %(opens_on)s.", **d),
        "no-local-facts": lambda: _("No enabled plugin covers département %(code)s: local facts (addresses, "
                                    "local channels, PAN booking) are missing.", **d),
        "local-pitfall": lambda: _("Local pitfall: %(title)s. %(workaround)s", **d),
    }
    return messages[warning.code]()


def describe_situation_error(error) -> str:
    d = _dates_spelled_out(error.details)
    messages = {
        ("demarche", "unknown"): lambda: _("Unknown démarche “%(value)s”.", **d),
        ("kind", "unknown"): lambda: _("The kind must be “first” or “renewal”."),
        ("kind", "not-offered"): lambda: _("This démarche has no “%(value)s” kind.", **d),
        ("on", "before-rules"): lambda: _("The rules are encoded from %(first)s (recodified CESEDA); choose a "
                                          "later reference date.", **d),
        ("birth_date", "after-reference-date"): lambda: _("The birth date cannot be after the reference date."),
        ("permit", "unknown"): lambda: _("Unknown permit type “%(value)s”.", **d),
        ("favorable_decision_on", "before-filing"): lambda: _("The favourable decision cannot come before the filing."),
        ("favorable_decision_on", "requires-filing"): lambda: _("A favourable decision needs the filing date."),
        ("filed_on", "before-rules"): lambda: _("The rules are encoded from %(first)s (recodified CESEDA); a request "
                                                "filed earlier cannot be assessed here.", **d),
    }
    return messages[(error.field, error.code)]()


def describe_gap(gap) -> str:
    return translated(lambda: {
        "no-prefecture-service": _("no préfecture service recorded"),
        "no-prefecture-contact": _("no address, email or phone recorded for the préfecture"),
        "no-pan-vector": _("no way to book a PAN appointment recorded"),
        "pan-short": _("the recorded PAN booking vectors fall short of the arrêté of 1 August 2023"),
        "no-tribunal": _("no tribunal administratif recorded"),
        "no-tribunal-address": _("no postal address recorded for the tribunal administratif"),
    })[gap.what]


# --- case files ------------------------------------------------------------------

def evidence_kind_label(kind: str) -> str:
    return translated(lambda: {
        "screenshot": _("screenshot of the blockage"),
        "ccc-contact": _("message to the CCC (contact form or email)"),
        "ccc-call": _("call to the CCC"),
        "pan-attempt": _("attempt to book a PAN appointment"),
        "appointment-attempt": _("attempt to book a préfecture appointment"),
        "prefecture-email": _("email to the préfecture"),
        "registered-letter": _("registered letter (RAR)"),
        "reply-received": _("reply received"),
        "postal-filing": _("filing by post or at the desk"),
        "substitution-request": _("request for the substitution solution"),
        "defenseur-des-droits": _("referral to the Défenseur des droits"),
        "refere": _("référé filed"),
        "letter-generated": _("letter generated"),
        "note": _("note"),
        "erasure": _("erasure of the person's data"),
    }).get(kind, kind)


def document_label(kind: str) -> str:
    labels = translated(lambda: {"titre": _("residence permit"), "autre": _("other document")})
    return labels.get(kind) or attestation_label(kind)


def case_status_label(status: str) -> str:
    # A context of their own: in French a case (un dossier) is « ouvert », a window (une fenêtre) « ouverte ».
    return translated(lambda: {"open": pgettext("case status", "open"), "waiting": pgettext("case status", "waiting"),
                               "closed": pgettext("case status", "closed")})[status]


def departement_name(code: str) -> str:
    from core.plugins.departements import name_of
    return name_of(code) or code


def describe_upload_error(error) -> str:
    return {
        "too-large": _("“%(name)s” is larger than 10 MB (the ANEF limit): reduce or split it.", name=error.filename),
        "not-allowed": _("“%(name)s” is not a PNG image, a JPEG image or a PDF (its content was checked, not its "
                         "name).", name=error.filename),
        "empty": _("“%(name)s” is empty.", name=error.filename),
    }[error.code]


def describe_chain_check(check) -> str:
    """The chain's verdict, then what its timestamps add (or that there are none)."""
    stamps = check.timestamps
    if check.reason == "rewritten-after-timestamp":
        return _("The log was rewritten after it was timestamped: its hashes were recomputed, but entry "
                 "#%(sequence)d no longer matches the timestamp the authority gave it on %(date)s. "
                 "An entry from #%(first)d to #%(sequence)d was changed after that date.",
                 sequence=stamps.sequence, date=long_datetime(stamps.time), first=(stamps.since or 0) + 1)
    if check.reason == "timestamp-invalid":
        return _("The timestamp of entry #%(sequence)d does not verify against the authority's certificate "
                 "(%(detail)s): it was not made by the configured authority, or was changed.",
                 sequence=stamps.sequence, detail=stamps.detail)
    if not check.ok:
        reason = {
            "entry-changed": _("its content was changed after it was recorded"),
            "chain-broken": _("the chain is broken there (an entry was removed or reordered)"),
            "attachment-changed": _("one of its attachments was changed"),
            "attachment-missing": _("one of its attachments is missing"),
            "entry-missing": _("it was deleted from the log"),
            "entries-missing": _("entries recorded at the end of the log are missing"),
            "letter-changed": _("the text of its letter was changed after it was generated"),
            "letter-missing": _("its letter was deleted"),
        }[check.reason]
        return _("The log has been tampered with: entry #%(sequence)d – %(reason)s.",
                 sequence=check.broken_sequence, reason=reason)
    verdict = ngettext("The log is intact: %(num)d entry checked, nothing was changed afterwards.",
                       "The log is intact: %(num)d entries checked, nothing was changed afterwards.", check.entries)
    return verdict + " " + describe_timestamps(stamps, check.entries) if stamps else verdict


def describe_timestamps(stamps, entries: int) -> str:
    if stamps.status == "not-configured":
        return _("No timestamping authority is configured: this shows that nobody changed the log without "
                 "access to the database, not that whoever can write to it did not (ask the administrator).")
    if stamps.status == "none-yet" or stamps.covered_sequence is None:
        return _("No entry is timestamped yet.") if entries else ""
    said = _("Timestamped by the authority up to entry #%(sequence)d on %(date)s: rewriting those entries "
             "would be detected, even by whoever can write to the database.",
             sequence=stamps.covered_sequence, date=long_datetime(stamps.covered_time))
    if stamps.covered_sequence < entries:
        said += " " + _("Entries #%(first)d to #%(last)d are not timestamped yet.",
                        first=stamps.covered_sequence + 1, last=entries)
    return said


def describe_letter_reason(code: str) -> str:
    return translated(lambda: {
        "api-due": _("An API is due and none is recorded as held."),
        "api-due-bpi": _("The API due from filing to a beneficiary of international protection is not recorded as held."),
        "api-due-young": _("The API due to a young adult who filed in time is not recorded as held."),
        "recepisse-due": _("A récépissé is due and none is recorded as held."),
        "next-step": _("The next step of the ladder calls for it."),
    })[code]


def describe_recipient_caution(code: str) -> str:
    return translated(lambda: {
        "substitution-address": _("No address is recorded for filing under the substitution arrangement: this is "
                                  "the préfecture's general address. Check the address the préfecture sets (its "
                                  "arrêté or web page) before sending."),
    })[code]


def describe_missing_fact(code: str, departement: str) -> str:
    what = {
        "prefecture-address": _("no postal address of the préfecture is recorded"),
        "prefecture-email": _("no email address of the préfecture is recorded"),
        "tribunal": _("no tribunal administratif is recorded"),
        "ddd": _("the Défenseur des droits' address is not recorded"),
        "ccc": _("the ANEF support address is not recorded"),
    }.get(code, code)
    return _("Cannot be prepared for département %(code)s: %(what)s. Add it to the plugin (with its source) first.",
             code=departement, what=what)
