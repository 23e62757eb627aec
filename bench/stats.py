"""The statistics page's counts at 1k, 10k (and, with --cases, more) cases:
the database's GROUP BY queries (core/stats/queries.py) against the
case-by-case definition they replace (core/stats/counts.py), in the same run.

    .venv/bin/python bench/stats.py [--cases 1000 10000] [--database-url postgresql://…]

Seeds realistic rows itself with bench/seed.py (the seeder of `make bench`)
in a throw-away SQLite file unless a database URL is given. Prints
milliseconds and the ratio; nothing is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402
from seed import seed_cases  # noqa: E402  (bench/seed.py, shared with make bench)

from core import create_app  # noqa: E402
from core.stats.counts import aggregate, collect  # noqa: E402
from core.stats.queries import counts_for  # noqa: E402
from core.web.extensions import db  # noqa: E402


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
            end = dt.date.today()
            start = end - dt.timedelta(days=3 * 365)  # the seeded years
            print(f"{'cases':>8} {'database (ms)':>14} {'case by case (ms)':>18} {'ratio':>7}")
            for total in sorted(arguments.cases):
                seed_cases(total)
                in_database = timed(lambda: counts_for(start, end))
                case_by_case = timed(lambda: aggregate(collect(start, end)), rounds=1)
                assert counts_for(start, end) == aggregate(collect(start, end))
                print(f"{total:>8} {in_database:>14.1f} {case_by_case:>18.1f} {case_by_case / in_database:>6.0f}×")


if __name__ == "__main__":
    main()
