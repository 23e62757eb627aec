"""Administration for the network's administrators: plugins, accounts, the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.models import Role, User
from core.accounts.security import bounded_int, role_required
from core.admin.forms import AccountStateForm, UserForm
from core.corrections.service import open_report_counts
from core.plugins.conformance import check_plugin
from core.plugins.registry import DuplicateClaimError
from core.plugins.state import PluginStateError, disabled_by_configuration, enabled_names, registry, set_enabled
from core.web.audit import AuditEvent, audit, audit_action_label
from core.web.extensions import db
from core.web.forms import ActionForm
from core.web.messages import describe_plugin_error
from core.web.pagination import bounded_page

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _plugins_page(findings=None):
    return render_template("admin/plugins.html", plugins=sorted(registry().plugins.values(), key=lambda p: p.name),
                           enabled=enabled_names(), locked=disabled_by_configuration(), form=ActionForm(),
                           findings=findings, open_reports=open_report_counts())


@bp.route("/plugins")
@role_required(Role.ADMIN)
def plugins():
    return _plugins_page()


@bp.route("/plugins/<name>/<any(enable, disable):action>", methods=["POST"])
@role_required(Role.ADMIN)
def toggle(name, action):
    if ActionForm().validate_on_submit():
        try:
            set_enabled(name, action == "enable", by=current_user.email)
        except (PluginStateError, DuplicateClaimError) as exc:
            flash(describe_plugin_error(exc), "error")
            return redirect(url_for("admin.plugins"), code=303)
        audit(f"plugin.{action}", detail=name)
        if action == "enable":
            flash(_("Plugin “%(name)s” enabled.", name=name), "success")
        else:
            flash(_("Plugin “%(name)s” disabled: its départements no longer appear.", name=name), "success")
    return redirect(url_for("admin.plugins"), code=303)


@bp.route("/plugins/<name>/check", methods=["POST"])
@role_required(Role.ADMIN)
def check(name):
    if name not in registry().plugins:
        flash(describe_plugin_error(PluginStateError("unknown", name)), "error")
        return redirect(url_for("admin.plugins"), code=303)
    findings = check_plugin(registry(), name)
    if not findings:
        flash(_("Plugin “%(name)s” passes every check.", name=name), "success")
    return _plugins_page(findings=(name, findings))


# --- accounts --------------------------------------------------------------------

@bp.route("/utilisateurs", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users():
    form = UserForm()
    if form.validate_on_submit():
        user = User(email=form.email.data, name=form.name.data, role=form.role.data)
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.add(AuditEvent(user_email=current_user.email, action="user.create",
                                  detail=f"{user.email} ({user.role})"))
        db.session.commit()
        flash(_("Account %(email)s created with role %(role)s.", email=user.email, role=user.role), "success")
        return redirect(url_for("admin.users"), code=303)
    accounts = db.session.scalars(db.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", form=form, accounts=accounts, state_form=AccountStateForm(),
                           form_has_errors=bool(form.errors)), 400 if form.errors else 200


@bp.route("/utilisateurs/<int:user_id>/<any(role, deactivate, activate):action>", methods=["POST"])
@role_required(Role.ADMIN)
def user_action(user_id, action):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = AccountStateForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.users"), code=303)
    if user.id == current_user.id and action != "activate":
        flash(_("You cannot change your own role or deactivate yourself: ask another administrator."), "error")
        return redirect(url_for("admin.users"), code=303)
    if action == "role":
        user.role = form.role.data
    else:
        user.active = action == "activate"
        user.end_sessions()  # a deactivated account is logged out everywhere
    db.session.add(AuditEvent(user_email=current_user.email, action=f"user.{action}",
                              detail=f"{user.email} {user.role if action == 'role' else ''}".strip()))
    db.session.commit()
    flash(_("Account %(email)s updated.", email=user.email), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/journal")
@role_required(Role.ADMIN)
def audit_log():
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    case_id = bounded_int(request.args.get("case"), default=0) if request.args.get("case") else None
    if case_id:
        query = query.where(AuditEvent.case_id == case_id)
    page = bounded_page(query, bounded_int(request.args.get("page")), per_page=50)
    return render_template("admin/audit.html", page=page, case_id=case_id, action_label=audit_action_label)
