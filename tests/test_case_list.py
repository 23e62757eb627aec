"""The case list with years of cases behind it: its order comes from the next
deadline stored on each case, its search from the database's text index.
These are the behaviours a volunteer sees; bench/ measures the speed."""
import datetime as dt
import re

from core.cases.models import Case, CaseDeadline
from core.web.extensions import db
from tests.conftest import csrf_token
from tests.test_cases import TODAY, case_id, create_case, search_cases


def names_in_order(client, arguments="", search=None):
    if search is None:
        page = client.get("/dossiers" + arguments).get_data(as_text=True)
    else:
        page = search_cases(client, search).get_data(as_text=True)
    found = [(page.index(name), name) for name in ("Amina Benali", "Jean Dupont", "Li Wei") if name in page]
    return [name for _, name in sorted(found)]


def test_a_search_finds_any_part_of_a_name_whatever_the_case(benevole_client):
    create_case(benevole_client, person_name="Amina Benali")
    create_case(benevole_client, person_name="Jean Dupont")
    assert names_in_order(benevole_client, search="BENAL") == ["Amina Benali"]
    assert names_in_order(benevole_client, search="mina ben") == ["Amina Benali"]
    assert names_in_order(benevole_client, search="dup") == ["Jean Dupont"]
    # Two letters are below the index's trigrams: still found.
    assert names_in_order(benevole_client, search="du") == ["Jean Dupont"]
    assert names_in_order(benevole_client, search='"') == []
    assert names_in_order(benevole_client, search='"""OR') == []


def test_a_renamed_or_erased_person_is_found_by_the_new_name_only(app, benevole_client):
    renamed = case_id(create_case(benevole_client, person_name="Amina Benali"))
    with app.app_context():
        db.session.get(Case, renamed).person_name = "Li Wei"
        db.session.commit()
    assert names_in_order(benevole_client, search="benali") == []
    assert names_in_order(benevole_client, search="wei") == ["Li Wei"]
    with app.app_context():
        db.session.delete(db.session.get(Case, renamed))
        db.session.commit()
    assert names_in_order(benevole_client, search="wei") == []


def test_a_deadline_passed_since_the_last_refresh_no_longer_puts_its_case_first(app, benevole_client):
    """Yesterday's refresh stored yesterday's date as Amina's next deadline; today the list
    orders her by her next real one, after Jean's, without changing her case."""
    amina = case_id(create_case(benevole_client, person_name="Amina Benali", filed_on="",
                                expires_on=(TODAY + dt.timedelta(days=300)).isoformat()))
    jean = case_id(create_case(benevole_client, person_name="Jean Dupont", filed_on="",
                               expires_on=(TODAY + dt.timedelta(days=65)).isoformat()))
    yesterday = TODAY - dt.timedelta(days=1)
    with app.app_context():
        case = db.session.get(Case, amina)
        coming = (case.next_deadline_on, case.next_deadline_kind)
        assert coming[0] > db.session.get(Case, jean).next_deadline_on
        case.deadlines.append(CaseDeadline(kind="challenge-ends", date=yesterday, legal_basis="test"))
        case.next_deadline_on, case.next_deadline_kind = yesterday, "challenge-ends"
        db.session.commit()
        version, updated_at = case.version, case.updated_at
    # Whatever the order asked for, the passed date is no longer shown as the next one.
    page = benevole_client.get("/dossiers?sort=updated").get_data(as_text=True)
    assert "Amina Benali" in page and "dernier jour pour contester le rejet implicite" not in page
    assert names_in_order(benevole_client) == ["Jean Dupont", "Amina Benali"]
    with app.app_context():
        case = db.session.get(Case, amina)
        assert (case.next_deadline_on, case.next_deadline_kind, case.version, case.updated_at) == (
            *coming, version, updated_at)


def test_each_sort_lists_the_cases_in_the_order_a_volunteer_expects(app, benevole_client):
    create_case(benevole_client, person_name="Amina Benali", filed_on="",
                expires_on=(TODAY + dt.timedelta(days=300)).isoformat())
    create_case(benevole_client, person_name="Jean Dupont", filed_on="",
                expires_on=(TODAY + dt.timedelta(days=65)).isoformat())
    create_case(benevole_client, person_name="Li Wei", filed_on="", expires_on="")
    # Soonest deadline first, a case without any last.
    assert names_in_order(benevole_client) == ["Jean Dupont", "Amina Benali", "Li Wei"]
    assert names_in_order(benevole_client, "?sort=updated") == ["Li Wei", "Jean Dupont", "Amina Benali"]


