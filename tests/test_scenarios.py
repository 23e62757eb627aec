"""The national rules told as scenarios a juriste can read and extend without
Python: one YAML file per family in tests/scenarios/ (its README says how to
write one). Each scenario is a situation and what the rules must answer;
every key of ``expect`` is checked, and an unknown key fails the test so that
a typo never passes silently. Pure: no application, no database."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from core.rules import HeldDocument, Situation, SituationError, assess, load_rules

RULES = load_rules()
SCENARIOS = Path(__file__).with_name("scenarios")
#: Every warning code and deadline kind the pages can say (core/web/messages.py
#: describes each one), so that a misspelt code in a scenario fails.
_MESSAGES = (Path(__file__).parent.parent / "core" / "web" / "messages.py").read_text(encoding="utf-8")


def _codes(function: str) -> set[str]:
    body = _MESSAGES.split(f"def {function}(", 1)[1].split("\ndef ", 1)[0]
    return set(re.findall(r'^\s+"([a-z0-9-]+)": ', body, re.M))


WARNING_CODES = _codes("describe_warning")
#: About what was typed, or about the intranet itself: no text to cite.
WARNINGS_WITHOUT_BASIS = {"filed-after-reference-date", "no-local-facts"}
DEADLINE_KINDS = _codes("deadline_label")


def _load():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, scenario in enumerate(document["scenarios"]):
            yield pytest.param(scenario, id=f"{path.stem}[{index}] {scenario['name'][:70]}")


def situation_from(raw: dict) -> Situation:
    # YAML 1.1 reads a bare `on:` key as true: juristes write `on:`, we read "on".
    raw = {("on" if key is True else key): value for key, value in raw.items()}
    held = tuple(HeldDocument(item["kind"], item.get("valid_until")) for item in raw.pop("held", []))
    return Situation(held=held, **raw)


def _date(value):
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


def check(result, expect: dict) -> None:
    a = result
    checks = {
        "channel": lambda v: a.channel.kind == v,
        "channel_certain": lambda v: a.channel.certain is v,
        "mandatory_since": lambda v: a.channel.mandatory_since == _date(v),
        "window": lambda v: (v is None and a.filing_window is None) or (
            a.filing_window is not None
            and all(getattr(a.filing_window, key) == (_date(value) if key.endswith("_on") else value)
                    for key, value in v.items())),
        "document": lambda v: a.attestation.type == v,
        "document_valid_until": lambda v: a.attestation.valid_until == _date(v),
        "document_basis": lambda v: v in a.attestation.legal_basis,
        "document_allows": lambda v: a.attestation.rights is not None and a.attestation.rights.slug == v,
        "regular_stay": lambda v: a.regular_stay.status == v,
        "regular_stay_basis": lambda v: v in a.regular_stay.basis,
        "deadlines": lambda v: all(
            (date is None and kind not in {d.kind for d in a.deadlines})
            or any(d.kind == kind and d.date == _date(date) for d in a.deadlines) for kind, date in v.items()),
        "deadline_basis": lambda v: all(any(d.kind == kind and text in d.legal_basis for d in a.deadlines)
                                        for kind, text in v.items()),
        "deadline_condition": lambda v: all(any(d.kind == kind and (text in d.condition if text else not d.condition)
                                                for d in a.deadlines) for kind, text in v.items()),
        "warnings": lambda v: set(v) <= {w.code for w in a.warnings},
        "no_warnings": lambda v: not set(v) & {w.code for w in a.warnings},
        "warning_basis": lambda v: all(any(w.code == code and text in w.legal_basis for w in a.warnings)
                                       for code, text in v.items()),
        "court_route": lambda v: (a.court_route.kind if a.court_route else None) == v,
        "court_route_until": lambda v: a.court_route.until == _date(v),
        "not_computed": lambda v: [item.what for item in a.not_computed] == v,
        "notes_mention": lambda v: any(v in note.text for note in a.notes),
        "reminders": lambda v: set(v) <= {r.slug for r in a.reminders},
        "source_mentions": lambda v: v in a.channel.source,
    }
    unknown = set(expect) - set(checks) - {"error"}
    assert not unknown, f"unknown expectation(s): {sorted(unknown)}"
    for key in ("warnings", "no_warnings", "warning_basis"):
        misspelt = set(expect.get(key, ())) - WARNING_CODES
        assert not misspelt, f"{key}: unknown warning code(s) {sorted(misspelt)}"
    for key in ("deadlines", "deadline_basis", "deadline_condition"):
        misspelt = set(expect.get(key, {})) - DEADLINE_KINDS
        assert not misspelt, f"{key}: unknown deadline kind(s) {sorted(misspelt)}"
    for key, value in expect.items():
        if key == "error":
            continue
        assert checks[key](value), f"{key}: expected {value!r}; got {_actual(a, key)!r}"


def _actual(a, key):
    return {
        "channel": a.channel, "channel_certain": a.channel, "mandatory_since": a.channel,
        "window": a.filing_window, "document": a.attestation, "document_valid_until": a.attestation,
        "document_basis": a.attestation, "document_allows": a.attestation.rights, "regular_stay": a.regular_stay,
        "regular_stay_basis": a.regular_stay, "deadlines": [(d.kind, d.date.isoformat()) for d in a.deadlines],
        "deadline_basis": a.deadlines, "deadline_condition": a.deadlines,
        "warnings": [w.code for w in a.warnings], "no_warnings": [w.code for w in a.warnings],
        "warning_basis": [(w.code, w.legal_basis) for w in a.warnings],
        "court_route": a.court_route, "court_route_until": a.court_route, "not_computed": a.not_computed,
        "notes_mention": a.notes, "reminders": [r.slug for r in a.reminders], "source_mentions": a.channel.source,
    }[key]


@pytest.mark.parametrize("scenario", list(_load()))
def test_scenario(scenario):
    assert scenario.get("source"), "every scenario names its source (seed, article or decision)"
    situation = situation_from(scenario["situation"])
    expect = scenario["expect"]
    if "error" in expect:
        with pytest.raises(SituationError) as error:
            assess(RULES, situation)
        assert [error.value.field, error.value.code] == expect["error"]
        return
    result = assess(RULES, situation)
    check(result, expect)
    unfounded = [w.code for w in result.warnings if not w.legal_basis and w.code not in WARNINGS_WITHOUT_BASIS]
    assert not unfounded, f"warnings shown without their legal basis: {unfounded}"


def test_every_family_has_scenarios_and_the_checker_refuses_unknown_keys():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 6
    result = assess(RULES, Situation(demarche="etudiant", kind="first", on=dt.date(2025, 1, 1)))
    with pytest.raises(AssertionError, match="unknown expectation"):
        check(result, {"chanel": "anef"})
    with pytest.raises(AssertionError, match="channel"):
        check(result, {"channel": "local"})
    with pytest.raises(AssertionError, match="unknown warning code"):
        check(result, {"no_warnings": ["filed-after-windw"]})
    with pytest.raises(AssertionError, match="unknown deadline kind"):
        check(result, {"deadlines": {"implicit-rejecton": None}})


def test_every_warning_the_rules_can_give_has_its_legal_basis_written_down():
    from core.rules.situation import WARNING_BASES
    assert set(WARNING_BASES) <= WARNING_CODES, "a legal basis for a warning the pages cannot say"
    # local-pitfall carries its plugin's source, checked on a date.
    assert WARNING_CODES - set(WARNING_BASES) == WARNINGS_WITHOUT_BASIS | {"local-pitfall"}
