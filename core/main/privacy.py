"""The privacy notice, public, to show the people helped."""
from flask import Blueprint, render_template
from flask_babel import get_locale

from core.accounts.security import public

bp = Blueprint("privacy", __name__)


@bp.route("/confidentialite")
@public
def notice():
    language = "en" if str(get_locale()).startswith("en") else "fr"
    return render_template(f"privacy/notice_{language}.html")
