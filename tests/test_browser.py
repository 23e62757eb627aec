"""End to end, in real headless Chromium (Debian's package, driven by
Playwright): a volunteer logs in, creates a case, uploads a screenshot of a
failed PAN booking to its log, and sees the ladder advance."""
import os
import shutil

import pytest

from core.accounts.models import Role
from tests.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser test: install Debian's chromium (scripts/system-deps.sh)")
    pytest.skip("Debian's chromium is not installed (sudo scripts/system-deps.sh)", allow_module_level=True)

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield browser
        browser.close()


def test_a_volunteer_creates_a_case_logs_a_failed_pan_booking_and_sees_the_ladder_advance(
        make_user, live_server, browser, tmp_path):
    user = make_user(Role.BENEVOLE, name="Camille Navigateur")
    screenshot = tmp_path / "pan-aucun-creneau.png"
    screenshot.write_bytes(PNG)
    base = live_server.url()
    page = browser.new_page(locale="fr-FR")

    page.goto(f"{base}/dossiers")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    assert page.url.endswith("/dossiers")

    page.click("text=Nouveau dossier")
    page.fill("#person_name", "T. N.")
    page.fill("#agdref", "1499999902")
    page.fill("#departement", "14")
    page.select_option("#demarche", "conjoint-de-francais")
    page.check("#kind-1")
    page.fill("#expires_on", "2025-01-09")
    page.fill("#filed_on", "2024-11-04")
    page.click("#submit")
    page.wait_for_url("**/dossiers/*")
    assert "attestation de prolongation d’instruction (API)" in page.content()
    pan_step = page.locator(".ladder-progress li", has_text="point d'accueil numérique")
    assert "done" not in (pan_step.get_attribute("class") or "")

    page.select_option("#entry-kind", "pan-attempt")
    page.select_option("#entry-result", "no-slot")
    page.fill("#entry-summary", "Formulaire du PAN : aucun créneau disponible")
    page.set_input_files("#entry-files", str(screenshot))
    page.click("#entry-submit")
    page.wait_for_url("**#journal")

    content = page.content()
    assert "Entrée n° 1 ajoutée au journal." in content
    assert "pan-aucun-creneau.png" in content and "SHA-256" in content
    assert "done" in page.locator(".ladder-progress li", has_text="point d'accueil numérique").get_attribute("class")
    page.click("text=Vérifier le journal")
    assert "Le journal est intact : 1 entrée vérifiée" in page.content()
