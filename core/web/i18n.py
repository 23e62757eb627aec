"""Language: the user's choice first, then the browser's, then French."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # An empty session is nobody logged in (no "remember me" cookie here): the API's requests
    # do not pay for Flask-Login's look-up (a tenth of an assessment's time).
    if session and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code() -> str:
    """The language of what is being written ("fr", "en"), as Flask-Babel's
    ``get_locale()`` says, ``force_locale`` included, but read where Flask-Babel
    keeps it once chosen: its ``get_locale()`` and ``str()`` of the result
    cost about 10 µs, and a list page asks a hundred times."""
    app_context = _cv_app.get(None)
    state = getattr(app_context.g, "_flask_babel", None) if app_context is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        locale = get_locale()
        if locale is None:  # no application context: the default language
            return current_app.config["BABEL_DEFAULT_LOCALE"] if app_context else "fr"
    if locale.territory or locale.script or locale.variant:
        return str(locale)
    return locale.language


def _catalogue():
    """The gettext catalogue of ``locale_code()``, loaded once per language by
    Flask-Babel and then kept in the application (the templates ask for it at
    every ``_()``)."""
    code = locale_code()
    app_context = _cv_app.get(None)
    if app_context is None:
        return get_translations()
    catalogues = app_context.app.extensions.setdefault("permanence.catalogues", {})
    catalogue = catalogues.get(code)
    if catalogue is None:
        catalogue = catalogues[code] = get_translations()
    return catalogue


def install_template_gettext(jinja_env) -> None:
    """The templates' ``_()`` and ``ngettext()``, as Flask-Babel installs them
    (Jinja's "newstyle": autoescaped, always %-formatted) but taking the
    evaluation context only: Jinja copies the whole context at each call of a
    context function inside a loop, which cost a 100-row page half its time."""

    @pass_eval_context
    def gettext(eval_ctx, string, /, **variables):
        text = _catalogue().ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        text = _catalogue().ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def french(text):
    """The rules' and facts' own French (a note, a legal basis, a step of the ladder) marked as
    such on a page in another language, so that a screen reader reads it in French (WCAG 3.1.2)."""
    if not text or locale_code() == "fr":
        return text
    return Markup('<span lang="fr">{}</span>').format(text)
