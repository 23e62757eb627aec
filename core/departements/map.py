"""/departements/: the network's map of the 101 départements, each in the state of what the
intranet knows of it (core/departements/coverage.py), drawn on the server as SVG from the
vendored shapes (core/departements/geometry.py), with the same as a table beside it, and a field
to go straight to a département by its code or its name."""
from collections import Counter

from flask import current_app, redirect, render_template, request, url_for

from core.departements.coverage import STATES, departement_states
from core.departements.geometry import france
from core.departements.views import bp
from core.plugins.departements import find
from core.plugins.state import local_facts
from core.web import clock


@bp.route("/")
def index():
    # « Aller au département » (a GET form, ?q=): one match opens its page, several are offered,
    # none says so beside the field, what was typed kept in it (200, as the case list's search).
    q = " ".join(request.args.get("q", "").split())[:80]
    choices = find(q) if "q" in request.args else None
    if choices is not None and len(choices) == 1:
        return redirect(url_for("departements.show", code=choices[0]), 303)
    states = departement_states(local_facts(), clock.today(), current_app.config["FACT_MAX_AGE_MONTHS"])
    counts = Counter(state.state for state in states)
    return render_template("departements/index.html", states=states, by_code={s.code: s for s in states},
                           counts=counts, legend=STATES, france=france(), q=q, choices=choices,
                           max_age=current_app.config["FACT_MAX_AGE_MONTHS"])
