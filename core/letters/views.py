"""Letters of a case: choose, fill, review and edit, then generate the PDF
(or the email), kept with the case and in its evidence log."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.security import bounded_int
from core.cases import service
from core.cases.evidence import sha256_of
from core.cases.service import get_case
from core.corrections.service import CorrectedFacts
from core.letters import compose
from core.letters.catalogue import catalogue
from core.letters.compose import build_context, build_eml, letter_html, mailto, recipient_for, remaining_todos
from core.letters.forms import LetterForm
from core.letters.models import Letter
from core.letters.service import recommended_letters
from core.plugins.state import local_facts
from core.web import clock, messages
from core.web.audit import audit
from core.web.extensions import db
from core.web.pdf import PdfEngineError, render_pdf

bp = Blueprint("letters", __name__, url_prefix="/dossiers/<int:case_id>/courriers", template_folder="templates")


def _spec(case, slug):
    spec = next((s for s in catalogue(local_facts(), case.departement) if s.slug == slug), None)
    if spec is None:
        abort(404)
    return spec


@bp.route("")
def index(case_id):
    case = get_case(case_id)
    facts = local_facts()
    result = service.assess_case(case)
    channel = result.assessment.channel.kind
    recommended = recommended_letters(case, result)
    first = {item.spec.slug for item in recommended}
    corrected = CorrectedFacts(facts, case.departement)  # this instance's corrections (an address) go in the letters
    rows = []
    for spec in catalogue(facts, case.departement):
        _recipient, missing = recipient_for(spec, corrected, case.departement)
        if spec.slug not in first:
            rows.append((spec, missing, channel in spec.channels))
    missing_for = {item.spec.slug: recipient_for(item.spec, corrected, case.departement)[1] for item in recommended}
    letters = db.session.scalars(db.select(Letter).where(Letter.case_id == case.id)
                                 .order_by(Letter.created_at.desc())).all()
    # Just generated (the redirect below says which): offered first, where the volunteer lands.
    ready = next((letter for letter in letters if letter.id == bounded_int(request.args.get("pret"), 0)), None)
    return render_template("letters/index.html", case=case, rows=rows, letters=letters, messages=messages,
                           mailto=mailto, recommended=recommended, missing_for=missing_for, ready=ready)


@bp.route("/<slug>", methods=["GET", "POST"])
def prepare(case_id, slug):
    case = get_case(case_id)
    spec = _spec(case, slug)
    facts = CorrectedFacts(local_facts(), case.departement)  # this instance's corrections go in the letter
    recipient, missing = recipient_for(spec, facts, case.departement)
    rules = current_app.extensions["permanence.rules"]
    form = LetterForm()
    form.pieces.choices = [(e.id, f"#{e.sequence} – {messages.evidence_kind_label(e.kind)} – "
                                  f"{messages.long_date(e.occurred_at.date())}") for e in case.entries]
    form.grounds.choices = [(g.slug, g.title) for g in rules.legal_grounds.values()]
    if missing:  # said before anything is generated, not printed as an empty address
        return render_template("letters/prepare.html", case=case, spec=spec, form=form, missing=missing,
                               messages=messages, stage="missing"), 409
    result = service.assess_case(case)
    route = result.assessment.court_route
    if spec.purpose == "refere" and route is not None and route.kind != "refere-mesures-utiles":
        # Once an implicit rejection exists, L.521-3 is not the route: say which one is.
        return render_template("letters/prepare.html", case=case, spec=spec, form=form, route=route,
                               messages=messages, stage="wrong-route"), 409
    stage, todos, status = "choose", [], 200
    if form.validate_on_submit():
        context = _context(case, result, facts, recipient, form)
        if form.prepare.data or not form.body.data:
            try:
                form.subject.data, form.body.data = compose.render_text(spec, context)
            except compose.LetterTemplateError as error:
                covered = facts.departement(case.departement) if spec.plugin else None
                plugin = covered[1].name if covered else None
                current_app.logger.warning("letter template %s (plugin %s): %s", spec.slug, plugin, error)
                return render_template("letters/prepare.html", case=case, spec=spec, form=form, error=error,
                                       plugin=plugin, messages=messages, stage="template-error"), 409
            stage = "review"
        else:
            form.subject.data = " ".join((form.subject.data or "").split())  # one line, as an email subject must be
            todos = remaining_todos(form.subject.data, form.body.data)
            if recipient.caution and not form.recipient_checked.data:
                form.recipient_checked.errors = list(form.recipient_checked.errors) + [
                    _("Check the address against the préfecture's own text first.")]
            if todos or not form.subject.data or form.recipient_checked.errors:
                stage, status = "review", 400
            else:
                try:
                    letter = _generate(case, spec, context, recipient, form)
                except PdfEngineError as error:
                    flash(_("The PDF could not be generated: %(error)s", error=str(error)), "error")
                    stage, status = "review", 503
                except service.ChainBusy:
                    flash(_("Colleagues were adding to this case's log at the same moment: the letter was not "
                            "generated. Your text is below: generate it again."), "error")
                    stage, status = "review", 409
                except (service.StorageError, OSError):
                    current_app.logger.exception("case %s: the attachments' storage failed", case.id)
                    flash(_("The attachments' storage did not answer: the letter was not generated. Your text is "
                            "below: generate it again in a moment."), "error")
                    stage, status = "review", 503
                else:
                    return redirect(url_for("letters.index", case_id=case.id, pret=letter.id))
    elif request.method == "POST":
        stage, status = "choose", 400
    return render_template("letters/prepare.html", case=case, spec=spec, form=form, recipient=recipient,
                           stage=stage, todos=todos, messages=messages,
                           form_has_errors=bool(form.errors or todos)), status


def _context(case, result, facts, recipient, form):
    chosen = set(form.pieces.data or [])
    pieces = [e for e in case.entries if e.id in chosen]
    rules = current_app.extensions["permanence.rules"]
    grounds = [rules.legal_grounds[slug] for slug in (form.grounds.data or []) if slug in rules.legal_grounds]
    context = build_context(case, result, facts, volunteer_name=current_user.name, pieces=pieces, grounds=grounds,
                            urgency=(form.urgency.data or "").strip(), person_in_copy=form.person_in_copy.data,
                            confirmation_attached=form.confirmation_attached.data,
                            anef_checked=form.anef_checked.data)
    context["recipient"] = recipient
    return context


def _stored_or_none(digest: str) -> bytes | None:
    try:
        return service.storage().read(digest)
    except FileNotFoundError:
        return None


def _generate(case, spec, context, recipient, form):
    subject, body = form.subject.data, form.body.data
    stamp = clock.today().isoformat()
    if spec.kind == "email":
        files = [(a.filename, a.media_type, data) for piece in context["pieces"] for a in piece["entry"].attachments
                 if (data := _stored_or_none(a.sha256)) is not None]  # a missing file: the log's verification says so
        data = build_eml(spec, subject, body, context, files)
        upload = service.Upload(f"{spec.slug}-{stamp}.eml", data, "message/rfc822")
        engine = None
    else:
        engine = compose.engine()
        data = render_pdf(letter_html(spec, subject, body, context), engine=engine)
        upload = service.check_upload(f"{spec.slug}-{stamp}.pdf", data)
    # Saved with its entry, whose hash covers the text as validated (docs/evidence.md).
    letter = Letter(case_id=case.id, slug=spec.slug, title=spec.title, kind=spec.kind, subject=subject, body=body,
                    recipient="\n".join(recipient.lines + ([recipient.email] if recipient.email else [])),
                    file_name=upload.filename, media_type=upload.media_type, sha256=sha256_of(upload.data),
                    engine=engine, created_by=current_user.email, created_at=service.utcnow().replace(microsecond=0))
    service.append_entry(case, kind="letter-generated", occurred_at=service.utcnow(),
                         summary=f"{spec.title} – {subject}", by=current_user.email,
                         reference=recipient.email or None, uploads=[upload], letter=letter)
    audit("letter.generate", case, f"{spec.slug} {letter.sha256[:12]}")
    return letter


@bp.route("/archives/<int:letter_id>")
def download(case_id, letter_id):
    case = get_case(case_id)
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.case_id != case.id:
        abort(404)
    data = _stored_or_none(letter.sha256)
    if data is None:
        abort(404)
    audit("letter.download", case, letter.file_name)
    return Response(data, mimetype=letter.media_type, headers={
        "Content-Disposition": f'attachment; filename="{letter.file_name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})
