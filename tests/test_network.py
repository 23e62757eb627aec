"""For the network: blockage statistics that name nobody, and the people's
data kept no longer than needed (retention, export, erasure)."""
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.accounts.models import User
from core.cases.demo import seed_demo_cases
from core.cases.models import Case
from core.rules.dates import FRENCH_MONTHS
from core.stats.counts import merge_csv
from core.stats.models import AnonymousCase
from core.web import clock
from core.web.audit import AuditEvent
from core.web.extensions import db
from tests.conftest import csrf_token, log_in
from tests.test_cases import PNG, add_entry, case_id, create_case

DEMO_PEOPLE = ("M. K. (démo)", "A. B. (démo)", "S. D. (démo)", "1499999901", "ivoirienne", "Pacsée depuis 2022")


@pytest.fixture
def demo(app):
    with app.app_context():
        db.session.add(User(email="benevole@example.org", name="Camille Bénévole", role="benevole",
                            password_hash="x"))
        db.session.commit()
        seed_demo_cases()


def test_the_statistics_page_shows_the_demo_blockages_as_charts(demo, coordinator, benevole_client):
    page = coordinator.get("/statistiques").get_data(as_text=True)
    assert page.count("<svg class=\"chart\"") >= 4
    assert "PAN injoignable ou sans rendez-vous" in page and "CCC incapable de résoudre le blocage" in page
    assert benevole_client.get("/statistiques").status_code == 403


def test_the_exports_name_nobody_and_withhold_small_counts(app, demo, coordinator):
    csv_text = coordinator.get("/statistiques/export.csv").get_data(as_text=True)
    pdf = coordinator.get("/statistiques/rapport.pdf")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for personal in DEMO_PEOPLE:
        assert personal not in csv_text and personal not in pdf_text
    rows = [line.split(",") for line in csv_text.strip().splitlines()[1:]]
    visible = [int(row[6]) for row in rows if row[7] == "0"]
    assert rows and all(count >= 5 for count in visible)  # nothing between 1 and 4 leaves the intranet
    assert all(row[6] == "" for row in rows if row[7] == "1")
    assert ",cases_by_departement,13,,1" in csv_text  # one Marseille case: withheld
    assert "Méthode." in pdf_text and "< seuil" in pdf_text
    app.config["STATS_SUPPRESSION_THRESHOLD"] = 1
    try:
        visible = coordinator.get("/statistiques/export.csv").get_data(as_text=True)
    finally:
        app.config["STATS_SUPPRESSION_THRESHOLD"] = 5
    # The demo's Marseille case met « PAN injoignable » at its three attempts, 18, 11 and 4 days ago:
    # once per month they fell in.
    months = {(clock.today() - dt.timedelta(days=days)).strftime("%Y-%m") for days in (18, 11, 4)}
    assert f",blockages_by_kind,pan-injoignable,{len(months)},0" in visible
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "stats.export")) == 3


