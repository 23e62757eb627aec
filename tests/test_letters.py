"""Letters: every letter of every département to PDF with the right local
address, review and edit, kept with the case, and safe whatever a case holds."""
import datetime as dt
import email
import http.server
import io
import re
import shutil
import threading
import uuid

import pytest
from pypdf import PdfReader

from core.accounts.models import Role
from core.cases.models import Case
from core.cases.service import append_entry, assess_case
from core.letters import catalogue as C
from core.letters import compose as L
from core.letters.models import Letter
from core.plugins.state import local_facts
from core.web import clock
from core.web.extensions import db
from core.web.pdf import render_pdf
from tests.conftest import csrf_token
from tests.test_cases import PNG, add_entry, case_id, create_case, token

ENGINES = ["weasyprint"] + (["wkhtmltopdf"] if shutil.which("wkhtmltopdf") else [])
COVERED = ["04", "05", "06", "13", "14", "33", "83", "84"]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def make_case(departement, demarche="conjoint-de-francais", kind="renewal", **extra):
    today = clock.today()
    fields = {"person_name": "T. N.", "agdref": "1499999903", "nationality": "malienne", "permit": "cst",
              "expires_on": today - dt.timedelta(days=3), "filed_on": today - dt.timedelta(days=70),
              "anef_request_number": "1401", "contact": "06 00 00 00 00", **extra}
    case = Case(departement=departement, demarche=demarche, kind=kind, **fields)
    db.session.add(case)
    db.session.flush()
    for day, kind_ in ((15, "pan-attempt"), (8, "pan-attempt")):
        append_entry(case, kind=kind_, occurred_at=dt.datetime.combine(today - dt.timedelta(days=day), dt.time(9)),
                     summary="Aucun créneau au PAN", by="t@example.org", result="no-slot")
    return case


@pytest.mark.parametrize("departement", COVERED)
def test_every_letter_of_every_departement_has_its_recipient_date_object_and_bordereau(app, departement):
    with app.test_request_context():
        from flask_login import login_user

        from core.accounts.models import User
        user = User(email="v@example.org", name="Camille Volontaire", role="benevole", password_hash="x")
        db.session.add(user)
        db.session.flush()
        login_user(user)
        facts = local_facts()
        generated = 0
        for demarche in ("conjoint-de-francais", "salarie"):
            case = make_case(departement, demarche)
            result = assess_case(case)
            for spec in C.catalogue(facts, departement):
                recipient, missing = L.recipient_for(spec, facts, departement)
                if missing:
                    assert missing in ("prefecture-address", "prefecture-email"), (spec.slug, missing)
                    continue
                context = L.build_context(case, result, facts, volunteer_name="Camille Volontaire",
                                          pieces=list(case.entries))
                context["recipient"] = recipient
                subject, body = L.render_text(spec, context)
                text = pdf_text(render_pdf(L.letter_html(spec, subject, body, context)))
                flat = " ".join(text.split())
                assert " ".join(recipient.lines[0].split()) in flat, spec.slug
                assert " ".join(recipient.lines[-1].split()) in flat, spec.slug  # e.g. the postcode and city
                assert re.search(r"Le \d{1,2}(er)? \w+ \d{4}", text), spec.slug
                assert "Objet :" in text and "dossier D-" in text
                assert "Pièces jointes" in text and "Aucun créneau au PAN" in text
                if spec.recipient == "tribunal":
                    assert "PROJET" in text
                generated += 1
        db.session.rollback()
    # DDD, CCC and référé letters everywhere; with a préfecture address (14, 33, 84…) the others too
    assert generated >= 6


