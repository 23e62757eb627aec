"""The schema comes from the migrations, and they match the models."""
import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import create_app
from core.web.extensions import db
from tests.conftest import app_config


def test_the_migrations_produce_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       db.metadata)
    assert differences == []


def test_every_migration_downgrades_and_upgrades_again(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"))
    with app.app_context():
        flask_migrate.upgrade()
        assert inspect(db.engine).has_table("users")
        flask_migrate.downgrade(revision="base")
        assert not inspect(db.engine).has_table("users")
        flask_migrate.upgrade()
        assert inspect(db.engine).has_table("plugin_states")
