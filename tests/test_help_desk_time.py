"""Dates and times are those of the help desk (Europe/Paris), whatever the
server's clock: a volunteer at 00:30 in Caen is on the 12th while the server,
in UTC, is still on the 11th; in summer Paris is two hours ahead."""
import datetime as dt
import re

import pytest

from core.cases.models import EvidenceEntry
from core.web import clock
from core.web.extensions import db
from tests.conftest import csrf_token
from tests.test_cases import case_id, create_case


@pytest.fixture
def server_time(monkeypatch):
    """Sets the server's clock (UTC)."""
    def set_to(*when):
        moment = dt.datetime(*when, tzinfo=dt.UTC)
        monkeypatch.setattr(clock, "utc_now", lambda: moment)
    return set_to


def proposed_time(page: str) -> str:
    return re.search(r'id="entry-occurred_at"[^>]*value="([^"]*)"', page).group(1)


def test_just_after_midnight_in_caen_the_log_proposes_paris_time_and_today_is_the_12th(app, benevole_client,
                                                                                     server_time):
    server_time(2025, 1, 11, 23, 30)  # 00:30 in Caen on 12 January
    case = case_id(create_case(benevole_client, expires_on="2025-01-09", filed_on="2024-11-04"))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert proposed_time(page) == "2025-01-12T00:30"
    assert "nous sommes le 12 janvier 2025" in page.split('class="site-footer"')[1]

    # Saved as proposed: stored as the UTC moment it was, shown again as 00:30 on the 12th.
    benevole_client.post(f"/dossiers/{case}/journal", data={
        "entry-csrf_token": csrf_token(page), "entry-kind": "screenshot", "entry-occurred_at": proposed_time(page),
        "entry-summary": "Écran d'erreur ANEF", "entry-url": "", "entry-reference": "", "entry-result": "",
        "entry-corrects": ""})
    with app.app_context():
        entry = db.session.scalar(db.select(EvidenceEntry).where(EvidenceEntry.case_id == case))
        assert entry.occurred_at == dt.datetime(2025, 1, 11, 23, 30)
    shown = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "12 janvier 2025 à 00:30" in shown


def test_in_summer_the_log_proposes_paris_time_two_hours_ahead_of_the_server(benevole_client, server_time):
    server_time(2025, 7, 1, 10, 5)
    case = case_id(create_case(benevole_client, expires_on="2025-09-30", filed_on="2025-06-20"))
    assert proposed_time(benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)) == "2025-07-01T12:05"


def test_an_entry_a_minute_ahead_of_the_server_in_paris_time_is_not_in_the_future(app, benevole_client, server_time):
    """The 'in the future' check compares Paris time with Paris time."""
    server_time(2025, 7, 1, 22, 30)  # 00:30 on 2 July in Paris
    case = case_id(create_case(benevole_client, expires_on="2025-09-30", filed_on="2025-06-20"))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    response = benevole_client.post(f"/dossiers/{case}/journal", data={
        "entry-csrf_token": csrf_token(page), "entry-kind": "screenshot", "entry-occurred_at": "2025-07-02T00:31",
        "entry-summary": "Écran d'erreur ANEF", "entry-url": "", "entry-reference": "", "entry-result": "",
        "entry-corrects": ""})
    assert response.status_code == 302 and "#journal" in response.location
    tomorrow_too_far = benevole_client.post(f"/dossiers/{case}/journal", data={
        "entry-csrf_token": csrf_token(page), "entry-kind": "screenshot", "entry-occurred_at": "2025-07-03T02:00",
        "entry-summary": "Écran d'erreur ANEF", "entry-url": "", "entry-reference": "", "entry-result": "",
        "entry-corrects": ""})
    assert tomorrow_too_far.status_code == 400
