"""gunicorn as in production (2 sync workers), for the application and for
the bare baseline app, plus what the load needs from it: a logged-in session
cookie and the workers' memory.

Why a real server: the figures that matter to a help desk are the ones a
browser sees through gunicorn, with its workers sharing the machine's two
cores, not a test client's.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn master with its workers, stopped on exit."""

    def __init__(self, app: str, env: dict[str, str], log: Path, pythonpath: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120"]
        if pythonpath:
            command += ["--pythonpath", pythonpath]
        self._log = open(log, "wb")
        self.process = subprocess.Popen(command + [app], cwd=ROOT, env={**os.environ, **env},
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready(log)

    def _wait_ready(self, log: Path, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up; see {log}")
            if len(self.worker_pids()) == WORKERS:
                try:
                    urllib.request.urlopen(self.url + "/api/v1/departements", timeout=5).read()
                    return
                except urllib.error.HTTPError:
                    return  # answering is what matters here
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {log}")

    def worker_pids(self) -> list[int]:
        """The workers are the master's children (gunicorn forks them)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def worker_rss_mb(self) -> dict[int, float]:
        rss = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                rss[pid] = int(match.group(1)) / 1024
        return rss

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


def login(base_url: str, email: str, password: str) -> str:
    """Log in once as a browser would (CSRF token from the form); returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(base_url + "/connexion", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password}).encode()
    try:
        opener.open(base_url + "/connexion", data=form, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 302 or answer.headers.get("Location", "").endswith("/connexion"):
            raise RuntimeError(f"login refused (HTTP {answer.code})") from None
    else:
        raise RuntimeError("login refused: the form came back (wrong account or password?)")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def search(base_url: str, cookie: str, text: str) -> tuple[str, str]:
    """The list's search box, sent as a browser does (in the body; the text stays in the session):
    returns the Cookie header that now holds it and the list's path."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    cookies = dict(part.split("=", 1) for part in cookie.split("; "))

    def header() -> dict:  # what the server has set since (the CSRF token's session) over what was sent
        cookies.update({cookie.name: cookie.value for cookie in jar})
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    page = opener.open(urllib.request.Request(base_url + "/dossiers", headers=header()), timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
    form = urllib.parse.urlencode({"csrf_token": token.group(1), "q": text}).encode()
    try:
        opener.open(urllib.request.Request(base_url + "/dossiers/recherche", data=form, headers=header()), timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise RuntimeError(f"search refused (HTTP {answer.code})") from None
        location = urllib.parse.urlsplit(answer.headers["Location"])
    else:
        raise RuntimeError("search answered without sending to the list")
    return header()["Cookie"], location.path + "?" + location.query


def fetch(url: str, *, cookie: str = "", data: bytes | None = None,
          content_type: str | None = None, timeout: float = 120) -> tuple[int, bytes, float, str]:
    """One request without following redirects: (status, body, seconds, Location)."""
    request = urllib.request.Request(url, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    if content_type:
        request.add_header("Content-Type", content_type)
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = answer.read()
            return answer.status, body, time.perf_counter() - started, ""
    except urllib.error.HTTPError as answer:
        body = answer.read()
        return answer.code, body, time.perf_counter() - started, answer.headers.get("Location", "")