def test_exports_of_several_instances_merge_into_the_same_format(app, tmp_path):
    header = "format,instance,period_start,period_end,dimension,key,count,suppressed\n"
    bordeaux = header + ("permanence-stats/1,ASTI Bordeaux,2025-01-01,2025-12-31,blockages_by_kind,pan-injoignable,12,0\n"
                         "permanence-stats/1,ASTI Bordeaux,2025-01-01,2025-12-31,blockages_by_kind,anef-maintenance,,1\n")
    caen = header + ("permanence-stats/1,ASTI Caen,2025-01-01,2025-12-31,blockages_by_kind,pan-injoignable,7,0\n"
                     "permanence-stats/1,ASTI Caen,2025-01-01,2025-12-31,blockages_by_kind,anef-maintenance,3,0\n")
    merged = merge_csv([bordeaux, caen], threshold=5)
    assert "ASTI Bordeaux+ASTI Caen,2025-01-01,2025-12-31,blockages_by_kind,pan-injoignable,19,0" in merged
    assert ",blockages_by_kind,anef-maintenance,3,1" in merged  # a lower bound: one instance withheld its count
    (tmp_path / "a.csv").write_text(bordeaux)
    (tmp_path / "b.csv").write_text(caen)
    result = app.test_cli_runner().invoke(args=["stats", "merge", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")])
    assert result.exit_code == 0 and "pan-injoignable,19,0" in result.output
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    assert app.test_cli_runner().invoke(args=["stats", "merge", str(tmp_path / "bad.csv")]).exit_code != 0
    from core.stats.counts import MergeError
    with pytest.raises(MergeError, match="already counted"):
        merge_csv([bordeaux, bordeaux], threshold=5)
    with pytest.raises(MergeError, match="different periods"):
        merge_csv([bordeaux, caen.replace("2025-01-01", "2025-03-01")], threshold=5)
    with pytest.raises(MergeError, match="not a number"):
        merge_csv([caen.replace(",7,0", ",sept,0")], threshold=5)


def test_a_single_small_count_cannot_be_worked_out_from_the_total():
    from collections import Counter

    from core.stats.counts import withheld_keys
    assert withheld_keys(Counter({"14": 6, "33": 2, "13": 9}), 5) == {"33", "14"}
    assert withheld_keys(Counter({"14": 6, "33": 2, "13": 3}), 5) == {"33", "13"}


def test_retention_removes_exactly_the_expired_cases_and_keeps_their_counts(app, benevole_client):
    ids = [case_id(create_case(benevole_client, person_name=name)) for name in ("Ancien", "Récent", "Ouvert")]
    add_entry(benevole_client, ids[0], files=[("capture.png", PNG)])
    with app.app_context():
        old, recent, _open = (db.session.get(Case, i) for i in ids)
        old.status, old.closed_at = "closed", dt.datetime(2023, 1, 10)
        recent.status, recent.closed_at = "closed", dt.datetime(2024, 6, 1)
        db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run", "--today", "2025-02-01"])
    assert f"D-{ids[0]:05d}" in dry.output and f"D-{ids[1]:05d}" not in dry.output and "essai" in dry.output
    with app.app_context():
        assert db.session.get(Case, ids[0]) is not None
    import hashlib
    from pathlib import Path
    stored = list(Path(app.config["ATTACHMENTS_DIR"]).rglob(hashlib.sha256(PNG).hexdigest()))
    assert stored
    result = runner.invoke(args=["retention", "run", "--today", "2025-02-01"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.get(Case, ids[0]) is None
        assert db.session.get(Case, ids[1]) is not None and db.session.get(Case, ids[2]) is not None
        (record,) = db.session.scalars(db.select(AnonymousCase)).all()
        assert (record.departement, record.demarche, record.reason) == ("14", "conjoint-de-francais", "retention")
        assert "Ancien" not in json.dumps({c.name: str(getattr(record, c.name)) for c in record.__table__.columns})
    assert not any(path.exists() for path in stored)  # the attachment went with its case
    coordinator = app.test_client()
    with app.app_context():
        user = User(email="c@example.org", name="C", role="coordinateur")
        user.set_password("long enough password")
        db.session.add(user)
        db.session.commit()
    log_in(coordinator, "c@example.org", "long enough password")
    page = coordinator.get("/statistiques?from=2000-01-01&to=2199-12-31").get_data(as_text=True)
    assert "Dossiers par département" in page and ">3</text>" in page  # the deleted case still counts


def test_a_person_gets_everything_held_on_them(app, benevole_client):
    case = case_id(create_case(benevole_client))
    add_entry(benevole_client, case, files=[("capture.png", PNG)], summary="Blocage étape 2")
    response = benevole_client.get(f"/dossiers/{case}/donnees-personnelles.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("donnees.json"))
    assert data["person"]["name"] == "M. K." and data["person"]["agdref"] == "1499999901"
    assert data["evidence"][0]["hashed"]["summary"] == "Blocage étape 2"
    assert archive.read("pieces/001-1-capture.png") == PNG
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "person.export"))


def test_a_coordinator_erases_a_person_and_the_log_records_it_without_the_data(app, benevole_client, coordinator):
    case = case_id(create_case(benevole_client, person_name="Personne à effacer", civility="madame",
                               birth_date="2006-08-10"))
    add_entry(benevole_client, case, files=[("capture.png", PNG)], summary="Détail personnel")
    assert benevole_client.get(f"/dossiers/{case}/effacer").status_code == 403
    page = coordinator.get(f"/dossiers/{case}/effacer").get_data(as_text=True)
    wrong = coordinator.post(f"/dossiers/{case}/effacer", data={"csrf_token": csrf_token(page), "confirm": "D-99999"})
    assert wrong.status_code == 400 and "Ce n’est pas la référence de ce dossier." in wrong.get_data(as_text=True)
    coordinator.post(f"/dossiers/{case}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{case:05d}"})
    shown = coordinator.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "Personne à effacer" not in shown and "Détail personnel" not in shown and "1499999901" not in shown
    assert "effacement des données de la personne" in shown
    result = app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])
    assert result.exit_code == 0 and "1 entrée vérifiée" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "person.erase", AuditEvent.case_id == case))
        assert db.session.scalar(db.select(AnonymousCase).where(AnonymousCase.reason == "erasure"))
        erased = db.session.get(Case, case)
        assert (erased.civility, erased.birth_date, erased.request_complete) == (None, None, None)