@pytest.mark.skipif("wkhtmltopdf" not in ENGINES, reason="wkhtmltopdf is not installed")
def test_wkhtmltopdf_also_renders_every_calvados_letter_readably(app):
    with app.test_request_context():
        from flask_login import login_user

        from core.accounts.models import User
        user = User(email="v@example.org", name="Camille Volontaire", role="benevole", password_hash="x")
        db.session.add(user)
        db.session.flush()
        login_user(user)
        facts = local_facts()
        case = make_case("14")
        for spec in C.catalogue(facts, "14"):
            recipient, missing = L.recipient_for(spec, facts, "14")
            if missing or spec.kind == "email":
                continue
            context = L.build_context(case, assess_case(case), facts, volunteer_name="Camille Volontaire",
                                      pieces=list(case.entries))
            context["recipient"] = recipient
            subject, body = L.render_text(spec, context)
            text = " ".join(pdf_text(render_pdf(L.letter_html(spec, subject, body, context), engine="wkhtmltopdf")).split())
            assert "Objet :" in text and " ".join(recipient.lines[-1].split()) in text and "Pièces jointes" in text, spec.slug
        db.session.rollback()


def test_the_gironde_postal_filing_address_is_not_presented_as_published(app, benevole_client):
    """Seed 000 gives the bureau's address from a démarches-simplifiées contact
    block, not the address the arrêté of 15 May 2023 sets for postal filing."""
    with app.test_request_context():
        facts = local_facts()
        assert not facts.substitution_modality("33").send_to
        spec = next(s for s in C.catalogue(facts, "33") if s.slug == "probleme-anef")
        recipient, missing = L.recipient_for(spec, facts, "33")
        assert missing is None and recipient.caution == "substitution-address"
    case = case_id(create_case(benevole_client, departement="33", demarche="conjoint-de-francais"))
    review = prepare(benevole_client, case, "probleme-anef").get_data(as_text=True)
    assert "Vérifier l’adresse que fixe la préfecture" in review
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', review, re.S).group(1)
    import html as html_module
    data = {"csrf_token": csrf_token(review), "generate": "1", "subject": "PROBLÈME ANEF",
            "body": L.TODO_PATTERN.sub("x", html_module.unescape(body))}
    refused = benevole_client.post(f"/dossiers/{case}/courriers/probleme-anef", data=data)
    assert refused.status_code == 400 and "Vérifier l’adresse" in refused.get_data(as_text=True)
    accepted = benevole_client.post(f"/dossiers/{case}/courriers/probleme-anef", data={**data, "recipient_checked": "y"})
    assert accepted.status_code == 302


def test_a_letter_needing_a_missing_address_says_so_before_anything_is_generated(benevole_client):
    case = case_id(create_case(benevole_client, departement="13"))
    response = benevole_client.get(f"/dossiers/{case}/courriers/demande-api-courrier")
    assert response.status_code == 409
    assert "aucune adresse postale de la préfecture n’est enregistrée" in response.get_data(as_text=True)
    assert "Impossible à préparer pour le département 13" in benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)


def prepare(client, case, slug, **fields):
    url = f"/dossiers/{case}/courriers/{slug}"
    data = {"csrf_token": token(client, url), "prepare": "1", **fields}
    return client.post(url, data=data)


def generate_pan_email(client, case, subject):
    """The PAN email as a volunteer sends it: reviewed, its blanks filled, generated."""
    import html as html_module
    review = prepare(client, case, "demande-rdv-pan").get_data(as_text=True)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', review, re.S).group(1)
    return client.post(f"/dossiers/{case}/courriers/demande-rdv-pan", data={
        "csrf_token": csrf_token(review), "generate": "1", "subject": subject,
        "body": L.TODO_PATTERN.sub("problème technique", html_module.unescape(body))})


