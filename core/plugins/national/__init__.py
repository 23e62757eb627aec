"""Valeurs nationales par défaut : ressources et règles valables dans tous les départements.

Registered like any plugin (first, so pluggy asks it last): a département
plugin that answers a single-result hook overrides it, and list hooks get
the national entries after the local ones. Its letters (letters/*.txt)
come through the same hook as a département's.
"""
from pathlib import Path

from core.plugins.kit import DeclarativePlugin

#: The national letter templates; a département's letters may include their parts.
LETTERS_DIR = Path(__file__).with_name("letters")

HERE = Path(__file__).parent

#: facts.yaml: the national contacts and rules; facts.tribunaux.yaml: the tribunal administratif of
#: each of the 101 départements (CJA R.221-3); facts.demarches-simplifiees.yaml: the préfectures'
#: forms named by the public list of démarches-simplifiées.
plugin = DeclarativePlugin(HERE / "facts.yaml", HERE / "facts.tribunaux.yaml", HERE / "facts.demarches-simplifiees.yaml",
                           applies_everywhere=True)
