"""The assessment page: the same rules as /api/v1/assess, in plain French,
printable. A GET form, so that an assessment can be bookmarked or shared."""
from __future__ import annotations

import datetime as dt
import unicodedata

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from core.plugins.departements import name_of
from core.plugins.facts import INSEE_DEPARTEMENT
from core.plugins.state import local_facts
from core.rules import HELD_KINDS, HeldDocument, Situation, SituationError
from core.rules.dates import EARLIEST, LATEST
from core.rules.local import assess_locally
from core.web import messages

bp = Blueprint("assessment", __name__, template_folder="templates")

PERMIT_LABELS = {
    "cst": _l("carte de séjour temporaire (1 year at most)"),
    "csp": _l("carte de séjour pluriannuelle (less than 4 years)"),
    "csp-4-ans": _l("carte de séjour pluriannuelle of 4 years"),
    "carte-resident": _l("carte de résident"),
    "rld-ue": _l("carte de résident « résident de longue durée-UE » granted by France"),
    "titre-conventionnel-plus-1-an": _l("permit of more than one year under a treaty (e.g. 10-year CRA)"),
    "vls-ts": _l("VLS-TS (long-stay visa)"),
    "autre": _l("other document"),
}


#: A yes / no / not known answer, stored as True / False / None.
REMEDIES_CHOICES = [SelectChoice("", _l("not known")), SelectChoice("yes", _l("yes")), SelectChoice("no", _l("no"))]


def tristate(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def departement_code(form, field):
    if field.data and not INSEE_DEPARTEMENT.fullmatch(field.data.strip().upper()):
        raise ValidationError(_l("Not a département code (e.g. 33, 06, 2A)."))


def in_supported_range(form, field):
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("This date is out of the supported range (1900–2199)."))


class AssessmentForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    departement = StringField(_l("Département (number, e.g. 33)"), validators=[DataRequired(), departement_code],
                              filters=[lambda value: value.strip().upper() if value else value],
        render_kw={"list": "departements-covered", "inputmode": "text", "size": 4, "autocomplete": "off"})
    demarche = SelectField(_l("Démarche"), validators=[DataRequired()])
    kind = RadioField(_l("Request"), choices=[SelectChoice("first", _l("first request")),
                                              SelectChoice("renewal", _l("renewal"))],
                      default="renewal", validators=[DataRequired()])
    expires_on = DateField(_l("Expiry of the current permit or document"), validators=[Optional(), in_supported_range])
    permit = SelectField(_l("Current permit"), validators=[Optional()])
    filed_on = DateField(_l("Filing date (if already filed)"), validators=[Optional(), in_supported_range],
                         description=_l("For a request sent by post: the day the préfecture received it."))
    favorable_decision_on = DateField(_l("Date of a favourable decision (if any)"),
                                      validators=[Optional(), in_supported_range])
    ephoto_taken_on = DateField(_l("Date of the e-photo (if any)"), validators=[Optional(), in_supported_range])
    birth_date = DateField(_l("Birth date (young adult)"), validators=[Optional(), in_supported_range])
    held_kind = SelectField(_l("Document held (API, récépissé…)"), validators=[Optional()])
    held_until = DateField(_l("Valid until"), validators=[Optional(), in_supported_range])
    remedies_stated = SelectField(_l("The acknowledgement stated the voies et délais de recours"),
                                  choices=REMEDIES_CHOICES, default="", validators=[Optional()])
    on = DateField(_l("Reference date"), validators=[DataRequired(), in_supported_range])
    submit = SubmitField(_l("Assess"))


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it: É with E."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@bp.route("/evaluer")
def assess():
    rules = current_app.extensions["permanence.rules"]
    form = AssessmentForm(request.args, on=dt.date.today())
    form.demarche.choices = [SelectChoice("", _l("— choose a démarche —"))] + [
        SelectChoice(d.slug, d.label) for d in sorted(rules.demarches.values(), key=lambda d: sort_key(d.label))]
    form.permit.choices = [SelectChoice("", _l("— unknown —"))] + [SelectChoice(k, v) for k, v in PERMIT_LABELS.items()]
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
                           covered=local_facts().departements(),
                           form_has_errors=bool(request.args) and any(f.errors for f in form))
