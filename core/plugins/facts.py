"""Local facts: the sourced, dated records that plugins return through the hooks.

Every fact says where it comes from (``source``) and when a person last
checked it (``checked_on``), because a volunteer must be able to trust an
address before putting it on an envelope, and a stale one must be visible.

Facts validate themselves when built, so whatever path they come by (a
plugin's YAML file through :func:`load_facts_file`, or Python code) an
unsourced fact, a malformed phone number or an invalid INSEE code never
reaches a page. The module does not depend on Flask.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml

# INSEE codes of the départements: 01–19, 2A, 2B, 21–95, 971–974 and 976
# (core/departements.py names each one).
INSEE_DEPARTEMENT = re.compile(r"(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46])")
# A French phone number as people write it (spaces or dots between groups),
# 10 digits starting with 0, or the same with +33 and no leading 0.
PHONE = re.compile(r"^(0[1-9](?:[ .]?\d{2}){4}|0 ?[1-9]\d{2}(?:[ .]?\d{3}){2}|\+33 ?[1-9](?:[ .]?\d{2}){4})$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")


class FactError(ValueError):
    """A fact is malformed; the message names the field and the problem."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise FactError(message)


def check_departement_code(code: str) -> str:
    _require(isinstance(code, str) and bool(INSEE_DEPARTEMENT.fullmatch(code)),
             f"invalid INSEE département code {code!r}")
    return code


def check_phone(number: str) -> str:
    _require(isinstance(number, str) and bool(PHONE.fullmatch(number)), f"invalid phone number {number!r}")
    return number


def check_email(address: str) -> str:
    _require(isinstance(address, str) and bool(EMAIL.fullmatch(address)), f"invalid email {address!r}")
    return address


def check_url(url: str) -> str:
    _require(isinstance(url, str) and bool(URL.fullmatch(url)), f"invalid URL {url!r} (https:// expected)")
    return url


@dataclass(frozen=True, kw_only=True)
class Phone:
    """A phone number with the hours it answers (free text, French)."""

    number: str
    hours: str = ""
    label: str = ""

    def __post_init__(self):
        check_phone(self.number)


@dataclass(frozen=True, kw_only=True)
class Link:
    """A web page. ``url`` may be empty when a source lost the address:
    the label is kept rather than an address invented."""

    label: str
    url: str = ""

    def __post_init__(self):
        _require(bool(self.label.strip()), "a link needs a label")
        if self.url:
            check_url(self.url)


@dataclass(frozen=True, kw_only=True)
class Fact:
    """Base of every fact: where it comes from and when it was last checked."""

    source: str
    checked_on: dt.date

    def __post_init__(self):
        _require(isinstance(self.source, str) and bool(self.source.strip()), "missing 'source'")
        _require(isinstance(self.checked_on, dt.date) and not isinstance(self.checked_on, dt.datetime),
                 f"'checked_on' must be a date (YYYY-MM-DD), got {self.checked_on!r}")
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "departement" and value is not None:
                check_departement_code(value)
            elif field.name in ("email",) and value:
                check_email(value)
            elif field.name == "emails":
                for email in value:
                    check_email(email)
            elif field.name == "url" and value:
                check_url(value)


@dataclass(frozen=True, kw_only=True)
class Departement(Fact):
    code: str
    name: str
    prefecture_seat: str

    def __post_init__(self):
        super().__post_init__()
        check_departement_code(self.code)
        _require(bool(self.name.strip()), "a département needs a name")


@dataclass(frozen=True, kw_only=True)
class PrefectureService(Fact):
    """A préfecture or sous-préfecture service the public can reach."""

    KINDS = ("prefecture", "sous-prefecture")

    departement: str | None = None
    name: str
    kind: str = "prefecture"
    address: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    web_pages: tuple[Link, ...] = ()
    hours: str = ""

    def __post_init__(self):
        super().__post_init__()
        _require(self.kind in self.KINDS, f"kind must be one of {', '.join(self.KINDS)}")


@dataclass(frozen=True, kw_only=True)
class FilingChannel(Fact):
    """A local way to file a démarche that is not on ANEF."""

    KINDS = ("demarches-simplifiees", "postal", "guichet", "email")

    departement: str | None = None
    kind: str
    label: str
    #: The démarche slugs it serves; empty when it serves none of the
    #: catalogue (shown on the département page only).
    demarches: tuple[str, ...] = ()
    #: "first", "renewal": the kinds of request it serves.
    kinds: tuple[str, ...] = ("first", "renewal")
    url: str = ""
    address: tuple[str, ...] = ()
    email: str = ""
    sous_prefecture: str = ""
    notes: str = ""

    def __post_init__(self):
        super().__post_init__()
        _require(self.kind in self.KINDS, f"kind must be one of {', '.join(self.KINDS)}")
        _require(bool(self.kinds) and set(self.kinds) <= {"first", "renewal"},
                 "kinds must be among first, renewal")


