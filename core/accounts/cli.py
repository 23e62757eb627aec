"""``flask --app core users create|list``."""
from __future__ import annotations

import click
from flask_babel import gettext as _

from core.accounts.models import MIN_PASSWORD_LENGTH, Role, User
from core.web.cli import CommandGroup
from core.web.extensions import db

users_cli = CommandGroup("users", help="Manage the intranet's accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Name shown to colleagues.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.BENEVOLE.value, show_default=True)
@click.password_option(help=f"At least {MIN_PASSWORD_LENGTH} characters; asked for when omitted.")
def users_create(email, name, role, password):
    """Create an account that logs in with EMAIL."""
    email = User.normalise_email(email)
    if "@" not in email:
        raise click.ClickException(_("“%(email)s” is not an email address.", email=email))
    if db.session.scalar(db.select(User).filter_by(email=email)):
        raise click.ClickException(_("An account already uses %(email)s.", email=email))
    user = User(email=email, name=name, role=role)
    try:
        user.set_password(password)
    except ValueError:
        raise click.ClickException(_("The password must be at least %(min)d characters long.",
                                     min=MIN_PASSWORD_LENGTH)) from None
    db.session.add(user)
    db.session.commit()
    click.echo(_("Account %(email)s created with role %(role)s.", email=email, role=role))


@users_cli.command("list")
def users_list():
    """List accounts and their roles."""
    for user in db.session.scalars(db.select(User).order_by(User.email)):
        state = "" if user.active else _("(deactivated)")
        click.echo(f"{user.email:<40} {user.role:<13} {user.name} {state}".rstrip())
