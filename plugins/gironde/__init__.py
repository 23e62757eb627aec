"""Gironde (33) : informations locales tirées de la formation de l’ASTI Bordeaux (2023)."""
from pathlib import Path

from core.plugins.kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
