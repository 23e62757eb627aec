"""Bad input gets a clear, translated answer and a 4xx, never a 500 (issue 13)."""
import io

import pytest

from tests.conftest import csrf_token


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_body_over_the_limit_gets_the_413_page_not_a_500(app, client, make_user, monkeypatch, logged_in):
    from tests.conftest import log_in
    if logged_in:
        log_in(client, make_user().email)
    page = client.get("/compte" if logged_in else "/connexion").get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = client.post("/compte", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "files": [(io.BytesIO(b"%PDF-1.4" + b"0" * 5000), "scan.pdf")]})
    if not logged_in:  # sent to the login page before anything is read
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
        return
    assert response.status_code == 413
    assert "Le fichier est trop volumineux." in response.get_data(as_text=True)


def test_a_nul_byte_in_a_calendar_token_is_refused_not_a_500(client):
    assert client.get("/calendrier/abc%00def.ics").status_code == 400
