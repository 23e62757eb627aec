"""Flask extensions, created unbound and initialised in :func:`core.app.create_app`."""
import datetime as dt
from pathlib import Path

import click
from flask.cli import ScriptInfo
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from core.web.clock import utc_now

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_migrations(app) -> None:
    """Flask-Migrate, bound at its first use: it imports Alembic (a third of a
    second), which only the ``db`` commands and the tests need, never a worker
    serving pages."""
    app.extensions["migrate"] = _DeferredMigrate(app)
    app.cli.add_command(_DbCommands("db", help="Database migrations (Flask-Migrate): upgrade, downgrade, history…"))


def _bind_migrate(app):
    from flask_migrate import Migrate

    # Replaces the stand-ins below by Flask-Migrate's own configuration and `db` group.
    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    return app.extensions["migrate"]


class _DeferredMigrate:
    """Stands for Flask-Migrate's configuration in ``app.extensions`` until read."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        return getattr(_bind_migrate(self._app), name)


class _DbCommands(click.Group):
    """``flask --app core db …``: listed by ``flask --help`` without importing
    anything; Flask-Migrate's own group takes over once called."""

    def make_context(self, info_name, args, parent=None, **extra):
        app = parent.find_object(ScriptInfo).load_app()
        if isinstance(app.extensions.get("migrate"), _DeferredMigrate):
            _bind_migrate(app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def utcnow() -> dt.datetime:
    """Timestamps are stored as naive UTC, the same on SQLite and PostgreSQL."""
    return utc_now().replace(tzinfo=None)
