"""Reporting a wrong fact (any volunteer), reviewing reports and recording corrections
(coordinators), correcting directly and exporting a plugin's patch."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError

from core.accounts.models import Role
from core.accounts.security import role_required
from core.corrections import service
from core.corrections.facts import CORRECTABLE, LIST_FIELDS, corrected, shown_value
from core.corrections.forms import FIELD_LABELS, CorrectionForm, DismissForm, ReportForm, field_choices
from core.corrections.models import FactCorrection, FactReport
from core.plugins.departements import name_of
from core.plugins.facts import FactError
from core.web import clock
from core.web.audit import audit
from core.web.extensions import db, utcnow
from core.web.forms import ActionForm

bp = Blueprint("corrections", __name__, template_folder="templates")


def _fact_or_404(code: str, section: str, key: str):
    fact = service.find_fact(code, section, key) if name_of(code) and section in CORRECTABLE else None
    if fact is None:
        abort(404)
    return fact


@bp.route("/departements/<code>/signaler/<section>/<key>", methods=["GET", "POST"])
def report(code, section, key):
    fact = _fact_or_404(code, section, key)
    form = ReportForm()
    form.field.choices = field_choices(CORRECTABLE[section], allow_other=True)
    if form.validate_on_submit():
        row = FactReport(**service.about(fact, code, section), field=form.field.data or None,
                         what_is_wrong=form.what_is_wrong.data.strip(), what_they_saw=(form.what_they_saw.data or "").strip(),
                         where_seen=form.where_seen.data or "", reported_by=current_user.email)
        db.session.add(row)
        db.session.flush()
        audit("fact.report", detail=f"{code} {section} #{row.id}")
        flash(_("Thank you: the report was sent to the coordination, who will check it. You will find "
                "the outcome under “My reports”, and your home page will tell you."), "success")
        return redirect(url_for("departements.show", code=code))
    status = 400 if form.is_submitted() else 200
    return render_template("corrections/report.html", form=form, fact=fact, code=code, section=section,
                           name=name_of(code), fields_now=_current_values(fact, section)), status


@bp.route("/signalements")
def mine():
    """A volunteer's own reports and what became of each; looking at them marks the outcomes seen."""
    rows = list(db.session.scalars(db.select(FactReport).where(FactReport.reported_by == current_user.email)
                                   .order_by(FactReport.reported_at.desc()).limit(100)))
    unseen = {row.id for row in rows if row.status != "open" and row.outcome_seen_at is None}
    corrections = {row.id: row for row in db.session.scalars(
        db.select(FactCorrection).where(FactCorrection.report_id.in_([row.id for row in rows])))}
    by_report = {correction.report_id: correction for correction in corrections.values()}
    page = render_template("corrections/mine.html", rows=rows, unseen=unseen, by_report=by_report, name_of=name_of,
                           labels=FIELD_LABELS)
    if unseen:
        now = utcnow()
        for row in rows:
            if row.id in unseen:
                row.outcome_seen_at = now
        db.session.commit()
    return page


def _current_values(fact, section: str) -> list[tuple[str, str]]:
    return [(str(FIELD_LABELS.get(field, field)), shown_value(field, getattr(fact, field, "")))
            for field in CORRECTABLE[section]]


def _record_correction(form: CorrectionForm, fact, code: str, section: str, report_row: FactReport | None):
    """The correction, or a message saying why the value is refused (the fact's own validation)."""
    if form.field.data not in LIST_FIELDS and len(form.value.data.strip().splitlines()) > 1:
        form.value.errors.append(_("This field takes one line: for an address, choose “Postal address”."))
        return None
    try:
        corrected(fact, form.field.data, form.value.data, form.source.data, form.checked_on.data)
    except (FactError, ValidationError):
        form.value.errors.append(refusal(form.field.data))
        return None
    row = FactCorrection(**service.about(fact, code, section), field=form.field.data, value=form.value.data.strip(),
                         source=form.source.data, checked_on=form.checked_on.data, created_by=current_user.email,
                         report=report_row)
    db.session.add(row)
    if report_row is not None:
        report_row.status, report_row.reviewed_by, report_row.reviewed_at = "corrected", current_user.email, utcnow()
    db.session.flush()
    audit("fact.correct", detail=f"{code} {section} {form.field.data} #{row.id}")
    return row


