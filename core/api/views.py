"""The public JSON API: national rules and local facts, no personal data
stored, no login. Bad input answers 400 with ``{"error", "field"}`` in the
request's language; nothing here may answer 500."""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from pydantic_core import to_json as dump_json
from pydantic_core import to_jsonable_python

from core.plugins.departements import NAMES, name_of, prefecture_seat_of
from core.plugins.fields import INSEE_DEPARTEMENT
from core.plugins.local import assess_locally
from core.plugins.state import local_facts
from core.rules import HELD_KINDS, HeldDocument, Situation, SituationError, channel_at
from core.rules.dates import EARLIEST, LATEST, is_stale
from core.rules.pan import LEGAL_BASIS as PAN_LEGAL_BASIS
from core.rules.pan import pan_compliance
from core.web import clock
from core.web.extensions import csrf
from core.web.messages import (
    attestation_label,
    channel_label,
    court_route_label,
    deadline_label,
    describe_not_computed,
    describe_pan_shortfall,
    describe_situation_error,
    describe_warning,
    regular_stay_label,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ASSESS_FIELDS = {"departement", "demarche", "kind", "expires_on", "filed_on", "on", "permit",
                 "favorable_decision_on", "ephoto_taken_on", "birth_date", "remedies_stated", "held"}


class InputError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


@bp.errorhandler(InputError)
def input_error(error: InputError):
    return as_json(error=error.message, field=error.field), 400


def rules():
    return current_app.extensions["permanence.rules"]


def parse_date(value, field: str, *, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise InputError(field, _("This date is required (YYYY-MM-DD)."))
        return None
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise InputError(field, _("Expected a date written YYYY-MM-DD, or null."))
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, _("This date does not exist.")) from None
    if not EARLIEST <= day <= LATEST:
        raise InputError(field, _("This date is out of the supported range (1900–2199)."))
    return day


def parse_text(body: dict, field: str, *, required: bool = True) -> str | None:
    value = body.get(field)
    if not required and value in (None, ""):
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, _("This field is required and must be text.") if required
                         else _("This field must be text."))
    return value.strip()


def parse_bool(body: dict, field: str) -> bool | None:
    value = body.get(field)
    if value is not None and not isinstance(value, bool):
        raise InputError(field, _("Expected true, false or null."))
    return value


def parse_held(body: dict) -> tuple[HeldDocument, ...]:
    items = body.get("held") or []
    if not isinstance(items, list) or len(items) > 20:
        raise InputError("held", _("Expected a list of documents held (at most 20)."))
    held = []
    for item in items:
        if not isinstance(item, dict) or item.get("kind") not in HELD_KINDS or set(item) - {"kind", "valid_until"}:
            raise InputError("held", _("Each document held is {\"kind\": one of %(kinds)s, \"valid_until\": a date or "
                                       "null}.", kinds=", ".join(HELD_KINDS)))
        held.append(HeldDocument(item["kind"], parse_date(item.get("valid_until"), "held")))
    return tuple(held)


def as_json(data: dict | None = None, /, **fields) -> Response:
    """The response, written in one pass by pydantic's compiled encoder (dates as ISO)."""
    return Response(dump_json(data if data is not None else fields), mimetype="application/json")


def to_json(value):
    """Facts, rules (pydantic models and dataclasses) and dates as JSON-ready
    values, by pydantic's compiled serialiser rather than a walk in Python."""
    return to_jsonable_python(value)


@bp.get("/demarches")
def demarches():
    on = parse_date(request.args.get("on"), "on") or clock.today()
    if on < rules().encoded_from:
        raise InputError("on", describe_situation_error(SituationError("on", "before-rules",
                                                                       first=rules().encoded_from)))
    items = []
    for demarche in rules().demarches.values():
        channels = {kind: channel_at(rules(), demarche, kind, on) for kind in demarche.kinds}
        kinds = {channel.kind for channel in channels.values()}
        items.append({
            "slug": demarche.slug, "label": demarche.label, "kinds": list(demarche.kinds),
            "residence_permit": demarche.residence_permit,
            "channel": kinds.pop() if len(kinds) == 1 else "mixed",
            "channels": {kind: {"kind": c.kind, "mandatory_since": to_json(c.mandatory_since), "source": c.source,
                                "to_check": not c.certain}
                         for kind, c in channels.items()},
        })
    return as_json(on=on.isoformat(), demarches=items)


@bp.get("/departements")
def departements():
    """All 101 départements: the plugin covering each, or none (the national layer only)."""
    facts = local_facts()
    return as_json(departements=[
        {"code": code, "name": name, "prefecture_seat": prefecture_seat_of(code),
         "plugin": covered[1].name if (covered := facts.departement(code)) else None,
         "url": f"/api/v1/departements/{code}"} for code, name in NAMES.items()])


