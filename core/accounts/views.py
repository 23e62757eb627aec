"""Logging in and out, the user's own account, and the language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core.accounts.authentication import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, authenticate, device_cookie_value
from core.accounts.forms import LANGUAGE_NAMES, LocaleForm, LoginForm, PasswordForm
from core.accounts.models import MIN_PASSWORD_LENGTH
from core.accounts.security import public, safe_next_url
from core.web.extensions import db
from core.web.forms import ActionForm
from core.web.i18n import locale_code

bp = Blueprint("auth", __name__, template_folder="templates")

@bp.app_context_processor
def language_menu():
    """What the layout's language menu needs. The menu is written in base.html, not rendered by
    WTForms at every page (a third of the layout's time); ``set_locale`` validates what it posts
    with ``LocaleForm``, whose field names it uses."""
    return {"language_names": LANGUAGE_NAMES, "locale_code": locale_code}


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, request.remote_addr,
                            request.cookies.get(DEVICE_COOKIE))
        if user is not None:
            locale = session.get("locale")
            session.clear()  # a fresh session: no fixation
            session.permanent = True
            if locale and not user.locale:
                user.locale = locale
                db.session.commit()
            login_user(user)
            response = redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
            response.set_cookie(DEVICE_COOKIE, device_cookie_value(user, request.cookies.get(DEVICE_COOKIE)),
                                max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
        minutes = current_app.config["LOGIN_LOCK_SECONDS"] // 60
        flash(_("Wrong email address or password. After several failures, wait %(minutes)d minutes "
                "before trying again.", minutes=minutes), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
def logout():
    current_user.end_sessions()  # a copied session cookie stops working too
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte", methods=["GET", "POST"])
def account():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            current_user.set_password(form.new.data)  # ends the other sessions
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session, with the new token
            flash(_("Your password has been changed. Your other sessions are closed."), "success")
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("auth/account.html", form=form, min_password_length=MIN_PASSWORD_LENGTH,
                           calendar_form=ActionForm())


@bp.route("/langue", methods=["POST"])
@public
def set_locale():
    form = LocaleForm(prefix="locale")
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("main.index"))