def test_review_edit_generate_and_find_the_pdf_again_exactly(app, benevole_client):
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000", request_complete="yes"))
    add_entry(benevole_client, case, files=[("capture.png", PNG)], summary="Aucune API sur le compte ANEF")
    with app.app_context():
        entry_id = db.session.get(Case, case).entries[0].id
    review = prepare(benevole_client, case, "demande-api-courrier", pieces=str(entry_id), anef_checked="y",
                     urgency="l'agence d'intérim suspend ses missions.").get_data(as_text=True)
    assert "Relire et modifier" in review and "URGENT : Mise à disposition" in review
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', review, re.S).group(1)
    import html as html_module
    body = html_module.unescape(body) + "\n\nPS : **ajout du bénévole**."
    url = f"/dossiers/{case}/courriers/demande-api-courrier"
    response = benevole_client.post(url, data={"csrf_token": csrf_token(review), "generate": "1", "pieces": str(entry_id),
                                               "subject": "URGENT : API pour T. N.", "body": body})
    assert response.status_code == 302
    with app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.case_id == case))
        assert letter.subject == "URGENT : API pour T. N." and "ajout du bénévole" in letter.body
        letter_id, digest = letter.id, letter.sha256
        kinds = [e.kind for e in db.session.get(Case, case).entries]
    assert kinds[-1] == "letter-generated"
    landing = benevole_client.get(response.headers["Location"]).get_data(as_text=True)
    download = f"/dossiers/{case}/courriers/archives/{letter_id}"
    ready = landing.index("Courrier prêt")  # offered first, before the catalogue, where the volunteer lands
    assert ready < landing.index("Courriers déjà générés") and landing.index(f'href="{download}"') < landing.index(
        "Recommandés maintenant" if "Recommandés maintenant" in landing else "Courriers déjà générés")
    first = benevole_client.get(download)
    again = benevole_client.get(f"/dossiers/{case}/courriers/archives/{letter_id}")
    assert first.mimetype == "application/pdf" and first.data == again.data
    import hashlib
    assert hashlib.sha256(first.data).hexdigest() == digest
    text = pdf_text(first.data)
    assert "URGENT : API pour T. N." in text and "ajout du bénévole" in text and "Aucune API sur le compte ANEF" in text
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    assert "courrier généré" in page and digest in page


def test_a_text_still_holding_elements_to_complete_is_not_generated(app, benevole_client):
    case = case_id(create_case(benevole_client, agdref="", filed_on=""))
    review = prepare(benevole_client, case, "demande-api-courrier").get_data(as_text=True)
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', review, re.S).group(1)
    import html as html_module
    response = benevole_client.post(f"/dossiers/{case}/courriers/demande-api-courrier", data={
        "csrf_token": csrf_token(review), "generate": "1", "subject": "URGENT", "body": html_module.unescape(body)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Des éléments restent à compléter" in page and "numéro AGDREF" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_an_email_comes_as_an_eml_and_a_mailto_link(app, benevole_client):
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    generate_pan_email(benevole_client, case, "URGENT : API")
    page = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    assert "mailto:pref-etrangers%40calvados.gouv.fr?subject=URGENT%20%3A%20API" in page
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id).where(Letter.case_id == case))
    eml = benevole_client.get(f"/dossiers/{case}/courriers/archives/{letter_id}")
    message = email.message_from_bytes(eml.data)
    assert eml.mimetype == "message/rfc822"
    assert message["To"] == "pref-etrangers@calvados.gouv.fr" and message["Subject"] == "URGENT : API"


def test_a_stored_letter_rewritten_or_deleted_afterwards_is_caught_by_the_logs_verification(app, benevole_client):
    """The letter's text as sent is covered by its entry's hash, like its file (issue 13, item 12)."""
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    generate_pan_email(benevole_client, case, "URGENT : RDV")

    def verified():
        return app.test_cli_runner().invoke(args=["cases", "verify", f"D-{case:05d}"])

    assert verified().exit_code == 0
    with app.app_context():
        original = db.session.scalar(db.select(Letter.body).where(Letter.case_id == case))
        db.session.execute(db.update(Letter).where(Letter.case_id == case).values(body="Rien d'urgent."))
        db.session.commit()
    result = verified()
    assert result.exit_code != 0 and "entrée n° 1 – le texte de son courrier a été modifié" in result.output
    with app.app_context():  # a copy with the original text beside the altered one does not hide it
        altered = db.session.scalar(db.select(Letter).where(Letter.case_id == case))
        db.session.add(Letter(**{column.name: getattr(altered, column.name) for column in Letter.__table__.columns
                                 if column.name != "id"} | {"body": original}))
        db.session.commit()
    assert "entrée n° 1 – le texte de son courrier a été modifié" in verified().output
    with app.app_context():
        db.session.execute(db.delete(Letter).where(Letter.case_id == case))
        db.session.commit()
    assert "entrée n° 1 – son courrier a été supprimé" in verified().output


