"""The people who log in: volunteers, coordinators and administrators, and
the failed logins kept for throttling."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from core.web.extensions import db, utcnow


class Role(enum.StrEnum):
    """What a user may do; each role includes the ones before it."""

    BENEVOLE = "benevole"
    COORDINATEUR = "coordinateur"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


#: scrypt, werkzeug's current default, with its recommended cost.
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 10


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('benevole', 'coordinateur', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.BENEVOLE.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # Part of the id stored in the session cookie: changing it (logout,
    # new password, deactivation) ends every session of the account, even
    # a copied cookie.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(32))
    #: Secret of the user's private calendar feed; None when revoked.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(f"password shorter than {MIN_PASSWORD_LENGTH} characters")
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, role: Role) -> bool:
        return Role(self.role).rank >= role.rank

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()


class LoginFailure(db.Model):
    """One failed login, kept for the throttling window only.

    Counted per (email, address) pair, so that nobody can lock a colleague
    out from elsewhere, and per address, so that one machine cannot try many
    accounts. A browser where the account already logged in carries a device
    cookie (core/accounts/authentication.py): its failures are counted apart,
    so that whoever floods an office's shared address does not lock out the
    volunteers working there. Rows are inserted, never incremented: parallel
    attempts all count.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    remote_addr: Mapped[str] = mapped_column(String(45), index=True)
    failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: The device cookie's random part when the attempt came from a known browser, else None.
    device: Mapped[str | None] = mapped_column(String(32))
