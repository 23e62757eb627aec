"""Logging in and out, the user's own account, and the language switch."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from core.extensions import db
from core.models import MIN_PASSWORD_LENGTH, User, utcnow
from core.security import public, safe_next_url

bp = Blueprint("auth", __name__)

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, message=_l(
            "The password must be at least %(min)d characters long.", min=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change my password"))


class LocaleForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice(code, name, render_kw={"lang": code})
                                                  for code, name in LANGUAGE_NAMES.items()])
    submit = SubmitField(_l("Change"))


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).filter_by(email=User.normalise_email(form.email.data)))
        now = utcnow()
        if user is not None and user.locked_until and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
            flash(_("Too many failed attempts: try again in %(minutes)d minutes.", minutes=minutes), "error")
        elif user is not None and user.active and user.check_password(form.password.data):
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            db.session.commit()
            session.clear()  # no session fixation
            session.permanent = True
            login_user(user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        else:
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                    user.locked_until = now + dt.timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
                    user.failed_logins = 0
                db.session.commit()
            flash(_("Wrong email address or password."), "error")
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte", methods=["GET", "POST"])
def account():
    password_form = PasswordForm(prefix="password")
    locale_form = LocaleForm(prefix="locale", locale=current_user.locale or "fr")
    if password_form.submit.data and password_form.validate_on_submit():
        if current_user.check_password(password_form.current.data):
            current_user.set_password(password_form.new.data)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
        password_form.current.errors.append(_("This is not your current password."))
    return render_template("auth/account.html", password_form=password_form, locale_form=locale_form)


@bp.route("/langue", methods=["POST"])
@public
def set_locale():
    form = LocaleForm(prefix="locale")
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
