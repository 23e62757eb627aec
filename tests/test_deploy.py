"""The production kit in deploy/ (docs/deployment.md) is checked by the tools that will run it:
``systemd-analyze verify`` on every unit, ``nginx -t`` on the site, then gunicorn started from
the shipped configuration behind nginx started from the shipped site, answering over HTTPS,
with no query string, referrer or calendar secret in either access log.

The shipped files name the server's paths (/opt/permanence/venv, /etc/letsencrypt…); the tests
run copies where only those paths and the ports are replaced, each replacement asserted, so
that a change of the files' shape fails here instead of silently testing something else."""
from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import pytest

from core.web.config import from_environment
from core.web.headers import ALWAYS
from core.web.paths import SITE_ROOT
from tests.conftest import TEST_SECRET_KEY
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))
SITE = DEPLOY / "nginx" / "permanence.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
VENV_BIN = Path(sys.executable).parent
NAME = "intranet.example.org"
#: What a search looks like in an address (an old bookmark, a link from elsewhere): a name.
SEARCHED = "Dupont"
CALENDAR_TOKEN = "k" * 43


def tool(name: str) -> str | None:
    """Debian puts nginx in /usr/sbin, which a non-root PATH may lack."""
    return shutil.which(name) or next((str(p) for d in ("/usr/sbin", "/sbin") if (p := Path(d, name)).exists()), None)


def replace(text: str, old: str, new: str, *, count: int | None = None) -> str:
    found = text.count(old)
    assert found and (count is None or found == count), f"expected {count or 'some'} {old!r} in the file, found {found}"
    return text.replace(old, new)


# --- systemd ---------------------------------------------------------------------------------

def verify_units(folder: Path, names: list[str]) -> str:
    """``systemd-analyze verify``'s every word: it exits 0 on a misspelt directive or a bad value
    (it only warns, "ignoring"), so anything it says is a failure."""
    result = subprocess.run([tool("systemd-analyze"), "verify", *names], cwd=folder, capture_output=True,
                            text=True, timeout=60)
    return (result.stdout + result.stderr).strip() + ("" if result.returncode == 0 else f"\n(exit {result.returncode})")


@pytest.fixture
def unit_copies(tmp_path):
    """The units with the server's programs replaced by this environment's (verify checks that
    ExecStart's program exists): gunicorn and flask of this venv, a stand-in for SeaweedFS's weed."""
    if not tool("systemd-analyze"):
        pytest.skip("systemd-analyze is missing (Debian package systemd: scripts/system-deps.sh installs it)")
    weed = tmp_path / "weed"
    weed.write_text("#!/bin/sh\nexit 0\n")
    weed.chmod(0o755)
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        if "/opt/permanence/venv/bin/" in text:
            text = replace(text, "/opt/permanence/venv/bin/", f"{VENV_BIN}/")
        if unit.name == "seaweedfs.service":
            text = replace(text, "/opt/seaweedfs/bin/weed", str(weed), count=1)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    return tmp_path


def test_every_shipped_unit_passes_systemd_analyze_verify_without_a_word(unit_copies):
    names = [unit.name for unit in UNITS]
    assert {"permanence.service", "seaweedfs.service"} <= set(names)
    assert {n for n in names if n.endswith(".timer")} == {f"permanence-{job}.timer" for job in
                                                         ("backup", "deadlines", "retention", "timestamp")}
    assert verify_units(unit_copies, names) == ""


def test_verify_would_catch_a_misspelt_directive_or_a_bad_value(unit_copies):
    """The check above is only worth something if a typo makes it speak (systemd 252 exits 0)."""
    service = unit_copies / "permanence.service"
    good = service.read_text(encoding="utf-8")
    service.write_text(replace(good, "ProtectSystem=strict", "ProtectSytem=strict", count=1), encoding="utf-8")
    assert "Unknown key 'ProtectSytem'" in verify_units(unit_copies, ["permanence.service"])
    service.write_text(replace(good, "ProtectSystem=strict", "ProtectSystem=strcit", count=1), encoding="utf-8")
    assert "strcit" in verify_units(unit_copies, ["permanence.service"])