@dataclass(frozen=True, kw_only=True)
class PanVector(Fact):
    """One way to book a PAN appointment (arrêté of 1 Aug 2023)."""

    KINDS = ("phone", "email", "in-person", "online-form", "postal")
    #: The arrêté asks for at least one vector that is not digital.
    DIGITAL_KINDS = ("email", "online-form")

    departement: str | None = None
    kind: str
    label: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    address: tuple[str, ...] = ()
    hours: str = ""
    notes: str = ""
    #: What the préfecture demands before it gives an appointment this way.
    required_information: tuple[str, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        _require(self.kind in self.KINDS, f"kind must be one of {', '.join(self.KINDS)}")
        if self.phone:
            check_phone(self.phone)
        _require(self.kind != "phone" or bool(self.phone), "a phone vector needs 'phone'")
        _require(self.kind != "email" or bool(self.email), "an email vector needs 'email'")

    @property
    def digital(self) -> bool:
        return self.kind in self.DIGITAL_KINDS


@dataclass(frozen=True, kw_only=True)
class SubstitutionModality(Fact):
    """How the substitution solution of R.431-2 al. 3 is organised."""

    departement: str | None = None
    summary: str
    legal_basis: str
    send_to: tuple[str, ...] = ()
    url: str = ""
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class LocalPitfall(Fact):
    """A known local trap (wrong guidance, hidden link) and how to get round it."""

    departement: str | None = None
    title: str
    problem: str
    workaround: str
    demarches: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Tribunal(Fact):
    departement: str | None = None
    name: str
    address: tuple[str, ...] = ()
    phone: str = ""
    url: str = ""

    def __post_init__(self):
        super().__post_init__()
        if self.phone:
            check_phone(self.phone)


@dataclass(frozen=True, kw_only=True)
class Resource(Fact):
    """Somewhere to get help: association, hotline, Défenseur des droits…"""

    KINDS = ("association", "hotline", "defenseur-des-droits", "support", "documentation")

    departement: str | None = None
    name: str
    kind: str
    description: str = ""
    address: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    url: str = ""

    def __post_init__(self):
        super().__post_init__()
        _require(self.kind in self.KINDS, f"kind must be one of {', '.join(self.KINDS)}")


#: What a letter is for (core/letters/catalogue.py recommends letters by purpose).
LETTER_PURPOSES = ("postal-cover", "api-request", "api-request-bpi", "api-request-young", "information",
                   "substitution", "pan", "ddd", "recepisse-request", "l114-5", "ccc", "refere")


#: Who a letter is addressed to.
LETTER_RECIPIENTS = ("prefecture", "prefecture-email", "substitution", "pan", "tribunal", "ddd", "ccc")


@dataclass(frozen=True, kw_only=True)
class LetterTemplate(Fact):
    """A Jinja letter or email template: the national ones (core/plugins/national/letters)
    and those a département plugin ships, with the same powers."""

    KINDS = ("letter", "email")

    departement: str | None = None
    slug: str
    title: str
    kind: str = "letter"
    template: Path
    #: What the letter is for (LETTER_PURPOSES above): the case page then
    #: recommends it when that need arises, and it replaces the national
    #: letter of the same purpose and kind.
    purpose: str = ""
    #: The articles the letter relies on, shown next to it.
    legal_basis: str = ""
    #: Who receives it (core/letters/compose.py finds the address in the
    #: local facts); by default the préfecture, by post or by email.
    recipient: str = ""
    #: The channels (anef, local) it fits; by default those of the national
    #: letter with the same purpose, or both.
    channels: tuple[str, ...] = ()
    #: « Lettre recommandée avec accusé de réception ».
    registered: bool = False
    #: A draft for the juriste or lawyer to finish (the référé).
    draft: bool = False
    #: The volunteer chooses the legal grounds it invokes.
    needs_grounds: bool = False

    def __post_init__(self):
        super().__post_init__()
        _require(self.kind in self.KINDS, f"kind must be one of {', '.join(self.KINDS)}")
        _require(not self.recipient or self.recipient in LETTER_RECIPIENTS,
                 f"recipient must be one of {', '.join(LETTER_RECIPIENTS)} (or left out)")
        _require(set(self.channels) <= {"anef", "local"}, "channels must be among anef, local")
        _require(bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.slug)), f"invalid slug {self.slug!r}")
        _require(self.template.is_file(), f"template file not found: {self.template}")
        _require(not self.purpose or self.purpose in LETTER_PURPOSES,
                 f"purpose must be one of {', '.join(LETTER_PURPOSES)} (or left out)")


