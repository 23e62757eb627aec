"""Accounts: logging in and out, roles, lock-out, password change, cookies."""
import datetime as dt

from core.extensions import db
from core.models import Role, User
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


def test_a_wrong_password_is_refused_with_a_message_that_does_not_say_which_field(client, make_user):
    user = make_user()
    response = log_in(client, user.email, "wrong password")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)
    response = log_in(client, "nobody@example.org")
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)


def test_five_failures_lock_the_account_for_a_while(app, client, make_user):
    user = make_user()
    for _ in range(5):
        log_in(client, user.email, "wrong password")
    response = log_in(client, user.email)  # right password, but locked
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.locked_until = dt.datetime(2000, 1, 1)
        db.session.commit()
    assert log_in(client, user.email).status_code == 302


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


def test_a_user_changes_their_password(benevole_client, make_user):
    page = benevole_client.get("/compte").get_data(as_text=True)
    response = benevole_client.post("/compte", data={
        "csrf_token": csrf_token(page), "password-current": PASSWORD, "password-new": "a brand new passphrase",
        "password-confirm": "a brand new passphrase", "password-submit": "1"}, follow_redirects=True)
    assert "Votre mot de passe a été modifié." in response.get_data(as_text=True)


def test_a_too_short_new_password_is_refused_and_explained(benevole_client):
    page = benevole_client.get("/compte").get_data(as_text=True)
    response = benevole_client.post("/compte", data={
        "csrf_token": csrf_token(page), "password-current": PASSWORD, "password-new": "short",
        "password-confirm": "short", "password-submit": "1"})
    assert response.status_code == 200
    assert "au moins 10 caractères" in response.get_data(as_text=True)


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