def test_the_calvados_plugin_letter_is_offered_and_fills_in(app, benevole_client):
    case = case_id(create_case(benevole_client))
    page = prepare(benevole_client, case, "calvados-urgent-api").get_data(as_text=True)
    assert "ne dispose d'aucun document lui permettant de justifier" in page.replace("&#39;", "'") and "M. K." in page
    assert "rupture de séjour" not in page  # would admit an irregular stay to the préfecture


def test_the_restricted_markup_escapes_everything_else():
    html = str(L.body_to_html("Bonjour **toi**\n\n- un\n- <b>deux</b>\n\n<script>alert(1)</script>"))
    assert "<strong>toi</strong>" in html and "<li>un</li>" in html
    assert "&lt;b&gt;deux&lt;/b&gt;" in html and "<script>" not in html


class Recorder(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.hits.clear()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


HOSTILE = ('<img src="file:///etc/passwd"> <a rel="attachment" href="file:///etc/passwd">pj</a> '
           '<link rel="stylesheet" href="{server}/evil.css"><img src="{server}/pixel.png">')


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_typed_in_a_case_reaches_a_local_file_or_the_network(app, local_server, engine):
    hostile = HOSTILE.format(server=local_server)
    with app.test_request_context():
        from flask_login import login_user

        from core.accounts.models import User
        user = User(email="v@example.org", name=hostile[:120], role="benevole", password_hash="x")
        db.session.add(user)
        db.session.flush()
        login_user(user)
        case = make_case("14")
        case.person_name = hostile[:120]
        case.nationality = hostile[:80]
        facts = local_facts()
        spec = next(s for s in C.catalogue(facts, "14") if s.slug == "demande-api-courrier")
        recipient, _ = L.recipient_for(spec, facts, "14")
        context = L.build_context(case, assess_case(case), facts, volunteer_name=hostile, pieces=[], urgency=hostile)
        context["recipient"] = recipient
        subject, body = L.render_text(spec, context)
        data = render_pdf(L.letter_html(spec, subject + hostile, body + "\n\n" + hostile, context), engine=engine)
        db.session.rollback()
    assert b"root:x:0:0" not in data and b"/EmbeddedFile" not in data
    assert "file:///etc/passwd" in pdf_text(data)  # shown as the text it is, never fetched
    assert Recorder.hits == []


@pytest.mark.parametrize("engine", ENGINES)
def test_even_raw_html_given_to_the_engine_fetches_nothing(local_server, engine):
    raw = "<html><body><p>Texte</p>" + HOSTILE.format(server=local_server) + "</body></html>"
    data = render_pdf(raw, engine=engine)
    assert b"root:x:0:0" not in data and b"/EmbeddedFile" not in data
    assert Recorder.hits == []


# --- a letter states only what the case shows, in French, with the civility --------

def letter_text(app, case_fields, slug, departement="14", **flags):
    """The text of a letter for a case made of ``case_fields``, as the review step fills it."""
    with app.test_request_context():
        from flask_login import login_user

        from core.accounts.models import User
        user = User(email=f"v-{uuid.uuid4().hex[:6]}@example.org", name="Camille Volontaire", role="benevole",
                    password_hash="x")
        db.session.add(user)
        db.session.flush()
        login_user(user)
        case = make_case(departement, **case_fields)
        facts = local_facts()
        spec = next(s for s in C.catalogue(facts, departement) if s.slug == slug)
        context = L.build_context(case, assess_case(case), facts, volunteer_name="Camille", pieces=[], **flags)
        subject, body = L.render_text(spec, context)
        db.session.rollback()
    return subject + "\n" + body


def test_the_calvados_urgent_email_no_longer_claims_an_on_time_complete_filing_the_case_does_not_show(app):
    today = clock.today()
    late = letter_text(app, {"filed_on": today - dt.timedelta(days=30)}, "calvados-urgent-api")
    assert "plus de 60 jours" not in late and "jours avant la fin de validité" not in late
    assert "[à compléter : dépôt entre le 120e et le 60e jour" in late
    assert "[à compléter : la demande était-elle complète" in late
    assert "en copie" not in late and "en pièce jointe" not in late
    in_time = letter_text(app, {"request_complete": True}, "calvados-urgent-api", person_in_copy=True)
    assert "soit 67 jours avant la fin de validité de son titre de séjour" in in_time
    assert "déposée complète" in in_time and "nous lit en copie" in in_time


def test_the_recepisse_request_says_within_the_window_only_for_an_on_time_filing(app):
    today = clock.today()
    on_time = letter_text(app, {"demarche": "salarie", "filed_on": today - dt.timedelta(days=20)},
                          "demande-recepisse", departement="33")
    late = letter_text(app, {"demarche": "salarie", "filed_on": today - dt.timedelta(days=1)},
                       "demande-recepisse", departement="33")
    assert "dans le délai prévu par l'article R. 431-5" in on_time
    assert "dans le délai" not in late


def test_civility_replaces_the_inclusive_forms_and_the_neutral_wording_has_none(app):
    madame = letter_text(app, {"civility": "madame", "birth_date": dt.date(1990, 3, 3)}, "demande-api-courrier")
    assert "Madame T. N., de nationalité malienne, née le 3 mars 1990" in madame
    monsieur = letter_text(app, {"civility": "monsieur"}, "demande-api-courrier")
    assert "Monsieur T. N., de nationalité malienne, numéro AGDREF" in monsieur
    calvados = letter_text(app, {"civility": "monsieur"}, "calvados-urgent-api")
    assert "Monsieur T. N., de nationalité malienne, né le [à compléter : date de naissance] à" in calvados
    neutral = letter_text(app, {"birth_date": dt.date(1990, 3, 3)}, "demande-api-courrier")
    assert "T. N., de nationalité malienne (date de naissance : 3 mars 1990)" in neutral
    for text in (madame, monsieur, neutral):
        assert "·e" not in text and "ressortissant" not in text


def test_letters_are_french_even_for_a_volunteer_reading_in_english(app):
    from flask_babel import force_locale
    with force_locale("en"):
        text = letter_text(app, {"expires_on": dt.date(2025, 1, 9), "filed_on": dt.date(2024, 11, 4)},
                           "demande-api-courrier")
    assert "9 janvier 2025" in text and "4 novembre 2024" in text and "January" not in text


def test_the_bpi_and_young_adult_api_requests_cite_their_own_articles(app):
    refugee = letter_text(app, {"demarche": "refugie", "kind": "first", "expires_on": None}, "demande-api-bpi")
    assert "R. 431-15-3" in refugee and "six mois renouvelable" in refugee and "L. 414-10" in refugee
    young = letter_text(app, {"demarche": "confie-ase", "kind": "first", "expires_on": None, "request_complete": True,
                              "birth_date": clock.today() - dt.timedelta(days=18 * 365 + 100)},
                        "demande-api-jeune-majeur")
    assert "R. 431-15-1" in young and "troisième alinéa" in young and "déposée complète" in young


def test_the_case_recommends_the_calvados_urgent_email_first_and_not_two_near_identical_ones(app, benevole_client):
    case = case_id(create_case(benevole_client))  # renewal filed in the window, expired 3 days ago, no API
    page = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    recommended = page.split("Recommandés maintenant")[1].split("Autres courriers")[0]
    assert recommended.index("Courriel URGENT : mise à disposition") < recommended.index("Lettre URGENTE")
    assert "Une API est due et aucune n’est enregistrée comme détenue." in recommended
    assert "demande-api-courriel" not in page  # replaced by the Calvados model, not listed twice
    assert "Courriel URGENT : mise à disposition" in benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)


