"""Local facts: the sourced, dated records that plugins return through the hooks.

Every fact says where it comes from (``source``) and when a person last
checked it (``checked_on``), because a volunteer must be able to trust an
address before putting it on an envelope, and a stale one must be visible.

Facts are pydantic models validated when built, so whatever path they come
by (a plugin's YAML file through :func:`load_facts_file`, or Python code) an
unsourced fact, a malformed phone number or an invalid INSEE code never
reaches a page. The same models give the JSON Schema of a plugin's
``facts.yaml`` (``flask --app core plugins schema``), which editors use to
check a file as it is typed. No Flask here.
"""
from __future__ import annotations

import json
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, ClassVar, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    computed_field,
    field_serializer,
    field_validator,
    model_validator,
)

from core.plugins.fields import (
    PHONE,
    Code,
    Emails,
    Lines,
    OptionalEmail,
    OptionalPhone,
    OptionalUrl,
    PhoneNumber,
    Slugs,
    one_or_many,
    one_or_many_schema,
)
from core.rules.validation import (
    NON_EMPTY,
    DayOrIsoText,
    Slug,
    Text,
    describe_errors,
    load_yaml,
    located_errors,
)

#: Where the JSON Schema of a plugin's facts.yaml is published.
SCHEMA_PATH = Path(__file__).with_name("facts.schema.json")


class FactError(ValueError):
    """A fact is malformed; the message names the field and the problem."""


#: True while pydantic validates records nested in another one (or a file).
_INSIDE_VALIDATION: ContextVar[bool] = ContextVar("inside_fact_validation", default=False)


Phones = Annotated[tuple["Phone", ...], BeforeValidator(one_or_many)]


