"""Which installed plugins are enabled: stored in the database, read on every
request, so that an administrator's change applies on the next request
without a restart."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db
from core.models import PluginState
from core.registry import NATIONAL, DuplicateClaimError, LocalFacts, PluginRegistry


class PluginStateError(Exception):
    """A change the administrator asked for cannot be made.

    ``reason`` is ``"unknown"`` (no such plugin installed) or ``"national"``
    (the national defaults cannot be disabled); the views and the CLI turn
    it into a translated message.
    """

    def __init__(self, reason: str, name: str):
        self.reason, self.name = reason, name
        super().__init__(f"{reason}: {name}")


def registry() -> PluginRegistry:
    return current_app.extensions["permanence.registry"]


def enabled_names(*, tolerate_missing_table: bool = False) -> frozenset[str]:
    """Installed plugins, minus those disabled in the database or by configuration."""
    plugins = registry().plugins
    disabled = set(current_app.config["DISABLED_PLUGINS"])
    if tolerate_missing_table and not inspect(db.engine).has_table(PluginState.__tablename__):
        rows = []  # before the first migration: defaults only
    else:
        rows = db.session.execute(db.select(PluginState.name, PluginState.enabled)).all()
    disabled |= {name for name, enabled in rows if not enabled}
    return frozenset(name for name in plugins if name not in disabled or name == NATIONAL)


def local_facts() -> LocalFacts:
    """The local facts of the plugins enabled right now (one small query;
    the registry caches the hook callers of each enabled set)."""
    return registry().facts(enabled_names())


def set_enabled(name: str, enabled: bool, *, by: str | None = None) -> None:
    """Enable or disable ``name``; refuse what would break the instance."""
    reg = registry()
    if name not in reg.plugins:
        raise PluginStateError("unknown", name)
    if name == NATIONAL and not enabled:
        raise PluginStateError("national", name)
    current = set(enabled_names())
    wanted = (current | {name}) if enabled else (current - {name})
    conflicts = reg.conflicts(wanted)
    if enabled and conflicts:
        raise conflicts[0]
    state = db.session.get(PluginState, name) or PluginState(name=name)
    state.enabled = enabled
    state.changed_by = by
    db.session.add(state)
    db.session.commit()


def check_startup_claims(app) -> None:
    """Stop the start-up if two enabled plugins claim the same département."""
    with app.app_context():
        try:
            names = enabled_names(tolerate_missing_table=True)
        except SQLAlchemyError:
            # Database not reachable yet (e.g. before `db upgrade` on a new
            # server): check the installed set with the configuration only.
            names = frozenset(n for n in app.extensions["permanence.registry"].plugins
                              if n not in app.config["DISABLED_PLUGINS"])
        finally:
            db.session.remove()
        app.extensions["permanence.registry"].check_claims(names)


__all__ = ["DuplicateClaimError", "PluginStateError", "enabled_names", "local_facts", "set_enabled",
           "check_startup_claims"]