def test_the_timers_say_they_run_on_one_host_and_the_jobs_share_the_services_confinement():
    service = (DEPLOY / "systemd" / "permanence.service").read_text(encoding="utf-8")
    hardening = service[service.index("# Hardening:"):service.index("[Install]")].strip()
    for timer in (DEPLOY / "systemd").glob("permanence-*.timer"):
        assert "ON ONE HOST ONLY" in timer.read_text(encoding="utf-8"), timer.name
        job = timer.with_suffix(".service").read_text(encoding="utf-8")
        assert hardening in job, f"{timer.with_suffix('.service').name}: not the same hardening as permanence.service"
        for line in ("User=permanence", "EnvironmentFile=/etc/permanence/permanence.env",
                     "WorkingDirectory=/var/lib/permanence", "Type=oneshot"):
            assert line in job.splitlines(), f"{timer.with_suffix('.service').name} lacks {line}"
    backup = (DEPLOY / "systemd" / "permanence-backup.service").read_text(encoding="utf-8")
    assert "LoadCredential=backup.key:/etc/permanence/backup.key" in backup and "--key-file %d/backup.key" in backup


# --- the sizes and times that must agree ------------------------------------------------------

def nginx_setting(name: str) -> str:
    values = re.findall(rf"^\s*{name}\s+([^;]+);", SITE.read_text(encoding="utf-8"), re.M)
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def test_nginx_lets_the_application_refuse_too_big_uploads_itself_and_waits_longer_than_gunicorn():
    size = nginx_setting("client_max_body_size")
    assert re.fullmatch(r"\d+m", size)
    assert int(size[:-1]) * 1024 * 1024 > from_environment({})["MAX_CONTENT_LENGTH"]
    gunicorn = runpy.run_path(str(GUNICORN_CONF))
    assert gunicorn["timeout"] >= 120  # a lawyer's ZIP export, a statistics PDF
    assert int(nginx_setting("proxy_read_timeout").rstrip("s")) > gunicorn["timeout"]
    stop = re.search(r"^TimeoutStopSec=(\d+)$", (DEPLOY / "systemd" / "permanence.service").read_text(), re.M)
    assert int(stop.group(1)) > gunicorn["graceful_timeout"]


def test_nginx_repeats_the_applications_own_headers_on_the_files_it_serves_and_nothing_else():
    text = SITE.read_text(encoding="utf-8")
    static = text[text.index("location /static/"):text.index("location = /healthz")]
    headers = dict(re.findall(r'add_header (\S+) "([^"]*)" always;', static))
    assert {name: headers.get(name) for name in ALWAYS} == ALWAYS
    outside = text.replace(static, "")
    assert not [name for name in ALWAYS if f"add_header {name}" in outside], "the application sets these itself"


# --- the settings -----------------------------------------------------------------------------

class RecordingEnviron(Mapping):
    """An empty environment that remembers every variable the configuration asks for."""

    def __init__(self):
        self.asked: list[str] = []

    def __getitem__(self, name):
        self.asked.append(name)
        raise KeyError(name)

    def get(self, name, default=None):
        self.asked.append(name)
        return default

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


def variables_read() -> set[str]:
    environ = RecordingEnviron()
    from_environment(environ)
    gunicorn = set(re.findall(r'os\.environ\.get\("(\w+)"', GUNICORN_CONF.read_text(encoding="utf-8")))
    return {*environ.asked, *gunicorn, "PERMANENCE_INSTANCE_DIR"}  # the last one: core/app.py


def test_every_variable_the_application_reads_is_in_the_example_settings_and_the_documentation():
    example = (DEPLOY / "permanence.env.example").read_text(encoding="utf-8")
    documented = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    variables = variables_read()
    assert len(variables) > 25
    assert sorted(v for v in variables if not re.search(rf"^#?{v}=", example, re.M)) == []
    assert sorted(v for v in variables if f"`{v}`" not in documented) == []


