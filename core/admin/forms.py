"""The administrators' forms: a new account, a change of role."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from core.accounts.models import MIN_PASSWORD_LENGTH, Role, User
from core.web.extensions import db
from core.web.forms import Form


class UserForm(Form):
    email = EmailField(_l("Email address"), filters=[lambda v: v.strip().lower() if v else v],
                       validators=[DataRequired(), Email(message=_l("Not an email address.")), Length(max=254)])
    name = StringField(_l("Name"), filters=[lambda v: v.strip() if v else v], validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.value) for r in Role])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(
        min=MIN_PASSWORD_LENGTH, message=_l("The password must be at least %(min)d characters long.",
                                            min=MIN_PASSWORD_LENGTH))], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create the account"))

    def validate_email(self, field):
        if db.session.scalar(db.select(User).filter_by(email=field.data)):
            raise ValidationError(_l("An account already uses this address."))


class AccountStateForm(Form):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.value) for r in Role])
