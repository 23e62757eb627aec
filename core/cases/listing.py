"""The case list: filters in the address, the search's text in the session, one page read from
an index whatever the number of cases (docs/performance.md). The rest of the case pages, on the
same blueprint, are in views.py."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from core.accounts.security import bounded_int
from core.cases import search, service
from core.cases.models import Case
from core.plugins.state import local_facts
from core.web import clock, messages
from core.web.audit import audit
from core.web.extensions import db
from core.web.pagination import bounded_page

bp = Blueprint("cases", __name__, url_prefix="/dossiers", template_folder="templates")

PAGE_SIZE = 20


def covered_departements():
    return local_facts().departements()


# --- the list ------------------------------------------------------------------------

#: The list's filters, kept in its address (a search's text is not: see ``search_cases``).
LIST_FILTERS = ("departement", "demarche", "status", "sort", "mine")
SEARCH_KEY = "case_search"


@bp.route("")
def index():
    if "q" in request.args:  # an address from before: its text moves out of the address at once
        return _search_redirect(request.args.get("q", ""), request.args)
    query = db.select(Case)
    q = session.get(SEARCH_KEY, "") if request.args.get("recherche") else ""
    if q:
        query = query.where(search.matching(q, db.session.get_bind().dialect.name))
    for name in ("departement", "demarche", "status"):
        value = (request.args.get(name) or "").strip()
        if value:
            query = query.where(getattr(Case, name) == (value.upper() if name == "departement" else value))
    if request.args.get("mine"):
        query = query.where(Case.assigned_to_id == current_user.id)
    today = clock.today()
    service.catch_up_next_deadlines(today)  # the stored next deadlines, shown and sorted on, as of today
    if request.args.get("sort") == "updated":
        query = query.order_by(Case.updated_at.desc())
    else:  # by next deadline, cases without one last: the order of the index ix_cases_next_deadline
        query = query.order_by(Case.next_deadline_on.is_(None), Case.next_deadline_on, Case.updated_at.desc())
    # What was searched may be a person's name: the audit log keeps the filters, not the text.
    # Written first: a commit after the query would expire the rows and reload each one.
    filters = {k: v for k, v in request.args.items() if k in ("departement", "demarche", "status", "mine", "page")}
    audit("case.list", detail=" ".join(f"{k}={v}" for k, v in filters.items()) + (" +search" if q else ""))
    query = query.options(joinedload(Case.assigned_to))  # the next deadline is stored on the case
    pagination = bounded_page(query, bounded_int(request.args.get("page")), per_page=PAGE_SIZE)
    rules = current_app.extensions["permanence.rules"]
    return render_template("cases/index.html", pagination=pagination, q=q, rules=rules, today=today,
                           messages=messages, covered=covered_departements())


@bp.post("/recherche")
def search_cases():
    """The search box is sent in the body and kept in the session: a person's name or AGDREF
    number never appears in an address, so never in an access log or the browser's history."""
    return _search_redirect(request.form.get("q", ""), request.form)


def _search_redirect(text: str, values):
    text = " ".join(text.split())[:120]
    if text:
        session[SEARCH_KEY] = text
    else:
        session.pop(SEARCH_KEY, None)
    kept = {name: values.get(name) for name in LIST_FILTERS if values.get(name)}
    return redirect(url_for("cases.index", recherche=1 if text else None, **kept), 303)
