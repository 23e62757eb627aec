"""A consistent copy of the database, and its restoration into an empty one.

SQLite through its online backup API (a copy that volunteers can keep writing during); PostgreSQL
through ``pg_dump`` on a snapshot exported by a read-only transaction, which also lists the
attachments, so the archive holds exactly the files that copy of the database refers to. The
password goes to ``pg_dump`` through its environment, never its command line (``ps`` shows that)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: What the archive counts, and the restore compares.
COUNTED_TABLES = ("cases", "evidence_entries", "attachments", "letters", "users")
FILES_QUERY = "SELECT sha256 FROM attachments UNION SELECT sha256 FROM letters"


class DatabaseCopyError(RuntimeError):
    """The copy or the restoration failed; the message says why (pg_dump's own words included)."""


@dataclass(frozen=True)
class Snapshot:
    engine: str  # "sqlite" or "postgresql"
    file: Path
    digests: frozenset[str]
    counts: dict[str, int]


def engine_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseCopyError(f"backups know SQLite and PostgreSQL, not {backend}")
    return backend


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise DatabaseCopyError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in COUNTED_TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from the tuple above)
        counts[table] = cursor.fetchone()[0]
    return counts


def dump(url: str, folder: Path) -> Snapshot:
    """Writes the copy into ``folder`` and says what it holds."""
    if engine_of(url) == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(f"file:{_sqlite_path(url)}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            cursor = copy.cursor()
            digests = frozenset(row[0] for row in cursor.execute(FILES_QUERY))
            return Snapshot("sqlite", target, digests, _counts(cursor))
        finally:
            source.close()
            copy.close()
    return _pg_dump(url, folder / "database.pgdump")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A URI for libpq without the password, and the environment that carries it."""
    parsed: URL = make_url(url)
    environment = {**os.environ}
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise DatabaseCopyError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseCopyError(f"{command[0]} failed: {result.stderr.strip()}")


def _pg_dump(url: str, target: Path) -> Snapshot:
    import psycopg

    uri, environment = _libpq(url)
    with psycopg.connect(uri, password=environment.get("PGPASSWORD")) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={target}", f"--dbname={uri}"], environment)
        cursor = connection.cursor()
        digests = frozenset(row[0] for row in cursor.execute(FILES_QUERY))
        counts = _counts(cursor)
        connection.rollback()
    return Snapshot("postgresql", target, digests, counts)


def is_empty(url: str) -> bool:
    """No table at all: nothing a restore could overwrite."""
    from sqlalchemy import create_engine, inspect

    if engine_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return True
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(url: str, engine: str, source: Path) -> None:
    if engine_of(url) != engine:
        raise DatabaseCopyError(f"this archive holds a {engine} database; restore it into {engine}")
    if engine == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        copy, target = sqlite3.connect(source), sqlite3.connect(path)
        try:
            copy.backup(target)
        finally:
            copy.close()
            target.close()
        return
    uri, environment = _libpq(url)
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={uri}", str(source)], environment)


def counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _counts(connection.connection.cursor())
    finally:
        engine.dispose()
