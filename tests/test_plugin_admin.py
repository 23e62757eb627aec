"""Enabling and disabling plugins: stored in the database, effective on the
next request, and a disabled plugin's hooks are never called."""
from core import create_app
from core.accounts.models import Role
from core.plugins.state import PluginState
from core.web.extensions import db
from tests.conftest import app_config, csrf_token, log_in, yaml_plugin_source

SPY_PLUGIN = '''
    """Records every call, to prove a disabled plugin is never called."""
    from core.plugins.facts import Departement
    from core.plugins.kit import hookimpl
    import datetime

    CALLS = []

    class Spy:
        @hookimpl
        def permanence_departements(self):
            CALLS.append("permanence_departements")
            return [Departement(code="69", name="Rhône", prefecture_seat="Lyon",
                                source="test", checked_on=datetime.date(2026, 11, 22))]

        @hookimpl
        def permanence_prefecture_services(self, departement):
            CALLS.append(("permanence_prefecture_services", departement))
            return []

        @hookimpl
        def permanence_resources(self, departement):
            CALLS.append(("permanence_resources", departement))
            return []

    plugin = Spy()
'''


def post_action(client, url):
    page = client.get("/admin/plugins")
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def test_cli_lists_the_plugins_with_departements_and_state(app):
    output = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    for line in ("gironde", "33 Gironde", "calvados", "14 Calvados", "paca", "06 Alpes-Maritimes", "13 Bouches-du-Rhône"):
        assert line in output
    assert output.count("activé") >= 4  # French by default


def test_cli_disable_then_enable(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["plugins", "disable", "paca"])
    assert result.exit_code == 0, result.output
    paca_line = next(line for line in runner.invoke(args=["plugins", "list"]).output.splitlines()
                     if line.startswith("paca"))
    assert "désactivé" in paca_line
    assert runner.invoke(args=["plugins", "enable", "paca"]).exit_code == 0
    paca_line = next(line for line in runner.invoke(args=["plugins", "list"]).output.splitlines()
                     if line.startswith("paca"))
    assert "désactivé" not in paca_line and "activé" in paca_line


def test_cli_refuses_unknown_plugins_and_disabling_the_national_defaults(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["plugins", "disable", "bretagne"])
    assert unknown.exit_code != 0 and "bretagne" in unknown.output
    national = runner.invoke(args=["plugins", "disable", "national"])
    assert national.exit_code != 0 and "ne peuvent pas être désactivées" in national.output


def test_cli_check_passes_for_the_shipped_plugins(app):
    result = app.test_cli_runner().invoke(args=["plugins", "check"])
    assert result.exit_code == 0, result.output
    assert "gironde : OK" in result.output


def test_disabling_in_the_admin_page_removes_its_departements_on_the_next_request(admin_client):
    home = admin_client.get("/").get_data(as_text=True)
    assert "33 – Gironde" in home and "14 – Calvados" in home
    response = post_action(admin_client, "/admin/plugins/gironde/disable")
    assert response.status_code == 303
    home = admin_client.get("/").get_data(as_text=True)
    assert "33 – Gironde" not in home and "14 – Calvados" in home
    page = admin_client.get("/departements/33").get_data(as_text=True)
    assert "05 56 90 60 60" not in page
    assert "Aucun plugin activé ne couvre ce département" in page
    post_action(admin_client, "/admin/plugins/gironde/enable")
    assert "33 – Gironde" in admin_client.get("/").get_data(as_text=True)


def test_a_disabled_plugins_hooks_are_never_called(install_plugin, db_url, make_user):
    module = install_plugin("spy", SPY_PLUGIN)
    app = create_app(app_config(db_url))
    calls = __import__(module).CALLS
    assert app.test_cli_runner().invoke(args=["plugins", "disable", "spy"]).exit_code == 0
    calls.clear()
    client = app.test_client()
    log_in(client, make_user(Role.BENEVOLE).email)
    assert client.get("/departements/69").status_code == 200
    assert client.get("/").status_code == 200
    assert calls == []
    app.test_cli_runner().invoke(args=["plugins", "enable", "spy"])
    client.get("/departements/69")
    assert ("permanence_prefecture_services", "69") in calls