def test_the_example_settings_read_the_same_in_systemd_and_in_the_shell():
    """NAME=value lines only (systemd's EnvironmentFile), and the `permanence` command sources it."""
    example = DEPLOY / "permanence.env.example"
    for line in example.read_text(encoding="utf-8").splitlines():
        assert not line.strip() or line.startswith("#") or re.fullmatch(r'[A-Z][A-Z0-9_]*=("[^"$`\\]*"|[^"\'$`\\ ]*)',
                                                                          line), line
    shown = subprocess.run(["sh", "-c", f'set -a; . "{example}"; printf "%s\\n" "$PERMANENCE_ASSOCIATION_ADDRESS"'],
                           env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, capture_output=True, text=True,
                           check=True).stdout
    assert "|" in shown
    # The placeholder must be refused: a forgotten SECRET_KEY must not start in production.
    assert len(re.search(r"^SECRET_KEY=(.*)$", example.read_text(), re.M).group(1)) < 32
    subprocess.run(["sh", "-n", str(DEPLOY / "permanence")], check=True)


# --- nginx ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={NAME}",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    return folder


def nginx_files(folder: Path, certificate: Path, *, http: int, https: int, upstream: int) -> Path:
    """A throw-away nginx.conf around a copy of the site: ports, certificate, logs, static folder."""
    nginx = tool("nginx")
    if not nginx:
        pytest.skip("nginx is missing (Debian package nginx: scripts/system-deps.sh installs it)")
    site = SITE.read_text(encoding="utf-8")
    site = replace(site, f"/etc/letsencrypt/live/{NAME}/", f"{certificate}/", count=2)
    site = replace(site, "/var/log/nginx/", f"{folder}/", count=4)
    site = replace(site, "listen 80;", f"listen 127.0.0.1:{http};", count=1)
    site = replace(site, "listen [::]:80;\n", "", count=1)
    site = replace(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;", count=1)
    site = replace(site, "listen [::]:443 ssl http2;\n", "", count=1)
    site = replace(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};", count=1)
    site = replace(site, "alias /opt/permanence/static/;", f"alias {SITE_ROOT / 'static'}/;", count=1)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temporary = "\n".join(f"  {kind}_temp_path {folder}/{kind};" for kind in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(f"""
{"user root root;" if os.geteuid() == 0 else ""}
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
{temporary}
  include {folder}/site.conf;
}}
""", encoding="utf-8")
    return folder / "nginx.conf"


def nginx_test(configuration: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool("nginx"), "-t", "-q", "-c", str(configuration), "-e", str(configuration.parent / "t.log")],
                          capture_output=True, text=True, timeout=60)


def test_the_nginx_site_passes_nginx_t_and_a_misspelt_directive_would_not(tmp_path, certificate):
    configuration = nginx_files(tmp_path, certificate, http=free_port(), https=free_port(), upstream=free_port())
    result = nginx_test(configuration)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site.conf"
    site.write_text(replace(site.read_text(), "proxy_read_timeout", "proxy_read_timout", count=1))
    assert nginx_test(configuration).returncode != 0


def test_gunicorn_reads_what_the_application_left_of_a_request_before_closing():
    """Else the kernel resets the connection while nginx still sends the body: a 502."""
    import io

    class Request:
        body = io.BytesIO(b"x" * (3 * 1024 * 1024 + 5))

    runpy.run_path(str(GUNICORN_CONF))["post_request"](None, Request, {}, None)
    assert Request.body.read() == b""


# --- gunicorn behind nginx ---------------------------------------------------------------------

def wait_for(url: str, process: subprocess.Popen, log: Path, context=None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=5, context=context).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, data: bytes | None = None, content_type="application/octet-stream", context=None):
    """(status, headers, body) without following redirections."""
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, data=data, headers={"Host": NAME, "Content-Type": content_type}
                                     if data else {"Host": NAME})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def served(app, db_url, tmp_path, certificate):
    """gunicorn from deploy/gunicorn.conf.py, nginx from deploy/nginx/permanence.conf in front."""
    ports = {"http": free_port(), "https": free_port(), "upstream": free_port()}
    configuration = nginx_files(tmp_path, certificate, **ports)
    gunicorn_log = tmp_path / "gunicorn.log"
    environment = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": TEST_SECRET_KEY, "PERMANENCE_ENV": "development",
                   "PERMANENCE_DEMO": "", "PERMANENCE_DISABLED_PLUGINS": "", "PERMANENCE_PROXY_COUNT": "1",
                   "PERMANENCE_ATTACHMENTS_DIR": app.config["ATTACHMENTS_DIR"],
                   "PERMANENCE_INSTANCE_DIR": app.instance_path,
                   "PERMANENCE_BIND": f"127.0.0.1:{ports['upstream']}", "PERMANENCE_WORKERS": "1"}
    environment.pop("PERMANENCE_ACCESS_LOG", None)
    with open(gunicorn_log, "wb") as output:
        gunicorn = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "core:create_app()"],
                                    cwd=tmp_path, env=environment, stdout=output, stderr=subprocess.STDOUT)
    nginx_log = tmp_path / "nginx.out"
    with open(nginx_log, "wb") as output:
        nginx = subprocess.Popen([tool("nginx"), "-c", str(configuration), "-e", str(tmp_path / "error.log"),
                                  "-g", "daemon off;"], stdout=output, stderr=subprocess.STDOUT)
    context = ssl._create_unverified_context()  # the throw-away self-signed certificate
    try:
        wait_for(f"http://127.0.0.1:{ports['upstream']}/healthz", gunicorn, gunicorn_log)
        wait_for(f"https://127.0.0.1:{ports['https']}/healthz", nginx, nginx_log, context)
        yield {"https": f"https://127.0.0.1:{ports['https']}", "http": f"http://127.0.0.1:{ports['http']}",
               "context": context, "logs": (tmp_path / "permanence.access.log", gunicorn_log)}
    finally:
        stop(nginx, signal.SIGQUIT)
        stop(gunicorn)


