"""Gironde (33): local facts from the ASTI Bordeaux training (seed 000)."""
from pathlib import Path

from core.plugin_kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
