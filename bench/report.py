"""The printed report and its copy in bench/results/ (JSON and Markdown).

Why ratios: each figure sits next to a baseline measured in the same run on
the same machine, so the PASS/FAIL verdicts hold on a laptop as on CI, and
the growth table (largest size / smallest) says which cost follows the
number of cases, which is what issue 12 is about.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def figure(name: str, value: float | None, unit: str, *, baseline: float | None = None, target: str = "",
           passed: bool | None = None, note: str = "", ratio: float | None | str = "value / baseline") -> dict:
    """One line of a table; ``ratio=None`` when value and baseline are not comparable."""
    if ratio == "value / baseline":
        ratio = None
        if value is not None and baseline:
            ratio = value / baseline
    return {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio, "target": target,
            "passed": passed, "note": note}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "req/s":
        return f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "—"}[passed]


def table_rows(figures: list[dict]) -> list[list[str]]:
    rows = [["figure", "value", "baseline", "ratio", "target", "result"]]
    for item in figures:
        ratio = "—" if item["ratio"] is None else f"{item['ratio']:.2f}"
        result = _verdict(item["passed"]) + (f" ({item['note']})" if item["note"] else "")
        rows.append([item["name"], _number(item["value"], item["unit"]), _number(item["baseline"], item["unit"]),
                     ratio, item["target"], result])
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def growth_rows(sizes: dict[str, list[dict]]) -> list[list[str]] | None:
    """Each figure at every size, and how it grows from the smallest to the largest."""
    ordered = sorted(sizes, key=int)
    if len(ordered) < 2:
        return None
    smallest, largest = ordered[0], ordered[-1]
    header = ["figure"] + [f"{int(size):,} cases" for size in ordered] + [f"{int(largest) // int(smallest)}× cases"]
    rows = [header]
    for item in sizes[smallest]:
        values = []
        for size in ordered:
            match = next((f for f in sizes[size] if f["name"] == item["name"]), None)
            values.append(match["value"] if match else None)
        if values[0] and values[-1] is not None:
            change = f"×{values[-1] / values[0]:.2f}"
        else:
            change = "—"
        rows.append([item["name"]] + [_number(value, item["unit"]) for value in values] + [change])
    return rows


def render(results: dict, markdown: bool = False) -> str:
    """The whole report: one table per database and size, then the growth tables."""
    table = markdown_table if markdown else text_table
    parts = []
    for database, data in results["databases"].items():
        if data.get("error"):
            parts.append(f"{'## ' if markdown else ''}{database}: not measured: {data['error']}")
            continue
        for size, figures in sorted(data["sizes"].items(), key=lambda kv: int(kv[0])):
            seeded = data.get("seeding", {}).get(size)
            title = f"{database}, {int(size):,} cases" + (f" (seeded in {seeded:.0f} s)" if seeded else "")
            parts.append(("### " if markdown else "== ") + title + ("" if markdown else " =="))
            parts.append(table(table_rows(figures)))
        growth = growth_rows(data["sizes"])
        if growth:
            parts.append(("### " if markdown else "== ") + f"{database}: how each cost grows with the cases"
                         + ("" if markdown else " =="))
            parts.append(table(growth))
    verdicts = [f["passed"] for data in results["databases"].values() for figures in data.get("sizes", {}).values()
                for f in figures if f["passed"] is not None]
    parts.append(f"{verdicts.count(True)} PASS, {verdicts.count(False)} FAIL "
                 f"(wrk: {results['settings']['connections']} connections, {results['settings']['threads']} threads, "
                 f"{results['settings']['duration']} s after {results['settings']['warmup']} s of warm-up; "
                 f"gunicorn {results['settings']['workers']} sync workers)")
    return "\n\n".join(parts)


def save(results: dict) -> tuple[Path, Path]:
    """bench/results/bench-<time>.json and .md (the folder is ignored by git)."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ".gitignore").write_text("*\n")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    as_json = RESULTS / f"bench-{stamp}.json"
    as_markdown = RESULTS / f"bench-{stamp}.md"
    as_json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    as_markdown.write_text(f"# make bench, {results['started']}\n\n" + render(results, markdown=True) + "\n")
    return as_json, as_markdown
