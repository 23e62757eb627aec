"""The form of a letter: the pieces to attach, the grounds, what the letter
may state, then the text the volunteer reviews."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import Length, Optional

from core.web.forms import Form


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LetterForm(Form):
    pieces = CheckboxList(_l("Evidence to attach (bordereau)"), coerce=int, validators=[Optional()])
    grounds = CheckboxList(_l("Rights harmed (to link to the person's situation)"), validators=[Optional()])
    urgency = TextAreaField(_l("Why it is urgent (in a few words)"), validators=[Optional(), Length(max=2000)])
    person_in_copy = BooleanField(_l("The person is in copy of this message"))
    anef_checked = BooleanField(_l("I checked the ANEF account today: no attestation is available"))
    confirmation_attached = BooleanField(_l("The confirmation de dépôt is attached"))
    recipient_checked = BooleanField(_l("I checked this address against the préfecture's own text"))
    subject = StringField(_l("Object"), validators=[Optional(), Length(max=300)])
    body = TextAreaField(_l("Text of the letter"), validators=[Optional(), Length(max=40000)],
                         render_kw={"rows": 22})
    prepare = SubmitField(_l("Prepare the text"))
    generate = SubmitField(_l("Generate"))
