"""Command-line administration: ``flask --app core plugins|users|demo …``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from core.accounts.models import MIN_PASSWORD_LENGTH, Role, User
from core.plugins.conformance import check_plugin
from core.plugins.registry import DuplicateClaimError
from core.plugins.state import PluginStateError, disabled_by_configuration, enabled_names, registry, set_enabled
from core.web.extensions import db
from core.web.messages import describe_plugin_error

plugins_cli = AppGroup("plugins", help="List, enable, disable and check département plugins.")
users_cli = AppGroup("users", help="Manage the intranet's accounts.")
demo_cli = AppGroup("demo", help="Demo data for a first look (never in production).")
cases_cli = AppGroup("cases", help="Case files: verify evidence logs, refresh deadlines.")
retention_cli = AppGroup("retention", help="Delete the personal data of cases closed long ago.")
stats_cli = AppGroup("stats", help="Statistics exports of several instances.")


@plugins_cli.command("list")
def plugins_list():
    """Show installed plugins, their départements and whether they are enabled."""
    enabled, locked = enabled_names(), disabled_by_configuration()
    for info in sorted(registry().plugins.values(), key=lambda p: p.name):
        state = _("enabled") if info.name in enabled else _("disabled")
        if info.name in locked:
            state += " " + _("by the configuration (PERMANENCE_DISABLED_PLUGINS)")
        covers = ", ".join(f"{d.code} {d.name}" for d in info.departements) or _("(national defaults)")
        click.echo(f"{info.name:<12} {info.version:<8} {state:<10} {covers}")
        click.echo(f"{'':<12} {info.distribution} – {info.entry_point}")
    not_loaded = _("not loaded (PERMANENCE_DISABLED_PLUGINS)")
    for name in registry().skipped:
        click.echo(f"{name:<12} {'':<8} {not_loaded}")


@plugins_cli.command("enable")
@click.argument("name")
def plugins_enable(name):
    """Enable NAME: its hooks are called from the next request on."""
    _set(name, True)
    click.echo(_("Plugin “%(name)s” enabled.", name=name))


@plugins_cli.command("disable")
@click.argument("name")
def plugins_disable(name):
    """Disable NAME: its hooks are never called again until re-enabled."""
    _set(name, False)
    click.echo(_("Plugin “%(name)s” disabled: its départements no longer appear.", name=name))


def _set(name, enabled):
    try:
        set_enabled(name, enabled, by="cli")
    except (PluginStateError, DuplicateClaimError) as exc:
        raise click.ClickException(describe_plugin_error(exc)) from None


@plugins_cli.command("check")
@click.argument("name", required=False)
def plugins_check(name):
    """Run the conformance kit on NAME, or on every installed plugin."""
    names = [name] if name else sorted(registry().plugins)
    if name and name not in registry().plugins:
        raise click.ClickException(describe_plugin_error(PluginStateError("unknown", name)))
    failures = 0
    for plugin_name in names:
        findings = check_plugin(registry(), plugin_name)
        failures += len(findings)
        for finding in findings:
            click.echo(str(finding), err=True)
        if not findings:
            click.echo(_("%(name)s: OK", name=plugin_name))
    if failures:
        raise click.ClickException(_("%(count)d problem(s) found.", count=failures))


@plugins_cli.command("new")
@click.argument("code")
@click.option("--name", help="Plugin name (default: from the département's name, e.g. rhone).")
@click.option("--directory", type=click.Path(file_okay=False), help="Where to write it (default: ./permanence-NAME).")
def plugins_new(code, name, directory):
    """Write a new plugin package for département CODE, ready for pip install -e."""
    from pathlib import Path

    from core.plugins.scaffold import ScaffoldError, plugin_name_for, write_plugin

    code = code.strip().upper()
    try:
        name = name or plugin_name_for(code)
        target = write_plugin(code, Path(directory or f"permanence-{name}"), name=name)
    except (ScaffoldError, TypeError):
        raise click.ClickException(_("Cannot create the plugin for “%(code)s”: check the département code "
                                     "and that the directory is empty.", code=code)) from None
    claimed = [info.name for info in registry().plugins.values() if code in info.codes]
    click.echo(_("Plugin “%(name)s” written in %(path)s.", name=name, path=target))
    if claimed:
        click.echo(_("Département %(code)s is already covered by “%(other)s”: only one of the two can be "
                     "enabled.", code=code, other=claimed[0]))
    click.echo(_("Next: pip install -e %(path)s, then flask --app core plugins check %(name)s, then fill "
                 "%(path)s/%(package)s/facts.yaml with sourced facts.", path=target, name=name,
                 package="permanence_" + name.replace("-", "_")))


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


#: Demo accounts: printed by `make run`, refused in production.
DEMO_ACCOUNTS = (
    ("benevole@example.org", "Camille Bénévole", Role.BENEVOLE, "demo-benevole"),
    ("coordination@example.org", "Dominique Coordination", Role.COORDINATEUR, "demo-coordination"),
    ("admin@example.org", "Alex Administration", Role.ADMIN, "demo-administration"),
)


@demo_cli.command("seed")
def demo_seed():
    """Create the demo accounts on an empty instance, and print them."""
    if current_app.config["PERMANENCE_ENV"] == "production":
        raise click.ClickException(_("Demo data is refused in production."))
    if db.session.scalar(db.select(db.func.count(User.id))):
        click.echo(_("Demo data already present (the instance has accounts): nothing to do."))
    else:
        for email, name, role, password in DEMO_ACCOUNTS:
            user = User(email=email, name=name, role=role.value)
            user.set_password(password)
            db.session.add(user)
        db.session.commit()
    from core.cases.demo import seed_demo_cases
    created = seed_demo_cases()
    if created:
        click.echo(_("%(count)d demo cases created.", count=created))
    if db.session.scalar(db.select(User).filter_by(email=DEMO_ACCOUNTS[0][0])):
        banner = "=" * 72
        click.echo(banner)
        click.echo(_("DEMO ACCOUNTS – for trying Permanence only, never for real data"))
        password_label = _("password")
        for email, _name, role, password in DEMO_ACCOUNTS:
            click.echo(f"  {role.value:<13} {email:<28} {password_label}: {password}")
        click.echo(banner)


@cases_cli.command("verify")
@click.argument("reference", required=False)
def cases_verify(reference):
    """Verify the evidence log of one case (D-00001) or of every case."""
    from core.cases.models import Case
    from core.cases.service import verify_case
    from core.web.messages import describe_chain_check

    if reference:
        number = reference.upper().removeprefix("D-")
        case = db.session.get(Case, int(number)) if number.isdigit() else None
        if case is None:
            raise click.ClickException(_("No case %(reference)s.", reference=reference))
        cases = [case]
    else:
        cases = db.session.scalars(db.select(Case).order_by(Case.id)).all()
    broken = 0
    for case in cases:
        check = verify_case(case)
        broken += not check.ok
        click.echo(f"{case.reference}: {describe_chain_check(check)}", err=not check.ok)
    if broken:
        raise click.ClickException(_("%(count)d log(s) tampered with.", count=broken))


@cases_cli.command("refresh-deadlines")
def cases_refresh_deadlines():
    """Recompute every open case's deadlines (run daily, e.g. from cron)."""
    from core.cases.models import Case
    from core.cases.service import refresh_deadlines

    count = 0
    for case in db.session.scalars(db.select(Case).where(Case.status != "closed")):
        refresh_deadlines(case)
        count += 1
    db.session.commit()
    click.echo(_("%(count)d case(s) refreshed.", count=count))


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The date to count from (default: today).")
def retention_run(dry_run, today):
    """Delete the personal data of cases closed more than RETENTION_MONTHS ago, keeping anonymous counts."""
    import datetime as dt

    from core.cases.retention import delete_for_retention, expired_cases

    day = today.date() if today else dt.date.today()
    cases = expired_cases(day)
    for case in cases:
        click.echo(_("%(reference)s, closed on %(date)s", reference=case.reference, date=case.closed_at.date()))
        if not dry_run:
            delete_for_retention(case, day)
    if dry_run:
        click.echo(_("%(count)d case(s) would be deleted (dry run: nothing deleted).", count=len(cases)))
    else:
        click.echo(_("%(count)d case(s) deleted; their anonymous counts are kept.", count=len(cases)))


@stats_cli.command("merge")
@click.argument("files", nargs=-1, required=True, type=click.File("r", encoding="utf-8"))
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
def stats_merge(files, output):
    """Merge the CSV exports (permanence-stats/1) of several instances."""
    from core.stats.counts import MergeError, merge_csv

    try:
        output.write(merge_csv([f.read() for f in files], current_app.config["STATS_SUPPRESSION_THRESHOLD"]))
    except MergeError as error:
        raise click.ClickException(str(error)) from None


def init_app(app):
    for group in (plugins_cli, users_cli, demo_cli, cases_cli, retention_cli, stats_cli):
        app.cli.add_command(group)
