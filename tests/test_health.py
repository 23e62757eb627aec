"""``/healthz`` tells a load balancer or a monitor whether this server can work, and nothing else."""
from __future__ import annotations

import pytest

from core import create_app
from tests.conftest import app_config
from tests.live_server import free_port


def test_a_healthy_instance_answers_ok_without_logging_in_or_saying_more(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "failing": []}
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


def test_an_attachments_storage_that_cannot_be_used_makes_it_unavailable(app, db_url, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the attachments' folder should be")
    response = create_app(app_config(db_url, ATTACHMENTS_DIR=str(blocked))).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "failing": ["storage"]}
    assert str(tmp_path) not in response.get_data(as_text=True)


@pytest.fixture
def app_without_database(tmp_path):
    """The application pointed at a PostgreSQL server that is not there (a closed port)."""
    url = f"postgresql://permanence:secret@127.0.0.1:{free_port()}/permanence"
    return create_app(app_config(url, ATTACHMENTS_DIR=str(tmp_path / "attachments")))


def test_a_database_that_does_not_answer_makes_it_unavailable_and_says_no_more(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "failing": ["database"]}
    assert "127.0.0.1" not in response.get_data(as_text=True) and "secret" not in response.get_data(as_text=True)
