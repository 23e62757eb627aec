"""Plugins are found through the `permanence.plugins` entry points, the
in-tree ones exactly like an external package."""
import importlib.metadata

import pytest

from core import create_app
from core.plugins.registry import NATIONAL, DuplicateClaimError, PluginLoadError
from tests.conftest import app_config, yaml_plugin_source

RHONE_FACTS = """
departements:
  - {code: "69", name: Rhône, prefecture_seat: Lyon, source: "INSEE COG", checked_on: 2026-11-22}
resources:
  - {name: "Permanence de test", kind: association, source: "test fixture", checked_on: 2026-11-22}
"""

SECOND_GIRONDE_FACTS = """
departements:
  - {code: "33", name: Gironde, prefecture_seat: Bordeaux, source: "INSEE COG", checked_on: 2026-11-22}
"""


def test_the_in_tree_plugins_are_declared_as_entry_points():
    declared = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="permanence.plugins")}
    assert declared["gironde"] == "plugins.gironde:plugin"
    assert declared["calvados"] == "plugins.calvados:plugin"
    assert declared["paca"] == "plugins.paca:plugin"


def test_the_registry_knows_each_plugin_with_its_departements(app):
    plugins = app.extensions["permanence.registry"].plugins
    assert plugins["gironde"].codes == ("33",)
    assert plugins["calvados"].codes == ("14",)
    assert plugins["paca"].codes == ("04", "05", "06", "13", "83", "84")
    assert plugins["gironde"].version == importlib.metadata.version("permanence")
    assert plugins[NATIONAL].always_enabled and plugins[NATIONAL].codes == ()


def test_an_external_package_is_discovered_like_the_in_tree_ones(install_plugin, db_url):
    install_plugin("rhone", yaml_plugin_source("Rhône (69), published separately."),
                   files={"facts.yaml": RHONE_FACTS}, version="2.0.1")
    app = create_app(app_config(db_url))
    rhone = app.extensions["permanence.registry"].plugins["rhone"]
    assert rhone.codes == ("69",)
    assert rhone.version == "2.0.1"
    assert rhone.distribution == "permanence_rhone"
    assert rhone.description == "Rhône (69), published separately."
    result = app.test_cli_runner().invoke(args=["plugins", "list"])
    assert "rhone" in result.output and "69 Rhône" in result.output


def test_two_plugins_claiming_the_same_departement_stop_the_start_naming_both(install_plugin, db_url):
    install_plugin("gironde-bis", yaml_plugin_source(), files={"facts.yaml": SECOND_GIRONDE_FACTS})
    with pytest.raises(DuplicateClaimError) as error:
        create_app(app_config(db_url))
    message = str(error.value)
    assert "33" in message and "'gironde'" in message and "'gironde-bis'" in message


def test_the_configuration_can_disable_one_of_two_conflicting_plugins(install_plugin, db_url):
    install_plugin("gironde-bis", yaml_plugin_source(), files={"facts.yaml": SECOND_GIRONDE_FACTS})
    app = create_app(app_config(db_url, DISABLED_PLUGINS=["gironde-bis"]))
    with app.app_context():
        from core.plugins.state import local_facts
        assert local_facts().departement("33")[1].name == "gironde"


def test_a_plugin_that_fails_to_import_is_named_in_the_error(install_plugin, db_url):
    install_plugin("broken", "raise RuntimeError('oops')\n")
    with pytest.raises(PluginLoadError, match="plugin 'broken' cannot be loaded.*RuntimeError: oops"):
        create_app(app_config(db_url))


def test_a_plugin_with_an_unknown_hook_is_refused(install_plugin, db_url):
    install_plugin("typo", """
        from core.plugins.kit import hookimpl

        class Plugin:
            @hookimpl
            def permanence_departemnts(self):
                return []

        plugin = Plugin()
    """)
    with pytest.raises(PluginLoadError, match="plugin 'typo' cannot be loaded: .*permanence_departemnts"):
        create_app(app_config(db_url))


def test_a_departement_plugin_overrides_the_national_default(app):
    """Gironde has its arrêté préfectoral of 15 May 2023; Calvados has none,
    so it gets the national rule of the arrêté of 1 Aug 2023."""
    with app.app_context():
        from core.plugins.state import local_facts
        facts = local_facts()
        assert "arrêté préfectoral de la Gironde du 15 mai 2023" in facts.substitution_modality("33").legal_basis
        national = facts.substitution_modality("14")
        assert national.departement is None and "arrêté du 1er août 2023" in national.legal_basis


def test_a_plugin_written_for_the_former_layout_still_loads_and_is_told_to_move():
    """Plugins made by an earlier `plugins new` import core.plugin_kit and core.testing."""
    import importlib
    import sys

    import core.plugins.facts
    import core.plugins.kit
    import core.plugins.testing
    for old, new in (("core.plugin_kit", core.plugins.kit), ("core.testing", core.plugins.testing),
                     ("core.facts", core.plugins.facts)):
        sys.modules.pop(old, None)
        with pytest.warns(DeprecationWarning, match=new.__name__):
            module = importlib.import_module(old)
        for name in ("DeclarativePlugin", "hookimpl", "assert_plugin_conforms", "Departement", "PanVector"):
            if hasattr(new, name) and name in vars(module):
                assert getattr(module, name) is getattr(new, name)
    assert importlib.import_module("core.plugin_kit").DeclarativePlugin is core.plugins.kit.DeclarativePlugin


def test_every_mistake_of_every_plugin_is_said_at_once_on_the_command_line_without_a_traceback(
        install_plugin, db_url):
    import subprocess
    import sys

    from core import PROJECT_ROOT
    from tests.conftest import yaml_plugin_source

    install_plugin("premier", yaml_plugin_source(), files={"facts.yaml": """
        departements:
          - {code: "76", name: Seine-Maritime, prefecture_seat: Rouen, source: "INSEE COG", checked_on: 2026-13-01}
        tribunals:
          - {name: "Tribunal administratif de Rouen", source: "", checked_on: 2026-11-22}
    """})
    module = install_plugin("second", yaml_plugin_source(), files={"facts.yaml": """
        resources:
          - {name: "Permanence", kind: inconnu, source: "x", checked_on: 2026-11-22}
          - {name: "Ligne d'écoute", kind: autre, source: "x", checked_on: 2026-11-22}
    """})
    folder = str(PROJECT_ROOT / "tests")  # where install_plugin's packages live: next to the module
    paths = [p for p in sys.path if p and "pytest-of" in p]
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "core", "plugins", "list"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, env={**__import__("os").environ, "DATABASE_URL": db_url,
                                                                 "PYTHONPATH": ":".join(paths + [folder])})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "plugin 'premier' cannot be loaded" in result.stderr and "plugin 'second' cannot be loaded" in result.stderr
    # Within one file too, every entry in error: the first resource's kind, the second's.
    assert "resources[0] (Permanence): kind must be one of" in result.stderr
    assert "resources[1] (Ligne d'écoute): kind must be one of" in result.stderr
    assert "PERMANENCE_DISABLED_PLUGINS=premier,second" in result.stderr or \
        "PERMANENCE_DISABLED_PLUGINS=second,premier" in result.stderr
    assert module  # installed for real, found through its entry point
