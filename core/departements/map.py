"""/departements/: the network's map of the 101 départements, each in the state of what the
intranet knows of it (core/departements/coverage.py), drawn on the server as SVG from the
vendored shapes (core/departements/geometry.py), with the same as a table beside it."""
from collections import Counter

from flask import current_app, render_template

from core.departements.coverage import STATES, departement_states
from core.departements.geometry import france
from core.departements.views import bp
from core.plugins.state import local_facts
from core.web import clock


@bp.route("/")
def index():
    states = departement_states(local_facts(), clock.today(), current_app.config["FACT_MAX_AGE_MONTHS"])
    counts = Counter(state.state for state in states)
    return render_template("departements/index.html", states=states, by_code={s.code: s for s in states},
                           counts=counts, legend=STATES, france=france(),
                           max_age=current_app.config["FACT_MAX_AGE_MONTHS"])
