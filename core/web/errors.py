"""Error pages: translated, in the layout, never a traceback."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from core.rules import SituationError


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("The form expired or did not come from this site. Go back, reload the page "
                    "and send it again: nothing was saved.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(SituationError)
    def situation_does_not_fit(error):
        """A case saved under rules that have changed since (a kind no longer offered, a date now out of
        range): its pages send the volunteer to the form to correct it, instead of failing."""
        from core.web.extensions import db
        from core.web.messages import describe_situation_error

        db.session.rollback()
        message = _("This case's situation does not fit the current rules: %(error)s Correct it below; nothing "
                    "else of the case is lost.", error=describe_situation_error(error))
        case_id = (request.view_args or {}).get("case_id")
        if case_id is not None and request.blueprint in ("cases", "letters"):
            flash(message, "error")
            return redirect(url_for("cases.edit", case_id=case_id), 303)
        return render_template("errors/error.html", code=409, message=message), 409

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _make_handler(code))


def _make_handler(code):
    def handler(error):
        if code == 500:  # a failed statement leaves the session unusable: the page must still render
            from core.web.extensions import db
            db.session.rollback()
        messages = {
            400: _("The request is not valid."),
            403: _("Your role does not give access to this page."),
            404: _("This page does not exist."),
            405: _("This action is not available this way."),
            413: _("The file is too large."),
            500: _("An unexpected error occurred. Nothing you had already saved is lost; "
                   "please try again, and tell your coordinator if it persists."),
        }
        if request.path.startswith("/api/"):
            return jsonify(error=messages[code], field=None), code
        return render_template("errors/error.html", code=code, message=messages[code]), code
    return handler
