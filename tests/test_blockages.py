"""Blockages come from the evidence where the evidence says so, and each case
counts once per blockage and month in the statistics (issue 16, point 7)."""
import datetime as dt
import re

from core.cases.models import CaseBlockage
from core.stats.queries import counts_for
from core.web import clock
from core.web.extensions import db
from tests.conftest import csrf_token
from tests.test_cases import add_entry, case_id, create_case

NOW = clock.local_now()  # the help desk's time, as a volunteer types it


def statistics(app):
    with app.app_context():
        return counts_for(NOW.date().replace(day=1), NOW.date())["blockages_by_kind"]


def test_a_pan_attempt_with_no_slot_is_a_blockage_without_entering_it_again(app, benevole_client):
    case = case_id(create_case(benevole_client))
    add_entry(benevole_client, case, kind="pan-attempt", result="no-slot", summary="Aucun créneau au PAN",
              occurred_at=NOW.strftime("%Y-%m-%dT%H:%M"))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    blockages = page[page.index('id="blocages"'):]
    assert "PAN injoignable ou sans rendez-vous" in blockages and "(d’après l’entrée n° 1 du journal)" in blockages
    assert statistics(app)["pan-injoignable"] == 1


def test_the_same_blockage_met_again_in_the_month_counts_the_case_once(app, benevole_client):
    case = case_id(create_case(benevole_client))
    for day in range(2):
        add_entry(benevole_client, case, kind="pan-attempt", result="no-slot", summary=f"Tentative {day}",
                  occurred_at=(NOW - dt.timedelta(minutes=day)).strftime("%Y-%m-%dT%H:%M"))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)  # and the volunteer enters it by hand too
    benevole_client.post(f"/dossiers/{case}/blocages", data={
        "blockage-csrf_token": csrf_token(page), "blockage-kind": "pan-injoignable",
        "blockage-occurred_on": NOW.date().isoformat()})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CaseBlockage.id))) == 3
    assert statistics(app)["pan-injoignable"] == 1


def test_a_screenshot_says_which_anef_blockage_it_shows_and_a_wrong_one_is_removed(app, benevole_client):
    case = case_id(create_case(benevole_client))
    add_entry(benevole_client, case, kind="screenshot", summary="Pièce refusée : plus de 10 Mo",
              blockage="anef-piece-10-mo", occurred_at=NOW.strftime("%Y-%m-%dT%H:%M"))
    add_entry(benevole_client, case, kind="pan-attempt", result="appointment", summary="Rendez-vous obtenu",
              occurred_at=NOW.strftime("%Y-%m-%dT%H:%M"))  # a slot found: no blockage
    assert dict(statistics(app)) == {"anef-piece-10-mo": 1}
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    remove = re.search(r'action="(/dossiers/\d+/blocages/\d+/retirer)"', page).group(1)
    benevole_client.post(remove, data={"csrf_token": csrf_token(page)})
    assert dict(statistics(app)) == {}
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Blocage retiré" in page
    assert "#1 – capture d’écran du blocage" in page  # the log keeps the entry itself
