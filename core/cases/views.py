"""Case files: the guided creation, the case page with its assessment, ladder,
deadlines and evidence log, and the lawyer's export. The list is in listing.py."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from core.accounts.models import Role, User
from core.accounts.security import role_required
from core.cases import export as exports
from core.cases import service
from core.cases.evidence import ATTEMPT_KINDS
from core.cases.forms import BlockageForm, CaseForm, DocumentForm, EntryForm, EraseForm, StatusForm
from core.cases.listing import bp, covered_departements
from core.cases.models import Attachment, Case, CaseBlockage, CaseStatus, EvidenceEntry, HeldDocument
from core.letters.service import recommended_letters
from core.rules import HELD_KINDS, SituationError
from core.rules.dates import EARLIEST, LATEST
from core.rules.progress import EVIDENCE_FOR_STEP
from core.web import clock, messages
from core.web.audit import audit
from core.web.extensions import db, utcnow
from core.web.forms import ActionForm, tristate, tristate_choice

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
    held = _held_from_assessment(form)
    if request.form.get("from_assessment"):
        # Sent by /evaluer's "open a case": the situation is typed already, the person is not yet.
        return render_template("cases/form.html", form=form, case=None, covered=covered_departements(),
                               held=held, messages=messages, form_has_errors=False)
    if form.validate_on_submit():
        case = Case(status=CaseStatus.OPEN.value, assigned_to_id=current_user.id)
        _apply(form, case)
        if _check_with_rules(form, case):
            if held:
                case.documents.append(HeldDocument(kind=held[0], valid_until=held[1]))
            db.session.add(case)
            db.session.flush()
            service.refresh_deadlines(case)
            audit("case.create", case, commit=False)
            db.session.commit()
            flash(_("Case %(reference)s created.", reference=case.reference), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/form.html", form=form, case=None, covered=covered_departements(), held=held,
                           messages=messages, form_has_errors=bool(form.errors))


def _held_from_assessment(form) -> tuple[str, dt.date | None] | None:
    """The document the assessment said the person holds (kind, valid until), if well-formed."""
    if form.held_kind.data not in HELD_KINDS:
        return None
    try:
        until = dt.date.fromisoformat(form.held_until.data) if form.held_until.data else None
    except ValueError:
        until = None
    if until is not None and not EARLIEST <= until <= LATEST:
        until = None
    return form.held_kind.data, until


@bp.route("/<int:case_id>/modifier", methods=["GET", "POST"])
def edit(case_id):
    case = service.get_case(case_id)
    form = CaseForm(obj=case if request.method == "GET" else None).fill_choices()
    if request.method == "GET":
        form.permit.data = case.permit or ""
        form.civility.data = case.civility or ""
        for name in TRISTATE_FIELDS:
            getattr(form, name).data = tristate_choice(getattr(case, name))
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
        case = service.get_case(case_id)
        flash(_("Someone else saved this case while you were editing it. Your changes are still in the form "
                "below, not saved: compare with the current case, then save again."), "error")
        form.version.data = str(case.version)
        return render_template("cases/form.html", form=form, case=case, covered=covered_departements(), conflict=True,
                               form_has_errors=True), 409
    return render_template("cases/form.html", form=form, case=case, covered=covered_departements(),
                           form_has_errors=bool(form.errors))


# --- the case page ----------------------------------------------------------------------

@bp.route("/<int:case_id>")
def show(case_id, entry_form=None, document_form=None, blockage_form=None, status=200):
    case = service.get_case(case_id)
    audit("case.view", case)
    if case.erased_at is not None:  # an empty shell: its log, nothing to assess
        return render_template("cases/erased.html", case=case, action_form=ActionForm(), messages=messages)
    assessment = service.assess_case(case)
    return render_template(
        "cases/show.html", case=case, result=assessment, progress=service.progress_of(case, assessment),
        # Prefixed: three forms on one page must not share field ids.
        # "Log it" next to a step opens the form with its kind chosen (?log=pan-attempt).
        entry_form=entry_form or EntryForm(formdata=None, prefix="entry", occurred_at=clock.local_now(),
                                           kind=request.args.get("log")).fill_choices(case),
        evidence_for_step=EVIDENCE_FOR_STEP,
        document_form=document_form or DocumentForm(formdata=None, prefix="document").fill_choices(),
        status_form=StatusForm(formdata=None, prefix="status", status=case.status,
                               assigned_to=str(case.assigned_to_id or "")).fill_choices(),
        action_form=ActionForm(), messages=messages, today=clock.today(),
        rules=current_app.extensions["permanence.rules"], recommended=recommended_letters(case, assessment),
        held_valid_kinds={d.kind for d in case.documents if d.valid_until is None or d.valid_until >= clock.today()},
        held_ends=sorted((d for d in case.deadlines if d.kind.startswith("document-ends:")), key=lambda d: d.date),
        blockage_form=blockage_form or BlockageForm(formdata=None, prefix="blockage",
                                                   occurred_on=clock.today()).fill_choices(case),
        blockage_labels={**{b.slug: b.label for b in current_app.extensions["permanence.rules"].blockages.values()}},
        departement_name=messages.departement_name(case.departement)), status


@bp.route("/<int:case_id>/journal", methods=["POST"])
def add_entry(case_id):
    case = service.get_case(case_id)
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
        # One entry is one set of pieces: it is saved whole or not at all, and the page says so.
        if uploads:
            refused.append(_("Nothing was saved, so these files were not added either: %(names)s. Choose them "
                             "again, replacing the refused ones.", names=", ".join(u.filename for u in uploads)))
        else:
            refused.append(_("Nothing was saved. What you typed is kept below."))
        form.files.errors = list(form.files.errors) + refused
        return show(case_id, entry_form=form, status=400)
    corrects = None
    if form.corrects.data:
        corrects = db.session.get(EvidenceEntry, int(form.corrects.data))
        if corrects is None or corrects.case_id != case.id:
            abort(400)
    try:
        entry = service.append_entry(case, kind=form.kind.data, occurred_at=clock.to_storage(form.occurred_at.data),
                                     summary=form.summary.data, by=current_user.email, url=form.url.data,
                                     reference=form.reference.data,
                                     result=form.result.data if form.kind.data in ATTEMPT_KINDS else None,
                                     corrects=corrects, uploads=uploads)
    except service.ChainBusy:
        form.summary.errors = list(form.summary.errors) + [_(
            "Colleagues were adding to this log at the same moment and this entry could not be saved. What you "
            "typed is below: send it again (and choose the files again).")]
        return show(case_id, entry_form=form, status=409)
    except (service.StorageError, OSError):
        current_app.logger.exception("case %s: the attachments' storage failed", case.id)
        form.summary.errors = list(form.summary.errors) + [_(
            "The attachments' storage did not answer and nothing was saved. What you typed is below: send it "
            "again in a moment (and choose the files again); if it goes on, tell the administrator.")]
        return show(case_id, entry_form=form, status=503)
    blockage = service.record_blockage_shown(case, entry, chosen=form.blockage.data, by=current_user.email)
    if blockage:
        audit("blockage.add", case, f"{blockage} (entry #{entry.sequence})", commit=False)
        db.session.commit()
    flash(_("Entry #%(sequence)d added to the log.", sequence=entry.sequence), "journal-success")  # shown in the log
    return redirect(url_for("cases.show", case_id=case.id, _anchor="journal"))


@bp.route("/<int:case_id>/journal/verifier", methods=["POST"])
def verify(case_id):
    case = service.get_case(case_id)
    if ActionForm().validate_on_submit():
        check = service.verify_case(case)
        audit("chain.verify", case, "ok" if check.ok else f"broken at #{check.broken_sequence}")
        flash(messages.describe_chain_check(check), "chain-success" if check.ok else "chain-error")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="journal"))


@bp.route("/<int:case_id>/documents", methods=["POST"])
def add_document(case_id):
    case = service.get_case(case_id)
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
    case = service.get_case(case_id)
    document = _item_of(case, HeldDocument, document_id)
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
    case = service.get_case(case_id)
    form = StatusForm(prefix="status").fill_choices()
    if form.validate_on_submit():
        closing = form.status.data == CaseStatus.CLOSED.value and case.status != CaseStatus.CLOSED.value
        if closing and form.close_confirmed.data != "1":
            # Closing takes the case out of the open ones and starts its retention period: asked twice.
            form.close_confirmed.data = "1"
            return render_template("cases/confirm_close.html", case=case, form=form,
                                   months=current_app.config["RETENTION_MONTHS"])
        # Not the situation a colleague may be editing: no new version (service.set_beside_the_situation).
        service.set_beside_the_situation(
            case, changed=True, status=form.status.data,
            closed_at=utcnow() if form.status.data == CaseStatus.CLOSED.value else None,
            assigned_to_id=int(form.assigned_to.data) if form.assigned_to.data else None)
        service.refresh_deadlines(case)
        # The audit log says it in words: the status, and who is in charge by name (not a number). Read
        # by id: the relationship may still hold the volunteer loaded before the change.
        in_charge = db.session.get(User, case.assigned_to_id) if case.assigned_to_id else None
        audit("case.status", case, f"{case.status}, {in_charge.name if in_charge else '-'}", commit=False)
        db.session.commit()
        flash(_("Case closed.") if closing else _("Case updated."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/pieces/<int:attachment_id>")
def attachment(case_id, attachment_id):
    case = service.get_case(case_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.entry.case_id != case.id:
        abort(404)
    try:
        stored = service.storage().open(item.sha256)
    except FileNotFoundError:
        abort(404)
    # The audit log names the piece by number, never by its file name (which may hold a name).
    audit("attachment.download", case, f"entry #{item.entry.sequence}, attachment {item.id}")
    response = send_file(stored, mimetype=item.media_type, as_attachment=True, download_name=item.filename,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:case_id>/export.zip")
def export(case_id):
    case = service.get_case(case_id)
    data = exports.export_zip(case)
    audit("case.export", case)
    return _private_zip(data, f"{case.reference}-pieces.zip")


def _private_zip(data, filename: str) -> Response:
    """A download of personal data (streamed as it is built): never kept by a browser or proxy cache."""
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


# --- blockages met --------------------------------------------------------------------

@bp.route("/<int:case_id>/blocages", methods=["POST"])
def add_blockage(case_id):
    case = service.get_case(case_id)
    form = BlockageForm(prefix="blockage").fill_choices(case)
    if not form.validate_on_submit():
        return show(case_id, blockage_form=form, status=400)
    case.blockages.append(CaseBlockage(kind=form.kind.data, occurred_on=form.occurred_on.data,
                                       recorded_by=current_user.email))
    audit("blockage.add", case, form.kind.data, commit=False)
    db.session.commit()
    flash(_("Blockage recorded: it counts in the statistics."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="blocages"))


@bp.route("/<int:case_id>/blocages/<int:blockage_id>/retirer", methods=["POST"])
def remove_blockage(case_id, blockage_id):
    """A blockage recorded by mistake, or derived from an entry that did not show one."""
    case = service.get_case(case_id)
    blockage = _item_of(case, CaseBlockage, blockage_id)
    if ActionForm().validate_on_submit():
        db.session.delete(blockage)
        audit("blockage.remove", case, blockage.kind, commit=False)
        db.session.commit()
        flash(_("Blockage removed: it no longer counts in the statistics."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="blocages"))


def _item_of(case, model, item_id):
    """A document or blockage of this case, or 404 (never another case's by its number)."""
    item = db.session.get(model, item_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return item


# --- the person's rights (GDPR) ---------------------------------------------------------

@bp.route("/<int:case_id>/donnees-personnelles.zip")
def personal_data(case_id):
    """Everything held on the person of this case: JSON and attachments (GDPR art. 15)."""
    case = service.get_case(case_id)
    data = exports.personal_data_zip(case)
    audit("person.export", case)
    return _private_zip(data, f"{case.reference}-donnees-personnelles.zip")


@bp.route("/<int:case_id>/effacer", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def erase(case_id):
    from core.cases.retention import erase_person

    case = service.get_case(case_id)
    if case.erased_at is not None:
        flash(_("The person's data was erased on %(date)s.", date=messages.long_datetime(case.erased_at)), "info")
        return redirect(url_for("cases.show", case_id=case.id))
    form = EraseForm()
    if form.validate_on_submit():
        if form.confirm.data.strip().upper() != case.reference:
            form.confirm.errors.append(_("This is not the reference of this case."))
        else:
            erase_person(case, clock.today(), by=current_user.email)
            flash(_("The person's data is erased; the log records that an erasure happened."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/erase.html", case=case, form=form, form_has_errors=bool(form.errors)), \
        400 if form.errors else 200
