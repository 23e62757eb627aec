"""Permanence: the intranet of the ASTI legal help desks.

``create_app`` is the only entry point: ``flask --app core run`` and
``gunicorn "core:create_app()"`` both call it. It is imported lazily, so
that ``import core.rules`` or a plugin's ``import core.plugins.kit`` never
loads Flask or SQLAlchemy (docs/architecture.md, "What each area may import").
"""
from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the application (:func:`core.app.create_app`); ``config`` overrides the environment."""
    from core.app import create_app as build

    return build(config)
