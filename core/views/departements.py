"""What the enabled plugins say about one département."""
from flask import Blueprint, abort, render_template

from core.facts import INSEE_DEPARTEMENT
from core.plugin_state import local_facts

bp = Blueprint("departements", __name__, url_prefix="/departements")


@bp.route("/<code>")
def show(code):
    if not INSEE_DEPARTEMENT.match(code):
        abort(404)
    facts = local_facts()
    covered = facts.departement(code)
    return render_template(
        "departements/show.html", code=code, covered=covered,
        services=facts.prefecture_services(code), channels=facts.filing_channels(code),
        pan_vectors=facts.pan_vectors(code), substitution=facts.substitution_modality(code),
        pitfalls=facts.local_pitfalls(code), tribunal=facts.tribunal(code),
        resources=facts.resources(code))
