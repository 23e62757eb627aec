"""Which letters exist for a département, and which fit an assessment.

Every letter, national or local, comes through the
``permanence_letter_templates`` hook as a :class:`~core.plugins.facts.LetterTemplate`
(the national ones from ``core/plugins/national/facts.yaml``), so a
département's letter has the same powers as a national one: recipient,
legal basis, channels, conditions. :func:`recommend` picks those the
assessment and the next step of the ladder call for. Pure: no Flask, no
database (a case's recommendations: :mod:`core.letters.service`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from core.plugins.facts import LetterTemplate


@dataclass(frozen=True)
class LetterSpec:
    slug: str
    title: str
    kind: str  # "letter" or "email"
    recipient: str  # prefecture, substitution, prefecture-email, pan, tribunal, ddd, ccc
    legal_basis: str
    source: str
    channels: tuple[str, ...] = ("anef", "local")
    registered: bool = False  # « lettre recommandée avec accusé de réception »
    draft: bool = False  # for the juriste or lawyer to finish
    needs_grounds: bool = False
    template: Path | None = None  # the Jinja text file
    plugin: str | None = None  # "plugin" for a département plugin's letter, None for a national one
    purpose: str = ""


def catalogue(facts, departement: str) -> list[LetterSpec]:
    """Every letter for this département, through one hook: the national
    defaults plugin's, then those a département plugin ships. A local letter
    with a purpose replaces the national one of the same purpose and kind
    (the Calvados URGENT email replaces the national one), and inherits its
    channels unless it says its own."""
    local = {t for t in facts.local_letter_templates(departement) if isinstance(t, LetterTemplate)}
    every = [t for t in facts.letter_templates(departement) if isinstance(t, LetterTemplate)]
    national = [_spec(t) for t in every if t not in local]
    plugin_letters = [_spec(t, local=True) for t in every if t in local]
    channels = {spec.purpose: spec.channels for spec in national}
    plugin_letters = [letter if letter.channels else replace(letter, channels=channels.get(letter.purpose, BOTH))
                      for letter in plugin_letters]
    replaced = {(letter.purpose, letter.kind) for letter in plugin_letters if letter.purpose}
    return [spec for spec in national if (spec.purpose, spec.kind) not in replaced] + plugin_letters


BOTH = ("anef", "local")


def national_letters() -> list[LetterSpec]:
    """The national letters alone, as every département gets them."""
    from core.plugins.national import plugin

    return [_spec(template) for template in plugin.facts.letter_templates]


def _spec(template: LetterTemplate, local: bool = False) -> LetterSpec:
    recipient = template.recipient or ("prefecture-email" if template.kind == "email" else "prefecture")
    return LetterSpec(template.slug, template.title, template.kind, recipient, template.legal_basis, template.source,
                      channels=template.channels if (template.channels or local) else BOTH,
                      registered=template.registered, draft=template.draft, needs_grounds=template.needs_grounds,
                      template=template.template, plugin="plugin" if local else None, purpose=template.purpose)


@dataclass(frozen=True)
class Recommendation:
    spec: LetterSpec
    reason: str  # a code, described by core.web.messages.describe_letter_reason
    #: When such a letter, or a message to the préfecture for the same need,
    #: was already sent: the page says so, so that nobody sends it twice.
    sent_on: dt.date | None = None


#: The letters each step of the escalation ladder calls for.
STEP_PURPOSES = {"ccc-contact": ("ccc",), "pan": ("pan",), "prefecture-email": ("information",),
                 "prefecture-contact": ("information",), "substitution": ("substitution", "postal-cover"),
                 "defenseur-des-droits": ("ddd",), "refere-mesures-utiles": ("refere",)}


def recommend(specs: list[LetterSpec], assessment, held_kinds: set[str], next_step: str | None,
              postal_substitution: bool = False) -> list[Recommendation]:
    """The letters that fit the case now, most useful first: the document it
    is owed and does not hold (``held_kinds``: documents still valid), then
    what the next step of the ladder needs. Once an implicit rejection is
    born, no letter asking for the API is recommended: the court route is
    what matters then. The « PROBLÈME ANEF » cover letter fits only where the préfet
    provides a postal filing (``postal_substitution``)."""
    wanted: list[tuple[str, str]] = []
    attestation = assessment.attestation
    rejected = assessment.implicit_rejection_on is not None and \
        assessment.situation.on >= assessment.implicit_rejection_on
    if attestation.type == "api" and "api" not in held_kinds and not rejected:
        rights = attestation.rights.slug if attestation.rights else ""
        if rights in ("api-refugie", "api-protection-subsidiaire"):
            wanted.append(("api-request-bpi", "api-due-bpi"))
        elif assessment.filing_window is not None and assessment.filing_window.kind == "young-adult":
            wanted.append(("api-request-young", "api-due-young"))
        else:
            wanted.append(("api-request", "api-due"))
    if attestation.type == "recepisse" and "recepisse" not in held_kinds:
        wanted.append(("recepisse-request", "recepisse-due"))
    route = assessment.court_route.kind if assessment.court_route else None
    for purpose in STEP_PURPOSES.get(next_step or "", ()):
        if purpose == "refere" and route != "refere-mesures-utiles":
            continue
        if purpose == "postal-cover" and not postal_substitution:
            continue
        wanted.append((purpose, "next-step"))
    found, seen = [], set()
    for purpose, reason in wanted:
        matching = [spec for spec in specs if spec.purpose == purpose
                    and assessment.channel.kind in spec.channels and spec.slug not in seen]
        matching.sort(key=lambda spec: (spec.plugin is None, spec.kind != "email"))
        for spec in matching:
            seen.add(spec.slug)
            found.append(Recommendation(spec, reason))
    return found
