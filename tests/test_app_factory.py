"""The application factory and its configuration."""
from pathlib import Path

import pytest

from core import create_app
from core.web.config import DEVELOPMENT_SECRET_KEY, ConfigurationError, from_environment, normalise_database_url


def test_by_default_the_database_is_a_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{Path(app.instance_path) / 'permanence.sqlite3'}"
    assert Path(app.instance_path).is_dir()


def test_database_url_comes_from_the_environment_and_uses_psycopg_3():
    config = from_environment({"DATABASE_URL": "postgresql://u:p@db.example.org/permanence"})
    assert normalise_database_url(config["DATABASE_URL"]) == "postgresql+psycopg://u:p@db.example.org/permanence"
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_development_is_the_default_and_starts_with_the_development_key():
    config = from_environment({})
    assert config["PERMANENCE_ENV"] == "development"
    assert config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("environ", [
    {"PERMANENCE_ENV": "production"},
    {"PERMANENCE_ENV": "production", "SECRET_KEY": DEVELOPMENT_SECRET_KEY},
    {"PERMANENCE_ENV": "production", "SECRET_KEY": "short"},
], ids=["no key", "development key", "short key"])
def test_a_production_start_refuses_an_unsafe_secret_key(monkeypatch, environ):
    for name in ("PERMANENCE_ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_a_production_start_with_a_real_key_sends_cookies_over_https_only(monkeypatch, db_url):
    monkeypatch.setenv("PERMANENCE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_demo_accounts_are_refused_in_production(monkeypatch):
    monkeypatch.setenv("PERMANENCE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("PERMANENCE_DEMO", "1")
    with pytest.raises(ConfigurationError, match="PERMANENCE_DEMO"):
        create_app()


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="PERMANENCE_ENV"):
        from_environment({"PERMANENCE_ENV": "prod"})