def test_gunicorn_from_the_shipped_configuration_serves_behind_the_shipped_site_and_logs_no_query(served):
    https, context = served["https"], served["context"]

    status, headers, body = fetch(f"{https}/healthz", context=context)
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"

    status, headers, body = fetch(f"{https}/connexion", context=context)
    assert status == 200 and b"csrf_token" in body
    assert headers.get_all("Content-Security-Policy") == [ALWAYS["Content-Security-Policy"]]  # once, the app's
    assert headers["Strict-Transport-Security"] and headers["Cache-Control"] == "no-store"

    status, headers, body = fetch(f"{https}/static/permanence.css", context=context)
    assert status == 200 and body == (SITE_ROOT / "static" / "permanence.css").read_bytes()
    assert headers["Cache-Control"] == "no-cache" and {name: headers[name] for name in ALWAYS} == ALWAYS

    status, headers, _ = fetch(f"{served['http']}/dossiers?q={SEARCHED}")
    assert status == 301 and headers["Location"] == f"https://{NAME}/dossiers?q={SEARCHED}"
    status, headers, _ = fetch(f"{https}/dossiers?q={SEARCHED}", context=context)
    assert status == 302 and "/connexion" in headers["Location"]  # the login page first
    status, _, _ = fetch(f"{https}/calendrier/{CALENDAR_TOKEN}.ics", context=context)
    assert status == 404

    # Just over the application's limit: nginx lets it through, the application refuses it in French.
    too_big = from_environment({})["MAX_CONTENT_LENGTH"] + 1024 * 1024
    status, _, body = fetch(f"{https}/connexion", data=b"\0" * too_big, context=context)
    assert status == 413 and b"Permanence" in body and b"nginx" not in body
    # An upload the application answers without reading (a session expired meanwhile): the
    # login page, never nginx's 502 (gunicorn.conf.py's post_request reads what is left).
    upload = (b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"capture.png\"\r\n"
              b"Content-Type: image/png\r\n\r\n" + b"\1" * (16 * 1024 * 1024) + b"\r\n--b--\r\n")
    answers = {fetch(f"{https}/dossiers/1/journal", data=upload, content_type="multipart/form-data; boundary=b",
                     context=context)[0] for _ in range(8)}
    assert answers == {302}

    time.sleep(0.2)  # the last access lines
    for log in served["logs"]:
        text = log.read_text(errors="replace")
        assert '"GET /dossiers HTTP/' in text and '"GET /calendrier/[token].ics HTTP/' in text, text
        assert SEARCHED not in text and CALENDAR_TOKEN not in text and "?" not in text, text
