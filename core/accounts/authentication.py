"""Checking a login attempt, with throttling that reveals nothing.

Every failure looks the same to the person trying (same message, same
time spent hashing), whether the address exists, the password is wrong,
the account is deactivated or the attempts are throttled.

A help desk's computers share one public address: counting failures per
address alone let anyone lock the whole office out (admins included) for
the window. A browser where an account has logged in before gets a device
cookie (OWASP, "Slow down online guessing attacks with device cookies"):
with it, only that browser's own failures count for that account. A
browser without one is counted by address as before, so that guessing
passwords across accounts from one place still stops.
"""
from __future__ import annotations

import datetime as dt
import functools
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from core.accounts.models import PASSWORD_METHOD, LoginFailure, User
from core.web.extensions import db, utcnow


@functools.cache
def _dummy_hash() -> str:
    """Checked when the address is unknown, so that it costs the same time
    (made at the first login, not when the application starts)."""
    return generate_password_hash("not a real password", method=PASSWORD_METHOD)


DEVICE_COOKIE = "permanence_device"
DEVICE_COOKIE_DAYS = 365


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="permanence-device")


#: A help desk's computer is shared: the cookie remembers the last few accounts logged in on it.
DEVICE_ACCOUNTS = 10


def _read_device(cookie: str | None) -> tuple[str, list[int]] | None:
    if not cookie:
        return None
    try:
        data = _devices().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("device"), str):
        return None
    users = [user for user in data.get("users") or [] if isinstance(user, int)]
    return data["device"][:32], users


def device_cookie_value(user: User, cookie: str | None) -> str:
    """The signed ``(random part, accounts)`` a browser keeps after a login: the same random part
    while the browser keeps it, so that its failures stay counted together."""
    device, users = _read_device(cookie) or (secrets.token_hex(16), [])
    users = [user.id] + [other for other in users if other != user.id][:DEVICE_ACCOUNTS - 1]
    return _devices().dumps({"device": device, "users": users})


def known_device(cookie: str | None, user: User | None) -> str | None:
    """The random part of a valid device cookie where this account logged in, else None."""
    known = _read_device(cookie)
    if known is None or user is None or user.id not in known[1]:
        return None
    return known[0]


def authenticate(email: str, password: str, remote_addr: str, device_cookie: str | None = None) -> User | None:
    email = User.normalise_email(email)
    remote_addr = (remote_addr or "unknown")[:45]
    forget_old_failures()
    user = db.session.scalar(db.select(User).filter_by(email=email))
    device = known_device(device_cookie, user)
    password_ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if _throttled(email, remote_addr, device) or user is None or not user.active or not password_ok:
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr, device=device))
        db.session.commit()
        return None
    failures = db.delete(LoginFailure).where(LoginFailure.email == email)
    db.session.execute(failures.where(LoginFailure.device == device) if device else
                       failures.where(LoginFailure.remote_addr == remote_addr, LoginFailure.device.is_(None)))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _throttled(email: str, remote_addr: str, device: str | None) -> bool:
    config = current_app.config
    since = utcnow() - dt.timedelta(seconds=config["LOGIN_LOCK_SECONDS"])
    recent = db.select(db.func.count(LoginFailure.id)).where(LoginFailure.failed_at >= since)
    if device:  # a browser this account logged in from: its own failures only
        mine = db.session.scalar(recent.where(LoginFailure.email == email, LoginFailure.device == device))
        return mine >= config["LOGIN_MAX_FAILURES"]
    unknown = recent.where(LoginFailure.device.is_(None), LoginFailure.remote_addr == remote_addr)
    for_pair = db.session.scalar(unknown.where(LoginFailure.email == email))
    for_address = db.session.scalar(unknown)
    return for_pair >= config["LOGIN_MAX_FAILURES"] or for_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]


def forget_old_failures() -> None:
    """Failures older than the window are useless and personal: drop them."""
    since = utcnow() - dt.timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at < since))
