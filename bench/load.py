"""Load with wrk: requests per second and the 99th percentile latency.

Why wrk: one C process with its own event loop saturates two gunicorn
workers without eating their CPU the way a Python load generator would, and
its ``--latency`` distribution gives the p99 directly. Missing wrk is not an
error: the HTTP figures are skipped with the command that installs it.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CONNECTIONS = 16
THREADS = 2
INSTALL_HINT = "wrk is not installed: sudo apt-get install wrk (or scripts/system-deps.sh as root)"


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers and socket errors
    requests: int


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(output: str) -> Load:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    if not rate or not p99:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return Load(float(rate.group(1)), _milliseconds(p99.group(1)), errors, int(total.group(1)) if total else 0)


def _post_script(body: dict) -> Path:
    """wrk sends GETs; a POST with a JSON body needs a Lua script."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-post-", delete=False)
    script.write('wrk.method = "POST"\n'
                 f"wrk.body = {json.dumps(json.dumps(body))}\n"
                 'wrk.headers["Content-Type"] = "application/json"\n')
    script.close()
    return Path(script.name)


def run_wrk(url: str, *, duration: float, warmup: float, cookie: str = "", post_json: dict | None = None) -> Load:
    """A warm-up (its figures thrown away), then the measured run."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    script = _post_script(post_json) if post_json is not None else None
    if script:
        command += ["-s", str(script)]
    try:
        if warmup > 0:
            subprocess.run(command + [f"-d{max(1, round(warmup))}s", url], capture_output=True, text=True,
                           check=True)
        finished = subprocess.run(command + [f"-d{max(1, round(duration))}s", url], capture_output=True,
                                  text=True, check=True)
    finally:
        if script:
            script.unlink()
    return parse(finished.stdout)
