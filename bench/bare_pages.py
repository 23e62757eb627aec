"""The pages' baseline: "a bare Jinja page of the same rows" (issue 12).

The application's own templates for the case list and the dashboard,
rendered by its own Jinja environment from 20 rows held in memory: no login,
no database, no audit. The HTML is the same as the real pages', so the ratio
of a real page to this one measures what reading the cases costs (login,
queries, audit), not what the layout costs; bare_app.py's minimal page is
reported beside it for reference. Served with
``gunicorn bare_pages:app --pythonpath bench`` and the bench database's
environment (create_app reads the enabled plugins there).
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from flask import render_template

ROWS = 20  # PAGE_SIZE in core/cases/listing.py, SHOWN in core/main/views.py


class _Volunteer(SimpleNamespace):
    """Stands for the logged-in user the layout greets, without a database."""

    is_authenticated, is_active, is_anonymous = True, True, False

    def has_role(self, _role) -> bool:
        return True

    def get_id(self) -> str:
        return "0"


def _pages():
    from flask import g

    from core import create_app
    from core.accounts.security import public
    from core.plugins.state import local_facts
    from core.web import messages

    application = create_app()
    today = dt.date.today()
    volunteer = _Volunteer(name="Camille Bénévole", role="admin", locale="fr")
    with application.app_context():
        covered = local_facts().departements()
        rules = application.extensions["permanence.rules"]
    demarche = next(iter(rules.demarches))
    cases = [SimpleNamespace(id=number, reference=f"D-{number:05d}", person_name=f"Amina Diallo {number}",
                             agdref=f"75000{number:05d}", demarche=demarche, departement="33",
                             next_deadline_on=today + dt.timedelta(days=number), next_deadline_kind="api-ends",
                             status="open", assigned_to=volunteer) for number in range(1, ROWS + 1)]
    listing = SimpleNamespace(items=cases, total=ROWS, page=1, pages=1, has_prev=False, has_next=False,
                              prev_num=None, next_num=None)
    upcoming = [(SimpleNamespace(date=case.next_deadline_on, kind="api-ends"), case) for case in cases]

    @application.route("/bare/dossiers")
    @public
    def bare_case_list():
        g._login_user = volunteer
        return render_template("cases/index.html", pagination=listing, q="", rules=rules, today=today,
                               messages=messages, covered=covered)

    @application.route("/bare/accueil")
    @public
    def bare_dashboard():
        g._login_user = volunteer
        return render_template("main/index.html", departements=covered, upcoming=upcoming, more=True, mine=False,
                               today=today, horizon=30, messages=messages)

    return application


app = _pages()
