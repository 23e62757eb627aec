"""The PAN booking rule of the arrêté of 1 Aug 2023: the préfet sets at least
two booking vectors, one of them not digital (seed 001, §2.1.2). Whether the
vectors a département has recorded meet it is evidence an association can use."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class BookingVector(Protocol):
    """A way to book (core.plugins.facts.PanVector): the rule only needs to know if it is digital."""

    @property
    def digital(self) -> bool: ...


MIN_VECTORS = 2
MIN_NON_DIGITAL = 1
LEGAL_BASIS = "Arrêté du 1er août 2023 (au moins deux vecteurs de prise de rendez-vous, dont un non numérique)"
SOURCE = "seed 001, §2.1.2 ; seed 003, étape 4"


@dataclass(frozen=True)
class PanCompliance:
    vectors: int
    non_digital: int

    @property
    def compliant(self) -> bool:
        return self.vectors >= MIN_VECTORS and self.non_digital >= MIN_NON_DIGITAL


def pan_compliance(vectors: Sequence[BookingVector]) -> PanCompliance:
    return PanCompliance(vectors=len(vectors), non_digital=sum(1 for v in vectors if not v.digital))
