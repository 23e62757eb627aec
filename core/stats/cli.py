"""``flask --app core stats merge``."""
from __future__ import annotations

import click
from flask import current_app

from core.web.cli import CommandGroup

stats_cli = CommandGroup("stats", help="Statistics exports of several instances.")


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