def refusal(field: str) -> str:
    """Why the fact's own validation refused the value, in the volunteer's words."""
    if field in ("phone", "phones"):
        return _("This value is refused: not a French phone number (10 digits, such as 0X XX XX XX XX).")
    if field == "url":
        return _("This value is refused: a link starts with https://.")
    if field in ("email", "emails"):
        return _("This value is refused: not an email address.")
    return _("This value is refused: check what was typed.")


def _today_by_default(form: CorrectionForm) -> None:
    if not form.is_submitted():
        form.checked_on.data = clock.today()


@bp.route("/corrections")
@role_required(Role.COORDINATEUR)
def index():
    plugin = request.args.get("plugin") or None
    recent = db.session.scalars(db.select(FactCorrection).order_by(FactCorrection.created_at.desc()).limit(50))
    recent = list(recent)
    return render_template("corrections/index.html", reports=service.open_reports(plugin), plugin=plugin,
                           corrections=recent, states=service.states([row for row in recent if not row.withdrawn_at]),
                           counts=service.open_report_counts(), name_of=name_of, labels=FIELD_LABELS,
                           form=ActionForm())


@bp.route("/corrections/<int:report_id>", methods=["GET", "POST"])
@role_required(Role.COORDINATEUR)
def review(report_id):
    row = db.session.get(FactReport, report_id) or abort(404)
    fact = service.fact_of(row)  # as given now, also if the plugin updated it since the report
    form, dismiss = CorrectionForm(prefix="correct"), DismissForm(prefix="dismiss")
    form.field.choices = field_choices(CORRECTABLE.get(row.section, ()), allow_other=False)
    _today_by_default(form)
    if request.method == "GET" and row.field:
        form.field.data = row.field
        form.value.data = row.what_they_saw
    if row.status == "open" and fact is not None and "correct-submit" in request.form and form.validate_on_submit():
        if _record_correction(form, fact, row.departement, row.section, row) is not None:
            db.session.commit()
            flash(_("Correction recorded: it is shown on the département page with its source."), "success")
            return redirect(url_for("corrections.index"))
    elif row.status == "open" and "dismiss-submit" in request.form and dismiss.validate_on_submit():
        row.status, row.reviewed_by, row.reviewed_at = "dismissed", current_user.email, utcnow()
        row.review_note = dismiss.review_note.data.strip()
        audit("fact.dismiss", detail=f"{row.departement} {row.section} #{row.id}")
        flash(_("Report dismissed."), "success")
        return redirect(url_for("corrections.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("corrections/review.html", row=row, fact=fact, form=form, dismiss=dismiss,
                           name=name_of(row.departement), labels=FIELD_LABELS, list_fields=LIST_FIELDS,
                           fields_now=_current_values(fact, row.section) if fact else []), status


@bp.route("/departements/<code>/corriger/<section>/<key>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def correct(code, section, key):
    """An administrator adds what is missing (a tribunal's address from its own site) or fixes a
    field without a report: the same record, source and date."""
    fact = _fact_or_404(code, section, key)
    form = CorrectionForm(prefix="correct")
    form.field.choices = field_choices(CORRECTABLE[section], allow_other=False)
    _today_by_default(form)
    if form.validate_on_submit() and _record_correction(form, fact, code, section, None) is not None:
        db.session.commit()
        flash(_("Correction recorded: it is shown on the département page with its source."), "success")
        return redirect(url_for("departements.show", code=code))
    status = 400 if form.is_submitted() else 200
    return render_template("corrections/correct.html", form=form, fact=fact, code=code, name=name_of(code),
                           fields_now=_current_values(fact, section)), status


@bp.route("/corrections/correction/<int:correction_id>/retirer", methods=["POST"])
@role_required(Role.COORDINATEUR)
def withdraw(correction_id):
    row = db.session.get(FactCorrection, correction_id) or abort(404)
    if ActionForm().validate_on_submit() and row.withdrawn_at is None:
        row.withdrawn_at, row.withdrawn_by = utcnow(), current_user.email
        audit("fact.withdraw", detail=f"{row.departement} {row.section} #{row.id}")
        flash(_("Correction withdrawn: it is no longer shown on the département page."), "success")
    return redirect(url_for("corrections.index"))


@bp.route("/corrections/patch/<plugin>.yaml")
@role_required(Role.COORDINATEUR)
def patch(plugin):
    if plugin != "national" and plugin not in service.local_facts().registry.plugins:
        abort(404)
    text = service.plugin_patch(plugin, current_app.config["ASSOCIATION_NAME"])
    audit("fact.patch", detail=plugin)
    return Response(text, mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="corrections-{plugin}.yaml"', "Cache-Control": "private, no-store"})
