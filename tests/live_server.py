"""The application served for the browser tests as in production: gunicorn,
started by the test in a fresh process, on the test's database, attachments
and instance folder.

Why not pytest-flask's live server: it forks the test process, which has
already used the database, and in SQLite's write-ahead-log mode the forked
server then did not see the user the test had just committed (it held a log
file the test process had since removed; docs/performance.md). gunicorn's
workers are forked from a master that never opens the database, and this
is what production runs.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, python: Path | None = None,
                 cwd: Path = ROOT, config: Path | None = None):
        """``python``: serve with another environment's interpreter (the installed wheel's);
        ``config``: a gunicorn configuration file (deploy/gunicorn.conf.py), which the
        command line's workers and address override."""
        self.port = free_port()
        self.log = log
        self._log_file = open(log, "wb")
        gunicorn = [str(python), "-m", "gunicorn"] if python else [str(GUNICORN)]
        command = [*gunicorn, *(["--config", str(config)] if config else []), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                   "--timeout", "60", "--access-logfile", "-", "core:create_app()"]
        self.process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env},
                                        stdout=self._log_file, stderr=subprocess.STDOUT)
        self._wait_ready()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(self.url("/connexion"), timeout=5).read()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, characters: int = 4000) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()
