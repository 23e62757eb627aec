"""The shapes of the national rules files (``core/rules/data/*.yaml``): one
pydantic model per kind of entry, immutable once loaded. Their JSON Schema
is published as ``core/rules/rules.schema.json`` for the editors of the
juristes and contributors who change a rule. No Flask here.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from core.rules.validation import Count, Day, Slug, Text, non_empty_list

KINDS = ("first", "renewal")
#: The permits a volunteer can say the person holds (for L.433-3, R.431-5 and
#: the annexe 9 entries that cover only some permits).
PERMITS = ("cst", "csp", "csp-4-ans", "carte-resident", "rld-ue", "titre-conventionnel-plus-1-an", "vls-ts", "autre")
CHANNEL_KINDS = ("anef", "local")
PLATFORMS = ("anef", "demarches-simplifiees", "appointments", "other")

Kind = Literal[KINDS]
Permit = Literal[PERMITS]


Kinds = Annotated[tuple[Kind, ...], BeforeValidator(non_empty_list)]


class RuleModel(BaseModel):
    """Immutable, exact: an unknown field is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AnefEntry(RuleModel):
    """One line of annexe 9: from this date, these kinds go through ANEF.

    ``from:`` the date it became mandatory; ``by:`` when the sources only say
    the démarche was on ANEF *by* that date (``exact`` is then false).
    """

    on_anef_from: Day | None = Field(None, alias="from")
    on_anef_by: Day | None = Field(None, alias="by")
    #: By default, the kinds the démarche offers.
    kinds: Kinds = KINDS
    source: Text
    #: For renewals, the permits held this entry covers; left out: every permit.
    permits: Annotated[tuple[Permit, ...], BeforeValidator(non_empty_list)] | None = None
    #: False when the texts leave the entry in doubt: the channel is then
    #: shown « à vérifier », with the source saying why.
    verified: StrictBool = True

    @model_validator(mode="after")
    def _one_date(self):
        if (self.on_anef_from is None) == (self.on_anef_by is None):
            raise ValueError("give either 'from' (the date it became mandatory) or 'by' (on ANEF at the latest then)")
        return self

    @property
    def start(self) -> dt.date:
        return self.on_anef_from or self.on_anef_by

    @property
    def exact(self) -> bool:
        return self.on_anef_from is not None

    def covers(self, kind: str, permit: str | None) -> bool:
        if kind not in self.kinds:
            return False
        return self.permits is None or kind == "first" or permit in self.permits


class SilenceRule(RuleModel):
    """How long the préfecture's silence takes to become a rejection (R.432-2 exceptions)."""

    months: Count | None = None
    days: Count | None = None
    legal_basis: Text
    source: Text
    verified: StrictBool = True

    @model_validator(mode="after")
    def _months_or_days(self):
        if (self.months is None) == (self.days is None):
            raise ValueError("implicit_rejection: give either 'months' or 'days', as a whole number")
        return self


class Note(RuleModel):
    text: Text
    source: Text
    verified: StrictBool = True


