"""Statistics for advocacy (coordinators): charts, tables, and the exports
that leave the intranet with small counts withheld and nothing personal."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from core.accounts.models import Role
from core.accounts.security import role_required
from core.stats.charts import bar_chart
from core.stats.counts import suppressed, to_csv
from core.stats.queries import counts_for
from core.web import clock, messages
from core.web.audit import audit
from core.web.pdf import render_pdf

bp = Blueprint("stats", __name__, url_prefix="/statistiques", template_folder="templates")


def _period():
    today = clock.today()
    try:
        start = dt.date.fromisoformat(request.args.get("from") or f"{today.year - 1}-{today.month:02d}-01")
        end = dt.date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        start, end = dt.date(today.year - 1, today.month, 1), today
    if not dt.date(1900, 1, 1) <= start <= end <= dt.date(2199, 12, 31):
        start, end = dt.date(today.year - 1, today.month, 1), today
    return start, end


def _labels():
    rules = current_app.extensions["permanence.rules"]
    from core.plugins.departements import name_of
    return {
        "blockages_by_kind": lambda k: rules.blockages[k].label if k in rules.blockages else k,
        "cases_by_demarche": lambda k: rules.demarches[k].label if k in rules.demarches else k,
        "cases_by_departement": lambda k: f"{k} {name_of(k) or ''}".strip(),
        "blockages_by_departement": lambda k: f"{k} {name_of(k) or ''}".strip(),
        "blockages_by_month": _month_in_words, "cases_by_month": _month_in_words,
    }


def _month_in_words(key: str) -> str:
    """« novembre 2025 » for the key 2025-11 (the order stays the keys')."""
    try:
        month = dt.date.fromisoformat(f"{key}-01")
    except ValueError:
        return key
    return format_date(month, "MMMM y")


def _view_model(counts, threshold, hide_small):
    labels = _labels()
    sections = []
    for dimension, title in (("blockages_by_kind", _("Blockages by kind")),
                             ("blockages_by_departement", _("Blockages by département")),
                             ("blockages_by_month", _("Blockages by month")),
                             ("cases_by_departement", _("Cases by département")),
                             ("cases_by_demarche", _("Cases by démarche")),
                             ("cases_by_month", _("Cases opened by month"))):
        label = labels.get(dimension, lambda k: k)
        order = sorted(counts[dimension].items(), key=lambda kv: kv[0] if "month" in dimension else -kv[1])
        items = [(label(key), None if hide_small and suppressed(value, threshold) else value) for key, value in order]
        sections.append({"title": title, "rows": items, "chart": bar_chart(title, items)})
    return sections


@bp.route("")
@role_required(Role.COORDINATEUR)
def index():
    start, end = _period()
    counts = counts_for(start, end)
    threshold = current_app.config["STATS_SUPPRESSION_THRESHOLD"]
    return render_template("stats/index.html", start=start, end=end, counts=counts, threshold=threshold,
                           sections=_view_model(counts, threshold, hide_small=False), messages=messages)


@bp.route("/export.csv")
@role_required(Role.COORDINATEUR)
def export_csv():
    start, end = _period()
    threshold = current_app.config["STATS_SUPPRESSION_THRESHOLD"]
    text = to_csv(counts_for(start, end), instance=current_app.config["ASSOCIATION_NAME"], start=start,
                  end=end, threshold=threshold)
    audit("stats.export", detail=f"csv {start}–{end}")
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="permanence-stats-{start}-{end}.csv"'})


@bp.route("/rapport.pdf")
@role_required(Role.COORDINATEUR)
def report_pdf():
    start, end = _period()
    counts = counts_for(start, end)
    threshold = current_app.config["STATS_SUPPRESSION_THRESHOLD"]
    with force_locale("fr"):  # a report for French readers, whatever the screen's language: labels and dates
        html = render_template("stats/report.html", start=start, end=end, counts=counts, threshold=threshold,
                               sections=_view_model(counts, threshold, hide_small=True),
                               organisation=current_app.config["ASSOCIATION_NAME"], suppressed=suppressed)
    audit("stats.export", detail=f"pdf {start}–{end}")
    return Response(render_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="permanence-rapport-{start}-{end}.pdf"'})