@dataclass(frozen=True, kw_only=True)
class LocalBlockageKind(Fact):
    """A kind of blockage met locally, counted in the statistics with the national ones."""

    departement: str | None = None
    slug: str
    label: str

    def __post_init__(self):
        super().__post_init__()
        _require(bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.slug)), f"invalid slug {self.slug!r}")


#: YAML section name → fact class, in the order the sections are documented.
SECTIONS: dict[str, type[Fact]] = {
    "departements": Departement,
    "prefecture_services": PrefectureService,
    "filing_channels": FilingChannel,
    "pan_vectors": PanVector,
    "substitution_modalities": SubstitutionModality,
    "local_pitfalls": LocalPitfall,
    "tribunals": Tribunal,
    "resources": Resource,
    "letter_templates": LetterTemplate,
    "blockage_kinds": LocalBlockageKind,
}


@dataclass(frozen=True)
class FactSet:
    """All the facts of one plugin, by section."""

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


def load_facts_file(path: Path) -> FactSet:
    """Read and validate a plugin's YAML file.

    Raises :class:`FactError` naming the file, the section, the entry and
    the problem, so a contributor can fix it without reading this code.
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: an impossible date
        raise FactError(f"{path}: cannot read facts: {exc}") from exc
    if not isinstance(document, dict):
        raise FactError(f"{path}: the top level must be a mapping of sections")
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise FactError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                        f"expected {', '.join(SECTIONS)}")
    sections = {}
    for section, fact_class in SECTIONS.items():
        entries = document.get(section) or []
        if not isinstance(entries, list):
            raise FactError(f"{path}: section '{section}' must be a list")
        built = []
        for index, entry in enumerate(entries):
            where = f"{path}: {section}[{index}]"
            label = entry.get("name") or entry.get("code") or entry.get("label") or entry.get("slug") \
                if isinstance(entry, dict) else None
            if label:
                where += f" ({label})"
            try:
                built.append(build_fact(fact_class, entry, base_dir=path.parent))
            except FactError as exc:
                raise FactError(f"{where}: {exc}") from None
        sections[section] = tuple(built)
    return FactSet(**sections)


def build_fact(fact_class: type[Fact], entry: object, base_dir: Path | None = None) -> Fact:
    """Build one fact from a YAML mapping, converting lists and nested records."""
    if not isinstance(entry, dict):
        raise FactError("an entry must be a mapping")
    field_types = typing.get_type_hints(fact_class)
    known = {f.name for f in dataclasses.fields(fact_class)}
    unknown = set(entry) - known
    if unknown:
        raise FactError(f"unknown field(s) {', '.join(sorted(unknown))}")
    missing = [f.name for f in dataclasses.fields(fact_class)
               if f.name not in entry and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise FactError(f"missing {', '.join(repr(name) for name in missing)}")
    values = {}
    for name, raw in entry.items():
        values[name] = _convert(field_types[name], raw, name, base_dir)
    try:
        return fact_class(**values)
    except TypeError as exc:  # pragma: no cover - guarded by the checks above
        raise FactError(str(exc)) from None


def _convert(annotation, raw, name: str, base_dir: Path | None):
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
        origin = typing.get_origin(annotation)
    if origin is tuple:
        item_type = typing.get_args(annotation)[0]
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            raise FactError(f"'{name}' must be a list")
        return tuple(_convert(item_type, item, name, base_dir) for item in raw)
    if annotation in (Phone, Link):
        if annotation is Phone and isinstance(raw, str):
            raw = {"number": raw}
        if not isinstance(raw, dict):
            raise FactError(f"'{name}' entries must be mappings")
        try:
            return annotation(**raw)
        except TypeError as exc:
            raise FactError(f"'{name}': {exc}") from None
    if annotation is dt.date:
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise FactError(f"'{name}' must be a date (YYYY-MM-DD), got {raw!r}") from None
        return raw
    if annotation is Path:
        if not isinstance(raw, str):
            raise FactError(f"'{name}' must be a path")
        return (base_dir / raw) if base_dir else Path(raw)
    if annotation is bool:
        if not isinstance(raw, bool):
            raise FactError(f"'{name}' must be true or false")
        return raw
    if annotation is str:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise FactError(f"'{name}' must be text; quote it in YAML (\"{raw}\")")
        if not isinstance(raw, str):
            raise FactError(f"'{name}' must be text")
        return raw
    return raw
