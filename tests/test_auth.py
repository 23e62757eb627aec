"""Accounts: logging in and out, roles, lock-out, password change, cookies."""
import datetime as dt

from core.accounts.models import LoginFailure, Role, User
from core.web.extensions import db
from tests.conftest import PASSWORD, csrf_token, log_in


def test_a_volunteer_logs_in_and_sees_the_home_page(client, make_user):
    user = make_user(Role.BENEVOLE, name="Camille Martin")
    response = log_in(client, user.email, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Bonjour Camille Martin" in page
    assert "Se déconnecter" in page


def test_the_session_cookie_is_httponly_and_samesite(client, make_user):
    response = log_in(client, make_user().email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


FAILURE = "Adresse électronique ou mot de passe incorrect."


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, make_user):
    user = make_user()
    wrong_password = log_in(client, user.email, "wrong password")
    unknown = log_in(client, "nobody@example.org")
    assert wrong_password.status_code == unknown.status_code == 200
    assert FAILURE in wrong_password.get_data(as_text=True)
    assert FAILURE in unknown.get_data(as_text=True)


def test_five_failures_from_one_machine_throttle_that_account_there_only(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    for _ in range(5):
        log_in(here, user.email, "wrong password", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    blocked = log_in(here, user.email, environ_base={"REMOTE_ADDR": "198.51.100.7"})  # right password
    assert blocked.status_code == 200 and FAILURE in blocked.get_data(as_text=True)
    assert here.get("/").status_code == 302
    # a colleague at the association's own machine is not locked out
    assert log_in(elsewhere, user.email, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 302
    with app.app_context():  # the window passes
        db.session.execute(db.update(LoginFailure).values(failed_at=dt.datetime(2000, 1, 1)))
        db.session.commit()
    assert log_in(here, user.email, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_one_machine_trying_many_accounts_is_throttled(app, make_user):
    user = make_user()
    client = app.test_client()
    address = {"REMOTE_ADDR": "198.51.100.8"}
    for number in range(20):
        log_in(client, f"guess{number}@example.org", "x", environ_base=address)
    assert FAILURE in log_in(client, user.email, environ_base=address).get_data(as_text=True)


def test_whoever_floods_the_offices_address_does_not_lock_out_the_volunteers_working_there(app, make_user):
    """One router, one public address for the whole help desk: a browser where a volunteer has
    logged in before keeps working through a flood of failures from that address, while a new
    browser there is still stopped (guessing across accounts from one place stays throttled)."""
    office = {"REMOTE_ADDR": "198.51.100.20"}
    volunteer, admin = make_user(), make_user(Role.ADMIN)
    shared_computer = app.test_client()
    for user in (volunteer, admin):  # both logged in on the help desk's computer before
        assert log_in(shared_computer, user.email, environ_base=office).status_code == 302
        page = shared_computer.get("/").get_data(as_text=True)
        shared_computer.post("/deconnexion", data={"csrf_token": csrf_token(page)}, environ_base=office)
    attacker = app.test_client()
    for number in range(20):
        log_in(attacker, f"guess{number}@example.org", "x", environ_base=office)
    for _ in range(5):
        log_in(attacker, admin.email, "wrong password", environ_base=office)
    for user in (volunteer, admin):
        assert log_in(shared_computer, user.email, environ_base=office).status_code == 302, user.email
        page = shared_computer.get("/").get_data(as_text=True)
        shared_computer.post("/deconnexion", data={"csrf_token": csrf_token(page)}, environ_base=office)
    new_browser = app.test_client()
    assert FAILURE in log_in(new_browser, volunteer.email, environ_base=office).get_data(as_text=True)


def test_a_known_browser_is_still_throttled_on_its_own_failures_and_its_cookie_is_bound(app, make_user):
    owner, other = make_user(), make_user()
    browser = app.test_client()
    assert log_in(browser, owner.email, environ_base={"REMOTE_ADDR": "198.51.100.21"}).status_code == 302
    page = browser.get("/").get_data(as_text=True)
    browser.post("/deconnexion", data={"csrf_token": csrf_token(page)})
    for _ in range(5):
        log_in(browser, owner.email, "wrong password")
    assert FAILURE in log_in(browser, owner.email).get_data(as_text=True)  # right password, locked here
    # The cookie speaks for the accounts that logged in with it, and is signed.
    for _ in range(5):
        log_in(app.test_client(), other.email, "wrong password", environ_base={"REMOTE_ADDR": "198.51.100.22"})
    stranger = app.test_client()
    stranger.set_cookie("permanence_device", browser.get_cookie("permanence_device").value)
    assert FAILURE in log_in(stranger, other.email, environ_base={"REMOTE_ADDR": "198.51.100.22"}).get_data(
        as_text=True)
    forged = app.test_client()
    forged.set_cookie("permanence_device", "eyJkZXZpY2UiOiJ4IiwidXNlcnMiOlsxXX0.forged")
    assert log_in(forged, other.email).status_code == 302  # an unsigned cookie is ignored, not an error


def test_logging_out_also_ends_a_copied_session_cookie(app, benevole_client):
    stolen = app.test_client()
    cookie = benevole_client.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/").status_code == 200
    page = benevole_client.get("/").get_data(as_text=True)
    benevole_client.post("/deconnexion", data={"csrf_token": csrf_token(page)})
    assert stolen.get("/").status_code == 302


def test_a_deactivated_account_cannot_log_in(app, client, make_user):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert "incorrect" in log_in(client, user.email).get_data(as_text=True)


def test_logging_out_ends_the_session(benevole_client):
    page = benevole_client.get("/").get_data(as_text=True)
    response = benevole_client.post("/deconnexion", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Vous êtes déconnecté" in response.get_data(as_text=True)
    assert benevole_client.get("/").status_code == 302


def test_passwords_are_stored_hashed_with_scrypt(app, make_user):
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.password_hash.startswith("scrypt:")
        assert PASSWORD not in stored.password_hash


def test_a_user_changes_their_password_and_other_sessions_end(app, client, make_user):
    user = make_user()
    log_in(client, user.email)
    other_device = app.test_client()
    log_in(other_device, user.email)
    page = client.get("/compte").get_data(as_text=True)
    response = client.post("/compte", data={
        "password-csrf_token": csrf_token(page), "password-current": PASSWORD,
        "password-new": "a brand new passphrase", "password-confirm": "a brand new passphrase",
        "password-submit": "1"}, follow_redirects=True)
    assert "Votre mot de passe a été modifié." in response.get_data(as_text=True)
    assert client.get("/compte").status_code == 200  # this session goes on
    assert other_device.get("/").status_code == 302
    assert log_in(app.test_client(), user.email, "a brand new passphrase").status_code == 302


def test_a_too_short_new_password_is_refused_and_explained(benevole_client):
    page = benevole_client.get("/compte").get_data(as_text=True)
    response = benevole_client.post("/compte", data={
        "password-csrf_token": csrf_token(page), "password-current": PASSWORD, "password-new": "short",
        "password-confirm": "short", "password-submit": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "au moins 10 caractères" in page
    assert "<title>Erreur – " in page and "Le formulaire contient des erreurs" in page


def test_cli_creates_an_account_that_can_log_in(app, client):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "Juriste@Example.org", "--name", "Sam Juriste", "--role", "coordinateur",
        "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    assert log_in(client, "juriste@example.org", "long enough password").status_code == 302
    duplicate = app.test_cli_runner().invoke(args=[
        "users", "create", "juriste@example.org", "--name", "X", "--password", "long enough password"])
    assert duplicate.exit_code != 0 and "juriste@example.org" in duplicate.output


def test_cli_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "a@example.org", "--name", "A",
                                                "--password", "short"])
    assert result.exit_code != 0 and "10 caractères" in result.output


def test_roles_include_the_ones_below():
    admin = User(role=Role.ADMIN.value)
    benevole = User(role=Role.BENEVOLE.value)
    assert admin.has_role(Role.COORDINATEUR) and admin.has_role(Role.BENEVOLE)
    assert not benevole.has_role(Role.COORDINATEUR)


def test_demo_seed_creates_the_printed_accounts_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert "DÉMO" in first.output and "admin@example.org" in first.output
    assert log_in(client, "admin@example.org", "demo-administration").status_code == 302
    second = runner.invoke(args=["demo", "seed"])
    assert "déjà" in second.output


def test_the_account_page_title_is_just_its_title(benevole_client):
    page = benevole_client.get("/compte").get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.startswith("Mon compte") and "<" not in title
    assert page.count('id="calendrier"') == 1
