"""The report a volunteer sends, the correction a coordinator records, the reason for dismissing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.web import clock
from core.web.forms import Form, in_supported_range, strip

FIELD_LABELS = {
    "name": _l("Name"), "label": _l("Title"), "title": _l("Title"), "address": _l("Postal address"),
    "phones": _l("Phone numbers"), "phone": _l("Phone number"), "emails": _l("Email addresses"),
    "email": _l("Email address"), "hours": _l("Opening hours"), "url": _l("Link"), "notes": _l("Remarks"),
    "summary": _l("Summary"), "send_to": _l("Where to send"), "problem": _l("Problem"),
    "workaround": _l("Workaround"), "description": _l("Description"),
}
LIST_HINT = _l("For a list (address lines, numbers, emails): one per line.")


def field_choices(fields, *, allow_other: bool) -> list[tuple[str, str]]:
    """Nothing chosen at first: a slip of the menu must not put an address in the name."""
    choices = [(name, str(FIELD_LABELS.get(name, name))) for name in fields]
    if allow_other:
        return [("", str(_l("Something else, or I do not know")))] + choices
    return [("", str(_l("— choose the field —")))] + choices


class ReportForm(Form):
    field = SelectField(_l("Which part"), validate_choice=True)
    what_is_wrong = TextAreaField(_l("What is wrong"), validators=[DataRequired(), Length(max=2000)],
                                  description=_l("For instance: this number no longer answers, the address moved."))
    what_they_saw = TextAreaField(_l("What you saw instead"), validators=[Optional(), Length(max=2000)],
                                  description=_l("The right value, if you know it."))
    where_seen = StringField(_l("Where you saw it"), filters=[strip], validators=[Optional(), Length(max=500)],
                             description=_l("A link, a poster at the counter, a letter from the préfecture (no "
                                            "personal data)."))


class CorrectionForm(Form):
    field = SelectField(_l("Field to correct"), validators=[DataRequired(_l("Choose the field to correct."))],
                        validate_choice=True)
    value = TextAreaField(_l("Right value"), validators=[DataRequired(), Length(max=2000)], description=LIST_HINT)
    source = StringField(_l("Source"), filters=[strip], validators=[DataRequired(), Length(max=500)],
                         description=_l("Where the right value comes from: the official page, the arrêté, the "
                                        "document and its section."))
    checked_on = DateField(_l("Checked on"), validators=[DataRequired(), in_supported_range])

    def validate_checked_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("A fact is checked on a day that has come: this date is in the future."))


class DismissForm(Form):
    review_note = TextAreaField(_l("Why the report is dismissed (the volunteer who sent it will read it)"), validators=[DataRequired(), Length(max=2000)])
