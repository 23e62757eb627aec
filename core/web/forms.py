"""Form pieces every area uses: the CSRF-only button form, the common
validators and filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms.validators import ValidationError

from core.plugins.fields import INSEE_DEPARTEMENT
from core.rules.dates import EARLIEST, LATEST


class ActionForm(FlaskForm):
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
