"""Finding a case by part of the person's name or by AGDREF number, through
the database's own text index so that a search stays fast with 100,000
cases: SQLite's FTS5 table with trigrams, PostgreSQL's pg_trgm index.
Both are created by migration 0006 and kept up to date by the database
itself (triggers on SQLite, the index on PostgreSQL).

Both match any part of a word of three letters or more, whatever the case.
Shorter searches fall back to a plain scan, which both databases still do
quickly enough for two letters typed by mistake.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, text

from core.cases.models import LIST_EXPRESSION_INDEXES, Case

#: The FTS5 table (SQLite) and the trigram index (PostgreSQL) are named so.
SEARCH_TABLE = "cases_search"
SHORTEST_INDEXED = 3


def made_by_hand(name: str | None) -> bool:
    """What Alembic's comparison of the models with the database leaves out
    (core/migrations/env.py): the search objects, which no model describes,
    and the list's expression indexes, which SQLite cannot reflect."""
    return bool(name) and (name.startswith(SEARCH_TABLE) or name in LIST_EXPRESSION_INDEXES)


def purge_removed_names(session) -> None:
    """SQLite's FTS5 only marks a removed name as deleted: its trigrams stay in
    the index's pages until they are merged. After an erasure or deletions for
    retention, merge them now, so that the name is gone from the file too
    (RGPD art. 17). PostgreSQL's index holds no text of its own."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')"))


def empty_write_ahead_log(session) -> None:
    """SQLite's write-ahead log keeps earlier versions of the pages it changed
    until a checkpoint resets it: after an erasure or deletions for retention,
    copy it into the database (whose freed pages secure_delete overwrites)
    and truncate it, so that the erased name is not left in the ``-wal``
    file. Called after the commit: a checkpoint runs outside a transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        session.commit()


def refresh_planner_statistics(session) -> None:
    """SQLite chooses between the search's text index and a filter's index
    (``?q=…&departement=14``) from statistics it keeps only when asked: a
    sample of each index, refreshed daily by ``cases refresh-deadlines``
    (PostgreSQL's autovacuum keeps its own)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA analysis_limit=1000"))
        session.execute(text("ANALYZE"))
        session.commit()


def matching(words: str, dialect: str) -> ColumnElement[bool]:
    """The condition on ``Case`` for a search box's text."""
    words = words.strip()
    if not words:
        return false()
    if dialect == "sqlite" and len(words) >= SHORTEST_INDEXED:
        # An FTS5 string: double quotes doubled; the trigram tokenizer then matches it anywhere.
        phrase = '"' + words.replace('"', '""') + '"'
        found = select(text("rowid")).select_from(text(SEARCH_TABLE)).where(
            text(f"{SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase))
        by_name = Case.id.in_(found)
    else:
        # PostgreSQL's trigram index serves ILIKE directly; on SQLite, a short text is scanned.
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        by_name = Case.person_name.ilike(f"%{escaped}%", escape="\\")
    # Only digits may be an AGDREF number (ten of them): a name alone keeps one index to read
    # (with the "or", SQLite read both and sorted their union, 2 ms more at 100,000 cases).
    return or_(by_name, Case.agdref == words) if words.isdigit() else by_name
