"""The assessment form, and the labels and choices the case form shares with it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Optional

from core.web.forms import TRISTATE_CHOICES, Form, departement_code, in_supported_range, upper_strip

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


class AssessmentForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    departement = StringField(_l("Département (number, e.g. 33)"), validators=[DataRequired(), departement_code],
                              filters=[upper_strip],
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
                                  choices=TRISTATE_CHOICES, default="", validators=[Optional()])
    on = DateField(_l("Reference date"), validators=[DataRequired(), in_supported_range])
    submit = SubmitField(_l("Assess"))


def demarche_choices(rules) -> list[SelectChoice]:
    return [SelectChoice("", _l("— choose a démarche —"))] + [
        SelectChoice(d.slug, d.label) for d in rules.demarches_in_order]


def permit_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("— unknown —"))] + [SelectChoice(k, v) for k, v in PERMIT_LABELS.items()]
