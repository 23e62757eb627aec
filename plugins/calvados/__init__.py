"""Calvados (14): local facts from the ASTI Calvados guide (seed 001)."""
from pathlib import Path

from core.plugin_kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