def test_a_refere_mesures_utiles_draft_is_refused_once_an_implicit_rejection_exists(benevole_client):
    today = clock.today()
    case = case_id(create_case(benevole_client, filed_on=(today - dt.timedelta(days=150)).isoformat(),
                               expires_on=(today - dt.timedelta(days=40)).isoformat()))
    response = benevole_client.get(f"/dossiers/{case}/courriers/refere-mesures-utiles")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "recours en annulation avec un référé-suspension" in page
    letters = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    assert "Recommandés maintenant" not in letters or "référé mesures-utiles" not in letters.split("Autres courriers")[0]


def test_an_api_letter_does_not_say_the_stay_is_broken_while_l433_3_still_covers_it(app):
    today = clock.today()
    text = letter_text(app, {"demarche": "carte-resident", "permit": "carte-resident",
                             "expires_on": today - dt.timedelta(days=10), "filed_on": today - dt.timedelta(days=80)},
                       "demande-api-courrier")
    assert "article L. 433-3 du CESEDA" in text and "ne dispose d'aucun document" not in text


def test_after_an_implicit_rejection_the_api_letter_says_it_does_not_stop_the_time_limit(app):
    today = clock.today()
    text = letter_text(app, {"expires_on": today - dt.timedelta(days=70), "filed_on": today - dt.timedelta(days=130),
                             "request_complete": True}, "demande-api-courrier")
    assert "[à compléter : le silence de la préfecture vaut rejet implicite depuis le" in text
    assert "demeure en cours d'instruction" not in text


