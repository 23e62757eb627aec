"""A change is on disk when the page says it is saved; only the audit row of a
read (someone looked at the case list) is committed without waiting for the
disk (core/web/durability.py). Checked at each commit, on the connection
itself: SQLite's ``synchronous`` level, PostgreSQL's ``synchronous_commit``."""
import datetime as dt

import pytest
from sqlalchemy import event

from core.cases.models import Case, CaseDeadline
from core.web import clock
from core.web.extensions import db
from tests.test_cases import add_entry, case_id, create_case

WAITS, DOES_NOT_WAIT = "waits for the disk", "does not wait"


@pytest.fixture
def commits(app):
    """How each commit made from now on was written."""
    with app.app_context():
        engine = db.engine
    seen = []

    def at_commit(connection):  # before the database commits
        cursor = connection.connection.dbapi_connection.cursor()
        if connection.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous")
            seen.append(WAITS if cursor.fetchone()[0] >= 2 else DOES_NOT_WAIT)  # 2: FULL
        else:
            cursor.execute("SHOW synchronous_commit")
            seen.append(WAITS if cursor.fetchone()[0] == "on" else DOES_NOT_WAIT)
        cursor.close()

    event.listen(engine, "commit", at_commit)
    yield seen
    event.remove(engine, "commit", at_commit)


def test_reading_the_list_does_not_wait_for_the_disk_and_the_next_change_does(benevole_client, commits):
    create_case(benevole_client, person_name="Amina Benali")
    benevole_client.get("/dossiers")
    assert commits[-1] == DOES_NOT_WAIT
    commits.clear()
    case = case_id(create_case(benevole_client, person_name="Jean Dupont"))  # on the connection of that read
    assert commits == [WAITS]
    commits.clear()
    add_entry(benevole_client, case, summary="Capture de l'écran d'erreur ANEF")
    assert commits == [DOES_NOT_WAIT, WAITS]  # the case page read for its form, then the entry saved


def test_a_list_that_moves_on_a_passed_deadline_waits_for_the_disk(app, benevole_client, commits):
    """The list's catch-up of the stored next deadlines is a change: its commit waits."""
    case = case_id(create_case(benevole_client, person_name="Amina Benali"))
    yesterday = clock.today() - dt.timedelta(days=1)
    with app.app_context():
        stored = db.session.get(Case, case)
        stored.deadlines.append(CaseDeadline(kind="challenge-ends", date=yesterday, legal_basis="test"))
        stored.next_deadline_on, stored.next_deadline_kind = yesterday, "challenge-ends"
        db.session.commit()
    commits.clear()
    benevole_client.get("/dossiers")
    assert commits == [WAITS]
    benevole_client.get("/dossiers")
    assert commits == [WAITS, DOES_NOT_WAIT]
