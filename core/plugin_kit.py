"""Deprecated: moved to ``core.plugins.kit`` (docs/architecture.md).

Kept so that a plugin written against the former layout (``from
core.plugin_kit import …``) still loads; it will be removed once the published
plugins have moved. Import from ``core.plugins.kit`` instead.
"""
import warnings

from core.plugins.kit import DeclarativePlugin, hookimpl  # noqa: F401

warnings.warn("core.plugin_kit is now core.plugins.kit: update the plugin's imports", DeprecationWarning, stacklevel=2)
