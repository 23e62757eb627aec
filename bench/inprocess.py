"""The figures measured inside one process or by launching processes:
start-up with 100 département plugins installed, checking a 1,000-entry
evidence chain, and the lawyer's ZIP of 50 attachments of 1 MB.

Why each baseline: ``python -c "import flask"`` is what any Flask app pays
before its own code; ``zip -0`` of the same files is what copying them into
an archive costs on this disk. Each figure is the best of a few rounds, the
least disturbed by the machine's noise.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IN_TREE_PLUGINS = "gironde,calvados,paca"


def best_of(function, rounds: int) -> float:
    """Seconds, the best of ``rounds``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


# --- start-up with 100 plugins ------------------------------------------------------

def install_plugins(site: Path, count: int = 100) -> list[str]:
    """``count`` real plugin packages made by the project's scaffold, each with
    its ``.dist-info`` and entry point, in ``site`` (a PYTHONPATH entry), one
    département each. There are 101 départements, so the in-tree plugins'
    eight are left to them only when ``count`` allows; otherwise they are
    disabled (PERMANENCE_DISABLED_PLUGINS), as a national deployment would."""
    from core.plugins.departements import NAMES
    from core.plugins.scaffold import plugin_name_for, write_plugin

    codes = sorted(NAMES)[:count]
    names = []
    with tempfile.TemporaryDirectory() as scratch:
        for code in codes:
            name = f"bench-{plugin_name_for(code)}"
            package = "permanence_" + name.replace("-", "_")
            source = write_plugin(code, Path(scratch) / name, name=name)
            shutil.copytree(source / package, site / package)
            info = site / f"{package}-0.1.0.dist-info"
            info.mkdir()
            (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: permanence-{name}\nVersion: 0.1.0\n")
            (info / "entry_points.txt").write_text(f"[permanence.plugins]\n{name} = {package}:plugin\n")
            (info / "top_level.txt").write_text(package + "\n")
            names.append(name)
    return names


def startup(plugins: int = 100, rounds: int = 3) -> dict:
    """Seconds for create_app() in a fresh process with ``plugins`` installed, and for importing flask."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        site.mkdir()
        installed = install_plugins(site, plugins)
        # Compiled as pip compiles an installed package: a start that recompiles every
        # module (PYTHONDONTWRITEBYTECODE, a fresh checkout) measures the compiler.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(site), str(ROOT / "core"),
                        str(ROOT / "plugins")], check=True, capture_output=True)
        env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{ROOT}",
               "PERMANENCE_DISABLED_PLUGINS": IN_TREE_PLUGINS}
        count = "from core import create_app; print(len(create_app().extensions['permanence.registry'].plugins))"
        check = subprocess.run([sys.executable, "-c", count], env=env, cwd=folder, capture_output=True, text=True,
                               check=False)
        if check.returncode != 0:
            raise RuntimeError(f"create_app failed with the plugins installed:\n{check.stderr[-2000:]}")
        loaded = int(check.stdout.split()[-1]) - 1  # without the national defaults

        def launch(code: str):
            return lambda: subprocess.run([sys.executable, "-c", code], env=env, cwd=folder, check=True,
                                          capture_output=True)

        app_seconds = best_of(launch("from core import create_app; create_app()"), rounds)
        flask_seconds = best_of(launch("import flask"), rounds)
    return {"app": app_seconds, "flask": flask_seconds, "installed": len(installed), "loaded": loaded}


# --- the evidence chain ---------------------------------------------------------------

def verify_chain_seconds(app, case_id: int, rounds: int = 7) -> tuple[float, bool]:
    """Load the case and check its chain, as the "verify" button does (fresh session each round)."""
    from core.cases.models import Case
    from core.cases.service import verify_case
    from core.web.extensions import db

    outcome = {}

    def once():
        db.session.remove()
        outcome["check"] = verify_case(db.session.get(Case, case_id))

    with app.test_request_context():
        seconds = best_of(once, rounds)
        db.session.remove()
    return seconds, outcome["check"].ok


# --- the lawyer's ZIP ----------------------------------------------------------------------

def _piece(number: int, size: int) -> tuple[str, bytes]:
    """Random bytes behind a real signature: what a scan or a screenshot looks like to the app."""
    body = os.urandom(size - 16)
    if number % 2:
        return f"capture-{number:02d}.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 8 + body
    return f"courrier-{number:02d}.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b" " * 2 + body


def add_case_with_attachments(app, files: int = 50, size: int = 1 << 20, per_entry: int = 5) -> int:
    """A case whose log holds ``files`` attachments, added the application's way (service.append_entry)."""
    from core.cases import service
    from core.cases.models import Case
    from core.web.extensions import db

    with app.test_request_context():
        case = Case(person_name="Pièces Nombreuses", departement="33", demarche="salarie", kind="renewal",
                    expires_on=dt.date.today() + dt.timedelta(days=40), filed_on=dt.date.today())
        db.session.add(case)
        db.session.commit()
        for first in range(0, files, per_entry):
            uploads = [service.check_upload(*_piece(number, size))
                       for number in range(first + 1, min(files, first + per_entry) + 1)]
            occurred = dt.datetime.now() - dt.timedelta(days=files - first)
            service.append_entry(case, kind="screenshot", occurred_at=occurred,
                                 summary="Captures de l'écran ANEF", by="bench@example.org", uploads=uploads)
        case_id = case.id
        db.session.remove()
    return case_id


def zip_seconds(app, case_id: int, rounds: int = 3) -> dict:
    """The lawyer's ZIP written to a file, against ``zip -0 -q`` of the same stored files.

    ``pieces``: the archive of the attachments as the export streams it (what
    ``zip -0`` also does); ``export``: the whole download, which also checks
    the chain and lays out the bordereau (``bordereau``: WeasyPrint alone on
    the same HTML, its baseline)."""
    from flask import render_template

    from core.cases.export import export_zip, exported_name, stored_pieces, stream_zip
    from core.cases.models import Case
    from core.cases.service import storage, verify_case
    from core.web.extensions import db, utcnow
    from core.web.messages import evidence_kind_label
    from core.web.pdf import render_pdf

    with tempfile.TemporaryDirectory() as folder, app.test_request_context():
        target = Path(folder) / "export.zip"
        case = db.session.get(Case, case_id)
        paths = [str(storage().path(a.sha256)) for entry in case.entries for a in entry.attachments]  # local
        html = render_template("cases/bordereau.html", case=case, check=verify_case(case), now=utcnow(),
                               evidence_kind_label=evidence_kind_label, exported_name=exported_name)

        def write(chunks) -> None:
            with open(target, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)

        def export():
            db.session.remove()
            write(export_zip(db.session.get(Case, case_id)))

        def pieces():
            write(stream_zip(stored_pieces(db.session.get(Case, case_id)), []))

        def baseline():
            (Path(folder) / "baseline.zip").unlink(missing_ok=True)
            subprocess.run(["zip", "-0", "-q", "-j", str(Path(folder) / "baseline.zip"), *paths], check=True)

        render_pdf(html)  # WeasyPrint's first call loads its fonts: not part of any figure
        pieces_time = best_of(pieces, rounds)
        export_time = best_of(export, rounds)
        size = target.stat().st_size
        bordereau_time = best_of(lambda: render_pdf(html), rounds)
        baseline_time = best_of(baseline, rounds) if shutil.which("zip") else None
        db.session.remove()
    return {"pieces": pieces_time, "export": export_time, "bordereau": bordereau_time, "zip": baseline_time,
            "files": len(paths), "bytes": size}
