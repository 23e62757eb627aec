"""The base of every ``flask --app core …`` command group: a database that
the migrations have not built yet is said in one line with what to run,
instead of SQLAlchemy's traceback (issue 13)."""
from __future__ import annotations

import click
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy.exc import OperationalError, ProgrammingError

#: How SQLite and PostgreSQL say a table is missing.
MISSING_TABLE = ("no such table", "does not exist", "UndefinedTable")


class CommandGroup(AppGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as error:
            if not any(sign in str(error.orig) or sign in type(error.orig).__name__ for sign in MISSING_TABLE):
                raise
            from flask_babel import gettext as _
            with ctx.ensure_object(ScriptInfo).load_app().app_context():  # the command's own context is over
                message = _("The database has not been created or is not up to date. Run first: "
                            "flask --app core db upgrade")
            raise click.ClickException(message) from None
