"""The statistics page's counts at 1k, 10k (and, with --cases, more) cases:
the database's GROUP BY queries (core/stats/queries.py) against the
case-by-case definition they replace (core/stats/counts.py), in the same run.

    .venv/bin/python bench/stats.py [--cases 1000 10000] [--database-url postgresql://…]

Seeds realistic rows itself (cases with documents, blockages, booking
attempts, anonymous records) in a throw-away SQLite file unless a database
URL is given. Prints milliseconds and the ratio; nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402

from core import create_app  # noqa: E402
from core.cases.models import Case, CaseBlockage, EvidenceEntry, HeldDocument  # noqa: E402
from core.stats.counts import aggregate, collect  # noqa: E402
from core.stats.models import AnonymousCase  # noqa: E402
from core.stats.queries import counts_for  # noqa: E402
from core.web.extensions import db  # noqa: E402

DEPARTEMENTS = ("33", "14", "06", "13", "83", "75")
DEMARCHES = ("salarie", "conjoint-de-francais", "etudiant", "vie-privee-familiale", "visiteur")
BLOCKAGES = ("anef-technical-error", "pan-unreachable", "no-appointment")


def seed(total: int, already: int) -> None:
    """Add cases up to ``total``, in batches (bulk inserts, as a migration would)."""
    rng = random.Random(already)
    for start in range(already, total, 2000):
        cases = []
        for number in range(start, min(total, start + 2000)):
            created = dt.datetime(2023, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 1000))
            cases.append(Case(person_name=f"P{number}", departement=rng.choice(DEPARTEMENTS),
                              demarche=rng.choice(DEMARCHES), kind=rng.choice(("first", "renewal")),
                              expires_on=created.date() + dt.timedelta(days=rng.randrange(-100, 200)),
                              filed_on=created.date(), created_at=created))
        db.session.add_all(cases)
        db.session.flush()
        for case in cases:
            if rng.random() < 0.4:
                db.session.add(HeldDocument(case_id=case.id, kind="api",
                                            issued_on=case.filed_on + dt.timedelta(days=rng.randrange(1, 90))))
            for _ in range(rng.randrange(0, 3)):
                db.session.add(CaseBlockage(case_id=case.id, kind=rng.choice(BLOCKAGES), recorded_by="bench",
                                            occurred_on=case.created_at.date() + dt.timedelta(days=rng.randrange(60))))
            for sequence in range(1, rng.randrange(1, 4)):
                db.session.add(EvidenceEntry(case_id=case.id, sequence=sequence, kind="pan-attempt",
                                             occurred_at=case.created_at + dt.timedelta(days=7 * sequence),
                                             recorded_by="bench", summary="tentative",
                                             result=rng.choice(("no-slot", "appointment")),
                                             previous_hash="0" * 64, entry_hash=f"{case.id:032d}{sequence:032d}"))
        db.session.add(AnonymousCase(departement="33", demarche="salarie", kind="renewal", opened_month="2024-05",
                                     renewal_break=True, days_to_api=30, reason="retention",
                                     removed_on=dt.date(2026, 1, 1)))
        db.session.commit()


def timed(function, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
        db.session.remove()
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            flask_migrate.upgrade()
            start, end = dt.date(2023, 1, 1), dt.date(2025, 12, 31)
            print(f"{'cases':>8} {'database (ms)':>14} {'case by case (ms)':>18} {'ratio':>7}")
            seeded = 0
            for total in sorted(arguments.cases):
                seed(total, seeded)
                seeded = total
                in_database = timed(lambda: counts_for(start, end))
                case_by_case = timed(lambda: aggregate(collect(start, end)), rounds=1)
                assert counts_for(start, end) == aggregate(collect(start, end))
                print(f"{total:>8} {in_database:>14.1f} {case_by_case:>18.1f} {case_by_case / in_database:>6.0f}×")


if __name__ == "__main__":
    main()
