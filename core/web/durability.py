"""Which commits wait for the disk.

Every change is committed durably: SQLite with ``synchronous=FULL`` (set in
core/app.py), PostgreSQL with its default ``synchronous_commit``. One kind of
commit does not wait: a transaction that wrote nothing but the audit row of
a read (someone looked at the case list). Waiting for the disk there cost a
list page about 2 ms, and more under load, where the workers queued behind
each other's flush. The trade-off: a power cut (not a crash of the
application: the system holds the row) may lose the last few seconds of
such audit rows, never a change, and the database stays consistent (SQLite
in write-ahead-log mode with ``synchronous=NORMAL``, PostgreSQL with
``synchronous_commit=off``). docs/performance.md.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

#: Set on a connection when its transaction writes anything but an audit row.
WROTE = "permanence.wrote"
#: Set on a SQLite connection whose ``synchronous`` was lowered for one commit.
RELAXED = "permanence.relaxed"
_READS = ("SELECT", "PRAGMA", "WITH")
_AUDIT_ROW = "INSERT INTO audit_events"


def commit_without_waiting_for_the_disk(session) -> None:
    """Let this transaction's commit return before it is on disk, if the
    transaction has written nothing yet; called before writing the audit row
    of a read. Otherwise change nothing."""
    connection = session.connection()
    if connection.info.get(WROTE):
        return
    dialect = connection.dialect.name
    if dialect == "sqlite":
        if connection.connection.dbapi_connection.in_transaction:
            return  # SQLite changes its safety level between transactions only
        connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        connection.info[RELAXED] = True
    elif dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")  # this transaction only


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
    text = statement.lstrip()
    if not text[:8].upper().startswith(_READS) and not text.startswith(_AUDIT_ROW):
        connection.info[WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(connection):
    connection.info.pop(WROTE, None)


@event.listens_for(Pool, "checkin")
def _restore_full_sync(dbapi_connection, record):
    """Back to FULL as soon as the connection is returned, after that commit."""
    if dbapi_connection is not None and record.info.pop(RELAXED, False):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
    if record is not None:
        record.info.pop(WROTE, None)
