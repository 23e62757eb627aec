"""One way to validate declarative data (the national rules and the plugins'
facts): pydantic models, whose JSON Schema is published for editors, and
one translation of pydantic's errors into the precise sentences a
contributor needs (``path: section[index] (label): problem``).

The types below are strict: a YAML ``yes`` is not a ``true``, ``"90"`` is
not a number and a timestamp is not a date, as a juriste would expect.
Pure Python, no Flask.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated

import yaml
from pydantic import BeforeValidator, Field, Strict, StringConstraints, ValidationError, ValidationInfo

#: libyaml's parser when installed (PyYAML's wheels ship it): the shipped rules and facts
#: parse in about 14 ms instead of 226 ms here.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """A YAML document, safely (no Python objects), with the fastest parser available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


#: Text that says something (not empty, not only spaces).
NON_EMPTY = r"\S"
#: A slug: lower-case words joined by hyphens.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(pattern=NON_EMPTY)]
Slug = Annotated[str, StringConstraints(pattern=SLUG)]
#: A whole number of days or months, at least 1 (``true`` is not 1).
Count = Annotated[int, Strict(), Field(gt=0)]
#: A day as YAML writes it unquoted (a timestamp or a moment is not a day).
Day = Annotated[dt.date, Strict()]


def _iso_day(value):
    """A quoted ISO date ("2025-01-23") is the same day; anything else is left to fail."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


#: A day, also when quoted in YAML (the plugins' ``checked_on``).
DayOrIsoText = Annotated[dt.date, BeforeValidator(_iso_day), Strict()]


def non_empty_list(value, info: ValidationInfo):
    """A list written empty would silently mean « none » where leaving it out means « all »."""
    if isinstance(value, (list, tuple)) and not value:
        raise ValueError(f"'{info.field_name}' must not be an empty list (leave it out instead)")
    return value


#: What a pattern mismatch means, by pattern (they are in the JSON Schema too).
PATTERN_MESSAGES: dict[str, str] = {
    NON_EMPTY: "'{field}' must be non-empty text",
    SLUG: "invalid slug {value!r}",
}


def describe_error(error: Mapping) -> str:
    """One pydantic error as a sentence naming the field and the problem."""
    loc = tuple(error["loc"])
    if "[key]" in loc:  # a mapping's key: "ladders: 'foo' must be one of anef, local"
        where = _path(loc[:loc.index("[key]") - 1])
        return f"{where}: {_problem(dict(error, loc=('name',)), key=True)}"
    if loc and isinstance(loc[-1], int) and error["type"] == "value_error":  # about a whole entry of a list
        return f"{_path(loc)}: {_problem(error)}"
    names = [index for index, part in enumerate(loc) if not isinstance(part, int)]
    if len(names) > 1:  # a nested entry: "anef_since[0]: 'from' must be a date…"
        return f"{_path(loc[:names[-1]])}: {describe_error(dict(error, loc=loc[names[-1]:]))}"
    return _problem(error)


def _problem(error: Mapping, key: bool = False) -> str:
    names = [part for part in error["loc"] if not isinstance(part, int)]
    field = str(names[-1]) if names else ""
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    if key:
        if kind == "literal_error":
            return f"{value!r} must be one of {_choices(context)}"
        return f"{value!r} is not a valid name (lower-case letters, digits and _)"
    if kind == "missing":
        return f"missing '{field}'"
    if kind == "extra_forbidden":
        return f"unknown field(s) {field}"
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return f"'{field}' must be a date (YYYY-MM-DD), got {value!r}"
    if kind == "string_type":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"'{field}' must be text; quote it in YAML (\"{value}\")"
        return f"'{field}' must be text"
    if kind == "string_pattern_mismatch":
        template = PATTERN_MESSAGES.get(context.get("pattern", ""), "'{field}': malformed value {value!r}")
        return template.format(field=field, value=value)
    if kind == "literal_error":
        optional = "''" in str(context.get("expected", ""))
        return f"{field} must be one of {_choices(context)}" + (" (or left out)" if optional else "")
    if kind in ("bool_type", "bool_parsing"):
        return f"'{field}' must be true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"'{field}' must be a whole number"
    if kind in ("greater_than_equal", "greater_than"):
        least = context["ge"] if "ge" in context else context.get("gt", 0) + 1
        return f"'{field}' must be at least {least}"
    if kind in ("list_type", "tuple_type"):
        return f"'{field}' must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"'{field}' must be a mapping" if field else "an entry must be a mapping"
    if kind == "path_type":
        return f"'{field}' must be a path (text)"
    if kind in ("value_error", "assertion_error"):
        return str(context.get("error", error["msg"]))
    return f"'{field}': {error['msg']}"


def _choices(context: Mapping) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a, b, c", without the empty choice."""
    expected = [choice for choice in re.findall(r"'([^']*)'", str(context.get("expected", ""))) if choice]
    return ", ".join(expected)


