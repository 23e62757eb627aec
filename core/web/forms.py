"""Form pieces every area uses: the base form, the CSRF-only button form,
the common validators and filters."""
from __future__ import annotations

import functools

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from core.plugins.fields import INSEE_DEPARTEMENT
from core.rules.dates import EARLIEST, LATEST


class Form(FlaskForm):
    """Every form of the intranet: Flask-WTF's, with WTForms' own messages
    (« Ce champ est obligatoire. ») read from their catalogue once per
    language, where Flask-WTF reads it again at each request (0.6 ms a page,
    the language menu being a form)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _wtforms_translations(str(get_locale()))


@functools.lru_cache(maxsize=16)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class ActionForm(Form):
    """A button: its CSRF token is all it sends."""


def departement_code(form, field):
    if field.data and not INSEE_DEPARTEMENT.fullmatch(field.data.strip().upper()):
        raise ValidationError(_l("Not a département code (e.g. 33, 06, 2A)."))


def in_supported_range(form, field):
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("This date is out of the supported range (1900–2199)."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def upper_strip(value):
    return value.strip().upper() if isinstance(value, str) else value


#: A yes / no / not known answer, stored as True / False / None.
TRISTATE_CHOICES = [SelectChoice("", _l("not known")), SelectChoice("yes", _l("yes")), SelectChoice("no", _l("no"))]


def tristate(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def tristate_choice(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")
