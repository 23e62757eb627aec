"""End to end, in real headless Chromium (Debian's package, driven by
Playwright): a volunteer logs in, creates a case, uploads a screenshot of a
failed PAN booking to its log, and sees the ladder advance."""
from core.accounts.models import Role
from core.web import clock
from tests.conftest import PASSWORD

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def laptop_page(chromium, base: str, email: str):
    """An old laptop's 1024×600 screen, in French, logged in."""
    page = chromium.new_page(locale="fr-FR", viewport={"width": 1024, "height": 600})
    page.goto(f"{base}/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    return page


def log_pan_attempt_without_slot(page, screenshot) -> None:
    page.select_option("#entry-kind", "pan-attempt")
    page.select_option("#entry-result", "no-slot")
    page.fill("#entry-summary", "Formulaire du PAN : aucun créneau disponible")
    page.set_input_files("#entry-files", str(screenshot))
    page.click("#entry-submit")
    page.wait_for_url("**#journal")


def test_a_volunteer_creates_a_case_logs_a_failed_pan_booking_and_sees_the_ladder_advance(
        make_user, live_server, chromium, tmp_path):
    user = make_user(Role.BENEVOLE, name="Camille Navigateur")
    screenshot = tmp_path / "pan-aucun-creneau.png"
    screenshot.write_bytes(PNG)
    base = live_server.url()
    page = chromium.new_page(locale="fr-FR")

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

    log_pan_attempt_without_slot(page, screenshot)

    content = page.content()
    assert "Entrée n° 1 ajoutée au journal." in content
    assert "pan-aucun-creneau.png" in content and "SHA-256" in content
    assert "done" in page.locator(".ladder-progress li", has_text="point d'accueil numérique").get_attribute("class")
    page.click("text=Vérifier le journal")
    assert "Le journal est intact : 1 entrée vérifiée" in page.content()


def test_on_a_1024x600_screen_a_refused_upload_brings_its_error_into_view_with_the_text_kept(
        make_user, live_server, chromium, tmp_path):
    """The log's form is seven screens down the case page: after a refused file the page must
    not open at its top with the error out of sight, as if the entry had been saved."""
    user = make_user(Role.BENEVOLE, name="Camille Navigateur")
    fake = tmp_path / "capture.png"
    fake.write_bytes(b"MZ" + b"\x00" * 200)  # a program renamed .png
    page = laptop_page(chromium, live_server.url(), user.email)
    page.goto(f"{live_server.url()}/dossiers/nouveau")
    page.fill("#person_name", "T. N.")
    page.fill("#departement", "14")
    page.select_option("#demarche", "conjoint-de-francais")
    page.check("#kind-1")
    page.fill("#expires_on", "2025-01-09")
    page.click("#submit")
    page.wait_for_url("**/dossiers/*")

    page.fill("#entry-summary", "Texte que le bénévole ne veut pas retaper")
    page.set_input_files("#entry-files", str(fake))
    page.click("#entry-submit")
    page.wait_for_load_state()

    summary = page.locator("#add-entry + .error-summary")
    assert "capture.png" in summary.inner_text()
    top, bottom = page.evaluate("() => { const r = document.querySelector('.error-summary')"
                                ".getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert -2 <= top < 600 and bottom > 0, (top, bottom)  # scrolled to it, to the pixel
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    assert page.input_value("#entry-summary") == "Texte que le bénévole ne veut pas retaper"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024


def test_a_new_volunteer_goes_from_the_assessment_to_a_case_a_pan_attempt_and_its_letter_at_1024x600(
        make_user, live_server, chromium, tmp_path):
    """The seeds' Calvados example brought to today (a renewal filed in time, the permit expired ten days
    ago, no API), on an old laptop's screen: nothing typed twice, no sideways scroll."""
    import datetime as dt

    expired, filed = clock.today() - dt.timedelta(days=10), clock.today() - dt.timedelta(days=70)
    user = make_user(Role.BENEVOLE, name="Camille Navigateur")
    screenshot = tmp_path / "pan-aucun-creneau.png"
    screenshot.write_bytes(PNG)
    base = live_server.url()
    page = laptop_page(chromium, base, user.email)
    wide = []

    def no_sideways_scroll():
        if page.evaluate("() => document.documentElement.scrollWidth") > 1024:
            wide.append(page.url)

    page.goto(f"{base}/evaluer")
    no_sideways_scroll()
    header = page.evaluate("() => document.querySelector('main').getBoundingClientRect().top")
    assert header <= 110, f"the header takes {header} px of the 600"  # it took 187 (a demo banner adds ~25)
    page.fill("#departement", "14")
    page.select_option("#demarche", "conjoint-de-francais")
    page.check("#kind-1")
    page.fill("#expires_on", expired.isoformat())
    page.fill("#filed_on", filed.isoformat())
    page.click("#submit")
    page.wait_for_load_state()
    no_sideways_scroll()

    page.click("text=Ouvrir un dossier avec cette situation")
    page.wait_for_url("**/dossiers/nouveau")
    assert page.input_value("#expires_on") == expired.isoformat() and page.input_value("#filed_on") == filed.isoformat()
    no_sideways_scroll()
    page.fill("#person_name", "T. N.")
    page.click("#submit")
    page.wait_for_url("**/dossiers/*")
    no_sideways_scroll()
    summary = page.locator(".case-summary")
    assert summary.bounding_box()["y"] < 300 and "Prochaine étape" in summary.inner_text()  # on the first screen

    summary.locator("a[href='#add-entry']").click()  # the log's form, one click away
    form_top = page.evaluate("() => document.querySelector('#entry-kind').getBoundingClientRect().top")
    assert 0 <= form_top < 600
    log_pan_attempt_without_slot(page, screenshot)
    content = page.content()
    assert "Entrée n° 1 ajoutée au journal." in content
    assert "d’après l’entrée n° 1 du journal" in content  # the blockage, counted without typing it again

    letter = page.locator(".next-step a").first  # the urgent request for the API the person should hold
    title = letter.inner_text()
    assert "attestation de prolongation d'instruction" in title
    letter.click()
    page.wait_for_load_state()
    assert "/courriers/" in page.url and "URGENT" in page.inner_text("h1")
    no_sideways_scroll()
    page.click("#prepare")  # the text to review comes back in view, not below the form
    page.wait_for_load_state()
    text_top = page.evaluate("() => document.querySelector('#relire').getBoundingClientRect().top")
    assert page.url.endswith("#relire") and 0 <= text_top < 600
    page.goto(f"{base}/departements/14")  # long links of the préfectures' own pages wrap
    no_sideways_scroll()
    assert wide == [], f"pages wider than the screen: {wide}"


def test_on_a_1024x600_screen_the_header_leaves_the_page_to_the_work_even_with_the_admin_menu(
        make_user, live_server, chromium):
    admin = make_user(Role.ADMIN, name="Alex Administration")
    page = laptop_page(chromium, live_server.url(), admin.email)
    for path in ("/dossiers", "/admin/journal", "/departements/14"):
        page.goto(live_server.url(path))
        header = page.evaluate("() => document.querySelector('main').getBoundingClientRect().top")
        assert header <= 110, f"{path}: the header takes {header} px of the 600"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024, path
        assert page.is_visible("#locale-locale") and page.is_visible("text=Se déconnecter")
