"""Deprecated: moved to ``core.plugins.testing`` (docs/architecture.md).

Kept so that a plugin written against the former layout (``from
core.testing import …``) still loads; it will be removed once the published
plugins have moved. Import from ``core.plugins.testing`` instead.
"""
import warnings

from core.plugins.testing import assert_plugin_conforms  # noqa: F401

warnings.warn("core.testing is now core.plugins.testing: update the plugin's imports", DeprecationWarning, stacklevel=2)