class Record(BaseModel):
    """Immutable, exact (an unknown field is an error), validated when built.

    Built in Python code, a malformed record raises :class:`FactError`; inside
    a file's validation, pydantic's own error goes up with its location, so
    the message can say ``phones[1]: invalid phone number …``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **data):
        if _INSIDE_VALIDATION.get():
            super().__init__(**data)
            return
        token = _INSIDE_VALIDATION.set(True)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise FactError(describe_errors(exc)) from None
        finally:
            _INSIDE_VALIDATION.reset(token)


def _phone_or_mapping_schema(schema: dict, _cls) -> None:
    """In YAML a phone is a number, or a mapping with its hours."""
    mapping = dict(schema)
    schema.clear()
    schema.update(title=mapping.pop("title", "Phone"), anyOf=[{"type": "string", "pattern": PHONE}, mapping])


class Phone(Record):
    """A phone number with the hours it answers (free text, French)."""

    model_config = ConfigDict(json_schema_extra=_phone_or_mapping_schema)

    number: PhoneNumber
    hours: str = ""
    label: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, value):
        return {"number": value} if isinstance(value, str) else value


class Link(Record):
    """A web page. ``url`` may be empty when a source lost the address:
    the label is kept rather than an address invented."""

    label: Text
    url: OptionalUrl = ""


class Fact(Record):
    """Base of every fact: where it comes from and when it was last checked."""

    source: Annotated[str, StringConstraints(pattern=NON_EMPTY), Field(
        description="Where the fact comes from: article, arrêté, guide and section, or public page.")]
    checked_on: Annotated[DayOrIsoText, Field(description="The day a person last checked it (YYYY-MM-DD).")]


class Departement(Fact):
    code: Code
    name: Text
    prefecture_seat: str


class PrefectureService(Fact):
    """A préfecture or sous-préfecture service the public can reach."""

    KINDS: ClassVar = ("prefecture", "sous-prefecture")

    departement: Code | None = None
    name: Text
    kind: Literal[KINDS] = "prefecture"
    address: Lines = ()
    emails: Emails = ()
    phones: Phones = ()
    web_pages: tuple[Link, ...] = ()
    hours: str = ""


class FilingChannel(Fact):
    """A local way to file a démarche that is not on ANEF."""

    KINDS: ClassVar = ("demarches-simplifiees", "postal", "guichet", "email")

    departement: Code | None = None
    kind: Literal[KINDS]
    label: Text
    #: The démarche slugs it serves; empty when it serves none of the
    #: catalogue (shown on the département page only).
    demarches: Slugs = ()
    #: The kinds of request it serves.
    kinds: Annotated[tuple[Literal["first", "renewal"], ...], BeforeValidator(one_or_many),
                     one_or_many_schema({"enum": ["first", "renewal"]})] = ("first", "renewal")
    url: OptionalUrl = ""
    address: Lines = ()
    email: OptionalEmail = ""
    sous_prefecture: str = ""
    notes: Annotated[str, Field(description=(
        "What a volunteer should know about this channel, in their words (shown on the département page)."))] = ""
    heading: Annotated[str, Field(description=(
        "The heading under which the source lists the form, as written there "
        "(e.g. « Première demande »); shown discreetly next to it."))] = ""
    to_check: Annotated[str, Field(description=(
        "What is uncertain about this entry and must be checked before relying on it, in words a "
        "volunteer understands (e.g. two forms of the list share one address); shown as « à vérifier ». "
        "Empty when nothing is in doubt."))] = ""

    @field_validator("kinds")
    @classmethod
    def _some_kind(cls, kinds):
        if not kinds:
            raise ValueError("kinds must be among first, renewal")
        return kinds


class PanVector(Fact):
    """One way to book a PAN appointment (arrêté of 1 Aug 2023)."""

    KINDS: ClassVar = ("phone", "email", "in-person", "online-form", "postal")
    #: The arrêté asks for at least one vector that is not digital.
    DIGITAL_KINDS: ClassVar = ("email", "online-form")

    departement: Code | None = None
    kind: Literal[KINDS]
    label: str = ""
    phone: OptionalPhone = ""
    email: OptionalEmail = ""
    url: OptionalUrl = ""
    address: Lines = ()
    hours: str = ""
    notes: str = ""
    #: What the préfecture demands before it gives an appointment this way.
    required_information: Lines = ()

    @model_validator(mode="after")
    def _reachable(self):
        if self.kind == "phone" and not self.phone:
            raise ValueError("a phone vector needs 'phone'")
        if self.kind == "email" and not self.email:
            raise ValueError("an email vector needs 'email'")
        return self

    @computed_field  # in the API's JSON too
    @property
    def digital(self) -> bool:
        return self.kind in self.DIGITAL_KINDS


class SubstitutionModality(Fact):
    """How the substitution solution of R.431-2 al. 3 is organised."""

    departement: Code | None = None
    summary: Text
    legal_basis: Text
    send_to: Lines = ()
    url: OptionalUrl = ""
    notes: str = ""


class LocalPitfall(Fact):
    """A known local trap (wrong guidance, hidden link) and how to get round it."""

    departement: Code | None = None
    title: Text
    problem: Text
    workaround: Text
    demarches: Slugs = ()


class Tribunal(Fact):
    departement: Code | None = None
    name: Text
    address: Lines = ()
    phone: OptionalPhone = ""
    url: OptionalUrl = ""
    #: What a volunteer must know beyond the name (a seat elsewhere, a ressort that is not a département).
    notes: str = ""


class Resource(Fact):
    """Somewhere to get help: association, hotline, Défenseur des droits…"""

    KINDS: ClassVar = ("association", "hotline", "defenseur-des-droits", "support", "documentation")

    departement: Code | None = None
    name: Text
    kind: Literal[KINDS]
    description: str = ""
    address: Lines = ()
    phones: Phones = ()
    emails: Emails = ()
    url: OptionalUrl = ""


#: What a letter is for (core/letters/catalogue.py recommends letters by purpose).
LETTER_PURPOSES = ("postal-cover", "api-request", "api-request-bpi", "api-request-young", "information",
                   "substitution", "pan", "ddd", "recepisse-request", "l114-5", "ccc", "refere")
#: Who a letter is addressed to.
LETTER_RECIPIENTS = ("prefecture", "prefecture-email", "substitution", "pan", "tribunal", "ddd", "ccc")


class LetterTemplate(Fact):
    """A Jinja letter or email template: the national ones (core/plugins/national/letters)
    and those a département plugin ships, with the same powers."""

    KINDS: ClassVar = ("letter", "email")

    departement: Code | None = None
    slug: Slug
    title: Text
    kind: Literal[KINDS] = "letter"
    #: In YAML, a path relative to the facts file.
    template: Path
    #: What the letter is for (LETTER_PURPOSES above): the case page then
    #: recommends it when that need arises, and it replaces the national
    #: letter of the same purpose and kind.
    purpose: Literal[("", *LETTER_PURPOSES)] = ""
    #: The articles the letter relies on, shown next to it.
    legal_basis: str = ""
    #: Who receives it (core/letters/compose.py finds the address in the
    #: local facts); by default the préfecture, by post or by email.
    recipient: Literal[("", *LETTER_RECIPIENTS)] = ""
    #: The channels (anef, local) it fits; by default those of the national
    #: letter with the same purpose, or both.
    channels: tuple[Literal["anef", "local"], ...] = ()
    #: « Lettre recommandée avec accusé de réception ».
    registered: StrictBool = False
    #: A draft for the juriste or lawyer to finish (the référé).
    draft: StrictBool = False
    #: The volunteer chooses the legal grounds it invokes.
    needs_grounds: StrictBool = False

    @field_serializer("template")
    def _file_name(self, path: Path) -> str:
        """The API names the file, never where the server keeps it."""
        return path.name

    @field_validator("template")
    @classmethod
    def _exists(cls, path: Path):
        if not path.is_file():
            raise ValueError(f"template file not found: {path}")
        return path


class LocalBlockageKind(Fact):
    """A kind of blockage met locally, counted in the statistics with the national ones."""

    departement: Code | None = None
    slug: Slug
    label: Text


class FactSet(BaseModel):
    """All the facts of one plugin, by section: the shape of its facts.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid",
                              json_schema_extra={"title": "Permanence plugin facts (facts.yaml)"})

    departements: tuple[Departement, ...] = ()
    prefecture_services: tuple[PrefectureService, ...] = ()
    filing_channels: tuple[FilingChannel, ...] = ()
    pan_vectors: tuple[PanVector, ...] = ()
    substitution_modalities: tuple[SubstitutionModality, ...] = ()
    local_pitfalls: tuple[LocalPitfall, ...] = ()
    tribunals: tuple[Tribunal, ...] = ()
    resources: tuple[Resource, ...] = ()
    letter_templates: tuple[LetterTemplate, ...] = ()
    blockage_kinds: tuple[LocalBlockageKind, ...] = ()

    def merged(self, other: FactSet) -> FactSet:
        """Both files' facts, section by section (a plugin whose data is split in several files)."""
        return FactSet.model_construct(**{name: getattr(self, name) + getattr(other, name)
                                          for name in FactSet.model_fields})


