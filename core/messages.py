"""Translated sentences for the errors the pure layers raise, shared by the
web pages and the command line."""
from __future__ import annotations

from flask_babel import gettext as _

from core.plugin_state import PluginStateError
from core.registry import DuplicateClaimError, PluginLoadError


def describe_plugin_error(exc: Exception) -> str:
    if isinstance(exc, DuplicateClaimError):
        first, second = exc.plugins
        return _("Département %(code)s is claimed by two plugins, “%(first)s” and “%(second)s”: "
                 "disable one of them first.", code=exc.code, first=first, second=second)
    if isinstance(exc, PluginStateError) and exc.reason == "national":
        return _("The national defaults cannot be disabled.")
    if isinstance(exc, PluginStateError):
        return _("No plugin named “%(name)s” is installed.", name=exc.name)
    if isinstance(exc, PluginLoadError):
        return _("The plugin “%(name)s” cannot be loaded: %(detail)s", name=exc.name, detail=exc.detail)
    return str(exc)
