"""Translated sentences for the errors the pure layers raise, shared by the
web pages and the command line."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from core.pan import PanCompliance

from core.plugin_state import PluginStateError
from core.registry import DuplicateClaimError, PluginLoadError


def describe_plugin_error(exc: Exception) -> str:
    if isinstance(exc, DuplicateClaimError):
        first, second = exc.plugins
        return _("Département %(code)s is claimed by two plugins, “%(first)s” and “%(second)s”: "
                 "disable one of them first.", code=exc.code, first=first, second=second)
    if isinstance(exc, PluginStateError) and exc.reason == "national":
        return _("The national defaults cannot be disabled.")
    if isinstance(exc, PluginStateError) and exc.reason == "config":
        return _("“%(name)s” is disabled by the configuration (PERMANENCE_DISABLED_PLUGINS): "
                 "remove it from there first.", name=exc.name)
    if isinstance(exc, PluginStateError):
        return _("No plugin named “%(name)s” is installed.", name=exc.name)
    if isinstance(exc, PluginLoadError):
        return _("The plugin “%(name)s” cannot be loaded: %(detail)s", name=exc.name, detail=exc.detail)
    return str(exc)


def describe_pan_shortfall(pan: PanCompliance) -> str:
    """« 1 vecteur de prise de rendez-vous enregistré, dont aucun non numérique : … »"""
    recorded = ngettext("%(num)d booking vector recorded", "%(num)d booking vectors recorded", pan.vectors)
    if pan.non_digital:
        non_digital = ngettext("of which %(num)d is not digital", "of which %(num)d are not digital",
                               pan.non_digital)
    else:
        non_digital = _("none of them non-digital")
    return _("%(recorded)s, %(non_digital)s: %(rule)s", recorded=recorded, non_digital=non_digital,
             rule=_("the arrêté of 1 August 2023 requires at least two, one of them not digital."))
