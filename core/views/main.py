"""The home page: what a volunteer needs first."""
from flask import Blueprint, render_template

from core.plugin_state import local_facts

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html", departements=local_facts().departements())
