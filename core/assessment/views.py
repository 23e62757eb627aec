"""The assessment page: the same rules as /api/v1/assess, in plain French,
printable. A GET form, so that an assessment can be bookmarked or shared."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from core.assessment.forms import PERMIT_LABELS, AssessmentForm, demarche_choices, permit_choices
from core.plugins.departements import name_of
from core.plugins.local import assess_locally
from core.plugins.state import local_facts
from core.rules import HELD_KINDS, HeldDocument, Situation, SituationError
from core.web import clock, messages
from core.web.forms import tristate

bp = Blueprint("assessment", __name__, template_folder="templates")


@bp.route("/evaluer")
def assess():
    rules = current_app.extensions["permanence.rules"]
    form = AssessmentForm(request.args, on=clock.today())
    form.demarche.choices = demarche_choices(rules)
    form.permit.choices = permit_choices()
    form.held_kind.choices = [SelectChoice("", _l("— none recorded —"))] + [
        SelectChoice(kind, messages.document_label(kind)) for kind in HELD_KINDS if kind != "autre"]
    result = None
    if request.args and form.validate():
        situation = Situation(
            demarche=form.demarche.data, kind=form.kind.data, on=form.on.data, expires_on=form.expires_on.data,
            filed_on=form.filed_on.data, permit=form.permit.data or None,
            favorable_decision_on=form.favorable_decision_on.data, ephoto_taken_on=form.ephoto_taken_on.data,
            birth_date=form.birth_date.data, remedies_stated=tristate(form.remedies_stated.data),
            held=(HeldDocument(form.held_kind.data, form.held_until.data),) if form.held_kind.data else ())
        try:
            result = assess_locally(rules, local_facts(), form.departement.data, situation)
        except SituationError as error:
            target = getattr(form, error.field, form.demarche)
            target.errors = list(target.errors) + [messages.describe_situation_error(error)]
    return render_template("assessment/assess.html", form=form, result=result, messages=messages,
                           permit_labels=PERMIT_LABELS, departement_name=name_of(form.departement.data or ""),
                           legal_grounds=list(rules.legal_grounds.values()),
                           covered=local_facts().departements(), case_values=_case_values(form),
                           form_has_errors=bool(request.args) and any(f.errors for f in form))


#: What the case form takes from the assessment form (the same names in both).
CASE_FIELDS = ("departement", "demarche", "kind", "permit", "expires_on", "filed_on", "favorable_decision_on",
               "ephoto_taken_on", "birth_date", "remedies_stated", "held_kind", "held_until")


def _case_values(form) -> dict[str, str]:
    """The situation typed here, as the case form reads it, for "open a case with this situation"."""
    values = {}
    for name in CASE_FIELDS:
        data = form[name].data
        values[name] = data.isoformat() if isinstance(data, dt.date) else (data or "")
    return values