def test_the_dashboard_shows_the_twenty_most_urgent_dates_and_leads_to_the_rest(app, benevole_client):
    case = case_id(create_case(benevole_client, person_name="Amina Benali", filed_on="", expires_on=""))
    with app.app_context():
        for day in range(1, 26):
            db.session.add(CaseDeadline(case_id=case, kind="permit-expires", date=TODAY + dt.timedelta(days=day),
                                        legal_basis="test"))
        db.session.commit()
    page = benevole_client.get("/").get_data(as_text=True)
    assert page.count("Amina Benali") == 20
    assert "1 jour" in page and "20 jours" in page and "21 jours" not in page
    assert "D’autres échéances : tous les dossiers, les plus urgents d’abord" in page


def test_a_name_in_a_translated_sentence_is_escaped(app, client, make_user):
    from tests.conftest import log_in
    log_in(client, make_user(name="<b>Camille</b>").email)
    page = client.get("/").get_data(as_text=True)
    assert "Bonjour &lt;b&gt;Camille&lt;/b&gt;" in page and "<b>Camille</b>" not in page


def test_the_dashboard_runs_as_many_queries_for_five_dates_as_for_fifty(app, benevole_client, count_queries):
    def dashboard_queries():
        with count_queries() as queries:
            assert benevole_client.get("/").status_code == 200
        return len(queries)

    def add_cases(count):
        for number in range(count):
            create_case(benevole_client, person_name=f"Personne {number}", filed_on="",
                        expires_on=(TODAY + dt.timedelta(days=62 + number % 20)).isoformat())

    add_cases(5)
    with_five = dashboard_queries()
    add_cases(45)
    assert dashboard_queries() == with_five


def test_a_case_page_runs_as_many_queries_with_a_long_log_as_with_a_short_one(app, benevole_client,
                                                                                count_queries):
    from tests.test_cases import PNG, add_entry
    case = case_id(create_case(benevole_client, person_name="Amina Benali"))

    def page_queries():
        with count_queries() as queries:
            assert benevole_client.get(f"/dossiers/{case}").status_code == 200
        return len(queries)

    for number in range(3):
        add_entry(benevole_client, case, files=[(f"capture-{number}.png", PNG)], summary=f"Écran {number}")
    short = page_queries()
    for number in range(3, 12):
        add_entry(benevole_client, case, files=[(f"capture-{number}.png", PNG)], summary=f"Écran {number}")
    assert page_queries() == short


def add_document(client, case, kind, valid_until):
    from tests.test_cases import token
    return client.post(f"/dossiers/{case}/documents", data={
        "document-csrf_token": token(client, f"/dossiers/{case}"), "document-kind": kind,
        "document-issued_on": TODAY.isoformat(), "document-valid_until": valid_until.isoformat(),
        "document-note": ""})


def test_a_document_that_brings_the_next_deadline_forward_is_not_a_change_of_the_case(app, benevole_client):
    """A colleague editing the case's situation is not told that someone else saved it
    because a document was added meanwhile; the list still shows the new next date."""
    case = case_id(create_case(benevole_client, person_name="Amina Benali", filed_on="",
                               expires_on=(TODAY + dt.timedelta(days=300)).isoformat()))
    with app.app_context():
        before = db.session.get(Case, case)
        version, updated_at = before.version, before.updated_at
    # 44 characters of kind: "document-ends:attestation-decision-favorable".
    soon = TODAY + dt.timedelta(days=5)
    assert add_document(benevole_client, case, "attestation-decision-favorable", soon).status_code == 302
    with app.app_context():
        after = db.session.get(Case, case)
        assert (after.next_deadline_on, after.next_deadline_kind) == (soon,
                                                                      "document-ends:attestation-decision-favorable")
        assert (after.version, after.updated_at) == (version, updated_at)
    page = benevole_client.get("/dossiers").get_data(as_text=True)
    assert "fin de validité : attestation de décision favorable" in page


def test_an_erased_person_leaves_no_date_in_the_list_and_no_name_in_the_search(app, benevole_client, coordinator):
    from tests.conftest import csrf_token
    case = case_id(create_case(benevole_client, person_name="Amina Benali", filed_on="",
                               expires_on=(TODAY + dt.timedelta(days=300)).isoformat()))
    add_document(benevole_client, case, "recepisse", TODAY + dt.timedelta(days=5))
    page = coordinator.get(f"/dossiers/{case}/effacer").get_data(as_text=True)
    coordinator.post(f"/dossiers/{case}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{case:05d}"})
    with app.app_context():
        erased = db.session.get(Case, case)
        assert (erased.next_deadline_on, erased.next_deadline_kind) == (None, None)
    listing = benevole_client.get("/dossiers").get_data(as_text=True)
    assert "fin de validité" not in listing
    assert names_in_order(benevole_client, search="benali") == []


def test_a_long_list_stops_counting_at_its_cap_and_still_pages(app, benevole_client, monkeypatch):
    """Counting 100,000 cases at each request is what made the list slow: past the cap the
    list says "more than", and the next page is still one click away."""
    import core.web.pagination
    monkeypatch.setattr(core.web.pagination, "COUNT_CAP", 4)
    for number in range(25):
        create_case(benevole_client, person_name=f"Personne {number:02d}")
    first = benevole_client.get("/dossiers").get_data(as_text=True)
    assert "plus de 4 dossiers" in first and "page 1<" in first and "suivante" in first
    second = benevole_client.get("/dossiers?page=2").get_data(as_text=True)
    assert "Personne" in second and "précédente" in second and "suivante" not in second
    # Under the cap, the count is exact again.
    assert "1 dossier<" in search_cases(benevole_client, "Personne 21").get_data(as_text=True)


