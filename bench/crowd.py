"""Fifty volunteers at once, for a minute, on a real server: nothing lost (issue 13).

Each simulated volunteer logs in with their own account and, in a loop, lists
the cases, searches, opens a case, adds an evidence entry with a file (often
to one of a few "hot" cases everybody writes to), or generates a letter. At
the end the script checks, in the database and on disk:

- errors: no 5xx answer and no connection failure;
- lost entries: every entry and letter the server reported saved is stored
  exactly once, and nothing it reported refused was stored;
- orphan files: no stored attachment without a row pointing to it;
- chains: every case's evidence log verifies, during the run (volunteers press
  « Vérifier le journal » while others add) and at the end;
- and that the run did something: entries and letters saved, searches that
  find, every answer expected (any 4xx but a 409 "send it again" is a failure).

A local RFC 3161 authority (OpenSSL's, tests/local_tsa.py) timestamps every
entry during the run, as an administrator's would; `--no-timestamps` leaves it out.

    make crowd                                                    # SQLite, then PostgreSQL
    .venv/bin/python bench/crowd.py --database sqlite --users 50 --seconds 60

Exit status 0 only if all four hold. PostgreSQL runs under .ci/with-postgres.sh
(DATABASE_URL set to a throw-away server).
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import html
import http.cookiejar
import io
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed  # noqa: E402
import serving  # noqa: E402

from core.letters.compose import TODO_PATTERN  # noqa: E402

PASSWORD = "crowd-password-not-secret"
PNG = b"\x89PNG\r\n\x1a\n"
HOT_CASES = 4
#: What a volunteer does, and how often (out of 100).
ACTIONS = (("list", 22), ("search", 10), ("open", 25), ("entry", 30), ("letter", 8), ("verify", 5))
#: Answers that are not failures: a page, a redirect after a save, "send it again" (409).
EXPECTED = {200, 302, 303, 409}


class Volunteer:
    """One browser: its own cookies (session and CSRF token), redirects looked at, not followed."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), serving._NoRedirect)
        self.token = None
        self.log_in(email)

    def request(self, path: str, data: bytes | None = None, content_type: str | None = None) -> tuple[int, str, str]:
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, answer.read().decode(errors="replace"), ""
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode(errors="replace"), answer.headers.get("Location", "")

    def get(self, path: str) -> tuple[int, str, str]:
        status, body, location = self.request(path)
        found = re.search(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"', body)
        if found:
            self.token = found.group(1)
        return status, body, location

    def post(self, path: str, fields: dict, files: list[tuple[str, str, bytes]] = ()) -> tuple[int, str, str]:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content in files:
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        return self.request(path, body.getvalue(), f"multipart/form-data; boundary={boundary}")

    def log_in(self, email: str) -> None:
        self.get("/connexion")
        status, _body, location = self.post("/connexion", {"csrf_token": self.token, "email": email,
                                                           "password": PASSWORD})
        if status != 302 or location.endswith("/connexion"):
            raise RuntimeError(f"{email}: login refused (HTTP {status})")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = collections.Counter()  # (action, status)
        self.failures: list[str] = []
        self.saved_entries: set[str] = set()
        self.refused_entries: set[str] = set()
        self.saved_letters: set[str] = set()
        self.refused_letters: set[str] = set()

    def answer(self, action: str, status: int, detail: str = "") -> None:
        with self.lock:
            self.answers[(action, status)] += 1
            if status not in EXPECTED:
                self.failures.append(f"{action}: HTTP {status} {detail[:200]}")

    def fail(self, action: str, what: str) -> None:
        with self.lock:
            self.answers[(action, "wrong")] += 1
            self.failures.append(f"{action}: {what}")


def act(volunteer: Volunteer, action: str, cases: list[int], hot: list[int], names: list[str],
        tally: Tally, rng: random.Random) -> None:
    case = rng.choice(hot if rng.random() < 0.6 else cases)
    if action == "list":
        status, _body, _ = volunteer.get(rng.choice(["/dossiers", "/dossiers?sort=updated", "/dossiers?status=open",
                                                      "/dossiers?departement=14", "/"]))
    elif action == "search":
        volunteer.get("/dossiers")
        status, _body, location = volunteer.post("/dossiers/recherche", {"csrf_token": volunteer.token,
                                                                         "q": rng.choice(names)})
        if status == 303:
            status, body, _ = volunteer.get(urllib.parse.urlsplit(location).path + "?"
                                            + urllib.parse.urlsplit(location).query)
            if status == 200 and ("0 dossier<" in body or "Aucun dossier ne correspond" in body):
                return tally.fail(action, "a name taken from the cases found nothing")
    elif action == "open":
        status, _body, _ = volunteer.get(f"/dossiers/{case}")
    elif action == "entry":
        volunteer.get(f"/dossiers/{case}")
        marker = f"crowd-{uuid.uuid4().hex}"
        content = PNG + (marker.encode() if rng.random() < 0.8 else b"shared picture")  # some files are shared
        status, body, _ = volunteer.post(f"/dossiers/{case}/journal", {
            "entry-csrf_token": volunteer.token, "entry-kind": "screenshot",
            "entry-occurred_at": time.strftime("%Y-%m-%dT%H:%M"), "entry-summary": marker,
            "entry-url": "", "entry-reference": "", "entry-result": "", "entry-corrects": ""},
            [("entry-files", f"capture-{marker[-6:]}.png", content)])
        with tally.lock:
            (tally.saved_entries if status == 302 else tally.refused_entries).add(marker)
        action = f"entry ({'saved' if status == 302 else 'refused'})"
    elif action == "verify":  # while colleagues add to the same logs
        volunteer.get(f"/dossiers/{case}")
        status, _body, location = volunteer.post(f"/dossiers/{case}/journal/verifier",
                                                 {"csrf_token": volunteer.token})
        if status == 302:
            status, body, _ = volunteer.get(urllib.parse.urlsplit(location).path)
            if "flash-error" in body or "Le journal est intact" not in body:
                said = re.search(r'class="flash flash-error"[^>]*>(.*?)</p>', body, re.S)
                return tally.fail(action, f"case {case}: the log did not verify during the run: "
                                          f"{html.unescape(said.group(1)) if said else 'no verdict shown'}")
    else:
        status = letter(volunteer, rng.choice(hot), tally)
        action = f"letter ({'saved' if status == 302 else 'refused'})"
    tally.answer(action, status)


def letter(volunteer: Volunteer, case: int, tally: Tally) -> int:
    url = f"/dossiers/{case}/courriers/demande-rdv-pan"
    volunteer.get(url)
    status, review, _ = volunteer.post(url, {"csrf_token": volunteer.token, "prepare": "1"})
    body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', review, re.S)
    if status != 200 or body is None:
        return status if status != 200 else 0  # a review page without its text is a failure too
    subject = f"crowd-{uuid.uuid4().hex}"
    status, _page, _ = volunteer.post(url, {"csrf_token": volunteer.token, "generate": "1", "subject": subject,
                                            "body": TODO_PATTERN.sub("problème technique", html.unescape(body.group(1)))})
    with tally.lock:
        (tally.saved_letters if status == 302 else tally.refused_letters).add(subject)
    return status


def run(database: str, users: int, seconds: float, workers: int, cases_count: int, with_timestamps: bool) -> bool:
    from core import create_app
    from core.accounts.models import User
    from core.web.config import normalise_database_url
    from core.web.extensions import db

    folder = Path(tempfile.mkdtemp(prefix=f"crowd-{database}-"))
    (folder / "tsa").mkdir()
    url = os.environ["DATABASE_URL"] if database == "postgresql" else f"sqlite:///{folder / 'crowd.sqlite3'}"
    attachments = folder / "attachments"
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "ATTACHMENTS_DIR": str(attachments)})
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):
            import flask_migrate
            flask_migrate.upgrade()
        seed.seed_cases(cases_count)
        emails = [f"crowd-{number:02d}@example.org" for number in range(users)]
        for email in emails:
            if db.session.scalar(db.select(User).where(User.email == email)) is None:
                user = User(email=email, name=f"Bénévole {email[6:8]}", role="benevole")
                user.set_password(PASSWORD)
                db.session.add(user)
        # Letters to the PAN need the ANEF request number: the hot cases get one, in the Calvados.
        from core.cases.models import Case
        case_ids = db.session.scalars(db.select(Case.id).order_by(Case.id)).all()
        hot = case_ids[:HOT_CASES]
        db.session.execute(db.update(Case).where(Case.id.in_(hot)).values(
            departement="14", demarche="conjoint-de-francais", kind="renewal", status="open",
            anef_request_number="1401202411040000"))
        names = [name.split()[-1] for name in db.session.scalars(db.select(Case.person_name).limit(50))]
        db.session.commit()

    env = {"DATABASE_URL": url, "PERMANENCE_ATTACHMENTS_DIR": str(attachments), "PERMANENCE_ENV": "development",
           "PERMANENCE_DEMO": ""}
    serving.WORKERS = workers
    tally = Tally()
    with contextlib.ExitStack() as stack:
        if with_timestamps:
            from tests.local_tsa import LocalAuthority
            authority = stack.enter_context(LocalAuthority(folder / "tsa"))
            env.update(PERMANENCE_TSA_URL=authority.url, PERMANENCE_TSA_CA_FILE=str(authority.configured.ca_file))
            app.extensions["permanence.tsa"] = authority.configured  # the final check verifies the tokens
        elapsed = _load(env, folder, emails, users, seconds, workers, database, case_ids, hot, names, tally)
        ok = report(app, database, tally, elapsed, attachments, folder)
        if with_timestamps:
            print(f"  tokens signed by the local authority: {authority.requests}")
    return ok


