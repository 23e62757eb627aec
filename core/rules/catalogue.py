"""The national rules as data: loaded from ``core/rules/data/*.yaml`` and
validated once, at start-up. A malformed entry stops the application with a
message naming the file and the entry. No Flask here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
KINDS = ("first", "renewal")
#: The permits a volunteer can say the person holds (for L.433-3, R.431-5 and
#: the annexe 9 entries that cover only some permits).
PERMITS = ("cst", "csp", "csp-4-ans", "carte-resident", "rld-ue", "titre-conventionnel-plus-1-an", "vls-ts", "autre")
CHANNEL_KINDS = ("anef", "local")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RulesError(ValueError):
    """A rules file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class AnefEntry:
    """One line of annexe 9: from this date, these kinds go through ANEF.

    ``exact`` is false when the sources only say the démarche was on ANEF
    *by* that date, without the date it became mandatory.
    """

    start: dt.date
    kinds: tuple[str, ...]
    source: str
    exact: bool = True
    #: For renewals, the permits held this entry covers; None: every permit.
    permits: tuple[str, ...] | None = None
    #: False when the texts leave the entry in doubt: the channel is then
    #: shown « à vérifier », with the source saying why.
    verified: bool = True

    def covers(self, kind: str, permit: str | None) -> bool:
        if kind not in self.kinds:
            return False
        return self.permits is None or kind == "first" or permit in self.permits


@dataclass(frozen=True)
class Demarche:
    slug: str
    label: str
    kinds: tuple[str, ...] = KINDS
    residence_permit: bool = True
    anef_since: tuple[AnefEntry, ...] = ()
    local_source: str = ""
    #: The permit held when renewing, if the démarche implies it (L.433-3).
    default_permit: str | None = None
    #: The document due as soon as a first request is filed (the BPI's API,
    #: R.431-15-3 and R.431-15-4): a key of documents.yaml.
    first_request_document: str | None = None
    #: When silence becomes a rejection, if not the general four months (R.432-2).
    implicit_rejection: "SilenceRule | None" = None
    #: The article R.431-5 2° lists for this démarche's young adults (deadline:
    #: the eve of the 19th birthday); empty: the 3° applies to them.
    young_adult: str = ""
    #: Advice for the volunteer, each with its source.
    notes: tuple["Note", ...] = ()


@dataclass(frozen=True)
class SilenceRule:
    """How long the préfecture's silence takes to become a rejection."""

    months: int | None
    days: int | None
    legal_basis: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class Note:
    text: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class DocumentRights:
    """What a temporary document proves and allows (seed 001, §1.3)."""

    slug: str
    label: str
    regular_stay: str
    work: str
    social_rights: str
    travel: str
    legal_basis: str
    source: str
    proves_regular_stay: bool = False
    #: False when the duration the rules use could not be read in the text.
    duration_verified: bool = True


@dataclass(frozen=True)
class Reminder:
    """Something a volunteer must know in this kind of situation."""

    slug: str
    text: str
    source: str
    channels: tuple[str, ...] = CHANNEL_KINDS
    kinds: tuple[str, ...] = KINDS
    demarches: tuple[str, ...] | None = None
    verified: bool = True

    def applies(self, channel: str, kind: str, demarche: str) -> bool:
        return (channel in self.channels and kind in self.kinds
                and (self.demarches is None or demarche in self.demarches))


@dataclass(frozen=True)
class Parameter:
    """A number with dated values, OpenFisca-style: each applies from its date."""

    name: str
    description: str
    values: tuple[tuple[dt.date, int], ...]
    source: str

    def at(self, on: dt.date) -> int:
        applicable = [value for start, value in self.values if start <= on]
        if not applicable:
            raise RulesDateError(self.values[0][0])
        return applicable[-1]

    @property
    def first_date(self) -> dt.date:
        return self.values[0][0]


class RulesDateError(ValueError):
    """The reference date is before the first date the rules are encoded for."""

    def __init__(self, first: dt.date):
        self.first = first
        super().__init__(f"rules are encoded from {first.isoformat()}")


@dataclass(frozen=True)
class EscalationStep:
    step: str
    title: str
    action: str
    evidence: tuple[str, ...]
    legal_basis: str
    source: str


@dataclass(frozen=True)
class LegalGround:
    slug: str
    title: str
    text: str
    citations: tuple[str, ...]
    when_to_use: str
    source: str


