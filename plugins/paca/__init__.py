"""Provence-Alpes-Côte d’Azur (04, 05, 06, 13, 83, 84) : informations tirées de la fiche FAS PACA-Corse / ESPACE « Blocage administratif sur l’ANEF, que faire ? »."""
from pathlib import Path

from core.plugins.kit import DeclarativePlugin

plugin = DeclarativePlugin(Path(__file__).with_name("facts.yaml"))