@bp.get("/departements/<code>")
def departement(code):
    code = code.strip().upper()
    if not INSEE_DEPARTEMENT.fullmatch(code) or name_of(code) is None:
        raise InputError("code", _("Not a département code (INSEE: 01–95, 2A, 2B, 971–974, 976)."))
    facts = local_facts()
    covered = facts.departement(code)
    today = clock.today()
    max_age = current_app.config["FACT_MAX_AGE_MONTHS"]
    services = facts.prefecture_services(code)
    vectors = facts.pan_vectors(code)
    pan = pan_compliance(vectors)

    def sourced(value):
        """A fact with who says it ("national" or the plugin's name) and whether it is to be re-checked."""
        return None if value is None else dict(to_json(value), origin=facts.origin(value, code),
                                               to_recheck=is_stale(value.checked_on, today, max_age))

    return as_json({
        "code": code, "name": covered[0].name if covered else name_of(code),
        "prefecture_seat": covered[0].prefecture_seat if covered else prefecture_seat_of(code),
        "plugin": covered[1].name if covered else None, "plugin_version": covered[1].version if covered else None,
        "prefecture": sourced(services[0]) if services else None,
        "prefecture_services": [sourced(service) for service in services],
        "channels": [sourced(channel) for channel in facts.filing_channels(code)],
        "pan": {"vectors": [sourced(vector) for vector in vectors], "compliant": pan.compliant,
                "non_digital": pan.non_digital, "legal_basis": PAN_LEGAL_BASIS,
                "finding": None if pan.compliant else describe_pan_shortfall(pan)},
        "substitution": sourced(facts.substitution_modality(code)),
        "tribunal": sourced(facts.tribunal(code)),
        "quirks": [sourced(pitfall) for pitfall in facts.local_pitfalls(code)],
        "resources": [sourced(resource) for resource in facts.resources(code)],
        "letters": [dict(sourced(letter), template=letter.template.name) for letter in facts.local_letter_templates(code)],
    })


@bp.get("/legal-grounds")
def legal_grounds():
    return as_json(legal_grounds=[to_json(ground) for ground in rules().legal_grounds.values()])


@bp.post("/assess")
def assess():
    body = request.get_json(force=True, silent=True)  # whatever the Content-Type said
    if not isinstance(body, dict):
        raise InputError("body", _("The body must be a JSON object."))
    unknown = sorted(set(body) - ASSESS_FIELDS)
    if unknown:
        raise InputError(unknown[0], _("Unknown field."))
    departement = parse_text(body, "departement").upper()
    if not INSEE_DEPARTEMENT.fullmatch(departement):
        raise InputError("departement", _("Not a département code (INSEE: 01–95, 2A, 2B, 971–974, 976)."))
    situation = Situation(
        demarche=parse_text(body, "demarche"), kind=parse_text(body, "kind"),
        on=parse_date(body.get("on"), "on") or clock.today(),
        expires_on=parse_date(body.get("expires_on"), "expires_on"),
        filed_on=parse_date(body.get("filed_on"), "filed_on"),
        permit=parse_text(body, "permit", required=False),
        favorable_decision_on=parse_date(body.get("favorable_decision_on"), "favorable_decision_on"),
        ephoto_taken_on=parse_date(body.get("ephoto_taken_on"), "ephoto_taken_on"),
        birth_date=parse_date(body.get("birth_date"), "birth_date"),
        remedies_stated=parse_bool(body, "remedies_stated"), held=parse_held(body))
    try:
        result = assess_locally(rules(), local_facts(), departement, situation)
    except SituationError as error:
        raise InputError(error.field, describe_situation_error(error)) from None
    return as_json(assessment_json(result))


def assessment_json(result) -> dict:
    a = result.assessment
    return {
        "on": a.situation.on.isoformat(),
        "departement": {"code": result.departement, "covered": result.covered is not None,
                        "name": result.covered[0].name if result.covered else None,
                        "plugin": result.covered[1].name if result.covered else None},
        "demarche": {"slug": a.demarche.slug, "label": a.demarche.label},
        "channel": {"kind": a.channel.kind, "label": channel_label(a.channel.kind),
                    "mandatory_since": to_json(a.channel.mandatory_since), "to_check": not a.channel.certain,
                    "legal_basis": a.channel.legal_basis, "source": a.channel.source,
                    "options": to_json(result.options)},
        "filing_window": None if a.filing_window is None else {
            "kind": a.filing_window.kind, "opens_on": to_json(a.filing_window.opens_on),
            "closes_on": a.filing_window.closes_on.isoformat(),
            "status": a.filing_window.status, "legal_basis": a.filing_window.legal_basis},
        "attestation": {"type": a.attestation.type, "label": attestation_label(a.attestation.type),
                        "legal_basis": a.attestation.legal_basis, "valid_until": to_json(a.attestation.valid_until),
                        "allows": to_json(a.attestation.rights)},
        "regular_stay": {"status": a.regular_stay.status, "label": regular_stay_label(a.regular_stay.status),
                         "basis": a.regular_stay.basis, "until": to_json(a.regular_stay.until)},
        "court_route": None if a.court_route is None else {
            "kind": a.court_route.kind, "label": court_route_label(a.court_route.kind),
            "legal_basis": a.court_route.legal_basis, "until": to_json(a.court_route.until)},
        "escalation": [dict(to_json(step), local=to_json(result.step_facts.get(step.step)))
                       for step in a.escalation],
        "deadlines": [dict(to_json(deadline), label=deadline_label(deadline.kind)) for deadline in a.deadlines],
        "not_computed": [{"what": item.what, "missing": item.missing, "message": describe_not_computed(item)}
                         for item in a.not_computed],
        "notes": [{"text": note.text, "source": note.source, "to_check": not note.verified} for note in a.notes],
        "reminders": [{"slug": r.slug, "text": r.text, "source": r.source, "to_check": not r.verified}
                      for r in a.reminders],
        "warnings": [describe_warning(warning) for warning in result.warnings],
        # The same warnings with what they rest on; "warnings" stays a list of texts for older clients.
        "warning_details": [{"code": w.code, "text": describe_warning(w), "legal_basis": w.legal_basis or None,
                             "checked_on": to_json(w.checked_on)} for w in result.warnings],
    }
