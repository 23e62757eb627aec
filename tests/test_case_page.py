"""The case page as a volunteer reads it: a summary on top with a way to each
part, each warning with its legal basis, and the log's form ready for the
evidence the next step needs."""
from __future__ import annotations

import datetime as dt
import re

from tests.test_cases import TODAY, case_id, create_case


def summary_of(page: str) -> str:
    return page.split('<nav class="card case-summary"', 1)[1].split("</nav>", 1)[0]


def test_the_case_page_opens_on_a_summary_with_the_document_due_the_next_step_and_the_next_date(benevole_client):
    # The seeds' Calvados example brought to today: filed in the ANEF window, expired three days ago, no API.
    case = case_id(create_case(benevole_client))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    summary = summary_of(page)
    assert page.index("case-summary") < page.index('id="situation"')  # before every part
    assert "attestation de prolongation d’instruction (API)" in summary and "aucun document enregistré" in summary
    assert "Prochaine étape" in summary and "Captures d&#39;écran du blocage" in summary
    assert "courriers recommandés" in summary  # the urgent API letters, one click away
    assert "Prochaine date" in summary and "rejet implicite" in summary  # its date: the rules' scenarios
    for anchor in ("situation", "documents", "ladder", "dates", "journal", "add-entry", "blocages", "donnees"):
        assert f'href="#{anchor}"' in summary and f'id="{anchor}"' in page, anchor


def test_a_warning_on_the_case_page_says_what_text_it_rests_on(benevole_client):
    # Filed 50 days before expiry: after the ANEF window closed (60th day), so no API is due.
    expires = TODAY - dt.timedelta(days=3)
    case = case_id(create_case(benevole_client, filed_on=(expires - dt.timedelta(days=50)).isoformat()))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    attention = page.split('id="attention"', 1)[1].split("</div>", 1)[0]
    warning = next(item for item in attention.split("<li>") if "après la fermeture de la fenêtre ANEF" in item)
    assert re.search(r'class="provenance">\(CESEDA R\.431-5 1°.*R\.431-15-1 al\. 1 et 2\)', warning), warning
    assert 'href="#attention"' in summary_of(page)


def test_log_it_next_to_the_step_opens_the_log_form_with_that_kind_chosen(benevole_client):
    case = case_id(create_case(benevole_client))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert f'href="/dossiers/{case}?log=screenshot#add-entry"' in page  # the next step: screenshots
    chosen = benevole_client.get(f"/dossiers/{case}?log=pan-attempt").get_data(as_text=True)
    assert re.search(r'<option selected value="pan-attempt">|<option value="pan-attempt" selected>', chosen)
    unknown = benevole_client.get(f"/dossiers/{case}?log=nimporte")
    assert unknown.status_code == 200 and "selected" not in unknown.get_data(as_text=True).split('id="entry-kind"')[1][:2000]


def test_a_new_log_entry_is_confirmed_inside_the_log_where_the_page_opens(benevole_client):
    from tests.test_cases import add_entry

    case = case_id(create_case(benevole_client))
    response = add_entry(benevole_client, case)
    assert response.headers["Location"].endswith("#journal")
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    journal = page.split('id="journal"', 1)[1]
    assert journal.index("Entrée n° 1 ajoutée au journal.") < journal.index('id="add-entry"')
    assert "Entrée n° 1 ajoutée" not in page.split('id="journal"', 1)[0]  # not at the top, out of sight


def test_a_closed_case_says_so_before_its_next_step(benevole_client, coordinator):
    from tests.conftest import csrf_token

    case = case_id(create_case(benevole_client))
    token = csrf_token(coordinator.get(f"/dossiers/{case}").get_data(as_text=True))
    coordinator.post(f"/dossiers/{case}/statut", data={"status-csrf_token": token, "status-status": "closed",
                                                       "status-assigned_to": "", "status-close_confirmed": "1"})
    page = coordinator.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Ce dossier est clos" in page and page.index("Ce dossier est clos") < page.index("Prochaine étape")


def test_the_log_says_who_recorded_an_entry_by_name_with_the_address_kept_in_the_log(client, make_user):
    from tests.conftest import log_in
    from tests.test_cases import add_entry

    volunteer = make_user(name="Yasmina Ferhat", email="yasmina.test@example.org")
    log_in(client, volunteer.email)
    case = case_id(create_case(client))
    add_entry(client, case, summary="Appel au PAN sans réponse")
    page = client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert 'par <span title="yasmina.test@example.org">Yasmina Ferhat</span>' in page
