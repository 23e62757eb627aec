"""Calvados (14) : informations locales tirées du guide de l’ASTI Calvados (janv. 2025)."""
from pathlib import Path

from core.plugins.kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
