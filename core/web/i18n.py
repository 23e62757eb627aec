"""Language: the user's choice first, then the browser's, then French."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def install_template_gettext(jinja_env) -> None:
    """The templates' ``_()`` and ``ngettext()``, as Flask-Babel installs them
    (Jinja's "newstyle": autoescaped, always %-formatted) but taking the
    evaluation context only: Jinja copies the whole context at each call of a
    context function inside a loop, which cost a 100-row page half its time."""

    @pass_eval_context
    def gettext(eval_ctx, string, /, **variables):
        text = get_translations().ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        text = get_translations().ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
