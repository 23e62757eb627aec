"""Bar charts as inline SVG, drawn on the server: no script, no external
service, readable printed and by screen readers (a title and a table next to it)."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW, LABEL_WIDTH, BAR_WIDTH = 22, 260, 300


def bar_chart(title: str, items: list[tuple[str, int | None]]) -> Markup:
    """Horizontal bars; an item whose value is None is drawn as withheld."""
    if not items:
        return Markup("")
    top = max((value or 0) for _label, value in items) or 1
    height = ROW * len(items) + 10
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 60} '
             f'{height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, value) in enumerate(items):
        y = 5 + index * ROW
        short = label if len(label) <= 36 else label[:34] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(short)}</text>')
        if value is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 15}" font-size="12" fill="#4d4d4d">&lt; seuil</text>')
            continue
        width = max(2, round(BAR_WIDTH * value / top))
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{ROW - 8}" fill="#1f4e8c"/>')
        parts.append(f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 15}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
