"""One way to validate declarative data (the national rules and the plugins'
facts): pydantic models, whose JSON Schema is published for editors, and
one translation of pydantic's errors into the precise sentences a
contributor needs (``path: section[index] (label): problem``).

Pure Python, no Flask.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import StringConstraints, ValidationError

#: Text that says something (not empty, not only spaces).
NON_EMPTY = r"\S"
#: A slug: lower-case words joined by hyphens.
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(pattern=NON_EMPTY)]
Slug = Annotated[str, StringConstraints(pattern=SLUG)]

#: What a pattern mismatch means, by pattern (they are in the JSON Schema too).
PATTERN_MESSAGES: dict[str, str] = {
    NON_EMPTY: "'{field}' must be non-empty text",
    SLUG: "invalid slug {value!r}",
}


def describe_error(error: Mapping) -> str:
    """One pydantic error as a sentence naming the field and the problem."""
    names = [index for index, part in enumerate(error["loc"]) if not isinstance(part, int)]
    if len(names) > 1:  # a nested entry: "anef_since[0]: 'from' must be a date…"
        return f"{_path(error['loc'][:names[-1]])}: {describe_error(dict(error, loc=error['loc'][names[-1]:]))}"
    field = str(error["loc"][names[-1]]) if names else ""
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
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
        expected = re.sub(r"'([^']*)'", r"\1", str(context.get("expected", ""))).replace(" or ", ", ")
        return f"{field} must be one of {expected}"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{field}' must be true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"'{field}' must be a whole number"
    if kind in ("greater_than_equal", "greater_than"):
        return f"'{field}' must be at least {context.get('ge', context.get('gt'))}"
    if kind in ("list_type", "tuple_type"):
        return f"'{field}' must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return f"'{field}' must be a mapping" if field else "an entry must be a mapping"
    if kind in ("value_error", "assertion_error"):
        return str(context.get("error", error["msg"]))
    return f"'{field}': {error['msg']}"


def _typos_first(errors) -> list:
    """An unknown field is usually a misspelt one: say it before the field it leaves missing."""
    return sorted(errors, key=lambda error: error["type"] != "extra_forbidden")


def describe_errors(exc: ValidationError) -> str:
    return "; ".join(dict.fromkeys(describe_error(error) for error in _typos_first(exc.errors())))


def located_errors(exc: ValidationError, document: Mapping, path, label_keys=("name", "code", "label", "slug"),
                   depth: int = 2) -> str:
    """The errors of the first faulty entry, prefixed with the file, the
    section, the index and the entry's label (``facts.yaml: pan_vectors[0]
    (PAN de Nice): invalid phone number '04 93 72 20'``). ``depth``: how many
    levels lead to an entry (2 for a list section, 3 for ``ladders.anef[0]``)."""
    errors = exc.errors()
    depth = min(depth, len(errors[0]["loc"]))
    key = errors[0]["loc"][:depth]
    entry_errors = [dict(e, loc=e["loc"][depth:]) for e in errors if e["loc"][:depth] == key]
    where, entry = f"{path}: {key[0]}", document
    for level, part in enumerate(key):
        where += "" if level == 0 else (f"[{part}]" if isinstance(part, int) else f".{part}")
        entry = entry[part] if isinstance(entry, (Mapping, list)) and _has(entry, part) else None
    label = next((entry[k] for k in label_keys if entry.get(k)), "") if isinstance(entry, Mapping) and depth > 1 \
        else ""
    if label:
        where += f" ({label})"
    problems = "; ".join(dict.fromkeys(describe_error(e) for e in _typos_first(entry_errors)))
    return f"{where}: {problems}"


def _has(container, part) -> bool:
    if isinstance(container, list):
        return isinstance(part, int) and 0 <= part < len(container)
    return part in container


def _path(loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
