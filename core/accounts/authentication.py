"""Checking a login attempt, with throttling that reveals nothing.

Every failure looks the same to the person trying (same message, same
time spent hashing), whether the address exists, the password is wrong,
the account is deactivated or the attempts are throttled.
"""
from __future__ import annotations

import datetime as dt
import functools

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from core.accounts.models import PASSWORD_METHOD, LoginFailure, User
from core.web.extensions import db, utcnow


@functools.cache
def _dummy_hash() -> str:
    """Checked when the address is unknown, so that it costs the same time
    (made at the first login, not when the application starts)."""
    return generate_password_hash("not a real password", method=PASSWORD_METHOD)


def authenticate(email: str, password: str, remote_addr: str) -> User | None:
    email = User.normalise_email(email)
    remote_addr = (remote_addr or "unknown")[:45]
    forget_old_failures()
    user = db.session.scalar(db.select(User).filter_by(email=email))
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if _throttled(email, remote_addr) or user is None or not user.active or not password_ok:
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr))
        db.session.commit()
        return None
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.email == email,
                                                     LoginFailure.remote_addr == remote_addr))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _throttled(email: str, remote_addr: str) -> bool:
    config = current_app.config
    since = utcnow() - dt.timedelta(seconds=config["LOGIN_LOCK_SECONDS"])
    recent = db.select(db.func.count(LoginFailure.id)).where(LoginFailure.failed_at >= since)
    for_pair = db.session.scalar(recent.where(LoginFailure.email == email, LoginFailure.remote_addr == remote_addr))
    for_address = db.session.scalar(recent.where(LoginFailure.remote_addr == remote_addr))
    return for_pair >= config["LOGIN_MAX_FAILURES"] or for_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def forget_old_failures() -> None:
    """Failures older than the window are useless and personal: drop them."""
    since = utcnow() - dt.timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at < since))
