"""``flask --app core plugins list|enable|disable|check|schema|new``."""
from __future__ import annotations

import click
from flask_babel import gettext as _

from core.plugins.conformance import check_plugin
from core.plugins.facts import schema_text
from core.plugins.registry import DuplicateClaimError
from core.plugins.state import PluginStateError, disabled_by_configuration, enabled_names, registry, set_enabled
from core.web.audit import audit
from core.web.cli import CommandGroup
from core.web.messages import describe_plugin_error

plugins_cli = CommandGroup("plugins", help="List, enable, disable and check département plugins.")


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
    audit(f"plugin.{'enable' if enabled else 'disable'}", detail=f"{name} (flask --app core plugins)")


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


@plugins_cli.command("schema")
def plugins_schema():
    """Print the JSON Schema of a plugin's facts.yaml (for editors)."""
    click.echo(schema_text(), nl=False)


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