def _typos_first(errors) -> list:
    """An unknown field is usually a misspelt one: say it before the field it leaves missing."""
    return sorted(errors, key=lambda error: error["type"] != "extra_forbidden")


def describe_errors(exc: ValidationError) -> str:
    return "; ".join(dict.fromkeys(describe_error(error) for error in _typos_first(exc.errors())))


def located_errors(exc: ValidationError, document: Mapping, path, label_keys=("name", "code", "label", "slug"),
                   depth: int = 2) -> str:
    """The errors of every faulty entry, one line each, prefixed with the file,
    the section, the index and the entry's label (``facts.yaml: pan_vectors[0]
    (PAN de Nice): invalid phone number '04 93 72 20'``), so that a contributor
    fixes them all in one go. ``depth``: how many levels lead to an entry (2 for
    a list section, 3 for ``ladders.anef[0]``)."""
    errors = exc.errors()
    lines = []
    for loc in dict.fromkeys(tuple(error["loc"]) for error in errors):
        if len(loc) == 1:  # the section itself
            lines.append(f"{path}: {_section_problem(next(e for e in errors if tuple(e['loc']) == loc), document)}")
        elif "[key]" in loc:
            lines.append(f"{path}: {describe_error(next(e for e in errors if tuple(e['loc']) == loc))}")
        else:
            lines.append(_entry_errors(errors, loc[:min(depth, len(loc))], document, path, label_keys))
    return "\n".join(dict.fromkeys(lines))  # an entry with several errors: one line, said once


def _entry_errors(errors, key: tuple, document: Mapping, path, label_keys) -> str:
    depth = len(key)
    entry_errors = [dict(e, loc=e["loc"][depth:]) for e in errors if tuple(e["loc"][:depth]) == key]
    where, entry = f"{path}: {key[0]}", document
    for level, part in enumerate(key):
        where += "" if level == 0 else (f"[{part}]" if isinstance(part, int) else f".{part}")
        entry = entry[part] if isinstance(entry, (Mapping, list)) and _has(entry, part) else None
    label = next((entry[k] for k in label_keys if str(entry.get(k) or "").strip()), "") \
        if isinstance(entry, Mapping) and depth > 1 \
        else ""
    if label:
        where += f" ({label})"
    problems = "; ".join(dict.fromkeys(describe_error(e) for e in _typos_first(entry_errors)))
    return f"{where}: {problems}"


def _section_problem(error: Mapping, document: Mapping) -> str:
    section = error["loc"][0]
    if error["type"] == "extra_forbidden":
        return f"unknown section(s) {section}"
    if error["type"] in ("list_type", "tuple_type"):
        return f"section '{section}' must be a list"
    if error["type"] in ("dict_type", "model_type"):
        return f"section '{section}' must be a mapping"
    return f"section '{section}': {_problem(error)}"


def _path(loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _has(container, part) -> bool:
    if isinstance(container, list):
        return isinstance(part, int) and 0 <= part < len(container)
    return part in container