class Demarche(RuleModel):
    slug: Slug
    label: Text
    kinds: Kinds = KINDS
    residence_permit: StrictBool = True
    anef_since: tuple[AnefEntry, ...] = ()
    local_source: Text = ""
    #: The permit held when renewing, if the démarche implies it (L.433-3).
    default_permit: Permit | None = None
    #: The document due as soon as a first request is filed (the BPI's API,
    #: R.431-15-3 and R.431-15-4): a key of documents.yaml.
    first_request_document: Slug | None = None
    #: When silence becomes a rejection, if not the general four months (R.432-2).
    implicit_rejection: SilenceRule | None = None
    #: The article R.431-5 2° lists for this démarche's young adults (deadline:
    #: the eve of the 19th birthday); empty: the 3° applies to them.
    young_adult: Text = ""
    #: Advice for the volunteer, each with its source.
    notes: tuple[Note, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _entries_default_to_the_demarches_kinds(cls, data):
        kinds = data.get("kinds", list(KINDS)) if isinstance(data, dict) else None
        # Only well-formed kinds are passed on: a mistake is reported once, where it was written.
        if isinstance(kinds, list) and kinds and set(kinds) <= set(KINDS) and isinstance(data.get("anef_since"), list):
            data = {**data, "anef_since": [{"kinds": kinds, **entry} if isinstance(entry, dict) else entry
                                           for entry in data["anef_since"]]}
        return data

    @field_validator("anef_since")
    @classmethod
    def _in_date_order_and_kinds_offered(cls, entries, info: ValidationInfo):
        offered = set(info.data.get("kinds") or KINDS)
        for index, entry in enumerate(entries):
            if not set(entry.kinds) <= offered:
                raise ValueError(f"anef_since[{index}]: kinds {list(entry.kinds)} not all offered by the démarche "
                                 f"{sorted(offered)}")
        return tuple(sorted(entries, key=lambda entry: entry.start))

    @model_validator(mode="after")
    def _a_channel_is_sourced(self):
        if not self.anef_since and not self.local_source.strip():
            raise ValueError("missing 'local_source'")
        return self


class DocumentRights(RuleModel):
    """What a temporary document proves and allows (seed 001, §1.3)."""

    slug: Slug
    label: Text
    regular_stay: Text
    work: Text
    social_rights: Text
    travel: Text
    legal_basis: Text
    source: Text
    proves_regular_stay: StrictBool
    #: False when the duration the rules use could not be read in the text.
    duration_verified: StrictBool = True


class Reminder(RuleModel):
    """Something a volunteer must know in this kind of situation."""

    slug: Slug
    text: Text
    source: Text
    channels: tuple[Literal[CHANNEL_KINDS], ...] = CHANNEL_KINDS
    kinds: Kinds = KINDS
    #: Left out: every démarche.
    demarches: Annotated[tuple[Slug, ...], BeforeValidator(non_empty_list)] | None = None
    verified: StrictBool = True

    def applies(self, channel: str, kind: str, demarche: str) -> bool:
        return (channel in self.channels and kind in self.kinds
                and (self.demarches is None or demarche in self.demarches))


class RulesDateError(ValueError):
    """The reference date is before the first date the rules are encoded for."""

    def __init__(self, first: dt.date):
        self.first = first
        super().__init__(f"rules are encoded from {first.isoformat()}")


class Parameter(RuleModel):
    """A number with dated values, OpenFisca-style: each applies from its date."""

    #: The key of the entry in parameters.yaml (set by the loader, not written in the entry).
    name: str = ""
    description: Text
    values: Annotated[tuple[tuple[dt.date, NonNegativeInt], ...], WithJsonSchema(
        {"type": "object", "description": "start date (YYYY-MM-DD): value from that day",
         "additionalProperties": {"type": "integer", "minimum": 0}, "minProperties": 1})]
    source: Text

    @field_validator("name")
    @classmethod
    def _the_key_is_the_name(cls, name):
        if name:
            raise ValueError("unknown field(s) name (a parameter's name is its key)")
        return name

    @field_validator("values", mode="before")
    @classmethod
    def _dated_values(cls, values):
        if not isinstance(values, dict) or not values:
            raise ValueError("'values' must map start dates to numbers")
        for start, value in values.items():
            if not isinstance(start, dt.date) or not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"'values' entry {start!r}: {value!r} must be a date and a non-negative integer")
        return sorted(values.items())

    def at(self, on: dt.date) -> int:
        applicable = [value for start, value in self.values if start <= on]
        if not applicable:
            raise RulesDateError(self.values[0][0])
        return applicable[-1]

    @property
    def first_date(self) -> dt.date:
        return self.values[0][0]


class EscalationStep(RuleModel):
    step: Slug
    title: Text
    action: Text
    evidence: tuple[str, ...]
    legal_basis: Text
    source: Text


class LegalGround(RuleModel):
    slug: Slug
    title: Text
    text: Text
    citations: tuple[str, ...]
    when_to_use: Text
    source: Text


class BlockageKind(RuleModel):
    slug: Slug
    label: Text
    platform: Literal[PLATFORMS]
    source: Text


class RefereReadiness(RuleModel):
    """When the evidence log shows enough failed attempts for a référé."""

    min_attempts: Count  # failed attempts on different days
    min_distinct_weeks: Count
    min_span_days: Count
    #: What the Conseil d'État said.
    legal_basis: Text
    #: The project's own prudence: the thresholds above are not the CE's.
    prudence: Text
    source: Text


class RulesFile(RuleModel):
    """Any file of core/rules/data: each holds some of these sections."""

    model_config = ConfigDict(json_schema_extra={"title": "Permanence national rules (core/rules/data/*.yaml)"})

    demarches: tuple[Demarche, ...] | None = None
    parameters: dict[Annotated[str, Field(pattern=r"^[a-z0-9_]+$")], Parameter] | None = None
    ladders: dict[Literal[CHANNEL_KINDS], tuple[EscalationStep, ...]] | None = None
    refere_readiness: RefereReadiness | None = None
    legal_grounds: tuple[LegalGround, ...] | None = None
    blockages: tuple[BlockageKind, ...] | None = None
    documents: tuple[DocumentRights, ...] | None = None
    reminders: tuple[Reminder, ...] | None = None
