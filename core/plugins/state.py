"""Which installed plugins are enabled: stored in the database, read again
after a change (:func:`forget_enabled`) or every few seconds, so that an
administrator's change applies on the next request of every worker of the
server, and within seconds on the others, without a restart and without a
query per request."""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import String, inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from core.plugins.registry import NATIONAL, LocalFacts, PluginRegistry
from core.web.extensions import db, utcnow


class PluginState(db.Model):
    """An administrator's decision to enable or disable an installed plugin.

    No row means the plugin was never touched: installed plugins are enabled
    by default, as with pytest or datasette plugins.
    """

    __tablename__ = "plugin_states"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    enabled: Mapped[bool]
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(254))


class PluginStateError(Exception):
    """A change the administrator asked for cannot be made.

    ``reason`` is ``"unknown"`` (no such plugin installed), ``"national"``
    (the national defaults cannot be disabled) or ``"config"`` (disabled by
    PERMANENCE_DISABLED_PLUGINS); the views and the CLI turn it into a
    translated message.
    """

    def __init__(self, reason: str, name: str):
        self.reason, self.name = reason, name
        super().__init__(f"{reason}: {name}")


def registry() -> PluginRegistry:
    return current_app.extensions["permanence.registry"]


def disabled_by_configuration() -> frozenset[str]:
    return frozenset(current_app.config["DISABLED_PLUGINS"]) - {NATIONAL}


def enabled_names(*, tolerate_missing_table: bool = False) -> frozenset[str]:
    """Installed plugins, minus those disabled in the database or by configuration.

    Not read at every request: the answer is kept with the version of a stamp file in the
    instance folder, which every change replaces (:func:`forget_enabled`), so every worker of
    this server sees it at its next request; a change made on another application server is
    read from the database at most ``PLUGIN_RECHECK_SECONDS`` later (docs/deployment.md)."""
    cache = current_app.extensions.setdefault("permanence.enabled", {})
    version, now = _stamp_version(), time.monotonic()
    fresh = now - cache.get("read_at", -1e9) < current_app.config["PLUGIN_RECHECK_SECONDS"]
    if not tolerate_missing_table and cache.get("version") == version and fresh:
        return cache["names"]
    names = _read_enabled(tolerate_missing_table)
    if not tolerate_missing_table:
        cache.update(version=version, names=names, read_at=now)
    return names


def forget_enabled() -> None:
    """Say that the plugin states changed (replacing the stamp, so that its inode changes)."""
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}")
    temporary.write_text(str(time.time_ns()), encoding="ascii")
    temporary.replace(path)


def _stamp_path() -> Path:
    return Path(current_app.instance_path) / "plugin-states.stamp"


def _stamp_version() -> tuple[int, int]:
    try:
        stat = os.stat(_stamp_path())
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_ino, stat.st_mtime_ns)


def _read_enabled(tolerate_missing_table: bool) -> frozenset[str]:
    if tolerate_missing_table and not inspect(db.engine).has_table(PluginState.__tablename__):
        disabled_in_db = set()  # before the first migration: defaults only
    else:
        disabled_in_db = set(db.session.scalars(db.select(PluginState.name).where(PluginState.enabled.is_(False))))
    disabled = (disabled_in_db | disabled_by_configuration()) - {NATIONAL}
    return frozenset(name for name in registry().plugins if name not in disabled)


def local_facts() -> LocalFacts:
    """The local facts of the plugins enabled right now (no query once known;
    the registry caches the hook callers of each enabled set)."""
    return registry().facts(enabled_names())


def set_enabled(name: str, enabled: bool, *, by: str | None = None) -> None:
    """Enable or disable ``name``; refuse what would break the instance."""
    if name not in registry().plugins:
        raise PluginStateError("unknown", name)
    if name == NATIONAL and not enabled:
        raise PluginStateError("national", name)
    if enabled and name in disabled_by_configuration():
        raise PluginStateError("config", name)
    if enabled:
        registry().check_claims(enabled_names() | {name})
    _store(name, enabled, by)
    if enabled:
        # Two administrators enabling rival plugins at the same moment both
        # passed the check above: the second to look backs out.
        conflicts = registry().conflicts(enabled_names())
        if any(name in conflict.plugins for conflict in conflicts):
            _store(name, False, by)
            raise next(conflict for conflict in conflicts if name in conflict.plugins)


def _store(name: str, enabled: bool, by: str | None) -> None:
    for attempt in (1, 2):
        state = db.session.get(PluginState, name) or PluginState(name=name)
        state.enabled, state.changed_by = enabled, by
        db.session.add(state)
        try:
            db.session.commit()
            forget_enabled()
            return
        except IntegrityError:  # the same first row inserted concurrently: update it instead
            db.session.rollback()
            if attempt == 2:
                raise


def check_startup_claims(app) -> None:
    """Stop the start-up if two enabled plugins claim the same département. The
    database is read only when two installed plugins do: otherwise no enabled set
    can (a start without a connection is a tenth of a second faster)."""
    with app.app_context():
        if not registry().conflicts(frozenset(registry().plugins) - disabled_by_configuration()):
            return
        try:
            names = enabled_names(tolerate_missing_table=True)
        except SQLAlchemyError:
            # Database not reachable yet (e.g. before `db upgrade` on a new
            # server): check the installed set with the configuration only.
            names = frozenset(registry().plugins) - disabled_by_configuration()
        finally:
            db.session.remove()
        registry().check_claims(names)
