"""Where and when to file: the channel in force at a date (CESEDA R.431-2
and annexe 9, or the local channel of R.431-3) and the windows of R.431-5."""
from __future__ import annotations

import datetime as dt

from core.rules.catalogue import Rules
from core.rules.dates import add_months
from core.rules.models import AnefEntry, Demarche
from core.rules.situation import CLOSED, NOT_YET_OPEN, OPEN, R431_2, R431_3, Channel, FilingWindow, Situation, Warning

# --- the channel: annexe 9 at a date ------------------------------------------

def anef_entries(demarche: Demarche, kind: str, permit: str | None) -> list[AnefEntry]:
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
    entries = [entry for entry in anef_entries(demarche, kind, permit) if entry.start <= day]
    if entries:
        # An exact, checked date wins over one known only as "on ANEF by".
        sure = [entry for entry in entries if entry.exact and entry.verified]
        latest = (sure or entries)[-1]
        return Channel("anef", latest.start if latest.exact else None, R431_2, latest.source, day,
                       certain=latest.verified)
    upcoming = anef_entries(demarche, kind, permit)
    certain = not any(not entry.exact or not entry.verified for entry in upcoming)
    return Channel("local", None, R431_3, demarche.local_source or (upcoming[0].source if upcoming else ""), day,
                   certain=certain)


def next_anef_entry(demarche: Demarche, kind: str, after: dt.date, permit: str | None = None) -> AnefEntry | None:
    return next((e for e in anef_entries(demarche, kind, permit) if e.start > after), None)


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


def plan_channel(rules: Rules, s: Situation, demarche: Demarche) -> tuple[Channel, list[Warning]]:
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
        return current, [Warning("anef-by-date", {"by": upcoming.start}, f"{R431_2} ; {upcoming.source}")]
    if s.expires_on is None or not demarche.residence_permit or upcoming.start > s.expires_on:
        return current, [Warning("moves-to-anef", {"on": upcoming.start}, f"{R431_2} ; {upcoming.source}")]
    local = filing_window(rules, "local", s.expires_on, s.on)
    last_local_day = min(local.closes_on, upcoming.start - dt.timedelta(days=1))
    if local.opens_on <= last_local_day and last_local_day >= s.on:
        # Still time to file locally in the window before the move.
        return current, [Warning("moves-to-anef", {"on": upcoming.start}, f"{R431_2} ; {upcoming.source}"),
                         Warning("file-locally-before-move", {"until": last_local_day, "on": upcoming.start})]
    anef = Channel("anef", upcoming.start, R431_2, upcoming.source, upcoming.start, certain=upcoming.verified)
    closes_on = filing_window(rules, "anef", s.expires_on, s.on).closes_on
    return anef, [Warning("moves-to-anef-before-filing", {"on": upcoming.start, "closes_on": closes_on},
                          f"{R431_2} ; {upcoming.source} ; CESEDA R.431-5 1°")]
