"""The forms of the case page: the case itself, an evidence entry, a
document held, the status, a blockage, the erasure confirmation."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from core.accounts.models import User
from core.assessment.forms import demarche_choices, permit_choices
from core.cases.evidence import ATTEMPT_KINDS
from core.cases.evidence import KINDS as EVIDENCE_KINDS
from core.cases.models import Case, CaseStatus
from core.plugins.state import local_facts
from core.rules import HELD_KINDS
from core.rules.dates import EARLIEST, LATEST
from core.web import clock, messages
from core.web.extensions import db
from core.web.forms import TRISTATE_CHOICES, Form, departement_code, in_supported_range, strip, upper_strip


class CaseForm(Form):
    """Only what the assessment and the letters need."""

    civility = SelectField(_l("Civility (for the letters)"), choices=[
        SelectChoice("", _l("none (neutral wording)")), SelectChoice("madame", "Madame"),
        SelectChoice("monsieur", "Monsieur")], default="", validators=[Optional()])
    person_name = StringField(_l("Name or initials of the person"), filters=[strip],
                              validators=[DataRequired(), Length(max=120)])
    birth_date = DateField(_l("Birth date (young adult)"), validators=[Optional(), in_supported_range])
    agdref = StringField(_l("AGDREF number (foreigner number)"), filters=[strip], validators=[
        Optional(), Regexp(r"\d{10}\Z", message=_l("An AGDREF number has exactly 10 digits."))])
    nationality = StringField(_l("Nationality"), filters=[strip], validators=[Optional(), Length(max=80)])
    contact = StringField(_l("How to reach the person (phone or email)"), filters=[strip],
                          validators=[Optional(), Length(max=200)])
    departement = StringField(_l("Département (number, e.g. 33)"), filters=[upper_strip],
                              validators=[DataRequired(), departement_code],
                              render_kw={"list": "departements-covered", "size": 4, "autocomplete": "off"})
    demarche = SelectField(_l("Démarche"), validators=[DataRequired()])
    kind = RadioField(_l("Request"), choices=[SelectChoice("first", _l("first request")),
                                              SelectChoice("renewal", _l("renewal"))], default="renewal",
                      validators=[DataRequired()])
    permit = SelectField(_l("Current permit"), validators=[Optional()])
    expires_on = DateField(_l("Expiry of the current permit or document"), validators=[Optional(), in_supported_range])
    filed_on = DateField(_l("Filing date (if already filed)"), validators=[Optional(), in_supported_range],
                         description=_l("For a request sent by post: the day the préfecture received it."))
    anef_request_number = StringField(_l("ANEF request number (if any)"), filters=[strip],
                                      validators=[Optional(), Length(max=40)])
    request_complete = SelectField(_l("The request was filed complete"), choices=TRISTATE_CHOICES, default="",
                                   validators=[Optional()])
    remedies_stated = SelectField(_l("The acknowledgement stated the voies et délais de recours"),
                                  choices=TRISTATE_CHOICES, default="", validators=[Optional()])
    favorable_decision_on = DateField(_l("Date of a favourable decision (if any)"),
                                      validators=[Optional(), in_supported_range])
    ephoto_taken_on = DateField(_l("Date of the e-photo (if any)"), validators=[Optional(), in_supported_range])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)])
    #: The document held, when the case is opened from an assessment (/evaluer): added with the case.
    held_kind = HiddenField()
    held_until = HiddenField()
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def fill_choices(self):
        self.demarche.choices = demarche_choices(current_app.extensions["permanence.rules"])
        self.permit.choices = permit_choices()
        return self


class EntryForm(Form):
    kind = SelectField(_l("What happened"), validators=[DataRequired()])
    occurred_at = DateTimeLocalField(_l("When it happened"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    summary = TextAreaField(_l("Description"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    url = StringField(_l("Web address shown (URL)"), filters=[strip], validators=[Optional(), Length(max=2000)])
    reference = StringField(_l("Reference (CCC ticket, tracking number…)"), filters=[strip],
                            validators=[Optional(), Length(max=200)])
    result = SelectField(_l("Result of the booking attempt"))
    corrects = SelectField(_l("This entry corrects"), validators=[Optional()])
    blockage = SelectField(_l("Blockage it shows (counted in the statistics)"), validators=[Optional()])
    files = MultipleFileField(_l("Attachments (PNG, JPEG or PDF, 10 MB each at most)"))
    submit = SubmitField(_l("Add to the log"))

    def fill_choices(self, case: Case):
        self.kind.choices = [SelectChoice(k, messages.evidence_kind_label(k)) for k in EVIDENCE_KINDS
                             if k != "erasure"]
        self.result.choices = [SelectChoice("", "—"), SelectChoice("no-slot", _l("no slot available")),
                               SelectChoice("appointment", _l("appointment given"))]
        self.corrects.choices = [SelectChoice("", _l("— nothing, it is a new fact —"))] + [
            SelectChoice(str(e.id), f"#{e.sequence} – {messages.evidence_kind_label(e.kind)}") for e in case.entries]
        self.blockage.choices = [SelectChoice("", _l("— none, or the one its result says —"))] + blockage_choices(case)
        return self

    def validate_occurred_at(self, field):
        if field.data and not (dt.datetime.combine(EARLIEST, dt.time()) <= field.data
                               <= dt.datetime.combine(LATEST, dt.time())):
            raise ValidationError(_l("This date is out of the supported range (1900–2199)."))
        if field.data and field.data > clock.local_now() + dt.timedelta(days=1):
            raise ValidationError(_l("Evidence is about what already happened: this date is in the future."))

    def validate_result(self, field):
        if self.kind.data in ATTEMPT_KINDS and not field.data:
            raise ValidationError(_l("Say whether a slot was found."))


class DocumentForm(Form):
    kind = SelectField(_l("Document"), validators=[DataRequired()])
    issued_on = DateField(_l("Issued on"), validators=[Optional(), in_supported_range])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), in_supported_range])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add the document"))

    def fill_choices(self):
        self.kind.choices = [SelectChoice(k, messages.document_label(k)) for k in HELD_KINDS]
        return self


class StatusForm(Form):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    assigned_to = SelectField(_l("Volunteer in charge"), validators=[Optional()])
    #: Set by the confirmation page: closing a case is asked twice.
    close_confirmed = HiddenField()
    submit = SubmitField(_l("Update"))

    def fill_choices(self):
        self.status.choices = [SelectChoice(s.value, messages.case_status_label(s.value)) for s in CaseStatus]
        users = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.name))
        self.assigned_to.choices = [SelectChoice("", _l("— nobody —"))] + [SelectChoice(str(u.id), u.name) for u in users]
        return self


class BlockageForm(Form):
    kind = SelectField(_l("Blockage met"), validators=[DataRequired()])
    occurred_on = DateField(_l("On"), validators=[DataRequired(), in_supported_range])
    submit = SubmitField(_l("Record the blockage"))

    def fill_choices(self, case: Case):
        self.kind.choices = blockage_choices(case)
        return self


def blockage_choices(case: Case) -> list[SelectChoice]:
    """The national blockages, then the département's own."""
    rules = current_app.extensions["permanence.rules"]
    local = [SelectChoice(k.slug, k.label) for k in local_facts().blockage_kinds(case.departement)]
    return [SelectChoice(b.slug, b.label) for b in rules.blockages.values()] + local


class EraseForm(Form):
    confirm = StringField(_l("Type the case reference to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Erase the person's data"))