@dataclass(frozen=True)
class BlockageKind:
    slug: str
    label: str
    platform: str  # anef, demarches-simplifiees, appointments, other
    source: str


@dataclass(frozen=True)
class RefereReadiness:
    """When the evidence log shows enough failed attempts for a référé."""

    min_attempts: int  # failed attempts on different days
    min_distinct_weeks: int
    min_span_days: int
    #: What the Conseil d'État said.
    legal_basis: str
    #: The project's own prudence: the thresholds above are not the CE's.
    prudence: str
    source: str


@dataclass(frozen=True)
class Rules:
    demarches: dict[str, Demarche]
    parameters: dict[str, Parameter]
    ladders: dict[str, tuple[EscalationStep, ...]]
    refere_readiness: RefereReadiness
    legal_grounds: dict[str, LegalGround] = field(default_factory=dict)
    blockages: dict[str, BlockageKind] = field(default_factory=dict)
    documents: dict[str, DocumentRights] = field(default_factory=dict)
    reminders: tuple[Reminder, ...] = ()

    @property
    def encoded_from(self) -> dt.date:
        """The first reference date every parameter has a value for."""
        return max(parameter.first_date for parameter in self.parameters.values())


def load_rules(directory: Path = DATA_DIR) -> Rules:
    directory = Path(directory)
    demarches = _load(directory / "demarches.yaml", "demarches", _demarche)
    parameters = _load(directory / "parameters.yaml", "parameters", _parameter)
    ladders_doc = _read(directory / "escalation.yaml")
    ladders = {}
    for channel in CHANNEL_KINDS:
        steps = (ladders_doc.get("ladders") or {}).get(channel)
        if not steps:
            raise RulesError(f"{directory / 'escalation.yaml'}: ladders.{channel} is missing")
        ladders[channel] = tuple(_entry(directory / "escalation.yaml", f"ladders.{channel}", i, raw, _step)
                                 for i, raw in enumerate(steps))
    readiness = _entry(directory / "escalation.yaml", "refere_readiness", 0,
                       ladders_doc.get("refere_readiness"), _readiness)
    grounds = _load(directory / "legal_grounds.yaml", "legal_grounds", _ground)
    blockages = _load(directory / "blockages.yaml", "blockages", _blockage)
    documents = _load(directory / "documents.yaml", "documents", _document)
    reminders = _load(directory / "reminders.yaml", "reminders", _reminder)
    rules = Rules(demarches={d.slug: d for d in demarches},
                  parameters={p.name: p for p in parameters},
                  ladders=ladders, refere_readiness=readiness,
                  legal_grounds={g.slug: g for g in grounds},
                  blockages={b.slug: b for b in blockages},
                  documents={d.slug: d for d in documents}, reminders=tuple(reminders))
    for reminder in reminders:
        unknown = set(reminder.demarches or ()) - set(rules.demarches)
        if unknown:
            raise RulesError(f"{directory / 'reminders.yaml'}: {reminder.slug}: unknown démarche(s) {sorted(unknown)}")
    for demarche in demarches:
        if demarche.first_request_document and demarche.first_request_document not in rules.documents:
            raise RulesError(f"{directory / 'demarches.yaml'}: {demarche.slug}: first_request_document "
                             f"{demarche.first_request_document!r} is not in documents.yaml")
    return rules


def _read(path: Path) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: an impossible date
        raise RulesError(f"{path}: cannot read rules: {exc}") from exc
    if not isinstance(document, dict):
        raise RulesError(f"{path}: the top level must be a mapping")
    return document


def _load(path: Path, section: str, build) -> list:
    document = _read(path)
    entries = document.get(section)
    if isinstance(entries, dict):  # parameters are keyed by name
        entries = [{"name": name, **(value or {})} for name, value in entries.items()]
    if not isinstance(entries, list) or not entries:
        raise RulesError(f"{path}: section '{section}' must be a non-empty list")
    built = [_entry(path, section, index, raw, build) for index, raw in enumerate(entries)]
    keys = [getattr(item, "slug", None) or item.name for item in built]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RulesError(f"{path}: {section}: duplicate entries {', '.join(duplicates)}")
    return built


