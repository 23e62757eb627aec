"""``/healthz``: for the load balancer, the monitoring and the deployment's smoke test. It asks
the database for one row and checks that the attachments' storage answers, and says only
"ok" or "unavailable": no version, no path, no error text (the log has those)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.accounts.security import public
from core.cases.attachments import check_storage
from core.web.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    failing = []
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except Exception:  # any failure: the database does not answer
        current_app.logger.exception("healthz: the database does not answer")
        failing.append("database")
        db.session.rollback()
    try:
        check_storage()
    except Exception:
        current_app.logger.exception("healthz: the attachments' storage does not answer")
        failing.append("storage")
    response = jsonify(status="unavailable" if failing else "ok", failing=failing)
    response.status_code = 503 if failing else 200
    response.headers["Cache-Control"] = "no-store"
    return response
