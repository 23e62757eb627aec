"""Valeurs nationales par défaut : ressources et règles valables dans tous les départements.

Registered like any plugin (first, so pluggy asks it last): a département
plugin that answers a single-result hook overrides it, and list hooks get
the national entries after the local ones.
"""
from pathlib import Path

from core.plugin_kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"), applies_everywhere=True)
