"""The intranet installed from its built package, not from the checkout: an sdist is built,
a wheel is built from that sdist (as `python -m build` does), the wheel is installed in a
throw-away environment outside the checkout, a database is migrated and gunicorn serves
the login page in French, its stylesheet, and a letter of the Calvados plugin.

The throw-away environment borrows the dependencies of the project's own (a path in a .pth
file: the project's editable install is not activated that way), so the test needs no
network; the application itself can only come from the wheel, which the test checks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.live_server import LiveServer

ROOT = Path(__file__).resolve().parent.parent
#: Where the wheel carries templates/, static/ and translations/ (setup.py; core/web/paths.py).
SHIPPED = "core" + "/site"


def run(*command, cwd, env=None) -> str:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A virtual environment outside the checkout with only the built wheel of Permanence."""
    work = tmp_path_factory.mktemp("package")
    sdist = run(sys.executable, "-c", "import sys, setuptools.build_meta as build; "
                f"print(build.build_sdist({str(work)!r}))", cwd=ROOT).strip().splitlines()[-1]
    with tarfile.open(work / sdist) as archive:
        archive.extractall(work / "src", filter="data")
    source = next((work / "src").iterdir())
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "-w", str(work / "dist"), str(source), cwd=work)
    wheel = next((work / "dist").glob("permanence-*.whl"))

    environment = work / "env"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel), cwd=work)
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work).strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return {"work": work, "python": python, "site": site, "wheel": wheel}


def test_the_wheel_carries_the_templates_static_files_catalogues_migrations_and_plugin_data(installed):
    package = installed["site"]
    expected = {f"{SHIPPED}/{path.relative_to(ROOT)}" for folder in ("templates", "static")
                for path in (ROOT / folder).rglob("*") if path.is_file()}
    expected |= {f"{SHIPPED}/{po.relative_to(ROOT).with_suffix('.mo')}" for po in ROOT.glob("translations/*/*/*.po")}
    expected |= {str(path.relative_to(ROOT)) for path in (ROOT / "core").rglob("*")
                 if path.is_file() and path.suffix in {".html", ".yaml", ".txt", ".json", ".mako", ".ini"}
                 and "__pycache__" not in path.parts}
    expected |= {str(path.relative_to(ROOT)) for path in (ROOT / "core" / "migrations" / "versions").glob("*.py")}
    expected |= {str(path.relative_to(ROOT)) for path in (ROOT / "plugins").rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts}
    missing = sorted(part for part in expected if not (package / part).is_file())
    assert not missing, f"the installed package lacks {missing}"


def test_the_installed_wheel_migrates_a_database_and_serves_the_intranet(installed):
    work, python = installed["work"], installed["python"]
    where = run(str(python), "-c", "import core.web.paths as paths; print(paths.__file__, paths.SITE_ROOT)", cwd=work)
    assert str(installed["site"]) in where and str(ROOT) not in where, "the application came from the checkout"
    env = {"DATABASE_URL": f"sqlite:///{work / 'permanence.sqlite3'}", "SECRET_KEY": "packaging-test-" + "x" * 32,
           "PERMANENCE_INSTANCE_DIR": str(work / "instance"), "PYTHONPATH": ""}
    run(str(python), "-m", "flask", "--app", "core", "db", "upgrade", cwd=work, env=env)
    server = LiveServer(env, work / "gunicorn.log", workers=1, python=python, cwd=work)
    try:
        login = urllib.request.urlopen(server.url("/connexion"), timeout=30).read().decode()
        assert "Se connecter" in login and "permanence.css" in login  # the French catalogue, the layout
        stylesheet = urllib.request.urlopen(server.url("/static/permanence.css"), timeout=30).read()
        assert b".case-summary" in stylesheet
        calvados = json.loads(urllib.request.urlopen(server.url("/api/v1/departements/14"), timeout=30).read())
        assert calvados["plugin"] == "calvados" and calvados["prefecture"]["address"]  # the plugin's own data
    finally:
        server.stop()
