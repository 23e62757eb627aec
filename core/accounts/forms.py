"""Logging in, changing one's password, choosing the language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from core.accounts.models import MIN_PASSWORD_LENGTH
from core.web.forms import Form

#: Each language in its own name, as a language menu should show it.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class LoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, message=_l(
            "The password must be at least %(min)d characters long.", min=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change my password"))


class LocaleForm(Form):
    """The language menu at the top of every page."""

    locale = SelectField(_l("Language"), choices=[SelectChoice(code, name, render_kw={"lang": code})
                                                  for code, name in LANGUAGE_NAMES.items()])
    next = HiddenField()
    submit = SubmitField(_l("Change"))