def test_recommendations_follow_what_is_held_the_rejection_and_the_local_postal_modality():
    from core.rules import Situation, assess, load_rules
    rules = load_rules()
    specs = C.national_letters()
    calvados = Situation(demarche="conjoint-de-francais", kind="renewal", permit="cst", expires_on=dt.date(2025, 1, 9),
                         filed_on=dt.date(2024, 11, 4), on=dt.date(2025, 1, 12))
    due = assess(rules, calvados)
    assert [r.spec.slug for r in C.recommend(specs, due, set(), None)][:2] == ["demande-api-courriel",
                                                                             "demande-api-courrier"]
    assert C.recommend(specs, due, {"api"}, None) == []  # an API still valid is held
    rejected = assess(rules, Situation(**{**calvados.__dict__, "on": dt.date(2025, 3, 10)}))
    assert "demande-api-courrier" not in [r.spec.slug for r in C.recommend(specs, rejected, set(), None)]
    substitution = [r.spec.slug for r in C.recommend(specs, due, {"api"}, "substitution")]
    assert substitution == ["demande-substitution"]  # no « PROBLÈME ANEF » postal cover without a local modality
    assert "probleme-anef" in [r.spec.slug for r in C.recommend(specs, due, {"api"}, "substitution",
                                                                postal_substitution=True)]


def test_an_expired_api_held_brings_back_the_letter_asking_for_its_renewal(app, benevole_client):
    case = case_id(create_case(benevole_client))
    with app.app_context():
        from core.cases.models import HeldDocument
        record = db.session.get(Case, case)
        record.documents.append(HeldDocument(kind="api", valid_until=clock.today() - dt.timedelta(days=1)))
        db.session.commit()
    page = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    assert "Courriel URGENT : mise à disposition" in page.split("Autres courriers")[0]


def test_every_permit_has_a_label_on_the_pages_and_a_name_in_the_letters():
    from core.assessment.forms import PERMIT_LABELS
    from core.rules import PERMITS
    assert set(PERMITS) == set(PERMIT_LABELS) == set(L.LETTER_PERMIT_NAMES)


def test_the_api_letters_of_a_young_adult_without_a_permit_fill_in_without_error(app):
    today = clock.today()
    fields = {"demarche": "confie-ase", "kind": "first", "permit": None, "expires_on": None,
              "filed_on": today - dt.timedelta(days=20), "birth_date": today - dt.timedelta(days=18 * 365 + 30)}
    for slug in ("demande-api-courrier", "calvados-urgent-api", "demande-api-jeune-majeur"):
        text = letter_text(app, fields, slug)
        assert "None" not in text and "R. 431-5" in text and "[à compléter : dépôt" not in text, slug


