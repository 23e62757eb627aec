"""Whatever is typed or sent, no 500 (issue 13): Hypothesis fills every form
the pages show (found by reading them, so a new form is fuzzed without
editing this file) and the JSON API, on the real database (SQLite here,
PostgreSQL in CI). Values are drawn from what people and scripts send by
mistake: empty, very long, other alphabets, control characters, numbers and
dates out of range, a choice that is not offered, a file that is not one."""
from __future__ import annotations

import datetime as dt
import io
import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.accounts.models import Role
from core.cases.models import Attachment, HeldDocument
from core.web import clock
from core.web.extensions import db
from tests.test_cases import PNG, add_entry, case_id, create_case

EXAMPLES = 25
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: Forms that end the session are left out (the fuzz would go on logged out).
LEFT_OUT = {"/deconnexion"}


class Forms(HTMLParser):
    """Each <form> of a page: method, action, and its fields (name → type, offered values)."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.forms, self.current, self.select = url, [], None, None

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            self.current = {"method": (attributes.get("method") or "get").lower(),
                            "action": (attributes.get("action") or self.url).split("#")[0], "fields": {}}
            self.forms.append(self.current)
        elif tag == "option" and self.select is not None:
            self.select["values"].append(attributes.get("value", ""))
        elif self.current is None or not attributes.get("name"):
            return
        elif tag in ("input", "button", "textarea"):
            kind = attributes.get("type", "text" if tag != "button" else "submit")
            field = self.current["fields"].setdefault(attributes["name"], {"type": kind, "values": []})
            if attributes.get("value") is not None:
                field["values"].append(attributes["value"])
        elif tag == "select":
            self.select = self.current["fields"].setdefault(attributes["name"], {"type": "select", "values": []})

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(client, url: str, response=None) -> list[dict]:
    response = response or client.get(url)
    assert response.status_code == 200, url
    parser = Forms(url)
    parser.feed(response.get_data(as_text=True))
    return [form for form in parser.forms if form["action"] not in LEFT_OUT]


def letter_review_forms(client, case: int) -> list[dict]:
    """A letter's second stage (its text to review, then « Générer ») only shows after the first."""
    url = f"/dossiers/{case}/courriers/demande-rdv-pan"
    (first,) = [form for form in forms_of(client, url) if form["action"] == url]
    data = {name: field["values"][0] for name, field in first["fields"].items()
            if field["values"] and field["type"] in ("hidden", "submit")}
    return forms_of(client, url, client.post(url, data={**data, "prepare": "1"}))


# --- what people send by mistake -------------------------------------------------------

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1e309", "NaN", "2025-02-30", "31/12/2025",
                     "0000-00-00", "9999-12-31T23:59", "1900-01-01", "<script>alert(1)</script>", "' OR 1=1 --",
                     "{{ config }}", "../../etc/passwd", "\x00", "a\r\nb", "é" * 5000, "x" * 70000]),
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
)
odd_file = st.tuples(st.sampled_from(["capture.png", "a\r\nb.pdf", "", "x" * 300 + ".jpg", "../../x.png"]),
                     st.one_of(st.just(PNG), st.binary(max_size=64), st.just(b"%PDF-1.4\n%%EOF\n")))


#: Well-formed values for typed inputs, so that many examples get past validation to what saves.
PLAUSIBLE = {
    "date": st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2035, 12, 31)).map(dt.date.isoformat),
    "datetime-local": st.datetimes(min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2030, 12, 31))
                        .map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    "number": st.integers(-5, 10**6).map(str),
    "email": st.emails().map(str),
    "url": st.sampled_from(["https://administration-etrangers-en-france.interieur.gouv.fr/", "http://x",
                            "javascript:1"]),
}


def field_value(field: dict):
    offered = [value for value in field["values"] if value is not None]
    if field["type"] == "file":
        return st.lists(odd_file, max_size=2)
    # Mostly well-formed (four chances in five), so that the fuzz reaches what saves and renders.
    if field["type"] in PLAUSIBLE:
        return st.one_of(*[PLAUSIBLE[field["type"]]] * 4, odd_text)
    if field["type"] == "hidden" and offered:  # the CSRF token, kept (a wrong one stops at the door: tested apart)
        return st.just(offered[0])
    if offered:
        return st.one_of(*[st.sampled_from(offered)] * 4, odd_text)
    return st.one_of(*[st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1,
                               max_size=60)] * 3, odd_text)


@st.composite
def filled(draw, form: dict):
    """Some of the form's fields (each possibly missing), plus now and then one it does not have."""
    data = {}
    for name, field in form["fields"].items():
        if name.endswith("csrf_token") or draw(st.integers(0, 9)) != 9:  # Hypothesis starts from 0: all there
            data[name] = draw(field_value(field))
    if draw(st.integers(0, 4)) == 0:
        data[draw(st.sampled_from(["extra", "q", "page", "id", "csrf_token"]))] = draw(odd_text)
    return data


