"""Realistic rows for the benchmarks, fast: years of cases of a help desk.

Why not the ORM: 100,000 cases with their documents, deadlines, evidence
chains and blockages are about 600,000 rows; SQLAlchemy Core ``executemany``
in batches seeds them in a minute or two on SQLite, the ORM in a quarter of
an hour. Only the normal tables are written: whatever the migrations
maintain beside them (search tables, triggers, indexes) follows by itself.

The evidence chains carry valid hashes (core/cases/evidence.py), so that
``verify_case`` says intact, and each case's ``evidence_count`` and
``evidence_head`` match. Seeding is incremental: ``seed_cases(app, 10_000)``
on a database holding 1,000 cases adds the 9,000 missing ones.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select, text

from core.accounts.models import User
from core.cases.evidence import GENESIS, EntryRecord
from core.cases.models import Case, CaseBlockage, CaseDeadline, EvidenceEntry, HeldDocument
from core.rules import load_rules
from core.stats.models import AnonymousCase
from core.web.extensions import db

DEPARTEMENTS = ("33", "14", "06", "13", "83", "75")
DEMARCHES = ("salarie", "conjoint-de-francais", "etudiant", "visiteur", "passeport-talent",
             "parent-enfant-francais", "pacs-avec-francais", "etranger-malade", "carte-resident")
BLOCKAGES = ("anef-maintenance", "anef-api-non-renouvelee", "pan-injoignable", "ccc-sans-solution",
             "rdv-aucun-creneau", "anef-cloture-sans-motif", "api-refusee-organismes")
#: Kinds core/web/messages.py (deadline_label) knows: the case list shows them.
DEADLINE_KINDS = ("implicit-rejection", "api-ends", "window-opens", "window-closes", "challenge-ends", "permit-expires")
EVIDENCE_KINDS = ("screenshot", "ccc-call", "pan-attempt", "prefecture-email", "registered-letter", "note")
FIRST_NAMES = ("Amina", "Mohamed", "Fatoumata", "Youssef", "Aïcha", "Ibrahim", "Mariam", "Oumar", "Khadija",
               "Samuel", "Grace", "Ahmed", "Nadia", "Karim", "Leila", "Moussa", "Aminata", "Hassan", "Sofia",
               "Dmitri", "Olena", "Tariq", "Yasmina", "Bilal", "Awa", "Joseph", "Esther", "Rachid", "Salma",
               "Mamadou", "Hawa", "Ali", "Zeynep", "Mehdi", "Inès", "Abdoulaye", "Rokia", "Thierno", "Nour")
LAST_NAMES = ("Diallo", "Traoré", "Benali", "Haddad", "Koné", "Camara", "Nguyen", "Mensah", "Okafor", "Sylla",
              "Bensaïd", "Kouassi", "Cissé", "Mbappé", "Bakayoko", "Rahimi", "Popescu", "Kovalenko", "Yilmaz",
              "Fofana", "Chérif", "Ndiaye", "Belkacem", "Mansouri", "Touré", "Keïta", "Sow", "Barry", "Dembélé",
              "Amrani", "Zerrouki", "Haidari", "Petrov", "Osei", "Abebe", "Tesfaye", "Hakimi", "Lahlou", "Sissoko")
USERS = (("bench-coordination@example.org", "Coordination Bench", "coordinateur"),
         ("bench-benevole-1@example.org", "Bénévole Un", "benevole"),
         ("bench-benevole-2@example.org", "Bénévole Deux", "benevole"),
         ("bench-benevole-3@example.org", "Bénévole Trois", "benevole"))
#: The account the benchmark logs in with (a coordinator: the statistics need it).
LOGIN = (USERS[0][0], "bench-password-not-secret")
BATCH = 2000
RULES = load_rules()


def ensure_users() -> list[int]:
    """The few volunteers cases are assigned to; created once per database."""
    ids = []
    for email, name, role in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role)
            user.set_password(LOGIN[1])
            db.session.add(user)
            db.session.flush()
        ids.append(user.id)
    db.session.commit()
    return ids


def chain_rows(case_id: int, start: dt.datetime, count: int, rng: random.Random,
               first_id: int) -> tuple[list[dict], str]:
    """``count`` evidence entries chained with the project's own hash; returns the rows and the head."""
    rows, previous = [], GENESIS
    for sequence in range(1, count + 1):
        kind = rng.choice(EVIDENCE_KINDS)
        occurred = (start + dt.timedelta(days=3 * sequence, minutes=rng.randrange(600))).replace(microsecond=0)
        recorded = occurred + dt.timedelta(hours=2)
        result = rng.choice(("no-slot", "appointment")) if kind == "pan-attempt" else None
        summary = f"{kind} n° {sequence} : pas de réponse utile, capture jointe au dossier papier"
        record = EntryRecord(case_id=case_id, sequence=sequence, kind=kind, occurred_at=occurred,
                             recorded_at=recorded, recorded_by=USERS[1][0], summary=summary, url=None,
                             reference=None, result=result, corrects_sequence=None, attachments=(),
                             previous_hash=previous)
        digest = record.digest()
        rows.append({"id": first_id + sequence - 1, "case_id": case_id, "sequence": sequence, "kind": kind,
                     "occurred_at": occurred, "recorded_at": recorded, "recorded_by": USERS[1][0],
                     "summary": summary, "url": None, "reference": None, "result": result, "corrects_id": None,
                     "previous_hash": previous, "entry_hash": digest})
        previous = digest
    return rows, previous