def test_blockages_are_recorded_on_a_case(benevole_client):
    case = case_id(create_case(benevole_client))
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    benevole_client.post(f"/dossiers/{case}/blocages", data={
        "blockage-csrf_token": csrf_token(page), "blockage-kind": "anef-piece-10-mo",
        "blockage-occurred_on": clock.today().isoformat()})
    assert "Pièce jointe de plus de 10 Mo —" in benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)


@pytest.mark.parametrize("language, words", [("fr", "Vos données, à la permanence"), ("en", "Your data at the help desk")])
def test_the_privacy_notice_is_public_in_french_and_english(client, language, words):
    response = client.get("/confidentialite", headers={"Accept-Language": language})
    assert response.status_code == 200 and words in response.get_data(as_text=True)


def test_retention_also_deletes_cases_with_letters_and_erased_shells_without_counting_twice(app, benevole_client,
                                                                                            coordinator):
    from core.letters.models import Letter
    letter_case = case_id(create_case(benevole_client, person_name="Avec courrier"))
    add_entry(benevole_client, letter_case, files=[("capture.png", PNG)])
    erased = case_id(create_case(benevole_client, person_name="Effacée"))
    with app.app_context():
        case = db.session.get(Case, letter_case)
        db.session.add(Letter(case_id=case.id, slug="saisine-ddd", title="t", kind="letter", subject="s", body="b",
                              recipient="r", file_name="f.pdf", media_type="application/pdf", sha256="0" * 64,
                              created_by="x", entry_id=case.entries[0].id))
        case.status, case.closed_at = "closed", dt.datetime(2022, 1, 1)
        db.session.commit()
    page = coordinator.get(f"/dossiers/{erased}/effacer").get_data(as_text=True)
    coordinator.post(f"/dossiers/{erased}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{erased:05d}"})
    with app.app_context():
        db.session.get(Case, erased).closed_at = dt.datetime(2022, 1, 1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "run", "--today", "2025-02-01"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Case, letter_case) is None and db.session.get(Case, erased) is None
        reasons = sorted(r.reason for r in db.session.scalars(db.select(AnonymousCase)))
    assert reasons == ["erasure", "retention"]  # each person counted once
    again = coordinator.get(f"/dossiers/{erased}/effacer")
    assert again.status_code == 404


def test_the_database_counts_the_same_as_the_case_by_case_definition(app, demo):
    """The statistics page asks the database (GROUP BY, a fixed number of
    queries); core.stats.counts defines each count case by case. Both agree,
    on live cases, anonymous records and every kind of count."""
    from core.cases.models import CaseBlockage, EvidenceEntry, HeldDocument
    from core.stats.counts import aggregate, anonymous_record, collect
    from core.stats.queries import counts_for
    today = dt.date(2026, 11, 23)
    with app.app_context():
        def new_case(created, **fields):
            case = Case(person_name="X", departement=fields.pop("departement", "33"), demarche="salarie",
                        kind=fields.pop("kind", "renewal"), created_at=created, **fields)
            db.session.add(case)
            db.session.flush()
            return case
        broken = new_case(dt.datetime(2025, 3, 31, 23, 30), expires_on=dt.date(2025, 6, 1), filed_on=dt.date(2025, 3, 1))
        broken.blockages.append(CaseBlockage(kind="anef-technical-error", occurred_on=dt.date(2025, 4, 2),
                                             recorded_by="x"))
        held = new_case(dt.datetime(2025, 4, 1), expires_on=dt.date(2025, 5, 1), filed_on=dt.date(2025, 2, 1))
        held.documents.append(HeldDocument(kind="api", issued_on=dt.date(2025, 2, 20)))
        held.documents.append(HeldDocument(kind="api", issued_on=dt.date(2025, 3, 20)))
        first = new_case(dt.datetime(2025, 12, 31, 12, 0), kind="first", departement="14", filed_on=dt.date(2025, 12, 1))
        for sequence, (moment, result) in enumerate(((dt.datetime(2026, 1, 5, 9), "no-slot"),
                                                     (dt.datetime(2026, 1, 19, 17), "appointment"),
                                                     (dt.datetime(2026, 1, 26, 8), "appointment")), start=1):
            db.session.add(EvidenceEntry(case_id=first.id, sequence=sequence, kind="pan-attempt", occurred_at=moment,
                                         recorded_by="x", summary="s", result=result, previous_hash="0",
                                         entry_hash=str(sequence)))
        erased = new_case(dt.datetime(2025, 5, 5), erased_at=dt.datetime(2025, 6, 1))
        gone = new_case(dt.datetime(2025, 7, 7), expires_on=dt.date(2025, 8, 1))
        gone.blockages.append(CaseBlockage(kind="pan-unreachable", occurred_on=dt.date(2025, 7, 9), recorded_by="x"))
        db.session.flush()
        db.session.add(anonymous_record(gone, "retention", today))
        db.session.delete(gone)
        db.session.commit()
        assert erased.id
        for start, end in ((dt.date(2000, 1, 1), dt.date(2199, 12, 31)), (dt.date(2025, 4, 1), dt.date(2025, 12, 31)),
                           (dt.date(2025, 3, 15), dt.date(2025, 3, 15)), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))):
            expected = aggregate(collect(start, end, today))
            assert counts_for(start, end, today) == expected, (start, end)
        assert counts_for(dt.date(2000, 1, 1), dt.date(2199, 12, 31), today)["renewal_breaks"]["all"] >= 2


