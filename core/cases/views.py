"""Case files: the list, the guided creation, the case page with its
assessment, ladder, deadlines and evidence log, and the lawyer's export."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
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

from core.accounts.models import Role, User
from core.assessment.views import PERMIT_LABELS, REMEDIES_CHOICES, in_supported_range, sort_key, tristate
from core.cases import service
from core.cases.evidence import ATTEMPT_KINDS
from core.cases.evidence import KINDS as EVIDENCE_KINDS
from core.cases.models import Case, CaseDeadline, CaseStatus, EvidenceEntry, HeldDocument
from core.letters.catalogue import recommended_letters
from core.plugins.facts import INSEE_DEPARTEMENT
from core.rules import HELD_KINDS, SituationError
from core.rules.dates import EARLIEST, LATEST
from core.web import messages
from core.web.audit import audit
from core.web.extensions import db, utcnow
from core.web.security import bounded_int, role_required

bp = Blueprint("cases", __name__, url_prefix="/dossiers", template_folder="templates")

PAGE_SIZE = 20
DOCUMENT_KINDS = HELD_KINDS


def departement_code(form, field):
    if field.data and not INSEE_DEPARTEMENT.fullmatch(field.data):
        raise ValidationError(_l("Not a département code (e.g. 33, 06, 2A)."))


def upper_strip(value):
    return value.strip().upper() if isinstance(value, str) else value


def strip(value):
    return value.strip() if isinstance(value, str) else value


class CaseForm(FlaskForm):
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
    request_complete = SelectField(_l("The request was filed complete"), choices=REMEDIES_CHOICES, default="",
                                   validators=[Optional()])
    remedies_stated = SelectField(_l("The acknowledgement stated the voies et délais de recours"),
                                  choices=REMEDIES_CHOICES, default="", validators=[Optional()])
    favorable_decision_on = DateField(_l("Date of a favourable decision (if any)"),
                                      validators=[Optional(), in_supported_range])
    ephoto_taken_on = DateField(_l("Date of the e-photo (if any)"), validators=[Optional(), in_supported_range])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)])
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def fill_choices(self):
        rules = current_app.extensions["permanence.rules"]
        self.demarche.choices = [SelectChoice("", _l("— choose a démarche —"))] + [
            SelectChoice(d.slug, d.label) for d in sorted(rules.demarches.values(), key=lambda d: sort_key(d.label))]
        self.permit.choices = [SelectChoice("", _l("— unknown —"))] + [
            SelectChoice(k, v) for k, v in PERMIT_LABELS.items()]
        return self


class EntryForm(FlaskForm):
    kind = SelectField(_l("What happened"), validators=[DataRequired()])
    occurred_at = DateTimeLocalField(_l("When it happened"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    summary = TextAreaField(_l("Description"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    url = StringField(_l("Web address shown (URL)"), filters=[strip], validators=[Optional(), Length(max=2000)])
    reference = StringField(_l("Reference (CCC ticket, tracking number…)"), filters=[strip],
                            validators=[Optional(), Length(max=200)])
    result = SelectField(_l("Result of the booking attempt"))
    corrects = SelectField(_l("This entry corrects"), validators=[Optional()])
    files = MultipleFileField(_l("Attachments (PNG, JPEG or PDF, 10 MB each at most)"))
    submit = SubmitField(_l("Add to the log"))

    def fill_choices(self, case: Case):
        self.kind.choices = [SelectChoice(k, messages.evidence_kind_label(k)) for k in EVIDENCE_KINDS
                             if k != "erasure"]
        self.result.choices = [SelectChoice("", "—"), SelectChoice("no-slot", _l("no slot available")),
                               SelectChoice("appointment", _l("appointment given"))]
        self.corrects.choices = [SelectChoice("", _l("— nothing, it is a new fact —"))] + [
            SelectChoice(str(e.id), f"#{e.sequence} – {messages.evidence_kind_label(e.kind)}") for e in case.entries]
        return self

    def validate_occurred_at(self, field):
        if field.data and not (dt.datetime.combine(EARLIEST, dt.time()) <= field.data
                               <= dt.datetime.combine(LATEST, dt.time())):
            raise ValidationError(_l("This date is out of the supported range (1900–2199)."))
        if field.data and field.data > dt.datetime.now() + dt.timedelta(days=1):
            raise ValidationError(_l("Evidence is about what already happened: this date is in the future."))

    def validate_result(self, field):
        if self.kind.data in ATTEMPT_KINDS and not field.data:
            raise ValidationError(_l("Say whether a slot was found."))


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), validators=[DataRequired()])
    issued_on = DateField(_l("Issued on"), validators=[Optional(), in_supported_range])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), in_supported_range])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add the document"))

    def fill_choices(self):
        self.kind.choices = [SelectChoice(k, messages.document_label(k)) for k in DOCUMENT_KINDS]
        return self


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validators=[DataRequired()])
    assigned_to = SelectField(_l("Volunteer in charge"), validators=[Optional()])
    submit = SubmitField(_l("Update"))

    def fill_choices(self):
        self.status.choices = [SelectChoice(s.value, messages.case_status_label(s.value)) for s in CaseStatus]
        users = db.session.scalars(db.select(User).where(User.active.is_(True)).order_by(User.name))
        self.assigned_to.choices = [SelectChoice("", _l("— nobody —"))] + [SelectChoice(str(u.id), u.name) for u in users]
        return self


class ActionForm(FlaskForm):
    """A button: its CSRF token is all it sends."""


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


def _covered():
    from core.plugins.state import local_facts
    return local_facts().departements()


# --- the list ------------------------------------------------------------------------

@bp.route("")
def index():
    query = db.select(Case)
    q = (request.args.get("q") or "").strip()[:120]
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(db.func.lower(Case.person_name).like(f"%{escaped}%", escape="\\"), Case.agdref == q))
    for name in ("departement", "demarche", "status"):
        value = (request.args.get(name) or "").strip()
        if value:
            query = query.where(getattr(Case, name) == (value.upper() if name == "departement" else value))
    if request.args.get("mine"):
        query = query.where(Case.assigned_to_id == current_user.id)
    today = dt.date.today()
    next_date = (db.select(db.func.min(CaseDeadline.date))
                 .where(CaseDeadline.case_id == Case.id, CaseDeadline.date >= today).scalar_subquery())
    if request.args.get("sort") == "updated":
        query = query.order_by(Case.updated_at.desc())
    else:  # by next deadline, cases without one last
        query = query.order_by(next_date.is_(None), next_date, Case.updated_at.desc())
    query = query.options(selectinload(Case.assigned_to), selectinload(Case.deadlines))  # no query per row
    pagination = db.paginate(query, page=bounded_int(request.args.get("page")), per_page=PAGE_SIZE, error_out=False)
    rules = current_app.extensions["permanence.rules"]
    # What was searched may be a person's name: the audit log keeps the filters, not the text.
    filters = {k: v for k, v in request.args.items() if k in ("departement", "demarche", "status", "mine", "page")}
    audit("case.list", detail=" ".join(f"{k}={v}" for k, v in filters.items()) + (" +search" if q else ""))
    return render_template("cases/index.html", pagination=pagination, q=q, rules=rules, today=today,
                           next_deadline=service.next_deadline, messages=messages, covered=_covered())


# --- creation and edition ------------------------------------------------------------

CASE_FIELDS = ("civility", "person_name", "birth_date", "agdref", "nationality", "contact", "departement", "demarche",
               "kind", "permit", "expires_on", "filed_on", "anef_request_number", "request_complete",
               "remedies_stated", "favorable_decision_on", "ephoto_taken_on", "note")
#: Yes / no / not known questions, stored as True / False / None.
TRISTATE_FIELDS = ("request_complete", "remedies_stated")


def _value(form: CaseForm, name: str):
    data = getattr(form, name).data
    return tristate(data) if name in TRISTATE_FIELDS else (data or None)


def _apply(form: CaseForm, case: Case) -> None:
    for name in CASE_FIELDS:
        setattr(case, name, _value(form, name))


def _changes(form: CaseForm, case: Case) -> list[str]:
    """The names of the fields this save changes (for the audit log, not their values)."""
    return [name for name in CASE_FIELDS if _value(form, name) != getattr(case, name)]


def _check_with_rules(form: CaseForm, case: Case) -> bool:
    """The rules refuse what they cannot assess: say it next to the field."""
    try:
        service.assess_case(case)
    except SituationError as error:
        target = getattr(form, error.field, form.demarche)
        target.errors = list(target.errors) + [messages.describe_situation_error(error)]
        return False
    return True


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    form = CaseForm().fill_choices()
    if form.validate_on_submit():
        case = Case(status=CaseStatus.OPEN.value, assigned_to_id=current_user.id)
        _apply(form, case)
        if _check_with_rules(form, case):
            db.session.add(case)
            db.session.flush()
            service.refresh_deadlines(case)
            audit("case.create", case, commit=False)
            db.session.commit()
            flash(_("Case %(reference)s created.", reference=case.reference), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/form.html", form=form, case=None, covered=_covered(),
                           form_has_errors=bool(form.errors))


@bp.route("/<int:case_id>/modifier", methods=["GET", "POST"])
def edit(case_id):
    case = get_case(case_id)
    form = CaseForm(obj=case if request.method == "GET" else None).fill_choices()
    if request.method == "GET":
        form.permit.data = case.permit or ""
        form.civility.data = case.civility or ""
        for name in TRISTATE_FIELDS:
            getattr(form, name).data = {True: "yes", False: "no"}.get(getattr(case, name), "")
        form.version.data = str(case.version)
        audit("case.edit-form", case)
    conflict = False
    if form.validate_on_submit():
        if form.version.data != str(case.version):
            conflict = True
        else:
            try:
                with db.session.no_autoflush:  # nothing is written before the commit below
                    changed = _changes(form, case)
                    _apply(form, case)
                    valid = _check_with_rules(form, case)
                    if valid:
                        service.refresh_deadlines(case)
                        audit("case.update", case, ", ".join(changed), commit=False)
                if valid:
                    db.session.commit()
                else:
                    db.session.rollback()
            except StaleDataError:  # saved by someone else between our read and our write
                db.session.rollback()
                conflict = True
            else:
                if valid:
                    flash(_("Case saved."), "success")
                    return redirect(url_for("cases.show", case_id=case.id))
    if conflict:
        db.session.rollback()
        case = get_case(case_id)
        flash(_("Someone else saved this case while you were editing it. Your changes are still in the form "
                "below, not saved: compare with the current case, then save again."), "error")
        form.version.data = str(case.version)
        return render_template("cases/form.html", form=form, case=case, covered=_covered(), conflict=True,
                               form_has_errors=True), 409
    return render_template("cases/form.html", form=form, case=case, covered=_covered(),
                           form_has_errors=bool(form.errors))


# --- the case page ----------------------------------------------------------------------

@bp.route("/<int:case_id>")
def show(case_id, entry_form=None, document_form=None, status=200):
    case = get_case(case_id)
    audit("case.view", case)
    if case.erased_at is not None:  # an empty shell: its log, nothing to assess
        return render_template("cases/erased.html", case=case, action_form=ActionForm(), messages=messages)
    assessment = service.assess_case(case)
    return render_template(
        "cases/show.html", case=case, result=assessment, progress=service.progress_of(case, assessment),
        # Prefixed: three forms on one page must not share field ids.
        entry_form=entry_form or EntryForm(formdata=None, prefix="entry",
                                           occurred_at=dt.datetime.now().replace(second=0, microsecond=0))
        .fill_choices(case),
        document_form=document_form or DocumentForm(formdata=None, prefix="document").fill_choices(),
        status_form=StatusForm(formdata=None, prefix="status", status=case.status,
                               assigned_to=str(case.assigned_to_id or "")).fill_choices(),
        action_form=ActionForm(), messages=messages, today=dt.date.today(),
        rules=current_app.extensions["permanence.rules"], recommended=recommended_letters(case, assessment),
        held_valid_kinds={d.kind for d in case.documents if d.valid_until is None or d.valid_until >= dt.date.today()},
        held_ends=sorted((d for d in case.deadlines if d.kind.startswith("document-ends:")), key=lambda d: d.date),
        blockage_form=BlockageForm(formdata=None, prefix="blockage", occurred_on=dt.date.today()).fill_choices(case),
        blockage_labels={**{b.slug: b.label for b in current_app.extensions["permanence.rules"].blockages.values()}},
        departement_name=messages.departement_name(case.departement)), status


@bp.route("/<int:case_id>/journal", methods=["POST"])
def add_entry(case_id):
    case = get_case(case_id)
    form = EntryForm(prefix="entry").fill_choices(case)
    if not form.validate_on_submit():
        return show(case_id, entry_form=form, status=400)
    uploads, refused = [], []
    for storage in form.files.data or []:
        if not storage or not storage.filename:
            continue
        try:
            uploads.append(service.check_upload(storage.filename, storage.read()))
        except service.UploadError as error:
            refused.append(messages.describe_upload_error(error))
    if refused:
        form.files.errors = list(form.files.errors) + refused
        return show(case_id, entry_form=form, status=400)
    corrects = None
    if form.corrects.data:
        corrects = db.session.get(EvidenceEntry, int(form.corrects.data))
        if corrects is None or corrects.case_id != case.id:
            abort(400)
    entry = service.append_entry(case, kind=form.kind.data, occurred_at=to_utc(form.occurred_at.data),
                                 summary=form.summary.data, by=current_user.email, url=form.url.data,
                                 reference=form.reference.data,
                                 result=form.result.data if form.kind.data in ATTEMPT_KINDS else None,
                                 corrects=corrects, uploads=uploads)
    flash(_("Entry #%(sequence)d added to the log.", sequence=entry.sequence), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="journal"))


@bp.route("/<int:case_id>/journal/verifier", methods=["POST"])
def verify(case_id):
    case = get_case(case_id)
    if ActionForm().validate_on_submit():
        check = service.verify_case(case)
        audit("chain.verify", case, "ok" if check.ok else f"broken at #{check.broken_sequence}")
        flash(messages.describe_chain_check(check), "success" if check.ok else "error")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="journal"))


@bp.route("/<int:case_id>/documents", methods=["POST"])
def add_document(case_id):
    case = get_case(case_id)
    form = DocumentForm(prefix="document").fill_choices()
    if not form.validate_on_submit():
        return show(case_id, document_form=form, status=400)
    case.documents.append(HeldDocument(kind=form.kind.data, issued_on=form.issued_on.data,
                                       valid_until=form.valid_until.data, note=form.note.data or None))
    service.refresh_deadlines(case)
    audit("document.add", case, form.kind.data, commit=False)
    db.session.commit()
    flash(_("Document added."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="documents"))


@bp.route("/<int:case_id>/documents/<int:document_id>/retirer", methods=["POST"])
def remove_document(case_id, document_id):
    case = get_case(case_id)
    document = db.session.get(HeldDocument, document_id)
    if document is None or document.case_id != case.id:
        abort(404)
    if ActionForm().validate_on_submit():
        case.documents.remove(document)
        service.refresh_deadlines(case)
        audit("document.remove", case, document.kind, commit=False)
        db.session.commit()
        flash(_("Document removed from the documents held."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="documents"))


@bp.route("/<int:case_id>/statut", methods=["POST"])
@role_required(Role.COORDINATEUR)
def update_status(case_id):
    case = get_case(case_id)
    form = StatusForm(prefix="status").fill_choices()
    if form.validate_on_submit():
        case.status = form.status.data
        case.closed_at = utcnow() if case.status == CaseStatus.CLOSED.value else None
        case.assigned_to_id = int(form.assigned_to.data) if form.assigned_to.data else None
        service.refresh_deadlines(case)
        audit("case.status", case, f"{case.status} → {case.assigned_to_id or '-'}", commit=False)
        db.session.commit()
        flash(_("Case updated."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/pieces/<int:attachment_id>")
def attachment(case_id, attachment_id):
    from core.cases.models import Attachment

    case = get_case(case_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.entry.case_id != case.id:
        abort(404)
    path = service.attachment_path(item.sha256)
    if not path.is_file():
        abort(404)
    # The audit log names the piece by number, never by its file name (which may hold a name).
    audit("attachment.download", case, f"entry #{item.entry.sequence}, attachment {item.id}")
    response = send_file(path, mimetype=item.media_type, as_attachment=True, download_name=item.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:case_id>/export.zip")
def export(case_id):
    case = get_case(case_id)
    data = service.export_zip(case)
    audit("case.export", case)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{case.reference}-pieces.zip"',
        "Cache-Control": "private, no-store"})


# --- blockages met --------------------------------------------------------------------

class BlockageForm(FlaskForm):
    kind = SelectField(_l("Blockage met"), validators=[DataRequired()])
    occurred_on = DateField(_l("On"), validators=[DataRequired(), in_supported_range])
    submit = SubmitField(_l("Record the blockage"))

    def fill_choices(self, case: Case):
        rules = current_app.extensions["permanence.rules"]
        from core.plugins.state import local_facts
        local = [SelectChoice(k.slug, k.label) for k in local_facts().blockage_kinds(case.departement)]
        self.kind.choices = [SelectChoice(b.slug, b.label) for b in rules.blockages.values()] + local
        return self


@bp.route("/<int:case_id>/blocages", methods=["POST"])
def add_blockage(case_id):
    from core.cases.models import CaseBlockage

    case = get_case(case_id)
    form = BlockageForm(prefix="blockage").fill_choices(case)
    if not form.validate_on_submit():
        return show(case_id, status=400)
    case.blockages.append(CaseBlockage(kind=form.kind.data, occurred_on=form.occurred_on.data,
                                       recorded_by=current_user.email))
    audit("blockage.add", case, form.kind.data, commit=False)
    db.session.commit()
    flash(_("Blockage recorded: it counts in the statistics."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="blocages"))


# --- the person's rights (GDPR) ---------------------------------------------------------

@bp.route("/<int:case_id>/donnees-personnelles.zip")
def personal_data(case_id):
    """Everything held on the person of this case: JSON and attachments (GDPR art. 15)."""
    import io
    import json
    import zipfile

    case = get_case(case_id)
    data = {
        "case": case.reference, "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
        "person": {"name": case.person_name, "agdref": case.agdref, "nationality": case.nationality,
                   "contact": case.contact, "note": case.note},
        "request": {"departement": case.departement, "demarche": case.demarche, "kind": case.kind,
                    "permit": case.permit, "expires_on": str(case.expires_on or ""),
                    "filed_on": str(case.filed_on or ""), "anef_request_number": case.anef_request_number,
                    "favorable_decision_on": str(case.favorable_decision_on or ""),
                    "ephoto_taken_on": str(case.ephoto_taken_on or "")},
        "documents": [{"kind": d.kind, "issued_on": str(d.issued_on or ""), "valid_until": str(d.valid_until or ""),
                       "note": d.note} for d in case.documents],
        "blockages": [{"kind": b.kind, "on": str(b.occurred_on)} for b in case.blockages],
        "evidence": service.manifest_of(case)["entries"],
        "letters": [{"title": letter.title, "subject": letter.subject, "body": letter.body,
                     "created_at": letter.created_at.isoformat(), "file": letter.file_name} for letter in case.letters],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for entry in case.entries:
            for item in entry.attachments:
                path = service.attachment_path(item.sha256)
                if path.is_file():
                    archive.write(path, service.exported_name(entry, item))
    audit("person.export", case)
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{case.reference}-donnees-personnelles.zip"',
        "Cache-Control": "private, no-store"})


class EraseForm(FlaskForm):
    confirm = StringField(_l("Type the case reference to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Erase the person's data"))


@bp.route("/<int:case_id>/effacer", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def erase(case_id):
    from core.cases.retention import erase_person

    case = get_case(case_id)
    if case.erased_at is not None:
        flash(_("The person's data was erased on %(date)s.", date=messages.long_datetime(case.erased_at)), "info")
        return redirect(url_for("cases.show", case_id=case.id))
    form = EraseForm()
    if form.validate_on_submit():
        if form.confirm.data.strip().upper() != case.reference:
            form.confirm.errors.append(_("This is not the reference of this case."))
        else:
            erase_person(case, dt.date.today(), by=current_user.email)
            flash(_("The person's data is erased; the log records that an erasure happened."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/erase.html", case=case, form=form, form_has_errors=bool(form.errors)), \
        400 if form.errors else 200