def send(client, form: dict, data: dict):
    if form["method"] == "get":
        plain = {name: value for name, value in data.items() if isinstance(value, str)}
        return client.get(form["action"] + "?" + urlencode(plain))
    body = {}
    for name, value in data.items():
        body[name] = [(io.BytesIO(content), filename) for filename, content in value] if isinstance(value, list) \
            else value
    return client.post(form["action"], data=body, content_type="multipart/form-data")


# --- the pages and their forms ------------------------------------------------------------

@pytest.fixture
def admin(browser):
    """An administrator sees every form; each test gets a fresh one (a fuzzed form may deactivate it)."""
    return browser(Role.ADMIN)


@pytest.fixture
def case_with_everything(app, admin):
    case = case_id(create_case(admin, anef_request_number="1401202411040000"))
    add_entry(admin, case, files=[("capture.png", PNG)], summary="Capture")
    with app.app_context():
        db.session.add(HeldDocument(case_id=case, kind="recepisse", valid_until=clock.today()))
        db.session.commit()
        attachment = db.session.scalar(db.select(Attachment.id))
    return case, attachment


def pages(case: int) -> list[str]:
    return ["/", "/dossiers", "/dossiers/nouveau", f"/dossiers/{case}", f"/dossiers/{case}/modifier",
            f"/dossiers/{case}/courriers", f"/dossiers/{case}/courriers/demande-rdv-pan",
            f"/dossiers/{case}/courriers/calvados-urgent-api", f"/dossiers/{case}/effacer", "/evaluer",
            "/statistiques", "/compte", "/admin/utilisateurs", "/admin/plugins", "/departements/14"]


def every_form(client, case: int) -> list[dict]:
    found, seen = [], set()
    for form in [form for url in pages(case) for form in forms_of(client, url)] + letter_review_forms(client, case):
        key = (form["method"], form["action"], tuple(sorted(form["fields"])))
        if key not in seen:
            seen.add(key)
            found.append(form)
    return found


def test_every_form_of_every_page_answers_without_a_500_whatever_is_sent(app, admin, case_with_everything):
    case, _attachment = case_with_everything
    forms = every_form(admin, case)
    actions = {form["action"] for form in forms}
    assert any("body" in form["fields"] for form in forms), "the letter's text to review was not reached"
    # The crawl did reach the forms that matter (if a page changes, this says what went missing).
    for expected in (f"/dossiers/{case}/journal", f"/dossiers/{case}/documents", f"/dossiers/{case}/statut",
                     f"/dossiers/{case}/blocages", f"/dossiers/{case}/modifier", "/dossiers/nouveau",
                     "/dossiers/recherche", "/evaluer", "/compte", "/admin/utilisateurs",
                     f"/dossiers/{case}/courriers/demande-rdv-pan", f"/dossiers/{case}/effacer"):
        assert expected in actions, (expected, sorted(actions))
    for form in forms:
        @FUZZ
        @given(data=filled(form))
        def fuzz(data):
            response = send(admin, form, data)
            assert response.status_code < 500, (form["action"], data, response.status_code)

        fuzz()


def test_the_login_form_answers_without_a_500_whatever_is_sent(app, client):
    (form,) = [form for form in forms_of(client, "/connexion") if form["action"] == "/connexion"]

    @FUZZ
    @given(data=filled(form))
    def fuzz(data):
        assert send(client, form, data).status_code < 500

    fuzz()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
                           max_leaves=8)
ASSESS_KEYS = ["departement", "demarche", "kind", "expires_on", "filed_on", "on", "permit", "favorable_decision_on",
               "ephoto_taken_on", "birth_date", "remedies_stated", "held"]


@st.composite
def assess_bodies(draw):
    """Mostly a plausible request with one or two fields wrong, sometimes anything at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(json_values)
    body = {"departement": "14", "demarche": "conjoint-de-francais", "kind": "renewal",
            "expires_on": "2025-01-09", "filed_on": "2024-11-04", "held": [{"kind": "recepisse", "valid_until": None}]}
    for key in draw(st.lists(st.sampled_from(ASSESS_KEYS), max_size=3)):
        body[key] = draw(st.one_of(json_values, st.lists(st.fixed_dictionaries(
            {"kind": st.sampled_from(["api", "recepisse", "titre", "x"]), "valid_until": json_values}), max_size=3)))
    return body


def test_the_json_api_answers_every_body_and_address_without_a_500(client):
    @FUZZ
    @given(body=assess_bodies(), raw=st.booleans())
    def assess(body, raw):
        data = json.dumps(body) if not raw else json.dumps(body)[: len(json.dumps(body)) // 2]  # cut short
        response = client.post("/api/v1/assess", data=data, content_type="application/json")
        assert response.status_code < 500, (body, response.get_data(as_text=True)[:300])
        assert response.is_json

    @FUZZ
    @given(code=odd_text)
    def departement(code):
        response = client.get("/api/v1/departements/" + code.replace("/", "%2F").replace("?", "%3F")
                              .replace("#", "%23") if code else "/api/v1/departements/%20")
        assert response.status_code < 500, code

    assess()
    departement()
