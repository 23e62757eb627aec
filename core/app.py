"""The application factory: configuration, extensions, the national rules,
the plugin registry, then one blueprint per area of the intranet."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.web import clock
from core.web.paths import SITE_ROOT

#: Every area with database tables: imported here so that the metadata (and
#: Alembic) sees every table, whatever page is served first.
MODEL_MODULES = ("core.accounts.models", "core.cases.models", "core.letters.models", "core.stats.models",
                 "core.plugins.state", "core.web.audit", "core.corrections.models")


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides the environment (tests)."""
    import importlib

    from core.accounts import security
    from core.accounts import views as accounts
    from core.accounts.cli import users_cli
    from core.admin import views as admin
    from core.api import views as api
    from core.assessment import views as assessment
    from core.backup.cli import attachments_cli, backup_cli
    from core.cases import calendar, timestamps
    from core.cases import views as cases
    from core.cases.cli import cases_cli, demo_cli, retention_cli
    from core.cases.storage import StorageError, storage_from_config
    from core.corrections import views as corrections
    from core.departements import views as departements
    from core.letters import views as letters
    from core.main import health, privacy
    from core.main import views as main
    from core.plugins.cli import plugins_cli
    from core.plugins.registry import PluginError, PluginRegistry
    from core.plugins.state import check_startup_claims
    from core.rules import load_rules
    from core.stats import views as stats
    from core.stats.cli import stats_cli
    from core.web import errors, headers
    from core.web.config import ConfigurationError, check_production_safety, from_environment, normalise_database_url
    from core.web.extensions import babel, csrf, db, init_migrations
    from core.web.i18n import install_template_gettext, select_locale
    from core.web.sessions import SignedCookieSessions

    for module in MODEL_MODULES:
        importlib.import_module(module)
    # The instance folder (the SQLite database by default, the plugin states' stamp): beside the
    # code in a checkout, anywhere the administrator says otherwise (PERMANENCE_INSTANCE_DIR).
    app = Flask("core", instance_relative_config=True,
                instance_path=os.path.abspath(os.environ["PERMANENCE_INSTANCE_DIR"])
                if os.environ.get("PERMANENCE_INSTANCE_DIR") else None,
                template_folder=str(SITE_ROOT / "templates"),
                static_folder=str(SITE_ROOT / "static"))
    app.url_map.converters["int"] = security.BoundedIntConverter
    app.session_interface = SignedCookieSessions()
    app.config.from_mapping(from_environment())
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            normalise_database_url(app.config["DATABASE_URL"])
            or f"sqlite:///{Path(app.instance_path) / 'permanence.sqlite3'}")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(SITE_ROOT / "translations"))
    check_production_safety(app.config)
    try:
        app.extensions["permanence.tsa"] = timestamps.configured_authority(app.config)
        app.extensions["permanence.storage"] = storage_from_config(app.config, app.instance_path)
    except (ValueError, StorageError) as error:
        raise ConfigurationError(str(error)) from None
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    init_migrations(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app.jinja_env)
    app.extensions["permanence.rules"] = load_rules()  # a malformed rule stops the start here
    try:
        app.extensions["permanence.registry"] = PluginRegistry(skip=app.config["DISABLED_PLUGINS"])
        check_startup_claims(app)
    except PluginError as error:
        _stop_plainly_on_the_command_line(error)
        raise

    security.init_app(app)  # before CSRF: anonymous requests go to the login page first
    csrf.init_app(app)
    for blueprint in (accounts.bp, main.bp, cases.bp, letters.bp, calendar.bp, assessment.bp, departements.bp, admin.bp,
                      api.bp, stats.bp, privacy.bp, health.bp, corrections.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    headers.init_app(app)
    for group in (plugins_cli, users_cli, demo_cli, cases_cli, retention_cli, stats_cli, backup_cli,
                  attachments_cli):
        app.cli.add_command(group)
    _template_helpers(app)
    return app


def _stop_plainly_on_the_command_line(error: Exception) -> None:
    """``flask --app core …`` with a broken plugin: what is wrong with each, in a few lines, not a
    traceback (a server's log keeps the traceback)."""
    import click

    if click.get_current_context(silent=True) is not None:
        raise click.ClickException(str(error)) from None


def _template_helpers(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from core.accounts.models import Role
    from core.accounts.names import who
    from core.rules.dates import is_stale
    from core.rules.sources import describe_source
    from core.web.i18n import french
    from core.web.messages import file_size, long_date, long_datetime

    role_labels = {Role.BENEVOLE: _l("volunteer (bénévole)"), Role.COORDINATEUR: _l("coordinator"),
                   Role.ADMIN: _l("administrator")}

    @app.context_processor
    def inject():
        today = clock.today()
        return {"Role": Role, "today": today,
                "role_label": lambda role: role_labels[Role(role)],
                "is_stale": lambda fact: is_stale(fact.checked_on, today, app.config["FACT_MAX_AGE_MONTHS"])}

    app.jinja_env.globals["who"] = who
    # "1er novembre 2026" in French, "November 1, 2026" in English.
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["fr"] = french
    app.jinja_env.filters["source"] = describe_source
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.jinja_env.filters["filesize"] = file_size
    app.jinja_env.filters["reject_key"] = lambda mapping, key: {k: v for k, v in mapping.items() if k != key}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite ignores foreign keys unless asked, on every connection. Its
    write-ahead log lets the workers read while one writes and makes a commit
    one write to the log (in process, a list's audit row: 3.7 → 1.9 ms); FULL: a
    committed entry survives a power cut. A process must not be forked from
    one that has used the database (tests/live_server.py)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA secure_delete=ON")  # an erased person's data is overwritten, not left in free pages
        cursor.close()
