"""Shared fixtures: one application on a real database built by the
migrations (SQLite file by default, PostgreSQL when DATABASE_URL is set),
emptied after every test, and helpers that go through the real forms
(CSRF included)."""
from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
import uuid

import flask_migrate
import pytest
from sqlalchemy import MetaData

from core import create_app
from core.accounts.models import Role, User
from core.web.config import normalise_database_url
from core.web.extensions import db

TEST_SECRET_KEY = "tests-only-secret-key-" + "x" * 32


def database_url(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        return normalise_database_url(os.environ["DATABASE_URL"])
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'permanence-tests.sqlite3'}"


def app_config(url: str, **extra) -> dict:
    # One server: its stamp file tells every change, and the tests that count queries are not
    # disturbed by the periodic re-reading meant for other servers (tests/test_two_servers.py).
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET_KEY,
            "PERMANENCE_ENV": "development", "DISABLED_PLUGINS": [], "PLUGIN_RECHECK_SECONDS": 3600, **extra}


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(db_url, tmp_path_factory):
    # The attachments of this run in a folder of its own: two runs at once (SQLite and PostgreSQL
    # from the same checkout) must not see each other's files as their own, nor each other's
    # plugin changes (core/plugins/state.py keeps a stamp file in the instance folder).
    app = create_app(app_config(db_url, ATTACHMENTS_DIR=str(tmp_path_factory.mktemp("attachments"))))
    app.instance_path = str(tmp_path_factory.mktemp("instance"))  # and the plugin states' stamp file too
    with app.app_context():
        drop_everything()
        flask_migrate.upgrade()
    return app


def drop_everything():
    """Start from an empty database, as a new installation would."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    metadata.drop_all(bind=db.engine)
    db.session.remove()


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's fixture of this name: no request context is
    kept open around a test, so each test request gets its own application
    context and `g`, as in production."""
    yield


@pytest.fixture
def client(app):
    """Replaces pytest-flask's, which keeps the last request's context open
    (``with app.test_client()``): another client would then share its `g`."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _empty_tables(request):
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            db.session.rollback()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            from core.plugins.state import forget_enabled
            forget_enabled()  # the plugin states were changed behind the application's back


PASSWORD = "correct horse battery"


@pytest.fixture
def live_server(app, db_url, tmp_path):
    """The application served by gunicorn in a fresh process, on this test run's database,
    attachments and instance folder (tests/live_server.py says why not pytest-flask's)."""
    from tests.live_server import LiveServer

    server = LiveServer({"DATABASE_URL": db_url, "SECRET_KEY": TEST_SECRET_KEY, "PERMANENCE_ENV": "development",
                         "PERMANENCE_DEMO": "", "PERMANENCE_DISABLED_PLUGINS": "",
                         "PERMANENCE_ATTACHMENTS_DIR": app.config["ATTACHMENTS_DIR"],
                         "PERMANENCE_INSTANCE_DIR": app.instance_path},
                        log=tmp_path / "gunicorn.log")
    yield server
    server.stop()


@pytest.fixture
def make_user(app):
    def make(role: Role = Role.BENEVOLE, email: str | None = None, name: str = "Camille Test") -> User:
        with app.app_context():
            user = User(email=email or f"{role.value}-{uuid.uuid4().hex[:6]}@example.org", name=name,
                        role=role.value)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user
    return make


def csrf_token(html: str) -> str:
    """The page's CSRF token (any form's: they are all valid for the session)."""
    match = re.search(r'name="[a-z-]*csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_in(client, email: str, password: str = PASSWORD, follow_redirects=False, environ_base=None):
    environ_base = environ_base or {}
    page = client.get("/connexion", environ_base=environ_base)
    return client.post("/connexion", data={"email": email, "password": password,
                                           "csrf_token": csrf_token(page.get_data(as_text=True))},
                       follow_redirects=follow_redirects, environ_base=environ_base)


@pytest.fixture
def benevole_client(client, make_user):
    log_in(client, make_user(Role.BENEVOLE).email)
    return client


@pytest.fixture
def browser(app, make_user):
    """Another browser, logged in with a new account of the role given: ``browser(Role.ADMIN)``."""
    def open_as(role: Role):
        client = app.test_client()
        log_in(client, make_user(role).email)
        return client
    return open_as


@pytest.fixture
def coordinator(browser):
    """A second browser, logged in as a coordinator."""
    return browser(Role.COORDINATEUR)


@pytest.fixture
def admin_client(client, make_user):
    log_in(client, make_user(Role.ADMIN).email)
    return client


@pytest.fixture
def install_plugin(tmp_path, monkeypatch):
    """Install a plugin distribution for real: a module and a ``.dist-info``
    with its ``permanence.plugins`` entry point on ``sys.path``, found by
    ``importlib.metadata`` exactly like a package installed with pip."""
    installed = []

    def install(entry_point_name: str, source: str, *, files: dict[str, str] | None = None,
                version: str = "1.2.3") -> str:
        module = f"fake_permanence_{entry_point_name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        package = tmp_path / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for name, content in (files or {}).items():
            (package / name).write_text(textwrap.dedent(content), encoding="utf-8")
        dist = f"permanence_{entry_point_name.replace('-', '_')}"
        info = tmp_path / f"{dist}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[permanence.plugins]\n{entry_point_name} = {module}:plugin\n")
        installed.append(module)
        return module

    monkeypatch.syspath_prepend(str(tmp_path))
    yield install
    for module in installed:
        sys.modules.pop(module, None)


YAML_PLUGIN = '''
    """{doc}"""
    from pathlib import Path
    from core.plugins.kit import DeclarativePlugin
    plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
'''


def yaml_plugin_source(doc: str = "A test plugin.") -> str:
    return YAML_PLUGIN.format(doc=doc)


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL")
    return f"database: {url.split('://')[0] + '://…' if url else 'SQLite file (set DATABASE_URL for PostgreSQL)'}"


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries:`` … ``len(queries)``: the SQL statements a request ran."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        with app.app_context():
            engine = db.engine
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return counting


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def chromium():
    """Debian's Chromium, headless, driven by Playwright (the browser and accessibility tests).
    CI must have it (scripts/system-deps.sh installs it); elsewhere its tests are skipped."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the browser tests: install Debian's chromium (scripts/system-deps.sh)")
        pytest.skip("Debian's chromium is not installed (sudo scripts/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seaweedfs():
    """A real S3 server (tests/servers.py) for this run."""
    import tempfile
    from pathlib import Path

    from tests.servers import SeaweedFS

    folder = Path(tempfile.mkdtemp(prefix="permanence-weed."))
    server = SeaweedFS(folder).start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL cluster of this run's own, whatever DATABASE_URL says (tests/servers.py).
    Its folder is made outside pytest's private temporary folder: the postgres user must reach it."""
    import tempfile
    from pathlib import Path

    from tests.servers import PostgreSQL, postgres_bin

    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql; CI installs it)")
    folder = Path(tempfile.mkdtemp(prefix="permanence-pg."))
    server = PostgreSQL(folder).start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