class _Ids:
    """Explicit primary keys, so that children rows can be built before any insert."""

    def __init__(self):
        self.next = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
                     for model in (Case, HeldDocument, CaseDeadline, EvidenceEntry, CaseBlockage)}

    def take(self, model, count: int = 1) -> int:
        first = self.next[model]
        self.next[model] += count
        return first


def _case_rows(number: int, case_id: int, users: list[int], today: dt.date, ids: _Ids, rng: random.Random) -> dict:
    """One case and its children, as plain dicts keyed by table."""
    created = dt.datetime.combine(today, dt.time(9)) - dt.timedelta(minutes=rng.randrange(60 * 24 * 3 * 365))
    status = rng.choices(("open", "waiting", "closed"), (75, 15, 10))[0]
    demarche = rng.choice(DEMARCHES)
    kind = rng.choice(sorted(RULES.demarches[demarche].kinds))  # only what the rules offer: the pages assess it
    rows = {"documents": [], "deadlines": [], "blockages": []}
    for _ in range(rng.randrange(3)):
        issued = created.date() + dt.timedelta(days=rng.randrange(1, 120))
        rows["documents"].append({"id": ids.take(HeldDocument), "case_id": case_id,
                                  "kind": rng.choice(("api", "recepisse", "confirmation-de-depot")),
                                  "issued_on": issued, "valid_until": issued + dt.timedelta(days=90), "note": None})
    for _ in range(rng.randint(1, 3)):
        rows["deadlines"].append({"id": ids.take(CaseDeadline), "case_id": case_id,
                                  "kind": rng.choice(DEADLINE_KINDS),
                                  "date": today + dt.timedelta(days=rng.randint(-200, 200)),
                                  "legal_basis": "CESEDA R.431-5 ; R.432-2 (référence de test)"})
    for _ in range(rng.randrange(3)):
        rows["blockages"].append({"id": ids.take(CaseBlockage), "case_id": case_id, "kind": rng.choice(BLOCKAGES),
                                  "occurred_on": created.date() + dt.timedelta(days=rng.randrange(90)),
                                  "recorded_by": USERS[1][0]})
    count = rng.randint(1, 4)
    rows["entries"], head = chain_rows(case_id, created, count, rng, ids.take(EvidenceEntry, count))
    upcoming = min((row for row in rows["deadlines"] if row["date"] >= today), key=lambda row: row["date"],
                   default=None)
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    case = {"id": case_id, "person_name": name, "civility": rng.choice(("madame", "monsieur", None)),
            "agdref": f"{7500000000 + number}", "nationality": None, "contact": None, "note": None,
            "departement": rng.choice(DEPARTEMENTS), "demarche": demarche, "kind": kind,
            "permit": "cst" if kind == "renewal" else None,
            "expires_on": created.date() + dt.timedelta(days=rng.randrange(30, 200)) if kind == "renewal" else None,
            "filed_on": created.date() + dt.timedelta(days=rng.randrange(0, 20)),
            "status": status, "assigned_to_id": rng.choice(users), "created_at": created,
            "updated_at": created + dt.timedelta(days=rng.randrange(0, 300)),
            "closed_at": created + dt.timedelta(days=200) if status == "closed" else None, "version": 1,
            "evidence_count": count, "evidence_head": head}
    # The stored next deadline, as core/cases/service.refresh_deadlines keeps it.
    case["next_deadline_on"] = upcoming["date"] if upcoming else None
    case["next_deadline_kind"] = upcoming["kind"] if upcoming else None
    rows["case"] = case
    return rows


