"""Every figure of issue 12 on one database, size after size.

Why one database per run, grown in place: seeding 100,000 cases costs more
than benchmarking them, so the database is seeded to the smallest size,
measured, topped up to the next size, measured again. A fresh gunicorn is
started at each size so that the workers' memory starts from the same point.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path

import inprocess
import load
import seed
import serving
from report import RESULTS, figure

#: gunicorn's logs, kept after the run: a 500 during the load is explained there.
LOGS = RESULTS / "logs"

ASSESS_BODY = {"departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal",
               "expires_on": "2025-01-09", "filed_on": "2024-11-04", "on": "2025-01-12"}
PAGE_RATIO, API_RATIO, P99_MS = 0.40, 0.50, 100.0
STATS_SECONDS, RSS_GROWTH_MB = 1.0, 50.0
STARTUP_SECONDS, CHAIN_MS = 1.0, 100.0


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    def __init__(self, database: str, folder: Path, duration: float, warmup: float):
        from core import create_app
        from core.web.config import normalise_database_url

        self.database, self.folder = database, folder
        self.duration, self.warmup = duration, warmup
        if database == "postgresql":
            url = os.environ.get("DATABASE_URL", "")
            if not url.startswith("postgres"):
                raise RuntimeError("DATABASE_URL is not a PostgreSQL URL (run under .ci/with-postgres.sh)")
        else:
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        attachments = folder / "attachments"
        self.server_env = {"DATABASE_URL": url, "PERMANENCE_ATTACHMENTS_DIR": str(attachments),
                           "PERMANENCE_ENV": "development", "PERMANENCE_DEMO": ""}
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                               "ATTACHMENTS_DIR": str(attachments)})
        with self.app.app_context(), contextlib.redirect_stderr(io.StringIO()):
            import flask_migrate
            flask_migrate.upgrade()  # whatever the migrations maintain (indexes, search) comes with it
        self.chain_case = self.zip_case = None
        self.seeding: dict[str, float] = {}

    # --- data ------------------------------------------------------------------------------

    def grow(self, total: int) -> None:
        started = time.perf_counter()
        with self.app.app_context():
            added = seed.seed_cases(total)
            if self.chain_case is None:
                self.chain_case = seed.add_long_chain(1000)
        self.seeding[str(total)] = time.perf_counter() - started
        say(f"{self.database}: {added:,} cases added ({total:,} in all) in {self.seeding[str(total)]:.1f} s")
        if self.zip_case is None:
            self.zip_case = inprocess.add_case_with_attachments(self.app)

    def search_terms(self) -> tuple[str, str]:
        """A person's full name, as a volunteer types it (a few dozen cases share it at 100,000),
        and a common surname alone (2 to 3 % of the cases: the cost grows with what it finds)."""
        from core.cases.models import Case
        from core.web.extensions import db
        with self.app.app_context():
            names = db.session.scalars(db.select(Case.person_name).order_by(Case.id).limit(50)).all()
        full = next(name for name in names if len(name.split()[-1]) >= 5)
        return full, full.split()[-1]

    # --- HTTP -------------------------------------------------------------------------------

    def _wrk(self, url: str, **options) -> load.Load | None:
        try:
            return load.run_wrk(url, duration=self.duration, warmup=self.warmup, **options)
        except Exception as exc:  # the report says so; the run goes on
            say(f"wrk failed on {url}: {exc}")
            return None

    def http_figures(self, bare: serving.Server, size: int) -> list[dict]:
        if not load.wrk_available():
            say(load.INSTALL_HINT)
            return [figure("HTTP figures", None, "", note="skipped: " + load.INSTALL_HINT)]
        figures = []
        bare_minimal = self._wrk(bare.url + "/rows")
        if bare_minimal is not None:
            figures.append(figure("minimal Jinja page of 20 rows (for reference)", bare_minimal.requests_per_second,
                                  "req/s", note="three links of layout, no form", ratio=None))
        log = LOGS / f"gunicorn-{self.database}-{size}.log"
        # Both servers run together; each figure is loaded right after its baseline, so that the
        # machine's mood (other work on the same 2 cores) weighs on both sides of each ratio.
        with serving.Server("bare_pages:app", self.server_env, LOGS / f"bare-pages-{self.database}.log",
                            pythonpath=str(serving.BENCH)) as templates, \
                serving.Server("core:create_app()", self.server_env, log) as server:
            cookie = serving.login(server.url, *seed.LOGIN)
            full_name, surname = self.search_terms()
            pages = [("/dossiers (next deadline)", "/dossiers", None),
                     ("/dossiers?sort=updated", "/dossiers?sort=updated", None),
                     (f"/dossiers, name search {full_name!r}", None, full_name),
                     (f"/dossiers, broad search {surname!r}", None, surname),
                     ("/ (dashboard)", "/", None)]
            for name, path, searched in pages:
                say(f"{self.database} {size:,}: {name}")
                page_cookie = cookie
                if searched is not None:  # the search's text travels in the session, as from the form
                    page_cookie, path = serving.search(server.url, cookie, searched)
                baseline = self._baseline(templates, "/bare/accueil" if path == "/" else "/bare/dossiers")
                result = self._checked(server, path, page_cookie)
                if isinstance(result, str):
                    figures.append(figure(f"{name} throughput", None, "req/s", passed=False, note=result))
                    continue
                measured = self._throughput(name, result, baseline, PAGE_RATIO, "its template on rows in memory")
                if path.startswith("/dossiers"):
                    measured.append(self._p99(name, result))
                if "broad search" in name:  # not a target of issue 12: shows how the cost follows the matches
                    measured = [dict(item, passed=None, note="for information") for item in measured]
                figures += measured
            for name, path, body in (("POST /api/v1/assess", "/api/v1/assess", ASSESS_BODY),
                                     ("GET /api/v1/departements/14", "/api/v1/departements/14", None)):
                say(f"{self.database} {size:,}: {name}")
                baseline = self._wrk(bare.url + "/hello", post_json=body)
                result = self._checked(server, path, "", body)
                if isinstance(result, str):
                    figures.append(figure(f"{name} throughput", None, "req/s", passed=False, note=result))
                    continue
                figures += self._throughput(name, result, baseline, API_RATIO, "bare Flask hello")
            say(f"{self.database} {size:,}: /statistiques and its CSV export")
            figures += self._statistics(server, cookie)
        return figures

    def _baseline(self, server: serving.Server, path: str) -> load.Load | None:
        """A baseline that does not answer 200 measures an error page: none then, and said so."""
        status = serving.fetch(server.url + path)[0]
        if status != 200:
            say(f"baseline {path} answered HTTP {status} (see {LOGS}): no ratio for the pages")
            return None
        return self._wrk(server.url + path)

    def _checked(self, server: serving.Server, path: str, cookie: str,
                 body: dict | None = None) -> load.Load | str:
        """200 first (not the login page), then the load; a string says why not."""
        import json
        data = json.dumps(body).encode() if body is not None else None
        status, _body, _seconds, location = serving.fetch(server.url + path, cookie=cookie, data=data,
                                                          content_type="application/json" if data else None)
        if status != 200:
            return f"HTTP {status}" + (f" to {location}" if location else "")
        result = self._wrk(server.url + path, cookie=cookie, post_json=body)
        return result if result is not None else "wrk failed"

    @staticmethod
    def _throughput(name: str, result: load.Load, baseline: load.Load | None, ratio: float,
                    label: str) -> list[dict]:
        note = f"{result.errors} errors" if result.errors else ""
        base = baseline.requests_per_second if baseline else None
        share = result.requests_per_second / base if base else None
        return [figure(f"{name} throughput", result.requests_per_second, "req/s", baseline=base,
                       target=f"≥ {ratio:.0%} of {label}", passed=None if share is None else share >= ratio,
                       note=note)]

    @staticmethod
    def _p99(name: str, result: load.Load) -> dict:
        return figure(f"{name} p99 at {load.CONNECTIONS} connections", result.p99_ms, "ms",
                      target=f"< {P99_MS:.0f} ms", passed=result.p99_ms < P99_MS)

    def _statistics(self, server: serving.Server, cookie: str) -> list[dict]:
        year = dt.date.today().year - 1
        query = f"?from={year}-01-01&to={year}-12-31"
        before = server.worker_rss_mb()
        figures = []
        for name, path in ((f"/statistiques for {year}", "/statistiques" + query),
                           (f"/statistiques/export.csv for {year}", "/statistiques/export.csv" + query)):
            times, status = [], 200
            for _ in range(3):
                status, _body, seconds, _location = serving.fetch(server.url + path, cookie=cookie)
                times.append(seconds)
            if status != 200:
                figures.append(figure(f"{name}, one request", None, "s", passed=False, note=f"HTTP {status}"))
                continue
            figures.append(figure(f"{name}, one request (best of 3)", min(times), "s",
                                  target=f"< {STATS_SECONDS:.0f} s", passed=min(times) < STATS_SECONDS,
                                  note=f"first {times[0]:.2f} s"))
        after = server.worker_rss_mb()
        growth = max((after[pid] - before.get(pid, after[pid]) for pid in after), default=None)
        figures.append(figure("worker RSS growth over 6 statistics requests", growth, "MB",
                              baseline=max(before.values(), default=None), target=f"≤ {RSS_GROWTH_MB:.0f} MB",
                              passed=None if growth is None else growth <= RSS_GROWTH_MB,
                              note="baseline: worker RSS before", ratio=None))
        return figures

    # --- in process ---------------------------------------------------------------------------

    def process_figures(self) -> list[dict]:
        say(f"{self.database}: evidence chain of 1,000 entries, lawyer's ZIP of 50 × 1 MB")
        seconds, intact = inprocess.verify_chain_seconds(self.app, self.chain_case)
        figures = [figure("verify_case, 1,000 entries (best of 7)", seconds * 1000, "ms",
                          target=f"< {CHAIN_MS:.0f} ms", passed=intact and seconds * 1000 < CHAIN_MS,
                          note="" if intact else "chain NOT intact")]
        zipped = inprocess.zip_seconds(self.app, self.zip_case)
        missing = "" if zipped["zip"] is not None else "zip missing: apt-get install zip"
        figures.append(figure(f"lawyer's ZIP, the {zipped['files']} × 1 MB pieces streamed (best of 3)",
                              zipped["pieces"], "s", baseline=zipped["zip"], target="≤ zip -0 (ratio ≤ 1)",
                              passed=None if missing else zipped["pieces"] <= zipped["zip"], note=missing))
        figures.append(figure("lawyer's ZIP, whole download (chain check + bordereau PDF)", zipped["export"], "s",
                              baseline=zipped["bordereau"] + (zipped["zip"] or 0),
                              target="≈ WeasyPrint alone + zip -0", note="baseline: bordereau PDF + zip -0"))
        return figures


def startup_figures(plugins: int = 100) -> list[dict]:
    say(f"start-up: create_app() in a fresh process with {plugins} plugins installed (best of 3)")
    try:
        timed = inprocess.startup(plugins)
    except Exception as exc:
        return [figure("create_app() with 100 plugins", None, "s", passed=False, note=str(exc)[:200])]
    return [figure(f"create_app(), {timed['loaded']} plugins installed", timed["app"], "s", baseline=timed["flask"],
                   target=f"< {STARTUP_SECONDS:.0f} s (baseline: import flask)",
                   passed=timed["app"] < STARTUP_SECONDS)]


def run_database(database: str, sizes: list[int], duration: float, warmup: float, with_startup: bool) -> dict:
    """The figures of one database at each size, as the report module expects them."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{database}-") as folder:
        bench = Bench(database, Path(folder), duration, warmup)
        startup = startup_figures() if with_startup else []
        results = {"sizes": {}, "seeding": bench.seeding}
        LOGS.mkdir(parents=True, exist_ok=True)
        with serving.Server("bare_app:app", {}, LOGS / f"bare-{database}.log",
                            pythonpath=str(serving.BENCH)) as bare:
            for size in sorted(sizes):
                bench.grow(size)
                figures = bench.http_figures(bare, size) + bench.process_figures()
                if startup and size == min(sizes):
                    figures += startup
                results["sizes"][str(size)] = figures
    return results
