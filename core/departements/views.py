"""What the enabled plugins say about one département."""
from flask import Blueprint, abort, render_template

from core.corrections.service import correction_helpers
from core.plugins.conformance import departement_gaps
from core.plugins.departements import SOURCE as SEAT_SOURCE
from core.plugins.departements import name_of, prefecture_seat_of
from core.plugins.fields import INSEE_DEPARTEMENT
from core.plugins.state import local_facts
from core.rules.pan import LEGAL_BASIS as PAN_LEGAL_BASIS
from core.rules.pan import pan_compliance
from core.web.messages import describe_gap, describe_pan_shortfall

bp = Blueprint("departements", __name__, url_prefix="/departements", template_folder="templates")


@bp.route("/<code>")
def show(code):
    if not INSEE_DEPARTEMENT.fullmatch(code) or name_of(code) is None:
        abort(404)
    facts = local_facts()
    covered = facts.departement(code)
    pan_vectors = facts.pan_vectors(code)
    # The national layer's resources are the same on every page: folded under the département's own.
    resources = facts.resources(code)
    return render_template(
        "departements/show.html", code=code, covered=covered, name=name_of(code),
        seat=prefecture_seat_of(code), seat_source=SEAT_SOURCE,
        services=facts.prefecture_services(code), channels=facts.filing_channels(code),
        pan_vectors=pan_vectors, pan=pan_compliance(pan_vectors), pan_legal_basis=PAN_LEGAL_BASIS,
        describe_pan_shortfall=describe_pan_shortfall, describe_gap=describe_gap,
        gaps=departement_gaps(facts, code),
        substitution=facts.substitution_modality(code),
        pitfalls=facts.local_pitfalls(code), tribunal=facts.tribunal(code),
        own_resources=[fact for fact in resources if not facts.is_national(fact)],
        national_resources=[fact for fact in resources if facts.is_national(fact)],
        origin_of=lambda fact: facts.origin(fact, code),
        **correction_helpers(code))


from core.departements import map as _map  # noqa: E402,F401  (registers /departements/, the network map)