def _insert(batch: dict[str, list[dict]]) -> None:
    for model, key in ((Case, "cases"), (HeldDocument, "documents"), (CaseDeadline, "deadlines"),
                       (EvidenceEntry, "entries"), (CaseBlockage, "blockages")):
        if batch[key]:
            db.session.execute(insert(model.__table__), batch[key])


def fix_sequences() -> None:
    """PostgreSQL: explicit ids leave the serial sequences behind; move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Case, HeldDocument, CaseDeadline, EvidenceEntry, CaseBlockage, User):
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"))
    db.session.commit()


def case_count() -> int:
    return db.session.scalar(select(func.count(Case.id))) or 0


def seed_cases(total: int, seed: int = 12) -> int:
    """Add cases until the database holds ``total``; returns how many were added."""
    users = ensure_users()
    already = case_count()
    rng = random.Random(seed + already)
    today = dt.date.today()
    ids = _Ids()
    for start in range(already, total, BATCH):
        batch = {"cases": [], "documents": [], "deadlines": [], "entries": [], "blockages": []}
        for number in range(start, min(total, start + BATCH)):
            rows = _case_rows(number, ids.take(Case), users, today, ids, rng)
            batch["cases"].append(rows.pop("case"))
            for key, values in rows.items():
                batch[key].extend(values)
        _insert(batch)
        db.session.execute(insert(AnonymousCase.__table__), [
            {"departement": rng.choice(DEPARTEMENTS), "demarche": rng.choice(DEMARCHES), "kind": "renewal",
             "opened_month": f"{today.year - 1}-{rng.randint(1, 12):02d}", "renewal_break": rng.random() < 0.3,
             "days_to_api": rng.randrange(10, 120), "reason": "retention", "removed_on": today}
            for _ in range(BATCH // 100)])
        db.session.commit()
    fix_sequences()
    return total - already if total > already else 0


def add_long_chain(entries: int = 1000) -> int:
    """One more case with an evidence chain of ``entries`` entries; returns its id."""
    users = ensure_users()
    ids = _Ids()
    rng = random.Random(entries)
    rows = _case_rows(0, ids.take(Case), users, dt.date.today(), ids, rng)
    case = rows.pop("case")
    chain, head = chain_rows(case["id"], case["created_at"] - dt.timedelta(days=3 * entries), entries, rng,
                             ids.take(EvidenceEntry, entries))
    case.update(person_name="Chaîne Longue", evidence_count=entries, evidence_head=head)
    rows.update(cases=[case], entries=chain)
    _insert(rows)
    db.session.commit()
    fix_sequences()
    return case["id"]
