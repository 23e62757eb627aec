"""What day and time it is for the people concerned, whatever the server's clock says.

Servers run in UTC: at 00:30 in Caen on 12 January the server is still on the
11th, and a form pre-filled with the server's time is one hour off (two in
summer). Everything people see or type (today's date, deadlines, when
something happened, the date of a letter) is in the help desk's time zone:
Europe/Paris, or ``BABEL_DEFAULT_TIMEZONE`` for an intranet in Réunion or
the Antilles. Stored moments are naive UTC (``utcnow``); dates are calendar
dates of that time zone.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

PEOPLE_TIME_ZONE = "Europe/Paris"


def utc_now() -> dt.datetime:
    """The one source of the current time (a test may set it)."""
    return dt.datetime.now(dt.UTC)


def time_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or PEOPLE_TIME_ZONE)


def today() -> dt.date:
    """Today's date where the help desk is."""
    return utc_now().astimezone(time_zone()).date()


def local_now() -> dt.datetime:
    """The wall-clock time where the help desk is, to the minute, without time zone: what a
    volunteer reads on their watch and what a ``datetime-local`` field shows."""
    return utc_now().astimezone(time_zone()).replace(tzinfo=None, second=0, microsecond=0)


def to_storage(local: dt.datetime) -> dt.datetime:
    """A wall-clock time typed by a volunteer, as stored: naive UTC. In the hour that
    happens twice in autumn, the first one (summer time) is taken."""
    return local.replace(tzinfo=time_zone()).astimezone(dt.UTC).replace(tzinfo=None)


def local_date(stored: dt.datetime) -> dt.date:
    """The day a stored (naive UTC) moment fell on where the help desk is."""
    return stored.replace(tzinfo=dt.UTC).astimezone(time_zone()).date()