#: YAML section name → fact class, in the order the sections are documented.
SECTIONS: dict[str, type[Fact]] = {name: get_args(field.annotation)[0] for name, field in FactSet.model_fields.items()}


def load_facts_file(path: Path) -> FactSet:
    """Read and validate a plugin's YAML file.

    Raises :class:`FactError` naming the file, the section, the entry and
    the problem, so a contributor can fix it without reading this code.
    """
    path = Path(path)
    try:
        document = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: an impossible date
        raise FactError(f"{path}: cannot read facts: {exc}") from exc
    if not isinstance(document, dict):
        raise FactError(f"{path}: the top level must be a mapping of sections")
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise FactError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                        f"expected {', '.join(SECTIONS)}")
    sections = {name: entries for name, entries in document.items() if entries}  # an empty section: none
    for entry in sections.get("letter_templates") or []:  # a template's path is relative to the file
        if isinstance(entry, dict) and isinstance(entry.get("template"), str):
            entry["template"] = path.parent / entry["template"]
    token = _INSIDE_VALIDATION.set(True)
    try:
        return FactSet.model_validate(sections)
    except ValidationError as exc:
        raise FactError(located_errors(exc, sections, path)) from None
    finally:
        _INSIDE_VALIDATION.reset(token)


def schema_text() -> str:
    """The JSON Schema of a plugin's facts.yaml, as published in SCHEMA_PATH."""
    return json.dumps(FactSet.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