def _entry(path, section, index, raw, build):
    label = ""
    if isinstance(raw, dict):
        label = raw.get("slug") or raw.get("step") or raw.get("name") or ""
    where = f"{path}: {section}[{index}]" + (f" ({label})" if label else "")
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: an entry must be a mapping")
    try:
        return build(dict(raw))
    except RulesError as exc:
        raise RulesError(f"{where}: {exc}") from None


def _take(raw: dict, name: str, kind=str, required=True, default=None):
    if name not in raw:
        if required:
            raise RulesError(f"missing '{name}'")
        return default
    value = raw.pop(name)
    if kind is str and not (isinstance(value, str) and value.strip()):
        raise RulesError(f"'{name}' must be non-empty text")
    if kind is dt.date and not (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        raise RulesError(f"'{name}' must be a date (YYYY-MM-DD), got {value!r}")
    if kind is list and not isinstance(value, list):
        raise RulesError(f"'{name}' must be a list")
    if kind is dict and not isinstance(value, dict):
        raise RulesError(f"'{name}' must be a mapping")
    if kind is bool and not isinstance(value, bool):
        raise RulesError(f"'{name}' must be true or false")
    return value


def _no_leftovers(raw: dict) -> None:
    if raw:
        raise RulesError(f"unknown field(s) {', '.join(sorted(raw))}")


def _kinds(value) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(kind not in KINDS for kind in value):
        raise RulesError(f"'kinds' must be a list among {', '.join(KINDS)}, got {value!r}")
    return tuple(value)


def _demarche(raw: dict) -> Demarche:
    slug = _take(raw, "slug")
    if not SLUG.match(slug):
        raise RulesError(f"invalid slug {slug!r}")
    label = _take(raw, "label")
    kinds = _kinds(_take(raw, "kinds", list, required=False, default=list(KINDS)))
    residence_permit = _take(raw, "residence_permit", bool, required=False, default=True)
    entries = []
    for index, entry in enumerate(_take(raw, "anef_since", list, required=False, default=[])):
        if not isinstance(entry, dict):
            raise RulesError(f"anef_since[{index}] must be a mapping")
        entry = dict(entry)
        try:
            if "by" in entry:  # on ANEF at the latest on that date, start unknown
                start, exact = _take(entry, "by", dt.date), False
            else:
                start, exact = _take(entry, "from", dt.date), True
            entry_kinds = _kinds(_take(entry, "kinds", list, required=False, default=list(kinds)))
            permits = _take(entry, "permits", list, required=False)
            verified = _take(entry, "verified", bool, required=False, default=True)
            source = _take(entry, "source")
            _no_leftovers(entry)
        except RulesError as exc:
            raise RulesError(f"anef_since[{index}]: {exc}") from None
        if not set(entry_kinds) <= set(kinds):
            raise RulesError(f"anef_since[{index}]: kinds {entry_kinds} not all offered by the démarche {kinds}")
        if permits and not set(permits) <= set(PERMITS):
            raise RulesError(f"anef_since[{index}]: unknown permit(s) {sorted(set(permits) - set(PERMITS))}")
        entries.append(AnefEntry(start=start, kinds=entry_kinds, source=source, exact=exact,
                                 permits=tuple(permits) if permits else None, verified=verified))
    local_source = _take(raw, "local_source", required=not entries, default="")
    default_permit = _take(raw, "default_permit", required=False)
    if default_permit is not None and default_permit not in PERMITS:
        raise RulesError(f"unknown default_permit {default_permit!r}")
    first_request_document = _take(raw, "first_request_document", required=False)
    silence = _take(raw, "implicit_rejection", dict, required=False)
    young_adult = _take(raw, "young_adult", required=False, default="")
    notes = tuple(_note(dict(note)) for note in _take(raw, "notes", list, required=False, default=[]))
    _no_leftovers(raw)
    return Demarche(slug=slug, label=label, kinds=kinds, residence_permit=residence_permit,
                    anef_since=tuple(sorted(entries, key=lambda e: e.start)), local_source=local_source,
                    default_permit=default_permit, first_request_document=first_request_document,
                    implicit_rejection=_silence(dict(silence)) if silence else None, young_adult=young_adult,
                    notes=notes)


def _silence(raw: dict) -> SilenceRule:
    months = raw.pop("months", None)
    days = raw.pop("days", None)
    if (months is None) == (days is None) or not isinstance(months or days, int):
        raise RulesError("implicit_rejection: give either 'months' or 'days', as a whole number")
    rule = SilenceRule(months=months, days=days, legal_basis=_take(raw, "legal_basis"), source=_take(raw, "source"),
                       verified=_take(raw, "verified", bool, required=False, default=True))
    _no_leftovers(raw)
    return rule


def _note(raw: dict) -> Note:
    note = Note(text=_take(raw, "text"), source=_take(raw, "source"),
                verified=_take(raw, "verified", bool, required=False, default=True))
    _no_leftovers(raw)
    return note


def _document(raw: dict) -> DocumentRights:
    document = DocumentRights(slug=_take(raw, "slug"), label=_take(raw, "label"),
                              regular_stay=_take(raw, "regular_stay"), work=_take(raw, "work"),
                              social_rights=_take(raw, "social_rights"), travel=_take(raw, "travel"),
                              legal_basis=_take(raw, "legal_basis"), source=_take(raw, "source"),
                              proves_regular_stay=_take(raw, "proves_regular_stay", bool),
                              duration_verified=_take(raw, "duration_verified", bool, required=False, default=True))
    _no_leftovers(raw)
    return document


def _reminder(raw: dict) -> Reminder:
    demarches = _take(raw, "demarches", list, required=False)
    channels = _take(raw, "channels", list, required=False, default=list(CHANNEL_KINDS))
    if any(channel not in CHANNEL_KINDS for channel in channels):
        raise RulesError(f"'channels' must be among {', '.join(CHANNEL_KINDS)}")
    reminder = Reminder(slug=_take(raw, "slug"), text=_take(raw, "text"), source=_take(raw, "source"),
                        channels=tuple(channels),
                        kinds=_kinds(_take(raw, "kinds", list, required=False, default=list(KINDS))),
                        demarches=tuple(demarches) if demarches else None,
                        verified=_take(raw, "verified", bool, required=False, default=True))
    _no_leftovers(raw)
    return reminder


def _parameter(raw: dict) -> Parameter:
    name = _take(raw, "name")
    description = _take(raw, "description")
    values = raw.pop("values", None)
    if not isinstance(values, dict) or not values:
        raise RulesError("'values' must map start dates to numbers")
    for start, value in values.items():
        if not isinstance(start, dt.date) or not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RulesError(f"'values' entry {start!r}: {value!r} must be a date and a non-negative integer")
    source = _take(raw, "source")
    _no_leftovers(raw)
    return Parameter(name=name, description=description, values=tuple(sorted(values.items())), source=source)


def _step(raw: dict) -> EscalationStep:
    step = EscalationStep(step=_take(raw, "step"), title=_take(raw, "title"), action=_take(raw, "action"),
                          evidence=tuple(_take(raw, "evidence", list)), legal_basis=_take(raw, "legal_basis"),
                          source=_take(raw, "source"))
    _no_leftovers(raw)
    if not SLUG.match(step.step):
        raise RulesError(f"invalid step slug {step.step!r}")
    return step


def _readiness(raw: dict) -> RefereReadiness:
    numbers = {}
    for name in ("min_attempts", "min_distinct_weeks", "min_span_days"):
        numbers[name] = raw.pop(name, None)
        if not isinstance(numbers[name], int) or isinstance(numbers[name], bool) or numbers[name] < 1:
            raise RulesError(f"'{name}' must be a positive integer")
    readiness = RefereReadiness(**numbers, legal_basis=_take(raw, "legal_basis"), prudence=_take(raw, "prudence"),
                                source=_take(raw, "source"))
    _no_leftovers(raw)
    return readiness


def _ground(raw: dict) -> LegalGround:
    ground = LegalGround(slug=_take(raw, "slug"), title=_take(raw, "title"), text=_take(raw, "text"),
                         citations=tuple(_take(raw, "citations", list)), when_to_use=_take(raw, "when_to_use"),
                         source=_take(raw, "source"))
    _no_leftovers(raw)
    return ground


PLATFORMS = ("anef", "demarches-simplifiees", "appointments", "other")


def _blockage(raw: dict) -> BlockageKind:
    kind = BlockageKind(slug=_take(raw, "slug"), label=_take(raw, "label"), platform=_take(raw, "platform"),
                        source=_take(raw, "source"))
    _no_leftovers(raw)
    if not SLUG.match(kind.slug) or kind.platform not in PLATFORMS:
        raise RulesError(f"invalid slug or platform ({', '.join(PLATFORMS)})")
    return kind
