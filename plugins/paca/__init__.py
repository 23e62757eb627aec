"""Provence-Alpes-Côte d'Azur (04, 05, 06, 13, 83, 84): facts from the FAS PACA-Corse / ESPACE sheet (seed 003)."""
from pathlib import Path

from core.plugin_kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
