"""The schema comes from the migrations, and they match the models."""
import datetime as dt

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from core import create_app
from core.cases.search import made_by_hand
from core.web.extensions import db
from tests.conftest import app_config


# The list's expression index (ix_cases_next_deadline) cannot be reflected on SQLite: left out, said once here.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_the_migrations_produce_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        options = {"compare_type": True, "include_name": lambda name, type_, parent: not made_by_hand(name),
                   "include_object": lambda obj, name, type_, reflected, other: not made_by_hand(name)}
        differences = compare_metadata(MigrationContext.configure(connection, opts=options), db.metadata)
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


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_a_downgrade_and_upgrade_keep_every_case_and_what_hangs_on_it(tmp_path):
    """On SQLite a migration rebuilds a table (copy, drop, rename): the rows that
    cascade from it must survive, and the search must find the names again."""
    from core.cases.models import Case, CaseDeadline, HeldDocument

    app = create_app(app_config(f"sqlite:///{tmp_path / 'kept.sqlite3'}"))
    with app.app_context():
        flask_migrate.upgrade()
        case = Case(person_name="Amina Benali", departement="14", demarche="salarie", kind="renewal")
        case.deadlines.append(CaseDeadline(kind="permit-expires", date=dt.date(2030, 1, 1), legal_basis="test"))
        case.documents.append(HeldDocument(kind="api"))
        db.session.add(case)
        db.session.commit()
        flask_migrate.downgrade(revision="0005")
        flask_migrate.upgrade()
        counts = [db.session.scalar(db.select(db.func.count()).select_from(model)) for model in
                  (Case, CaseDeadline, HeldDocument)]
        assert counts == [1, 1, 1]
        found = db.session.execute(db.text("SELECT rowid FROM cases_search WHERE cases_search MATCH '\"benal\"'"))
        assert found.scalars().all() == [case.id]


def test_reports_made_before_identities_get_their_identity(tmp_path):
    """Migration 0012 names each report's fact as the application does from then on."""
    from core.corrections.facts import fact_identity
    from core.corrections.models import FactReport

    app = create_app(app_config(f"sqlite:///{tmp_path / 'identity.sqlite3'}"))
    with app.app_context():
        flask_migrate.upgrade(revision="0011")
        db.session.execute(db.text(
            "INSERT INTO fact_reports (what_is_wrong, what_they_saw, where_seen, reported_by, reported_at, status,"
            " review_note, departement, section, fact_key, fact_label, plugin) VALUES ('x', '', '', 'a@b.c',"
            " '2026-11-20 10:00:00', 'open', '', '14', 'tribunals', 'abc', 'Tribunal administratif de Caen',"
            " 'national')"))
        db.session.commit()
        flask_migrate.upgrade()
        report = db.session.scalar(db.select(FactReport))
        assert report.fact_version == "abc"
        assert report.fact_identity == fact_identity("tribunals", "14", "Tribunal administratif de Caen")
