"""`flask --app core plugins new <code>`: a new département, installed for
real with pip, shows up and passes the conformance kit."""
import os
import subprocess
import sys

import pytest

from core import create_app
from core.plugins.conformance import check_plugin
from core.web import clock
from tests.conftest import app_config


@pytest.fixture
def generated(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plugins", "new", "69", "--directory", str(tmp_path / "rhone")])
    assert result.exit_code == 0, result.output
    assert "Plugin « rhone » écrit dans" in result.output
    return tmp_path / "rhone"


def test_the_skeleton_has_its_own_entry_point_facts_and_tests(generated):
    assert 'rhone = "permanence_rhone:plugin"' in (generated / "pyproject.toml").read_text()
    facts = (generated / "permanence_rhone" / "facts.yaml").read_text()
    assert 'code: "69"' in facts and 'name: "Rhône"' in facts and 'prefecture_seat: "Lyon"' in facts
    assert "assert_plugin_conforms(\"rhone\")" in (generated / "tests" / "test_conformance.py").read_text()


def test_the_name_and_seat_carry_the_national_lists_date_not_the_day_the_command_ran(generated):
    """Nobody checked them by running the command: they are the national layer's, with its date."""

    from core.plugins.departements import CHECKED_ON, SOURCE
    from core.plugins.facts import load_facts_file

    facts = generated / "permanence_rhone" / "facts.yaml"
    entry = load_facts_file(facts).departements[0]
    assert (entry.source, entry.checked_on) == (SOURCE, CHECKED_ON)
    assert clock.today().isoformat() not in facts.read_text()


def test_the_skeleton_starts_from_what_is_known_nationally_and_lists_what_is_still_to_find(generated):
    from core.plugins.facts import load_facts_file

    readme = (generated / "README.md").read_text()
    assert "Tribunal administratif de Lyon (CJA R.221-3), without its address" in readme
    assert "démarches-simplifiées form(s) of the public list" in readme
    assert "the ways to book a PAN appointment: at least two" in readme
    facts = generated / "permanence_rhone" / "facts.yaml"
    text = facts.read_text()
    assert "\n# tribunals:\n" in text and "« Lyon : Ain, Ardèche, Loire, Rhône »" in text
    # A contributor uncomments the national entries to make them the plugin's own: still valid.
    block = text.split("# being repeated here.", 1)[1].split("\n", 1)[1]
    facts.write_text(text.split("# Already known nationally")[0]
                     + "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in block.splitlines()))
    own = load_facts_file(facts)
    assert own.tribunals[0].name == "Tribunal administratif de Lyon" and len(own.filing_channels) > 3


def test_installed_with_pip_it_is_listed_checked_and_its_own_tests_pass(generated, tmp_path, monkeypatch, db_url):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(generated)], check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(site))
    app = create_app(app_config(db_url))
    rhone = app.extensions["permanence.registry"].plugins["rhone"]
    assert (rhone.codes, rhone.distribution, rhone.version) == (("69",), "permanence-rhone", "0.1.0")
    assert check_plugin(app.extensions["permanence.registry"], "rhone") == []
    listed = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "69 Rhône" in listed
    assert app.test_cli_runner().invoke(args=["plugins", "check", "rhone"]).exit_code == 0
    own_tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(generated / "tests")],
                               cwd=generated, capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])})
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    sys.modules.pop("permanence_rhone", None)


def test_a_skeleton_that_a_contributor_broke_fails_its_own_tests_with_a_precise_message(generated, tmp_path):
    facts = generated / "permanence_rhone" / "facts.yaml"
    facts.write_text(facts.read_text().replace('    source: "INSEE', '    sauce: "INSEE'))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(generated)], check=True, capture_output=True)
    own_tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(generated / "tests")],
                               cwd=generated, capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])})
    assert own_tests.returncode != 0
    assert "AssertionError: plugin 'rhone' cannot be loaded" in own_tests.stdout
    assert "facts.yaml: departements[0] (Rhône): unknown field(s) sauce" in own_tests.stdout


def test_a_bad_code_or_a_used_directory_is_refused(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plugins", "new", "20", "--directory", str(tmp_path / "x")]).exit_code != 0
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("x")
    assert runner.invoke(args=["plugins", "new", "69", "--directory", str(tmp_path / "used")]).exit_code != 0


def test_a_new_plugin_for_a_covered_departement_is_warned_about(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plugins", "new", "33", "--directory", str(tmp_path / "g")])
    assert result.exit_code == 0 and "déjà couvert par « gironde »" in result.output
