"""Helpers a plugin's own test suite imports: the conformance kit as a pytest
assertion, run against the plugin as installed (through its entry point)."""
from __future__ import annotations

from core.plugins.conformance import check_plugin
from core.plugins.registry import PluginLoadError, PluginRegistry


def assert_plugin_conforms(name: str) -> None:
    """Fail with every finding of the conformance kit for plugin ``name``."""
    try:
        registry = PluginRegistry()
    except PluginLoadError as exc:  # a malformed facts file, an unknown hook…
        raise AssertionError(str(exc)) from None
    if name not in registry.plugins:
        raise AssertionError(f"plugin {name!r} is not installed: run `pip install -e .` in its directory "
                             f"(installed: {', '.join(sorted(registry.plugins))})")
    findings = check_plugin(registry, name)
    assert not findings, "the conformance kit found:\n" + "\n".join(f"- {finding}" for finding in findings)