def test_the_statistics_page_runs_as_many_queries_for_ten_cases_as_for_forty(app, coordinator, count_queries):
    """Statistics are GROUP BY queries: their number does not grow with the cases."""
    from core.cases.models import CaseBlockage, HeldDocument

    def add_cases(n):
        with app.app_context():
            for i in range(n):
                case = Case(person_name=f"P{i}", departement=("33", "14")[i % 2], demarche="salarie", kind="renewal",
                            expires_on=dt.date(2025, 1, 1), filed_on=dt.date(2024, 10, 1))
                case.blockages.append(CaseBlockage(kind="pan-unreachable", occurred_on=dt.date(2025, 1, 2),
                                                   recorded_by="x"))
                case.documents.append(HeldDocument(kind="api", issued_on=dt.date(2024, 10, 20)))
                db.session.add(case)
            db.session.commit()

    def queries_for_the_page():
        with count_queries() as queries:
            response = coordinator.get("/statistiques?from=2000-01-01&to=2199-12-31")
        assert response.status_code == 200
        return len(queries)

    add_cases(10)
    with_ten = queries_for_the_page()
    add_cases(30)
    assert queries_for_the_page() == with_ten


def test_an_erased_name_is_left_nowhere_in_the_sqlite_files(app, db_url, benevole_client, coordinator):
    """Overwritten in the database file (secure_delete), merged out of the search index, and not
    kept either in the write-ahead log, which holds the pages' earlier versions."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the files of a SQLite database")
    name = "Zéphyrine Effaçable"
    case = case_id(create_case(benevole_client, person_name=name))
    add_entry(benevole_client, case, summary="Rendez-vous de Zéphyrine au PAN")
    page = coordinator.get(f"/dossiers/{case}/effacer").get_data(as_text=True)
    coordinator.post(f"/dossiers/{case}/effacer", data={"csrf_token": csrf_token(page), "confirm": f"D-{case:05d}"})
    database = Path(db_url.removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            content = path.read_bytes()
            assert "Zéphyrine".encode() not in content and "Effaçable".encode() not in content, path.name


def test_the_report_is_french_with_its_period_in_words_even_from_an_english_screen(demo, coordinator):
    coordinator.post("/langue", data={"locale-csrf_token": csrf_token(coordinator.get("/").get_data(as_text=True)),
                                      "locale-locale": "en", "locale-next": "/"})
    assert "Statistics" in coordinator.get("/statistiques").get_data(as_text=True)
    start = clock.today().replace(day=1) - dt.timedelta(days=365)
    end = clock.today()
    pdf = coordinator.get(f"/statistiques/rapport.pdf?from={start.isoformat()}&to={end.isoformat()}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", " ")
    with coordinator.application.test_request_context(headers={"Accept-Language": "fr"}):
        from core.web.messages import long_date
        period = f"période du {long_date(start)} au {long_date(end)}"
    assert period in text and start.isoformat() not in text
    assert "PAN injoignable ou sans rendez-vous" in text  # the blockages' labels in French too
    assert f"{FRENCH_MONTHS[end.month - 1]} {end.year}" in text  # months in words, not 2025-11