def test_every_filter_of_the_list_in_either_order_reads_its_page_from_an_index(app, benevole_client):
    """With 100,000 cases a filtered page sorted afterwards read a third of them (50 ms on SQLite);
    read from an index in the list's order, it reads its 21 rows. SQLite only: PostgreSQL's planner
    rightly scans a table of a few rows, so its plan says nothing here (bench/ measures it)."""
    import pytest
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL chooses its plan by the table's size")
    with app.app_context():
        # The statistics of a new installation, whatever an earlier test left (an ANALYZE of a few rows).
        db.session.execute(db.text("DELETE FROM sqlite_stat1"))
        db.session.commit()
        db.session.execute(db.text("ANALYZE sqlite_schema"))  # makes the planner reload them
        db.session.commit()
    create_case(benevole_client, person_name="Amina Benali")
    sorted_afterwards = []

    def explain(conn, cursor, statement, parameters, *args):
        if statement.lstrip().startswith("SELECT cases.id") and "ORDER BY" in statement:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            if any("TEMP B-TREE FOR ORDER BY" in row[-1] for row in plan):
                sorted_afterwards.append(statement)

    event.listen(engine, "after_cursor_execute", explain)
    try:
        for filters in ("?status=open", "?departement=14", "?demarche=conjoint-de-francais", "?mine=1",
                        "?departement=14&status=open", ""):
            for order in ("", "&sort=updated"):
                assert benevole_client.get("/dossiers" + (filters or "?") + order).status_code == 200
    finally:
        event.remove(engine, "after_cursor_execute", explain)
    assert sorted_afterwards == []


def test_the_nightly_refresh_gives_sqlite_the_statistics_it_chooses_the_search_index_by(app, benevole_client):
    """Without them SQLite read a filter's index before the search's (a search with departement=14: 43 ms
    at 100,000 cases instead of 2)."""
    create_case(benevole_client, person_name="Amina Benali")
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL's autovacuum keeps its own statistics
        def statistics():
            return db.session.execute(db.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cases'")).scalar()
        db.session.execute(db.text("DELETE FROM sqlite_stat1"))  # as after the migrations of a new installation
        db.session.commit()
        assert statistics() == 0
    result = app.test_cli_runner().invoke(args=["cases", "refresh-deadlines"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert statistics() > 0


def test_a_searched_name_never_appears_in_an_address(benevole_client):
    """Access logs and the browser's history keep addresses, also after the person's data
    is erased: the search box's text goes in the body and stays in the session."""
    for number in range(23):
        create_case(benevole_client, person_name=f"Amina Benali {number:02d}", agdref=f"14000000{number:02d}")
    create_case(benevole_client, person_name="Jean Dupont", departement="33", demarche="salarie")
    sent = benevole_client.post("/dossiers/recherche", data={"q": "Benali", "status": "open",
                                                            "csrf_token": csrf_token(benevole_client.get("/dossiers").get_data(as_text=True))})
    assert sent.status_code == 303 and "Benali" not in sent.location and "status=open" in sent.location
    page = benevole_client.get(sent.location).get_data(as_text=True)
    assert "23 dossiers" in page and "Jean Dupont" not in page
    addresses = re.findall(r'(?:href|action)="([^"]*)"', page)
    assert addresses and not [address for address in addresses if "Benali" in address or "q=" in address]
    # The next page is still the search's, and an AGDREF number is kept out as well.
    second = benevole_client.get(re.search(r'href="([^"]*page=2[^"]*)"', page).group(1).replace("&amp;", "&"))
    assert "page 2 sur 2" in second.get_data(as_text=True) and "Jean Dupont" not in second.get_data(as_text=True)
    by_number = search_cases(benevole_client, "1400000007")
    assert "1400000007" not in by_number.request.url and "1 dossier<" in by_number.get_data(as_text=True)
    # The list from the menu is the whole list; an old address with ?q= loses its text at once.
    assert "24 dossiers" in benevole_client.get("/dossiers").get_data(as_text=True)
    old = benevole_client.get("/dossiers?q=Dupont&departement=33")
    assert old.status_code == 303 and "Dupont" not in old.location and "departement=33" in old.location
    assert "Jean Dupont" in benevole_client.get(old.location).get_data(as_text=True)
    # Logging out forgets it.
    benevole_client.post("/deconnexion", data={"csrf_token": csrf_token(benevole_client.get("/").get_data(as_text=True))})
    with benevole_client.session_transaction() as session:
        assert "case_search" not in session
