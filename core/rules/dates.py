"""Calendar arithmetic the rules and the pages share. Pure Python."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

#: Dates accepted from users, on the pages and in the API alike.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number ``months`` later (or earlier when negative), or the
    last day of that month when it has no such day: 31 Dec − 2 months is
    31 Oct, 31 Mar − 1 month is 28 or 29 Feb."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))


def is_stale(checked_on: dt.date, today: dt.date, max_age_months: int) -> bool:
    """A fact not checked for more than ``max_age_months`` must be re-checked."""
    return add_months(checked_on, max_age_months) < today


# --- time limits before the administrative courts --------------------------------

#: The holidays package names these subdivisions after INSEE codes, except
#: Alsace (Bas-Rhin and Haut-Rhin form the Collectivité européenne d'Alsace).
_HOLIDAY_SUBDIVISIONS = {"57": "57", "67": "6AE", "68": "6AE", "971": "971", "972": "972", "973": "973",
                         "974": "974", "976": "976"}


def public_holidays(year: int, departement: str | None = None) -> Mapping[dt.date, str]:
    """France's public holidays that year (with the local ones of Alsace-Moselle
    and the overseas départements), from the maintained ``holidays`` package."""
    return _public_holidays(year, _HOLIDAY_SUBDIVISIONS.get(departement or ""))


@functools.lru_cache(maxsize=256)
def _public_holidays(year: int, subdivision: str | None) -> Mapping[dt.date, str]:
    """Computed once per year and subdivision (half a millisecond each time otherwise), read-only."""
    import holidays

    return MappingProxyType(dict(holidays.France(years=year, subdiv=subdivision, language="fr")))


def is_working_day(day: dt.date, departement: str | None = None) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year, departement)


def next_working_day(day: dt.date, departement: str | None = None) -> dt.date:
    """``day`` itself, or the first working day after it."""
    while not is_working_day(day, departement):
        day += dt.timedelta(days=1)
    return day


def end_of_franc_period(start: dt.date, months: int, departement: str | None = None) -> dt.date:
    """The last day to act in a délai franc of ``months`` months running from
    ``start``: neither the starting day nor the day the months end count, so
    the last day is the day after; one that falls on a Saturday, a Sunday or a
    public holiday moves to the next working day (legal review:
    docs/legal-review.md, « Délai de recours »)."""
    return next_working_day(add_months(start, months) + dt.timedelta(days=1), departement)


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")


def french_date(day: dt.date) -> str:
    """« 1er août 2023 », « 4 mars 2025 »: for texts that are French whatever
    the screen's language (legal bases, letters)."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"
