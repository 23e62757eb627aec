"""Département plugins shipped with Permanence.

Each sub-package is declared in ``pyproject.toml`` under the
``permanence.plugins`` entry-point group, exactly as an external package
would be; nothing in ``core`` imports them directly.
"""