def test_enabling_a_plugin_that_claims_a_covered_departement_is_refused(app, install_plugin, db_url, make_user):
    """An administrator disabled « gironde-bis » before: the app starts, and
    enabling it next to « gironde » is refused, naming both."""
    with app.app_context():
        db.session.add(PluginState(name="gironde-bis", enabled=False))
        db.session.commit()
    install_plugin("gironde-bis", yaml_plugin_source(), files={"facts.yaml": """
        departements:
          - {code: "33", name: Gironde, prefecture_seat: Bordeaux, source: "INSEE COG", checked_on: 2026-11-22}
    """})
    rival = create_app(app_config(db_url))
    result = rival.test_cli_runner().invoke(args=["plugins", "enable", "gironde-bis"])
    assert result.exit_code != 0
    assert "33" in result.output and "« gironde »" in result.output and "« gironde-bis »" in result.output
    client = rival.test_client()
    log_in(client, make_user(Role.ADMIN).email)
    response = post_action(client, "/admin/plugins/gironde-bis/enable")
    assert response.status_code == 303
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "revendiqué par deux plugins" in page
    assert "33 – Gironde" in client.get("/").get_data(as_text=True)


def test_a_plugin_named_in_the_configuration_is_not_even_loaded(install_plugin, db_url):
    install_plugin("broken", "raise RuntimeError('oops')\n")
    app = create_app(app_config(db_url, DISABLED_PLUGINS=["broken"]))
    listed = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "broken" in listed and "non chargé" in listed


def test_the_admin_page_runs_the_conformance_kit(admin_client):
    response = post_action(admin_client, "/admin/plugins/calvados/check")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "passe toutes les vérifications" in page


def test_volunteers_cannot_administer_plugins(benevole_client):
    assert benevole_client.get("/admin/plugins").status_code == 403
    page = benevole_client.get("/").get_data(as_text=True)
    response = benevole_client.post("/admin/plugins/gironde/disable", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403
    assert "33 – Gironde" in benevole_client.get("/").get_data(as_text=True)


def test_a_plugin_disabled_by_configuration_cannot_be_enabled_and_says_why(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "DISABLED_PLUGINS", ["paca"])
    result = app.test_cli_runner().invoke(args=["plugins", "enable", "paca"])
    assert result.exit_code != 0 and "PERMANENCE_DISABLED_PLUGINS" in result.output
    listed = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "désactivé par la configuration" in next(line for line in listed.splitlines() if line.startswith("paca"))
    page = admin_client.get("/admin/plugins").get_data(as_text=True)
    assert "Activer paca" not in page and "par la configuration" in page
    assert "06 – Alpes-Maritimes" not in admin_client.get("/").get_data(as_text=True)


def test_another_worker_sees_a_plugin_disabled_at_its_next_request_without_a_query_per_request(
        app, admin_client, db_url, count_queries):
    """Two gunicorn workers are two applications on the same database and instance folder."""
    other_worker = create_app(app_config(db_url))
    other_worker.instance_path = app.instance_path
    visitor = other_worker.test_client()
    def covering_plugin():
        response = visitor.get("/api/v1/departements/33")
        return (response.get_json() or {}).get("plugin") if response.status_code == 200 else None

    assert covering_plugin() == "gironde"
    with count_queries() as queries:
        assert visitor.post("/api/v1/assess", json={"departement": "33", "demarche": "salarie", "kind": "renewal",
                                                    "expires_on": "2026-12-31", "on": "2026-11-23"}).status_code == 200
    assert queries == []  # the enabled plugins are known: nothing asked of the database
    assert post_action(admin_client, "/admin/plugins/gironde/disable").status_code == 303
    assert covering_plugin() != "gironde"
    assert post_action(admin_client, "/admin/plugins/gironde/enable").status_code == 303
    assert covering_plugin() == "gironde"


def test_who_enabled_or_disabled_a_plugin_is_in_the_audit_log(app, admin_client):
    from core.web.audit import AuditEvent
    from core.web.extensions import db
    post_action(admin_client, "/admin/plugins/gironde/disable")
    post_action(admin_client, "/admin/plugins/gironde/enable")
    assert app.test_cli_runner().invoke(args=["plugins", "disable", "paca"]).exit_code == 0
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent.action, AuditEvent.detail, AuditEvent.user_email)
                                    .where(AuditEvent.action.like("plugin.%")).order_by(AuditEvent.id)).all()
    assert [(action, detail) for action, detail, _ in events] == [
        ("plugin.disable", "gironde"), ("plugin.enable", "gironde"),
        ("plugin.disable", "paca (flask --app core plugins)")]
    assert events[0][2] and events[0][2].startswith("admin")
    journal = admin_client.get("/admin/journal").get_data(as_text=True)
    assert "plugin désactivé" in journal and "gironde" in journal and "plugin.disable" not in journal
