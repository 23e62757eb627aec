"""The conformance kit, on every installed plugin and on broken ones."""
import importlib.metadata

import pytest

from core import create_app
from core.plugins.conformance import check_plugin
from tests.conftest import app_config, yaml_plugin_source

INSTALLED = sorted(ep.name for ep in importlib.metadata.entry_points(group="permanence.plugins")) + ["national"]


@pytest.mark.parametrize("name", INSTALLED)
def test_every_installed_plugin_passes_the_kit(app, name):
    assert check_plugin(app.extensions["permanence.registry"], name) == []


def test_a_plugin_answering_for_a_departement_it_does_not_claim_is_reported(install_plugin, db_url):
    install_plugin("sloppy", '''
        import datetime
        from core.plugins.facts import Departement, Resource
        from core.plugins.kit import hookimpl

        class Sloppy:
            @hookimpl
            def permanence_departements(self):
                return [Departement(code="69", name="Rhône", prefecture_seat="Lyon", source="s",
                                    checked_on=datetime.date(2026, 11, 22))]

            @hookimpl
            def permanence_resources(self, departement):
                return [Resource(name="Partout", kind="hotline", source="s", checked_on=datetime.date(2026, 11, 22))]

            @hookimpl
            def permanence_pan_vectors(self, departement):
                return "not a list"

        plugin = Sloppy()
    ''')
    app = create_app(app_config(db_url))
    findings = [str(f) for f in check_plugin(app.extensions["permanence.registry"], "sloppy")]
    assert "plugin 'sloppy', département 95, permanence_resources: answers for a département the plugin does not claim" in findings
    assert "plugin 'sloppy', département 69, permanence_pan_vectors: must return a list, got str" in findings
    result = app.test_cli_runner().invoke(args=["plugins", "check", "sloppy"])
    assert result.exit_code != 0


def test_a_plugin_with_no_departement_is_reported(install_plugin, db_url):
    install_plugin("empty", yaml_plugin_source(), files={"facts.yaml": "resources: []\n"})
    app = create_app(app_config(db_url))
    (finding,) = check_plugin(app.extensions["permanence.registry"], "empty")
    assert "covers no département" in str(finding)


def test_a_plugin_that_raises_is_reported_not_crashing_the_kit(install_plugin, db_url):
    install_plugin("raising", '''
        import datetime
        from core.plugins.facts import Departement
        from core.plugins.kit import hookimpl

        class Raising:
            @hookimpl
            def permanence_departements(self):
                return [Departement(code="69", name="Rhône", prefecture_seat="Lyon", source="s",
                                    checked_on=datetime.date(2026, 11, 22))]

            @hookimpl
            def permanence_tribunal(self, departement):
                raise RuntimeError("database down")

        plugin = Raising()
    ''')
    app = create_app(app_config(db_url))
    findings = [str(f) for f in check_plugin(app.extensions["permanence.registry"], "raising")]
    assert "plugin 'raising', département 69, permanence_tribunal: raised RuntimeError: database down" in findings
    assert "plugin 'raising', département 95, permanence_tribunal: raised RuntimeError: database down" in findings


def test_a_hook_taking_fewer_arguments_than_the_spec_is_valid_as_pluggy_allows(install_plugin, db_url):
    """pluggy passes an implementation only the arguments it names: the kit
    calls plugins through pluggy, so it must not report such a plugin."""
    install_plugin("terse", '''
        import datetime
        from core.plugins.facts import Departement, LocalBlockageKind
        from core.plugins.kit import hookimpl

        RHONE = Departement(code="69", name="Rhône", prefecture_seat="Lyon", source="s",
                            checked_on=datetime.date(2026, 11, 22))

        class Terse:
            @hookimpl
            def permanence_departements(self):
                return [RHONE]

            @hookimpl
            def permanence_blockage_kinds(self):  # no argument: the same answer for every code
                return []

        plugin = Terse()
    ''')
    app = create_app(app_config(db_url))
    assert check_plugin(app.extensions["permanence.registry"], "terse") == []
