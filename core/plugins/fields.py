"""The kinds of field facts are made of: phone numbers, emails, https
links, INSEE codes, lines of an address… each a pattern (also in the JSON
Schema) with the sentence that explains a mismatch."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

from core.rules.validation import PATTERN_MESSAGES, SLUG, Slug

# INSEE codes of the départements: 01–19, 2A, 2B, 21–95, 971–974 and 976
# (core/plugins/departements.py names each one).
INSEE_DEPARTEMENT = re.compile(r"(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46])")
# A French phone number as people write it (spaces or dots between groups),
# 10 digits starting with 0, or the same with +33 and no leading 0.
PHONE = r"^(0[1-9](?:[ .]?\d{2}){4}|0 ?[1-9]\d{2}(?:[ .]?\d{3}){2}|\+33 ?[1-9](?:[ .]?\d{2}){4})$"
EMAIL = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
URL = r"^https://[^\s/$.?#][^\s]*$"
INSEE = f"^{INSEE_DEPARTEMENT.pattern}$"
PATTERN_MESSAGES.update({
    PHONE: "invalid phone number {value!r}", EMAIL: "invalid email {value!r}",
    URL: "invalid URL {value!r} (https:// expected)", INSEE: "invalid INSEE département code {value!r}",
})


def or_empty(pattern: str) -> str:
    """The same pattern, or nothing at all (an optional field left empty)."""
    PATTERN_MESSAGES[f"^$|{pattern}"] = PATTERN_MESSAGES[pattern]
    return f"^$|{pattern}"


def one_or_many(value):
    """YAML lets a contributor write one value where a list is expected."""
    return [value] if isinstance(value, str) else value


PhoneNumber = Annotated[str, StringConstraints(pattern=PHONE)]
Email = Annotated[str, StringConstraints(pattern=EMAIL)]
Code = Annotated[str, StringConstraints(pattern=INSEE)]
OptionalUrl = Annotated[str, StringConstraints(pattern=or_empty(URL))]
OptionalEmail = Annotated[str, StringConstraints(pattern=or_empty(EMAIL))]
OptionalPhone = Annotated[str, StringConstraints(pattern=or_empty(PHONE))]


def one_or_many_schema(item: dict) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item}]})


Lines = Annotated[tuple[str, ...], BeforeValidator(one_or_many), one_or_many_schema({"type": "string"})]
Emails = Annotated[tuple[Email, ...], BeforeValidator(one_or_many),
                   one_or_many_schema({"type": "string", "pattern": EMAIL})]
Slugs = Annotated[tuple[Slug, ...], BeforeValidator(one_or_many),
                  one_or_many_schema({"type": "string", "pattern": SLUG})]