def test_an_api_letter_before_expiry_never_cites_l433_3_for_a_valid_permit(app):
    today = clock.today()
    text = letter_text(app, {"expires_on": today + dt.timedelta(days=20), "filed_on": today - dt.timedelta(days=50)},
                       "demande-api-courrier")
    assert "L. 433-3" not in text and "le titre n'a pas encore expiré" in text


def test_a_recommended_letter_already_sent_says_so_so_that_nobody_sends_it_twice(benevole_client):
    case = case_id(create_case(benevole_client))  # expired three days ago, API due
    page = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    assert "déjà été généré le" not in page
    add_entry(benevole_client, case, kind="prefecture-email", summary="Courriel URGENT envoyé à la préfecture")
    page = benevole_client.get(f"/dossiers/{case}/courriers").get_data(as_text=True)
    assert "déjà été généré le" in page.split("Autres courriers")[0]


def test_a_plugin_letter_whose_template_reads_what_it_may_not_says_so_and_leaks_nothing(
        install_plugin, db_url, make_user):
    """A plugin's template is filled in a sandbox: ``config`` is not there, and reading from it is a
    mistake of the plugin, said on the page with its file and line, not a 500 and never a secret."""
    from core import create_app
    from tests.conftest import app_config, log_in, yaml_plugin_source

    install_plugin("seine-maritime-test", yaml_plugin_source(), files={"facts.yaml": """
        departements:
          - {code: "76", name: Seine-Maritime, prefecture_seat: Rouen, source: "INSEE COG", checked_on: 2026-11-22}
        prefecture_services:
          - name: "Préfecture de test"
            kind: prefecture
            emails: ["etrangers@example.org"]
            source: "test"
            checked_on: 2026-11-22
        letter_templates:
          - slug: test-secret
            title: "Lettre de test"
            kind: email
            legal_basis: "test"
            template: letter.txt
            source: "test"
            checked_on: 2026-11-22
    """, "letter.txt": "Objet : test\n\n{{ config.SECRET_KEY }}\n"})
    app = create_app(app_config(db_url))
    client = app.test_client()
    log_in(client, make_user(Role.BENEVOLE).email)
    case = case_id(create_case(client, departement="76"))
    response = prepare(client, case, "test-secret")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "letter.txt, ligne 3" in page and "seine-maritime-test" in page
    assert app.config["SECRET_KEY"] not in page
    assert client.get(f"/dossiers/{case}/courriers").status_code == 200  # the other letters are still offered


def test_an_urgency_typed_without_a_full_stop_still_ends_the_sentence_in_the_letter():
    from core.letters.compose import as_sentence
    assert as_sentence("l'agence d'intérim suspend ses missions") == "l'agence d'intérim suspend ses missions."
    assert as_sentence("  le contrat commence lundi !  ") == "le contrat commence lundi !"
    assert as_sentence("") == ""


def test_a_ticked_confirmation_de_depot_is_said_attached_even_if_the_case_does_not_list_it(benevole_client):
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    without = prepare(benevole_client, case, "demande-api-courrier").get_data(as_text=True)
    assert "confirmation de dépôt de sa demande (en pièce jointe)" not in without
    ticked = prepare(benevole_client, case, "demande-api-courrier", confirmation_attached="y").get_data(as_text=True)
    assert "confirmation de dépôt de sa demande (en pièce jointe)" in ticked


def test_a_letter_without_the_associations_address_says_so_before_it_is_sent(app, benevole_client):
    case = case_id(create_case(benevole_client, anef_request_number="1401202411040000"))
    app.config["ASSOCIATION_ADDRESS"] = ""
    review = prepare(benevole_client, case, "demande-api-courrier").get_data(as_text=True)
    assert "ne portera pas d’adresse postale d’expéditeur" in review
    app.config["ASSOCIATION_ADDRESS"] = "1 rue de l'Exemple (test)|14000 Caen"
    review = prepare(benevole_client, case, "demande-api-courrier").get_data(as_text=True)
    assert "ne portera pas d’adresse postale d’expéditeur" not in review
