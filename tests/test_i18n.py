"""French by default and complete; English from the ids; the user's choice wins."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import csrf_token, log_in

ROOT = Path(__file__).resolve().parent.parent


def test_the_login_page_is_french_by_default(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Se connecter" in page


def test_the_browser_language_is_followed(client):
    page = client.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page


def test_a_language_not_offered_falls_back_to_french(client):
    page = client.get("/connexion", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "Se connecter" in page


def test_the_users_choice_beats_the_browser_and_is_remembered_on_the_account(client, make_user):
    user = make_user()
    log_in(client, user.email)
    page = client.get("/").get_data(as_text=True)
    client.post("/langue", data={"locale-csrf_token": csrf_token(page), "locale-locale": "en", "locale-next": "/"})
    english = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "Hello" in english and "Log out" in english
    client.post("/deconnexion", data={"csrf_token": csrf_token(english)})
    log_in(client, user.email)
    assert "Hello" in client.get("/").get_data(as_text=True)  # stored on the account


def test_dates_are_written_the_french_way(benevole_client):
    page = benevole_client.get("/departements/14").get_data(as_text=True)
    assert "vérifié le 23 janvier 2025" in page


def test_every_message_of_the_code_is_in_the_catalogues_and_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "-F",
                    "babel.cfg", "-k", "_l", "-o", str(pot), "."], check=True, capture_output=True, cwd=ROOT)
    with pot.open("rb") as handle:
        extracted = {(m.id, m.context) for m in read_po(handle) if m.id}  # a context tells two uses apart
    # the extraction itself must have worked: messages from Python, templates and forms
    assert {"Log in", "Wrong email address or password. After several failures, wait %(minutes)d minutes "
            "before trying again.", "Skip to content"} <= {message for message, _context in extracted}
    with (ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(str(i) for i, context in extracted if catalogue.get(i, context=context) is None)
    assert not missing, f"fr: not in the catalogue (run make update-messages): {missing[:5]}"
    untranslated = sorted(str(m.id) for m in catalogue
                          if m.id and (not m.string or m.fuzzy) and (m.id, m.context) in extracted)
    assert not untranslated, f"fr: untranslated or fuzzy: {untranslated[:5]}"
    # English is the ids themselves: its catalogue holds only what differs from them.
    with (ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = [m for m in read_po(handle) if m.id]
    assert all(m.string and m.string != m.id and (m.id, m.context) in extracted for m in english)


def test_a_language_chosen_before_logging_in_is_kept_on_the_account(client, make_user):
    user = make_user()
    page = client.get("/connexion").get_data(as_text=True)
    client.post("/langue", data={"locale-csrf_token": csrf_token(page), "locale-locale": "en",
                                 "locale-next": "/connexion"})
    assert "Log in" in client.get("/connexion").get_data(as_text=True)
    log_in(client, user.email)
    assert "Hello" in client.get("/").get_data(as_text=True)


def test_the_rules_french_is_marked_french_on_an_english_page_for_screen_readers(client, make_user):
    """WCAG 3.1.2: a note of the rules read by an English screen reader voice is gibberish."""
    from tests.conftest import log_in

    log_in(client, make_user().email)
    path = ("/evaluer?departement=14&demarche=conjoint-de-francais&kind=renewal&expires_on=2025-01-09"
            "&filed_on=2024-11-04&on=2025-01-12")
    french = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<span lang="fr">' not in french
    english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<strong><span lang="fr">' in english  # a step of the ladder, as the rules write it
