"""Every page but the public ones needs a login; every form needs its CSRF token."""
import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import csrf_token

#: Reachable without an account. Anything else added to the app must
#: send an anonymous visitor to the login page (this list is the review point).
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.set_locale",
                    "calendar.feed",  # authenticated by the secret in its URL (tests/test_cases.py)
                    "privacy.notice",  # the privacy notice, shown to the people helped
                    "health.healthz"}  # "ok" or the failing part's name, for monitoring (tests/test_health.py)
PUBLIC_BLUEPRINTS = {"api"}


def sample_value(converter):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, IntegerConverter) else "33"


def rule_cases(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS:
            continue
        values = {name: sample_value(converter) for name, converter in rule._converters.items()}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_the_walk_covers_the_whole_app(app):
    endpoints = {endpoint for endpoint, _method, _url in rule_cases(app)}
    assert {"main.index", "departements.show", "admin.plugins", "admin.toggle", "auth.logout", "auth.account",
            "cases.show", "cases.attachment", "cases.export", "admin.users", "admin.audit_log"} <= endpoints


def test_every_non_public_url_sends_an_anonymous_user_to_login(app, client):
    for endpoint, method, url in rule_cases(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, f"{method} {url} ({endpoint}) answered {response.status_code}"
        assert response.headers["Location"].startswith("/connexion"), f"{method} {url} ({endpoint})"


def test_the_login_page_and_static_files_are_public(client):
    assert client.get("/connexion").status_code == 200
    assert client.get("/static/permanence.css").status_code == 200


@pytest.mark.parametrize("url", ["/compte", "/admin/plugins/gironde/disable", "/deconnexion"])
def test_a_form_post_without_csrf_token_is_refused(admin_client, url):
    response = admin_client.post(url, data={"password-current": "x"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_the_login_form_itself_needs_its_csrf_token(client, make_user):
    user = make_user()
    response = client.post("/connexion", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/", follow_redirects=False).status_code == 302


def test_with_the_token_the_same_post_goes_through(admin_client):
    page = admin_client.get("/admin/plugins").get_data(as_text=True)
    response = admin_client.post("/admin/plugins/gironde/disable", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303


def test_unknown_pages_get_a_translated_404(benevole_client):
    response = benevole_client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n’existe pas." in response.get_data(as_text=True)
    assert benevole_client.get("/departements/999").status_code == 404


def test_logging_in_redirects_only_to_this_site(client, make_user):
    user = make_user()
    page = client.get("/connexion?next=https://evil.example/")
    response = client.post("/connexion?next=https://evil.example/", data={
        "email": user.email, "password": "correct horse battery", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/"
