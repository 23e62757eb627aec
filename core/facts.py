"""Deprecated: moved to ``core.plugins.facts`` (docs/architecture.md).

Kept so that a plugin written against the former layout (``from
core.facts import …``) still loads; it will be removed once the published
plugins have moved. Import from ``core.plugins.facts`` instead.
"""
import warnings

from core.plugins.facts import *  # noqa: F403

warnings.warn("core.facts is now core.plugins.facts: update the plugin's imports", DeprecationWarning, stacklevel=2)
