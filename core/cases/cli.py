"""``flask --app core demo seed``, ``cases verify|refresh-deadlines``, ``retention run``."""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import gettext as _

from core.accounts.models import Role, User
from core.web import clock
from core.web.cli import CommandGroup
from core.web.extensions import db

demo_cli = CommandGroup("demo", help="Demo data for a first look (never in production).")
cases_cli = CommandGroup("cases", help="Case files: verify evidence logs, refresh deadlines.")
retention_cli = CommandGroup("retention", help="Delete the personal data of cases closed long ago.")


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
    """Recompute every open case's deadlines and the database's statistics (run daily, e.g. from cron)."""
    from core.cases.models import Case
    from core.cases.search import refresh_planner_statistics
    from core.cases.service import refresh_deadlines

    count = 0
    for case in db.session.scalars(db.select(Case).where(Case.status != "closed")):
        refresh_deadlines(case)
        count += 1
    db.session.commit()
    refresh_planner_statistics(db.session)
    click.echo(_("%(count)d case(s) refreshed.", count=count))


@cases_cli.command("timestamp")
def cases_timestamp():
    """Have the timestamping authority sign the last entry of every log not yet covered (run nightly:
    it catches up what the authority could not answer when the entries were added)."""
    from core.cases.models import Case, EvidenceTimestamp
    from core.cases.service import stamp_unstamped, timestamp_authority

    if timestamp_authority() is None:
        raise click.ClickException(_("No timestamping authority is configured (PERMANENCE_TSA_URL)."))
    latest = (db.select(EvidenceTimestamp.case_id, db.func.max(EvidenceTimestamp.sequence).label("sequence"))
              .group_by(EvidenceTimestamp.case_id).subquery())
    waiting = db.session.scalars(
        db.select(Case).outerjoin(latest, latest.c.case_id == Case.id)
        .where(Case.evidence_count > db.func.coalesce(latest.c.sequence, 0)).order_by(Case.id)).all()
    outcomes = {"stamped": 0, "broken": 0, "failed": 0}
    for case in waiting:
        outcome = stamp_unstamped(case)
        if outcome in outcomes:
            outcomes[outcome] += 1
        if outcome == "broken":
            click.echo(_("%(reference)s: its log does not verify; not timestamped "
                         "(flask --app core cases verify %(reference)s).", reference=case.reference), err=True)
    click.echo(_("%(stamped)d log(s) timestamped, %(failed)d not (the authority did not answer), "
                 "%(broken)d left out (tampered with).", **outcomes))
    if outcomes["broken"] or outcomes["failed"]:
        raise click.exceptions.Exit(1)


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The date to count from (default: today).")
def retention_run(dry_run, today):
    """Delete the personal data of cases closed more than RETENTION_MONTHS ago, keeping anonymous counts."""
    from core.cases.retention import delete_for_retention, expired_cases

    day = today.date() if today else clock.today()
    cases = expired_cases(day)
    for case in cases:
        click.echo(_("%(reference)s, closed on %(date)s", reference=case.reference, date=case.closed_at.date()))
        if not dry_run:
            delete_for_retention(case, day)
    if cases and not dry_run:
        from core.cases.search import empty_write_ahead_log, purge_removed_names
        purge_removed_names(db.session)  # once for all: it rewrites the whole index
        db.session.commit()
        empty_write_ahead_log(db.session)
    if not dry_run:
        from core.cases.retention import delete_unused_files
        from core.cases.storage import StorageError
        try:
            unused = delete_unused_files()
        except StorageError as error:  # the cases above are deleted; the files wait for the next run
            raise click.ClickException(_("The attachments' storage did not answer; files no entry refers to "
                                         "will be deleted by the next run (%(error)s).", error=error)) from None
        if unused:
            click.echo(_("%(count)d file(s) no entry refers to any more were deleted.", count=unused))
    if dry_run:
        click.echo(_("%(count)d case(s) would be deleted (dry run: nothing deleted).", count=len(cases)))
    else:
        click.echo(_("%(count)d case(s) deleted; their anonymous counts are kept.", count=len(cases)))