def _load(env, folder, emails, users, seconds, workers, database, case_ids, hot, names, tally) -> float:
    with serving.Server("core:create_app()", env, folder / "gunicorn.log") as server:
        print(f"{database}: {users} volunteers log in…", flush=True)
        volunteers = [Volunteer(server.url, email) for email in emails]
        deadline = time.monotonic() + seconds
        start = threading.Barrier(users)

        def day(number: int) -> None:
            rng = random.Random(number)
            weights = [weight for _action, weight in ACTIONS]
            start.wait()
            while time.monotonic() < deadline:
                action = rng.choices([name for name, _ in ACTIONS], weights)[0]
                try:
                    act(volunteers[number], action, case_ids, hot, names, tally, rng)
                except Exception as error:  # noqa: BLE001 (a volunteer who stops is a failure, said so)
                    tally.answer(action, 0, repr(error))

        print(f"{database}: {users} volunteers for {seconds:.0f} s, gunicorn {workers} sync workers", flush=True)
        started = time.monotonic()
        threads = [threading.Thread(target=day, args=(number,)) for number in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started


def report(app, database: str, tally: Tally, elapsed: float, attachments: Path, folder: Path) -> bool:
    from core.cases.models import Attachment, Case, EvidenceEntry
    from core.cases.service import verify_case
    from core.letters.models import Letter
    from core.web.extensions import db

    with app.app_context():
        stored = collections.Counter(db.session.scalars(
            db.select(EvidenceEntry.summary).where(EvidenceEntry.summary.like("crowd-%"))))
        letters = collections.Counter(db.session.scalars(
            db.select(Letter.subject).where(Letter.subject.like("crowd-%"))))
        lost = {marker for marker in tally.saved_entries if stored[marker] != 1}
        lost |= {subject for subject in tally.saved_letters if letters[subject] != 1}
        unexpected = {marker for marker in tally.refused_entries if stored[marker]}
        unexpected |= {subject for subject in tally.refused_letters if letters[subject]}
        referenced = set(db.session.scalars(db.select(Attachment.sha256)))
        on_disk = {path.name for path in attachments.rglob("*") if path.is_file() and len(path.name) == 64}
        orphans = on_disk - referenced
        broken = [case.reference for case in db.session.scalars(db.select(Case).order_by(Case.id))
                  if not verify_case(case).ok]
        cases = db.session.scalar(db.select(db.func.count(Case.id)))
    requests = sum(tally.answers.values())
    print(f"\n{database}: {requests} actions (one to three requests each) in {elapsed:.0f} s ({requests / elapsed:.0f}/s)")
    for (action, status), count in sorted(tally.answers.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"  {action:<18} HTTP {status}: {count}")
    print(f"  entries reported saved: {len(tally.saved_entries)}, refused: {len(tally.refused_entries)}; "
          f"letters generated: {len(tally.saved_letters)}, refused: {len(tally.refused_letters)}")
    searches = sum(count for (action, status), count in tally.answers.items() if action == "search" and status == 200)
    checks = [("errors (unexpected answers)", len(tally.failures)), ("lost entries and letters", len(lost)),
              ("saved although refused", len(unexpected)), ("orphan files", len(orphans)),
              (f"chains not verified (of {cases})", len(broken))]
    for label, count in checks:
        print(f"  {label:<34} {count}  {'PASS' if count == 0 else 'FAIL'}")
    # A run that saved nothing proves nothing.
    did = [("entries saved", len(tally.saved_entries)), ("letters generated", len(tally.saved_letters)),
           ("searches that found", searches)]
    for label, count in did:
        print(f"  {label:<34} {count}  {'PASS' if count > 0 else 'FAIL (nothing done)'}")
    checks += [(label, 0 if count > 0 else 1) for label, count in did]
    for failure in tally.failures[:10]:
        print("   ", failure)
    if broken:
        print("    broken:", ", ".join(broken[:10]))
    print(f"  server log: {folder / 'gunicorn.log'}")
    return all(count == 0 for _label, count in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--cases", type=int, default=200, help="cases seeded before the run")
    parser.add_argument("--no-timestamps", action="store_true", help="no timestamping authority during the run")
    options = parser.parse_args()
    return 0 if run(options.database, options.users, options.seconds, options.workers, options.cases,
                    not options.no_timestamps) else 1


if __name__ == "__main__":
    sys.exit(main())
