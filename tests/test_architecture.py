"""The house stays walkable: what each part of core may import
(docs/architecture.md), the pure layers free of Flask, small modules."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_of_pyproject_hold():
    """import-linter: pure rules and plugin kit, areas above the web plumbing, rules at the bottom."""
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_plugin_and_the_rules_load_without_flask_or_a_database():
    """What a plugin author imports, and what a juriste runs in a notebook, is plain Python."""
    code = ("import sys; import core.rules, core.plugins.kit, core.plugins.conformance, core.plugins.local; "
            "from core.rules import load_rules; load_rules(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_worker_serves_pages_without_importing_alembic(tmp_path):
    """Migrations are the db commands' business: a worker starts without them (issue 12)."""
    code = ("import sys; from core import create_app; "
            f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/db.sqlite3'}}); "
            "assert app.test_client().get('/connexion').status_code == 200; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_db_commands_still_migrate_a_database(tmp_path):
    flask = Path(sys.executable).with_name("flask")
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    for command in (["db", "upgrade"], ["db", "current"]):
        result = subprocess.run([str(flask), "--app", "core", *command], cwd=ROOT, env=environment,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-2000:]
    assert "(head)" in result.stdout


def test_no_module_of_core_is_over_400_lines():
    """Past that, split it by what it is about (see how core/rules is split)."""
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / "core").rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_the_paths_the_docs_name_exist_and_the_map_shows_every_package():
    import re

    docs = {path: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")}
    docs[ROOT / "README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    named = {(doc.name, match) for doc, text in docs.items()
             for match in re.findall(r"\b((?:core|plugins|templates|tests)/[\w./-]*\w)", text)
             if "<" not in match and "*" not in match}

    def exists(path: str) -> bool:  # "core/cases/service.append_entry" names a function of core/cases/service.py
        module = path.split(".")[0]
        return (ROOT / path).exists() or (ROOT / f"{module}.py").exists()

    missing = sorted((doc, path) for doc, path in named if not exists(path))
    assert missing == []
    architecture = docs[ROOT / "docs" / "architecture.md"]
    packages = sorted(path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "core").glob("*/__init__.py"))
    assert [package for package in packages if f"{package}/" not in architecture] == []


def test_the_code_names_only_modules_and_files_that_exist():
    """A comment pointing to a module that moved sends a newcomer nowhere."""
    import re

    def is_module(name: str) -> bool:  # "core.plugins.facts.Departement": a module, then a name in it
        parts = name.split(".")
        return any(_found(".".join(parts[:n])) for n in range(len(parts), 1, -1))

    sources = [*ROOT.glob("core/**/*.py"), *ROOT.glob("core/**/templates/**/*.html"), *ROOT.glob("plugins/**/*.*"),
               *ROOT.glob("tests/*.py"), ROOT / "pyproject.toml", ROOT / "Makefile", ROOT / "babel.cfg"]
    stale = []
    for source in sources:
        if source.suffix in (".json", ".mo", ".pyc"):
            continue
        text = source.read_text(encoding="utf-8")
        for path in re.findall(r"\b(core/[\w./-]*\w)", text):
            if "<" not in path and not ((ROOT / path).exists() or (ROOT / f"{path.split('.')[0]}.py").exists()):
                stale.append(f"{source.relative_to(ROOT)}: {path}")
        for name in re.findall(r"(?<![\w/])(core\.[a-z_]+(?:\.[A-Za-z_]+)*)", text):
            if not is_module(name):
                stale.append(f"{source.relative_to(ROOT)}: {name}")
    assert stale == []


def _found(module: str) -> bool:
    import importlib.util
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a name inside a module ("core.app.create_app")
        return False
