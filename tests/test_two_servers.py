"""Two application servers behind a load balancer, as docs/deployment.md adds a second one: two
gunicorns started from deploy/gunicorn.conf.py, each with its own instance folder (two hosts),
sharing one PostgreSQL and one S3 storage (SeaweedFS). A volunteer's requests land on either:
what one server saves, the other shows, files included, and a plugin an administrator disables
on one disappears from the other within seconds."""
from __future__ import annotations

import hashlib
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import flask_migrate
import pytest

from core import create_app
from core.accounts.models import Role, User
from core.web.extensions import db
from tests.conftest import PASSWORD, TEST_SECRET_KEY, app_config
from tests.live_server import ROOT, LiveServer
from tests.test_cases import PNG

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments):
        return None


class Browser:
    """Cookies, CSRF tokens and forms with files, like a browser; the servers share the cookie
    (same host, same secret key), as behind a load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def open(self, url: str, data: bytes | None = None, headers: dict | None = None):
        try:
            return self.opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=60)
        except urllib.error.HTTPError as answer:  # a redirect (NoRedirect) or an error: both are answers
            return answer

    def page(self, url: str) -> str:
        return self.open(url).read().decode()

    def post(self, url: str, fields: dict, files: list[tuple[str, str, bytes]] = (), token_from: str = "",
             prefix: str = ""):
        html = self.page(token_from or url)
        token = re.search(r'name="' + prefix + r'csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, f"{prefix}csrf_token": token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.open(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


@pytest.fixture
def two_servers(postgres, seaweedfs, tmp_path):
    url = postgres.new_database()
    place = seaweedfs.new_place()
    setup = create_app(app_config(url, **seaweedfs.settings(place)))
    with setup.app_context():
        flask_migrate.upgrade()
        for email, role in (("camille@example.org", Role.BENEVOLE), ("alex@example.org", Role.ADMIN)):
            user = User(email=email, name=email.split("@")[0].title(), role=role.value)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    servers = []
    for host in ("a", "b"):
        environment = {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY, "PERMANENCE_ENV": "development",
                       "PERMANENCE_DEMO": "", "PERMANENCE_DISABLED_PLUGINS": "",
                       "PERMANENCE_INSTANCE_DIR": str(tmp_path / f"host-{host}"),
                       "PERMANENCE_PLUGIN_RECHECK_SECONDS": "1", **seaweedfs.environment(place)}
        servers.append(LiveServer(environment, log=tmp_path / f"gunicorn-{host}.log", config=GUNICORN_CONFIG))
    yield servers
    for server in servers:
        server.stop()


def log_in(browser: Browser, server: LiveServer, email: str) -> None:
    answer = browser.post(server.url("/connexion"), {"email": email, "password": PASSWORD})
    assert answer.status in (302, 303), answer.read()[:500]


def test_what_one_server_saves_the_other_shows_files_and_plugin_states_included(two_servers):
    first, second = two_servers
    volunteer = Browser()
    log_in(volunteer, first, "camille@example.org")
    created = volunteer.post(first.url("/dossiers/nouveau"), {
        "person_name": "Mme Deux-Serveurs", "agdref": "1499999901", "nationality": "ivoirienne", "contact": "",
        "departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal", "permit": "cst",
        "expires_on": "2026-12-20", "filed_on": "2026-10-01", "anef_request_number": "", "note": "",
        "favorable_decision_on": "", "ephoto_taken_on": "", "civility": "", "birth_date": "",
        "request_complete": "", "remedies_stated": ""})
    case = re.search(r"/dossiers/(\d+)$", created.headers["Location"]).group(1)
    assert "Mme Deux-Serveurs" in volunteer.page(second.url(f"/dossiers/{case}"))

    capture = PNG + b"uploaded on the second server"
    entry = {"entry-kind": "screenshot", "entry-occurred_at": "2026-11-20T10:00", "entry-summary": "Capture ANEF",
             "entry-url": "", "entry-reference": "", "entry-result": "", "entry-corrects": ""}
    saved = volunteer.post(second.url(f"/dossiers/{case}/journal"), entry, files=[("entry-files", "capture.png", capture)],
                           token_from=second.url(f"/dossiers/{case}"), prefix="entry-")
    assert saved.status == 302
    page = volunteer.page(first.url(f"/dossiers/{case}"))
    link = re.search(rf'href="(/dossiers/{case}/pieces/\d+)"', page).group(1)
    for server in two_servers:
        assert volunteer.open(server.url(link)).read() == capture
    assert hashlib.sha256(capture).hexdigest() in page  # the log shows the hash both servers checked

    def plugin_on(server) -> str | None:
        """Whose facts the API gives for the Calvados (none: 404)."""
        answer = json.loads(Browser().open(server.url("/api/v1/departements/14")).read())
        return answer["plugin"]  # None: the national layer alone (any error page would fail here)

    assert plugin_on(first) == plugin_on(second) == "calvados"
    admin = Browser()
    log_in(admin, first, "alex@example.org")
    disabled = admin.post(first.url("/admin/plugins/calvados/disable"), {}, token_from=first.url("/admin/plugins"))
    assert disabled.status == 303
    assert plugin_on(first) is None  # this server: at once
    deadline = time.monotonic() + 15
    while plugin_on(second) == "calvados" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert plugin_on(second) is None  # the other: within seconds (PERMANENCE_PLUGIN_RECHECK_SECONDS)

