"""Plugin administration for the network's administrators."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from core.conformance import check_plugin
from core.messages import describe_plugin_error
from core.models import Role
from core.plugin_state import PluginStateError, disabled_by_configuration, enabled_names, registry, set_enabled
from core.registry import DuplicateClaimError
from core.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


class ActionForm(FlaskForm):
    """An empty form: the button's CSRF token is all a plugin action needs."""


def _plugins_page(findings=None):
    return render_template("admin/plugins.html", plugins=sorted(registry().plugins.values(), key=lambda p: p.name),
                           enabled=enabled_names(), locked=disabled_by_configuration(), form=ActionForm(),
                           findings=findings)


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
