"""``make bench``: every figure of issue 12 ("Fast with years of cases") as a
ratio against a baseline measured in the same run, with PASS or FAIL.

    .venv/bin/python bench/run.py [--cases 1000 10000 100000] [--databases sqlite postgresql]
                                  [--duration 5] [--warmup 1]

Why a separate command, outside `make test`: it seeds up to 100,000 cases
and loads gunicorn for minutes; the test suite counts queries instead.
Each database is measured in a child process (PostgreSQL's under
.ci/with-postgres.sh, a throw-away server); a failing database is reported,
never raised. The report is printed and saved in bench/results/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=float, default=5, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of wrk warm-up before each run")
    parser.add_argument("--child", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    parser.add_argument("--startup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child(options: argparse.Namespace) -> None:
    """Measure one database and write its figures as JSON for the parent."""
    import measure
    try:
        results = measure.run_database(options.child, options.cases, options.duration, options.warmup,
                                       options.startup)
    except Exception as exc:  # reported by the parent, with the rest
        import traceback
        traceback.print_exc()
        results = {"error": f"{type(exc).__name__}: {exc}"[:500], "sizes": {}}
    Path(options.json_out).write_text(json.dumps(results))


def parent(options: argparse.Namespace) -> dict:
    import load
    if not load.wrk_available():
        print(load.INSTALL_HINT + " — the HTTP figures are skipped.", flush=True)
    results = {"started": dt.datetime.now().isoformat(timespec="seconds"), "databases": {},
               "settings": {"cases": options.cases, "duration": options.duration, "warmup": options.warmup,
                            "connections": load.CONNECTIONS, "threads": load.THREADS, "workers": 2}}
    for index, database in enumerate(options.databases):
        started = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, str(BENCH / "run.py"), "--child", database, "--json-out", out.name,
                       "--duration", str(options.duration), "--warmup", str(options.warmup),
                       "--cases", *map(str, options.cases)] + (["--startup"] if index == 0 else [])
            if database == "postgresql":
                command = [str(ROOT / ".ci" / "with-postgres.sh"), *command]
            finished = subprocess.run(command, cwd=ROOT)
            text = Path(out.name).read_text()
        data = json.loads(text) if text else {"error": f"the run stopped (exit code {finished.returncode})",
                                              "sizes": {}}
        data["seconds"] = time.perf_counter() - started
        results["databases"][database] = data
        print(f"{database}: measured in {data['seconds']:.0f} s", flush=True)
    return results


def main() -> None:
    options = arguments()
    if options.child:
        sys.path.insert(0, str(BENCH))
        child(options)
        return
    sys.path.insert(0, str(BENCH))
    import report
    started = time.perf_counter()
    results = parent(options)
    results["seconds"] = time.perf_counter() - started
    print("\n" + report.render(results))
    as_json, as_markdown = report.save(results)
    print(f"\nSaved: {as_json.relative_to(ROOT)} and {as_markdown.relative_to(ROOT)} "
          f"({results['seconds'] / 60:.1f} min in all)")


if __name__ == "__main__":
    main()
