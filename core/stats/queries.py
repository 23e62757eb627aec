"""The statistics computed by the database: a fixed number of GROUP BY
queries whatever the number of cases, the period filtered in SQL, nothing
about a person loaded. Gives the same counts as
``aggregate(collect(...))`` in :mod:`core.stats.counts`, which defines them
case by case (and makes the anonymous record kept after deletion);
``tests/test_network.py`` checks that both agree.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from sqlalchemy import and_, case, distinct, exists, func, literal, select

from core.cases.models import Case, CaseBlockage, EvidenceEntry, HeldDocument
from core.stats.counts import DIMENSIONS, HOLDING_KINDS, month
from core.stats.models import AnonymousBlockage, AnonymousCase
from core.web import clock
from core.web.extensions import db

ATTEMPTS = ("pan-attempt", "appointment-attempt")


def counts_for(start: dt.date, end: dt.date, today: dt.date | None = None) -> dict[str, Counter]:
    """Every case opened from ``start``'s month to ``end``'s month, live or anonymous."""
    today = today or clock.today()
    first, last = month(start), month(end)
    opened_from = dt.datetime(start.year, start.month, 1)
    opened_before = dt.datetime(end.year + end.month // 12, end.month % 12 + 1, 1)
    live = and_(Case.erased_at.is_(None), Case.created_at >= opened_from, Case.created_at < opened_before)
    kept = AnonymousCase.opened_month.between(first, last)
    counts = {dimension: Counter() for dimension in DIMENSIONS}

    def add(dimensions: tuple[str, ...], columns: tuple, where, *joined, counted=None) -> None:
        query = select(*columns, func.count() if counted is None else counted).where(where).group_by(*columns)
        if joined:
            query = query.select_from(joined[0])
        for *keys, count in db.session.execute(query):
            for dimension, key in zip(dimensions, keys, strict=True):
                if key is not None:
                    counts[dimension][str(key)] += count

    # One scan per table, grouped by every dimension at once; the few rows are summed here.
    case_dimensions = ("cases_by_departement", "cases_by_demarche", "cases_by_month")
    add(case_dimensions, (Case.departement, Case.demarche, _month_of(Case.created_at)), live)
    add(case_dimensions, (AnonymousCase.departement, AnonymousCase.demarche, AnonymousCase.opened_month), kept)

    holds = exists().where(HeldDocument.case_id == Case.id, HeldDocument.kind.in_(HOLDING_KINDS))
    expired = and_(live, Case.kind == "renewal", Case.expires_on.is_not(None), Case.expires_on < today)
    expired_count, breaks = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((holds, 0), else_=1)), 0)).where(expired)).one()
    kept_count, kept_breaks = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((AnonymousCase.renewal_break, 1), else_=0)), 0))
        .where(kept, AnonymousCase.kind == "renewal")).one()
    if expired_count + kept_count:
        counts["renewals_expired"]["all"] = expired_count + kept_count
        counts["renewal_breaks"]["all"] = int(breaks) + int(kept_breaks)

    blockage_dimensions = ("blockages_by_kind", "blockages_by_departement", "blockages_by_month")
    # Each case once per blockage and month (core/stats/counts.py, aggregate).
    add(blockage_dimensions, (CaseBlockage.kind, Case.departement, _month_of(CaseBlockage.occurred_on)),
        and_(CaseBlockage.case_id == Case.id, live), CaseBlockage, counted=func.count(distinct(CaseBlockage.case_id)))
    add(blockage_dimensions, (AnonymousBlockage.kind, AnonymousCase.departement, AnonymousBlockage.month),
        and_(AnonymousBlockage.anonymous_case_id == AnonymousCase.id, kept), AnonymousBlockage,
        counted=func.count(distinct(AnonymousBlockage.anonymous_case_id)))

    _median(counts["days_filing_to_api"], _days_to_api(live) + _kept(AnonymousCase.days_to_api, kept))
    _median(counts["days_first_pan_attempt_to_appointment"], _days_to_pan(live) + _kept(AnonymousCase.days_to_pan, kept))
    return counts


def _month_of(column):
    """'YYYY-MM' of a date or a timestamp, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _days_to_api(live) -> list[int]:
    """From filing to the first API issued, one value per case that has both."""
    first_api = (select(HeldDocument.case_id, func.min(HeldDocument.issued_on).label("issued_on"))
                 .where(HeldDocument.kind == "api", HeldDocument.issued_on.is_not(None))
                 .group_by(HeldDocument.case_id).subquery())
    rows = db.session.execute(select(Case.filed_on, first_api.c.issued_on)
                              .join(first_api, first_api.c.case_id == Case.id)
                              .where(live, Case.filed_on.is_not(None)))
    return [(issued_on - filed_on).days for filed_on, issued_on in rows]


def _days_to_pan(live) -> list[int]:
    """From the first booking attempt to the first one that gave an appointment."""
    given = func.min(case((EvidenceEntry.result == "appointment", EvidenceEntry.occurred_at), else_=literal(None)))
    rows = db.session.execute(
        select(func.min(EvidenceEntry.occurred_at), given)
        .join(Case, Case.id == EvidenceEntry.case_id)
        .where(live, EvidenceEntry.kind.in_(ATTEMPTS))
        .group_by(EvidenceEntry.case_id))
    return [(_moment(appointment) - _moment(first)).days for first, appointment in rows if appointment is not None]


def _moment(value) -> dt.datetime:
    """SQLite returns MIN() of a timestamp as text."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _kept(column, kept) -> list[int]:
    return list(db.session.scalars(select(column).where(kept, column.is_not(None))))


def _median(counter: Counter, values: list[int]) -> None:
    if values:
        counter["cases"] = len(values)
        counter["median_days"] = round(statistics.median(values))
