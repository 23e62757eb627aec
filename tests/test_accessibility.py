"""Accessibility to WCAG 2.1 AA (the RGAA French public services follow), in
real Chromium: axe-core's automated audit on every kind of page, in French
and in English, and the volunteer's main path done with the keyboard alone,
the focus visible at each step.

axe-core comes with the ``axe-playwright-python`` package (pyproject's dev
extra); the pages are served by gunicorn (tests/live_server.py) on the demo
data, so that every part of a page has something to show."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from core.cases.models import Case
from core.cases.retention import erase_person
from core.web import clock
from core.web.extensions import db
from tests.test_browser import PNG

#: Admin sees every menu; the demo's accounts and cases (flask --app core demo seed).
ADMIN, ADMIN_PASSWORD = "admin@example.org", "demo-administration"
#: The seeds' Calvados example, assessed.
ASSESSMENT = ("/evaluer?departement=14&demarche=conjoint-de-francais&kind=renewal&expires_on=2025-01-09"
              "&filed_on=2024-11-04&on=2025-01-12")
#: Every kind of page a volunteer, a coordinator or an admin opens ({case}: a case with a log,
#: letters and blockages; {erased}: a case whose person's data was erased).
PAGES = (
    "/", "/dossiers", "/dossiers?q=D-0000", "/dossiers/nouveau", "/dossiers/{case}", "/dossiers/{case}/modifier",
    "/dossiers/{case}/effacer", "/dossiers/{case}/courriers", "/dossiers/{erased}", "/evaluer", ASSESSMENT,
    "/departements/", "/departements/?q=val", "/departements/?q=zzz", "/departements/14", "/departements/33", "/departements/13", "/departements/01", "/compte",
    "/admin/utilisateurs", "/admin/journal", "/admin/plugins", "/statistiques", "/confidentialite",
    "/dossiers/999999", "/corrections", "/signalements",
)


@pytest.fixture
def demo(app):
    """The demo instance, one of its cases erased on request."""
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        cases = db.session.scalars(db.select(Case).order_by(Case.id)).all()
        erase_person(cases[-1], clock.today(), by=ADMIN)
        db.session.commit()
        return {"case": cases[0].id, "erased": cases[-1].id}


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def problems(axe, page) -> list[str]:
    """axe-core's violations of WCAG 2.1 A and AA and of its best practices, one line each."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}).response
    return [f"{page.url}: {v['id']} ({v['impact']}) on {[node['target'] for node in v['nodes'][:3]]}: {v['help']}"
            for v in results["violations"]]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_axe_finds_nothing_on_any_kind_of_page(demo, live_server, chromium, axe, language):
    base = live_server.url()
    page = chromium.new_page(locale="fr-FR", viewport={"width": 1024, "height": 600})
    page.goto(f"{base}/connexion")
    found = problems(axe, page)  # the login page, before logging in
    page.fill("#email", ADMIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("#submit")
    page.select_option("#locale-locale", language)
    page.click("#locale-submit")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language

    for path in PAGES:
        page.goto(base + path.format(**demo))
        found += problems(axe, page)

    # The pages a click leads to: a letter being prepared, a form sent back with its errors, the
    # confirmation before closing a case.
    page.goto(f"{base}/dossiers/{demo['case']}/courriers")
    page.locator("main a[href*='/courriers/']").first.click()
    page.wait_for_load_state()
    assert re.search(r"/courriers/[a-z-]+$", page.url)
    found += problems(axe, page)
    page.goto(f"{base}/dossiers/nouveau")
    with page.expect_navigation():  # past the browser's own checks, as an old browser would send it
        page.evaluate("() => HTMLFormElement.prototype.submit.call(document.querySelector('#person_name').form)")
    assert page.locator(".error-summary").count() == 1
    found += problems(axe, page)
    page.goto(f"{base}/dossiers/{demo['case']}")
    with page.expect_navigation():
        page.evaluate("() => HTMLFormElement.prototype.submit.call(document.querySelector('#entry-summary').form)")
    assert page.locator(".error-summary").count() == 1
    found += problems(axe, page)
    page.goto(f"{base}/dossiers/{demo['case']}")
    page.select_option("#status-status", "closed")
    page.click("#status-submit")
    page.wait_for_load_state()
    assert page.locator("form input[name='status-close_confirmed']").count() == 1
    found += problems(axe, page)

    assert found == [], "\n".join(found)


def focus_is_visible(page) -> bool:
    """The focused element shows an outline of at least 2 px (RGAA 10.7). A date field that holds
    the focus without matching :focus has it on its calendar button, which Chromium rings itself."""
    return page.evaluate("""() => {
        const element = document.activeElement, style = getComputedStyle(element);
        if (['date', 'datetime-local'].includes(element.type) && !element.matches(':focus')) return true;
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    }""")


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element is focused, checking on the way that the focus is always visible
    (the body has it only when the focus has gone round to the browser's own bar)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement !== document.body"):
            focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
            assert focus_is_visible(page), f"focus not visible on {focused}"
    raise AssertionError(f"{selector} never got the focus by Tab")


def test_the_main_path_works_with_the_keyboard_alone_and_the_focus_always_shows(
        make_user, live_server, chromium, tmp_path):
    """Assess, open the case with what was typed, log a PAN attempt with no slot, reach the letter:
    Tab, typing, arrows, Space and Enter only (the file is chosen in the system's dialog)."""
    from core.accounts.models import Role
    from tests.conftest import PASSWORD

    expired, filed = clock.today() - dt.timedelta(days=10), clock.today() - dt.timedelta(days=70)
    user = make_user(Role.BENEVOLE, name="Camille Clavier")
    screenshot = tmp_path / "pan-aucun-creneau.png"
    screenshot.write_bytes(PNG)
    base = live_server.url()
    page = chromium.new_page(locale="fr-FR", viewport={"width": 1024, "height": 600})
    keys = page.keyboard

    page.goto(f"{base}/connexion")
    tab_to(page, "#email")
    keys.type(user.email)
    tab_to(page, "#password")
    keys.type(PASSWORD)
    with page.expect_navigation():
        keys.press("Enter")

    page.goto(f"{base}/evaluer")
    tab_to(page, ".skip-link")  # the first stop: past the menus in one key
    keys.press("Enter")
    tab_to(page, "#departement")
    keys.type("14")
    tab_to(page, "#demarche")
    page.keyboard.type("Conjoint")  # a closed menu chooses by typing, as people do
    assert page.input_value("#demarche") == "conjoint-de-francais"
    tab_to(page, "input[name='kind']")  # one stop for the group, on the choice made
    if not page.is_checked("#kind-1"):
        keys.press("ArrowRight")  # radio buttons move with the arrows
    assert page.is_checked("#kind-1")
    for field, day in (("#expires_on", expired), ("#filed_on", filed)):
        tab_to(page, field)
        keys.type(day.strftime("%m%d%Y"))  # Chromium's date field, in the browser's (US) order
        assert page.input_value(field) == day.isoformat()
    tab_to(page, "#submit")
    with page.expect_navigation():
        keys.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "resultat"  # the result is read out

    tab_to(page, "form.open-case button")  # "Ouvrir un dossier avec cette situation"
    with page.expect_navigation():
        keys.press("Enter")
    tab_to(page, "#person_name")
    keys.type("T. C.")
    with page.expect_navigation():
        keys.press("Enter")
    assert re.search(r"/dossiers/\d+$", page.url)

    tab_to(page, "a[href='#add-entry']")  # the summary's way to the log's form
    keys.press("Enter")
    tab_to(page, "#entry-kind")
    assert page.evaluate("() => { const r = document.activeElement.getBoundingClientRect();"
                         " return r.top >= 0 && r.bottom <= 600; }"), "the form is in view"
    keys.type("tentative de rendez-vous au PAN")
    assert page.input_value("#entry-kind") == "pan-attempt"
    tab_to(page, "#entry-summary")
    keys.type("Formulaire du PAN : aucun créneau disponible")
    tab_to(page, "#entry-result")
    keys.type("aucun")
    assert page.input_value("#entry-result") == "no-slot"
    tab_to(page, "#entry-files")
    page.set_input_files("#entry-files", str(screenshot))
    tab_to(page, "#entry-submit")
    with page.expect_navigation():
        keys.press("Enter")
    assert "Entrée n° 1 ajoutée au journal." in page.content()

    tab_to(page, "#letters a")  # the first recommended letter: the urgent request for the API
    with page.expect_navigation():
        keys.press("Enter")
    assert "/courriers/" in page.url and "URGENT" in page.inner_text("h1")


def test_on_a_phone_the_pages_shown_to_the_person_helped_fit_the_screen(demo, live_server, chromium):
    """The volunteer turns the phone towards the person: the case, the assessment and the
    département's addresses are read without scrolling sideways, a table row by row."""
    page = chromium.new_page(locale="fr-FR", viewport={"width": 375, "height": 667}, is_mobile=True)
    page.goto(live_server.url("/connexion"))
    page.fill("#email", ADMIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("#submit")
    for path in ("/dossiers/{case}", ASSESSMENT, "/departements/14", "/dossiers", "/"):
        page.goto(live_server.url(path.format(**demo)))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, path
    page.goto(live_server.url(f"/dossiers/{demo['case']}"))
    first_date = page.locator("#dates table.data tbody td").first.bounding_box()
    what = page.locator("#dates table.data tbody td").nth(1).bounding_box()
    assert what["y"] > first_date["y"], "a deadline's date and what it is are stacked, not squeezed side by side"
