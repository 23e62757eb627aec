"""The baselines for the API, served by the same gunicorn settings in the
same run: a bare Flask app with a "hello" endpoint (GET and POST), and a
minimal Jinja page of the case list's 20 rows (three links of layout),
reported for reference. The pages' baseline is in bare_pages.py.

Why: on a noisy 2-core machine an absolute request rate means little; the
ratio of a page to what Flask and Jinja alone manage here does not move
with the machine. Served with ``gunicorn bare_app:app --pythonpath bench``.
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, jsonify, render_template
from jinja2 import DictLoader

ROWS = 20

LAYOUT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} – Permanence
</title><link rel="stylesheet" href="/static/style.css"></head>
<body><header><nav><a href="/">Accueil</a> <a href="/dossiers">Dossiers</a>
<a href="/evaluer">Évaluer</a></nav></header><main>{% block content %}{% endblock %}</main>
<footer><a href="/confidentialite">Vos données</a></footer></body></html>"""

PAGE = """{% extends "layout.html" %}{% block title %}Dossiers{% endblock %}{% block content %}
<h1>Dossiers</h1><p class="muted">{{ rows|length }} dossiers</p>
<table class="data"><thead><tr><th>Dossier</th><th>Personne</th><th>Démarche</th><th>Prochaine échéance</th>
<th>Statut</th><th>Suivi par</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/dossiers/{{ row.id }}">D-{{ '%05d' % row.id }}</a></td>
<th scope="row">{{ row.name }}<br><span class="muted">{{ row.agdref }}</span></th>
<td>{{ row.demarche }}<br><span class="muted">{{ row.departement }}</span></td>
<td>{{ row.deadline.strftime('%d/%m/%Y') }}<br><span class="muted">{{ row.deadline_kind }}</span></td>
<td>{{ row.status }}</td><td>{{ row.assigned }}</td></tr>{% endfor %}
</tbody></table>{% endblock %}"""

app = Flask(__name__)
# Compiled once and cached, as the application's own templates are.
app.jinja_loader = DictLoader({"layout.html": LAYOUT, "rows.html": PAGE})
_TODAY = dt.date.today()
_ROWS = [{"id": number, "name": f"Amina Diallo {number}", "agdref": f"75000{number:05d}",
          "demarche": "Conjoint·e de Français·e", "departement": "33",
          "deadline": _TODAY + dt.timedelta(days=number), "deadline_kind": "Rejet implicite",
          "status": "Ouvert", "assigned": "Bénévole Un"} for number in range(1, ROWS + 1)]


@app.route("/rows")
def rows():
    return render_template("rows.html", rows=_ROWS)


@app.route("/hello", methods=["GET", "POST"])
def hello():
    return jsonify(hello="world")

