"""Blockage statistics for advocacy: counts across the instance's cases
(live, and the anonymous records kept after personal data is deleted),
with small counts suppressed before anything leaves the intranet.

Seed 000 ends on it: blockages « doivent être portés à la connaissance de
ceux qui les créent/perpétuent, en masse ».
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field

from core.cases.models import Case
from core.stats.models import AnonymousBlockage, AnonymousCase
from core.web import clock
from core.web.extensions import db

CSV_FORMAT = "permanence-stats/1"
CSV_COLUMNS = ("format", "instance", "period_start", "period_end", "dimension", "key", "count", "suppressed")
DIMENSIONS = ("cases_by_departement", "cases_by_demarche", "cases_by_month", "blockages_by_kind",
              "blockages_by_departement", "blockages_by_month", "renewal_breaks", "renewals_expired",
              "days_filing_to_api", "days_first_pan_attempt_to_appointment")
HOLDING_KINDS = ("api", "recepisse", "attestation-decision-favorable")


@dataclass
class CaseFacts:
    """The categorical facts statistics use: nothing about the person."""

    departement: str
    demarche: str
    kind: str
    opened_month: str
    renewal_break: bool | None  # None: not an expired renewal
    days_to_api: int | None
    days_to_pan: int | None
    blockages: list[tuple[str, str]] = field(default_factory=list)  # (kind, month)


def month(day: dt.date | dt.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def facts_of(case: Case, today: dt.date) -> CaseFacts:
    """Reduce a case to what counts: used live, and kept when the case is deleted."""
    held = [d for d in case.documents if d.kind in HOLDING_KINDS]
    expired_renewal = case.kind == "renewal" and case.expires_on is not None and case.expires_on < today
    api = min((d.issued_on for d in case.documents if d.kind == "api" and d.issued_on), default=None)
    attempts = sorted(e.occurred_at for e in case.entries if e.kind in ("pan-attempt", "appointment-attempt"))
    given = sorted(e.occurred_at for e in case.entries
                   if e.kind in ("pan-attempt", "appointment-attempt") and e.result == "appointment")
    return CaseFacts(
        departement=case.departement, demarche=case.demarche, kind=case.kind, opened_month=month(case.created_at),
        renewal_break=(not held) if expired_renewal else None,
        days_to_api=(api - case.filed_on).days if api and case.filed_on else None,
        days_to_pan=(given[0] - attempts[0]).days if attempts and given else None,
        blockages=[(b.kind, month(b.occurred_on)) for b in case.blockages])


def anonymous_record(case: Case, reason: str, today: dt.date) -> AnonymousCase:
    facts = facts_of(case, today)
    record = AnonymousCase(departement=facts.departement, demarche=facts.demarche, kind=facts.kind,
                           opened_month=facts.opened_month, renewal_break=bool(facts.renewal_break),
                           days_to_api=facts.days_to_api, days_to_pan=facts.days_to_pan, reason=reason,
                           removed_on=today)
    record.blockages = [AnonymousBlockage(kind=kind, month=m) for kind, m in facts.blockages]
    return record


def collect(start: dt.date, end: dt.date, today: dt.date | None = None) -> list[CaseFacts]:
    """Every case opened in the period, live or anonymous (erased shells excluded)."""
    today = today or clock.today()
    first, last = month(start), month(end)
    live = db.session.scalars(db.select(Case).where(Case.erased_at.is_(None))).all()
    found = [facts_of(case, today) for case in live]
    for record in db.session.scalars(db.select(AnonymousCase)):
        found.append(CaseFacts(record.departement, record.demarche, record.kind, record.opened_month,
                               record.renewal_break if record.kind == "renewal" else None, record.days_to_api,
                               record.days_to_pan, [(b.kind, b.month) for b in record.blockages]))
    return [f for f in found if first <= f.opened_month <= last]


def aggregate(cases: list[CaseFacts]) -> dict[str, Counter]:
    counts = {dimension: Counter() for dimension in DIMENSIONS}
    for case in cases:
        counts["cases_by_departement"][case.departement] += 1
        counts["cases_by_demarche"][case.demarche] += 1
        counts["cases_by_month"][case.opened_month] += 1
        if case.renewal_break is not None:
            counts["renewals_expired"]["all"] += 1
            counts["renewal_breaks"]["all"] += int(case.renewal_break)
        # A case counts once per blockage and month: five PAN attempts without a slot in March, or the
        # same blockage derived from the log and entered by hand, are one case that met it that month.
        for kind, blockage_month in sorted(set(case.blockages)):
            counts["blockages_by_kind"][kind] += 1
            counts["blockages_by_departement"][case.departement] += 1
            counts["blockages_by_month"][blockage_month] += 1
    for dimension, attribute in (("days_filing_to_api", "days_to_api"),
                                 ("days_first_pan_attempt_to_appointment", "days_to_pan")):
        values = [getattr(c, attribute) for c in cases if getattr(c, attribute) is not None]
        if values:
            counts[dimension]["cases"] = len(values)
            counts[dimension]["median_days"] = round(statistics.median(values))
    return counts


def suppressed(count: int, threshold: int) -> bool:
    """A count between 1 and threshold − 1 could point to a person: withheld."""
    return 0 < count < threshold


def withheld_keys(counter: Counter, threshold: int) -> set[str]:
    """The cells to withhold: the small ones, and, when only one is small, the
    next smallest too, so that no hidden cell can be worked out from a total
    (complementary suppression)."""
    hidden = {key for key, count in counter.items() if suppressed(count, threshold)}
    if len(hidden) == 1:
        visible = sorted((count, key) for key, count in counter.items() if key not in hidden and count > 0)
        if visible:
            hidden.add(visible[0][1])
    return hidden


def to_csv(counts: dict[str, Counter], *, instance: str, start: dt.date, end: dt.date, threshold: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for dimension in DIMENSIONS:
        if dimension.startswith("days_"):
            hidden = set(counts[dimension]) if suppressed(counts[dimension]["cases"], threshold) else set()
        elif dimension in ("renewal_breaks", "renewals_expired"):
            hidden = {key for key, count in counts[dimension].items() if suppressed(count, threshold)}
        else:
            hidden = withheld_keys(counts[dimension], threshold)
        for key, count in sorted(counts[dimension].items()):
            hide = key in hidden
            writer.writerow((CSV_FORMAT, instance, start.isoformat(), end.isoformat(), dimension, key,
                             "" if hide else count, "1" if hide else "0"))
    return buffer.getvalue()


class MergeError(ValueError):
    pass


def merge_csv(texts: list[str], threshold: int) -> str:
    """Add up the exports of several instances (same format). Exact counts
    are summed; a cell withheld by an instance stays unknown, so the merged
    cell is marked as a lower bound in `suppressed` (the number of instances
    that withheld it). Medians cannot be merged and are left out."""
    totals: dict[tuple[str, str], int] = Counter()
    withheld: dict[tuple[str, str], int] = Counter()
    instances, periods = [], set()
    for number, text in enumerate(texts, start=1):
        reader = csv.DictReader(io.StringIO(text))
        if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
            raise MergeError(f"file {number}: not a {CSV_FORMAT} file (columns {reader.fieldnames})")
        names = set()
        for line, row in enumerate(reader, start=2):
            if None in row.values() or row["format"] != CSV_FORMAT:
                raise MergeError(f"file {number}, line {line}: not a {CSV_FORMAT} row")
            names.add(row["instance"])
            periods.add((row["period_start"], row["period_end"]))
            if row["dimension"].startswith("days_"):
                continue
            key = (row["dimension"], row["key"])
            if row["suppressed"] == "1":
                withheld[key] += 1
            elif row["count"].isdigit():
                totals[key] += int(row["count"])
            else:
                raise MergeError(f"file {number}, line {line}: count {row['count']!r} is not a number")
        for name in names:
            if name in instances or "+" in name:
                raise MergeError(f"file {number}: instance {name!r} is already counted (merge each export once)")
            instances.append(name)
    if len(periods) > 1:
        raise MergeError("the exports cover different periods: " + ", ".join(f"{a}–{b}" for a, b in sorted(periods)))
    starts, ends = [p[0] for p in periods], [p[1] for p in periods]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    name = "+".join(sorted(set(instances)))
    for dimension, key in sorted(set(totals) | set(withheld)):
        count = totals[(dimension, key)]
        hide = suppressed(count, threshold) and not withheld[(dimension, key)]
        writer.writerow((CSV_FORMAT, name, min(starts), max(ends), dimension, key,
                         "" if hide else count, str(withheld[(dimension, key)]) if withheld[(dimension, key)]
                         else ("1" if hide else "0")))
    return buffer.getvalue()
