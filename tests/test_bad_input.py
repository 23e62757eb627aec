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


def test_a_file_name_with_line_breaks_or_nul_is_cleaned_and_still_downloads(app, benevole_client):
    """A name sent with a NUL and a tab is kept as "capture.png": the download, the lawyer's
    ZIP and the email letter would otherwise fail on it, and PostgreSQL refuses NUL (issue 13, item 4)."""
    import re
    import zipfile

    from tests.test_cases import PNG, add_entry, case_id, create_case
    case = case_id(create_case(benevole_client))
    assert add_entry(benevole_client, case, files=[("capture\x00\t.png", PNG)]).status_code == 302
    page = benevole_client.get(f"/dossiers/{case}").get_data(as_text=True)
    url = re.search(r'href="(/dossiers/\d+/pieces/\d+)"', page).group(1)
    download = benevole_client.get(url)
    assert download.status_code == 200 and download.data == PNG
    assert "capture.png" in download.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(benevole_client.get(f"/dossiers/{case}/export.zip").data))
    assert "pieces/001-1-capture.png" in archive.namelist()


def test_a_page_with_a_persons_data_is_not_kept_framed_or_leaked_by_the_browser(benevole_client, client):
    """Shared computers: the back button after logout must not show a case; no other site frames a
    page (clickjacking) or learns from the Referer which case was open."""
    page = benevole_client.get("/dossiers")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    for anonymous in (client.get("/connexion"), client.get("/nowhere"), client.get("/api/v1/departements")):
        assert anonymous.headers["X-Frame-Options"] == "DENY", anonymous.request.path
        assert anonymous.headers["Cache-Control"] == "no-store", anonymous.request.path
    style = client.get("/static/permanence.css")
    assert "no-store" not in style.headers.get("Cache-Control", "")


def test_any_command_on_a_database_not_yet_built_says_what_to_run(tmp_path):
    from core import create_app
    from tests.conftest import app_config

    app = create_app(app_config(f"sqlite:///{tmp_path / 'new.sqlite3'}"))
    for command in (["plugins", "list"], ["users", "list"], ["cases", "verify"], ["cases", "refresh-deadlines"],
                    ["retention", "run", "--dry-run"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 1, (command, result.output)
        assert "Lancez d’abord : flask --app core db upgrade" in result.output, (command, result.output)
        assert "Traceback" not in result.output and "sqlalche" not in result.output
