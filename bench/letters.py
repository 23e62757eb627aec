"""Render every letter of a demo case and print the median time per letter,
per engine, against the engine alone on the same HTML.

    .venv/bin/python bench/letters.py [--rounds 7]

Targets (issue #6): median under 150 ms per letter with WeasyPrint on the
project's machine, and the whole pipeline (filling, layout, PDF) no more than
1.3 times WeasyPrint alone on the same HTML.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from flask_login import login_user  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from core import create_app  # noqa: E402
from core.accounts.models import User  # noqa: E402
from core.cases.demo import seed_demo_cases  # noqa: E402
from core.cases.models import Case  # noqa: E402
from core.cases.service import assess_case  # noqa: E402
from core.letters import catalogue as C  # noqa: E402
from core.letters import compose as L  # noqa: E402
from core.plugins.state import local_facts  # noqa: E402
from core.web.extensions import db  # noqa: E402
from core.web.pdf import render_pdf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    workdir = Path(tempfile.mkdtemp(prefix="permanence-bench-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40, "PERMANENCE_ENV": "development",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
                      "ATTACHMENTS_DIR": str(workdir / "attachments")})
    engines = ["weasyprint"] + (["wkhtmltopdf"] if shutil.which("wkhtmltopdf") else [])
    with app.test_request_context():
        flask_migrate.upgrade()
        volunteer = User(email="benevole@example.org", name="Camille Bénévole", role="benevole", password_hash="x")
        db.session.add(volunteer)
        db.session.commit()
        login_user(volunteer)
        seed_demo_cases(dt.date.today())
        case = db.session.scalar(db.select(Case).filter_by(departement="14"))
        facts = local_facts()
        result = assess_case(case)
        specs = [s for s in C.catalogue(facts, case.departement)
                 if s.kind == "letter" and L.recipient_for(s, facts, case.departement)[1] is None]
        print(f"{len(specs)} letters for {case.reference} (Calvados), {rounds} rounds, engines: {', '.join(engines)}")
        print(f"{'letter':<28} {'engine':<12} {'pages':>5} {'pipeline ms':>12} {'engine alone ms':>16} {'ratio':>6}")
        summary = {engine: ([], []) for engine in engines}
        for spec in specs:
            recipient, _missing = L.recipient_for(spec, facts, case.departement)
            for engine in engines:
                pipeline, alone, pages = [], [], 0
                for _round in range(rounds):
                    start = time.perf_counter()
                    context = L.build_context(case, result, facts, volunteer_name=volunteer.name,
                                              pieces=list(case.entries), urgency="perte d'emploi")
                    context["recipient"] = recipient
                    subject, body = L.render_text(spec, context)
                    html = L.letter_html(spec, subject, body, context)
                    pdf = render_pdf(html, engine=engine)
                    pipeline.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    render_pdf(html, engine=engine)
                    alone.append(time.perf_counter() - start)
                    pages = len(PdfReader(io.BytesIO(pdf)).pages)
                median_pipeline, median_alone = statistics.median(pipeline), statistics.median(alone)
                summary[engine][0].append(median_pipeline)
                summary[engine][1].append(median_alone)
                print(f"{spec.slug:<28} {engine:<12} {pages:>5} {median_pipeline * 1000:>12.1f} "
                      f"{median_alone * 1000:>16.1f} {median_pipeline / median_alone:>6.2f}")
        print()
        for engine, (pipeline, alone) in summary.items():
            print(f"{engine}: median per letter {statistics.median(pipeline) * 1000:.1f} ms "
                  f"(engine alone {statistics.median(alone) * 1000:.1f} ms, "
                  f"ratio {statistics.median(pipeline) / statistics.median(alone):.2f})")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
