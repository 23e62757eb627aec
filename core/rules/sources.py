"""The project's source documents, so that a fact citing "seed 001, §2.1.2"
reads as the document a volunteer can look up.

The seeds are the four documents of ``shared/seeds`` (see its README).
"""
from __future__ import annotations

import re

#: Short titles, as a volunteer cites them ("Guide ASTI Calvados, janv. 2025, §1.3.2"); the full
#: titles are in shared/seeds/README.md.
SOURCE_DOCUMENTS = {
    "seed 000": "Formation ASTI Bordeaux, « focus pratique de la Gironde », 2023",
    "seed 001": "Guide ASTI Calvados, janv. 2025",
    "seed 002": "Lettre de dix associations nationales au ministre de l'Intérieur, 17 déc. 2024",
    "seed 003": "Fiche FAS PACA-Corse / ESPACE, « Blocage administratif sur l'ANEF, que faire ? »",
}
_SEED = re.compile(r"\bseed (\d{3})\b")


def describe_source(source: str) -> str:
    """Spell out the seed documents a source cites; leave the rest as written.

    The data keeps the short form ("seed 001, §2.1.2") so that contributors
    can trace every fact to shared/seeds; volunteers read the title."""
    return _SEED.sub(lambda m: SOURCE_DOCUMENTS.get(m.group(0), m.group(0)), source)
