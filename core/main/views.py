"""The home page: the deadlines of the coming days first, then the départements."""
import datetime as dt

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core.accounts.models import Role
from core.cases.models import Case, CaseDeadline
from core.corrections.service import open_report_counts, unseen_outcomes
from core.plugins.state import local_facts
from core.web import clock, messages
from core.web.extensions import db

bp = Blueprint("main", __name__, template_folder="templates")

HORIZON_DAYS = 30
#: A page a volunteer reads at a glance; the case list, sorted the same way, has the rest.
SHOWN = 20


@bp.route("/")
def index():
    today = clock.today()
    query = (db.select(CaseDeadline, Case).join(Case)
             .where(Case.status != "closed", CaseDeadline.date >= today,
                    CaseDeadline.date <= today + dt.timedelta(days=HORIZON_DAYS))
             .order_by(CaseDeadline.date, CaseDeadline.case_id))  # the index ix_case_deadlines_date_case
    mine = request.args.get("mine") == "1"
    if mine:
        query = query.where(Case.assigned_to_id == current_user.id)
    upcoming = db.session.execute(query.options(selectinload(Case.assigned_to)).limit(SHOWN + 1)).all()
    reports = sum(open_report_counts().values()) if current_user.has_role(Role.COORDINATEUR) else 0
    return render_template("main/index.html", departements=local_facts().departements(), upcoming=upcoming[:SHOWN],
                           more=len(upcoming) > SHOWN, mine=mine, today=today, horizon=HORIZON_DAYS,
                           messages=messages, open_reports=reports, outcomes=unseen_outcomes(current_user.email))
