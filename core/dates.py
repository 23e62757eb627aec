"""Calendar arithmetic the rules and the pages share. Pure Python."""
from __future__ import annotations

import calendar
import datetime as dt

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
