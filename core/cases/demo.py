"""Demo cases drawn from the seeds' situations, dated relative to today so
that the dashboard and the calendars have something to show. Fictitious
people; `flask --app core demo seed` refuses to run in production."""
from __future__ import annotations

import datetime as dt
import io

from core.accounts.models import User
from core.cases import service
from core.cases.models import Case, HeldDocument
from core.web import clock
from core.web.extensions import db


def _screenshot(text: str) -> service.Upload:
    """A small PNG standing for a screenshot (clearly marked as a demo)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 639, 36], fill="#1f4e8c")
    draw.text((12, 10), "DEMO - capture d'ecran fictive", fill="white")
    for line, chunk in enumerate(text.split("\n")):
        draw.text((12, 60 + 24 * line), chunk, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return service.check_upload("capture-demo.png", buffer.getvalue())


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def seed_demo_cases(today: dt.date | None = None) -> int:
    if db.session.scalar(db.select(db.func.count(Case.id))):
        return 0
    today = today or clock.today()
    benevole = db.session.scalar(db.select(User).filter_by(email="benevole@example.org"))
    by = benevole.email if benevole else "demo"

    # 1. Calvados, seed 001 §1.3.2: a renewal filed in the window, the permit
    #    expired three days ago, and no API on the ANEF account; four months
    #    of silence will soon make an implicit rejection (on the dashboard).
    expiry = today - dt.timedelta(days=3)
    calvados = Case(person_name="M. K. (démo)", civility="monsieur", agdref="1499999901", nationality="ivoirienne",
                    departement="14", demarche="conjoint-de-francais", kind="renewal", permit="cst",
                    expires_on=expiry, filed_on=expiry - dt.timedelta(days=100), request_complete=True,
                    anef_request_number="1401202411040000", assigned_to=benevole,
                    note="Travaille en intérim : l'agence suspend les missions sans document de séjour.")
    calvados.documents.append(HeldDocument(kind="confirmation-de-depot", issued_on=expiry - dt.timedelta(days=100)))
    # 2. Gironde, seed 000 §III.A.2: PACS with a French national, SIRIUS says
    #    ANEF, ANEF only offers marriage.
    gironde = Case(person_name="A. B. (démo)", nationality="marocaine", departement="33",
                   demarche="pacs-avec-francais", kind="first", assigned_to=benevole,
                   note="Pacsée depuis 2022 ; vit à Bordeaux.")
    # 3. Marseille, seed 003 step 4: an ANEF request blocked, no PAN slot for three weeks.
    marseille = Case(person_name="S. D. (démo)", nationality="comorienne", departement="13",
                     demarche="parent-enfant-francais", kind="first", assigned_to=benevole,
                     note="Impossible de finaliser la demande : erreur à l'étape des pièces.")
    for case in (calvados, gironde, marseille):
        db.session.add(case)
    db.session.flush()

    entries = [
        (calvados, "ccc-call", today - dt.timedelta(days=2), "Appel au 0806 001 620 : le CCC renvoie vers la "
         "préfecture, aucune API ne peut être générée de leur côté.", None, None, None),
        (calvados, "prefecture-email", today - dt.timedelta(days=1), "Courriel « URGENT : Mise à disposition d'une "
         "attestation de prolongation de l'instruction d'une demande » à pref-etrangers@calvados.gouv.fr "
         "(modèle du guide de l'ASTI Calvados).", None, None, None),
        (gironde, "screenshot", today - dt.timedelta(days=10), "SIRIUS indique de déposer la demande (PACS avec "
         "un Français) sur ANEF.", "https://www.gironde.gouv.fr/", None, "SIRIUS : deposer sur l'ANEF"),
        (gironde, "screenshot", today - dt.timedelta(days=10), "ANEF ne propose que le motif « mariage », pas le "
         "PACS.", "https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/", None,
         "ANEF : motifs proposes\n- Mariage avec un(e) Francais(e)"),
    ]
    marseille_start = today - dt.timedelta(days=21)
    entries += [
        (marseille, "screenshot", marseille_start, "Message d'erreur à l'étape « pièces justificatives ».",
         "https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/", None,
         "ANEF : une erreur est survenue\nVeuillez reessayer plus tard"),
        (marseille, "ccc-contact", marseille_start + dt.timedelta(days=1), "Formulaire « Nous contacter » envoyé "
         "avec la capture.", None, None, None),
        (marseille, "ccc-call", marseille_start + dt.timedelta(days=2), "Appel au CCC : « voir avec la "
         "préfecture ».", None, None, None),
    ]
    for week in range(3):
        day = marseille_start + dt.timedelta(days=3 + 7 * week)
        entries.append((marseille, "pan-attempt", day, f"Formulaire en ligne du PAN de Marseille : aucun créneau "
                        f"(semaine {week + 1}).", None, "no-slot", "PAN Marseille : aucun creneau disponible"))
    for case, kind, day, summary, url, result, picture in entries:
        entry = service.append_entry(case, kind=kind, occurred_at=_at(day), summary=summary, by=by, url=url,
                                     result=result, uploads=[_screenshot(picture)] if picture else [])
        service.record_blockage_shown(case, entry, chosen=None, by=by)  # Marseille's attempts with no slot
    from core.cases.models import CaseBlockage
    for case, kind, day in ((calvados, "ccc-sans-solution", today - dt.timedelta(days=2)),
                            (gironde, "sirius-mauvais-canal", today - dt.timedelta(days=10)),
                            (marseille, "ccc-sans-solution", marseille_start + dt.timedelta(days=2))):
        case.blockages.append(CaseBlockage(kind=kind, occurred_on=day, recorded_by=by))
    for case in (calvados, gironde, marseille):
        service.refresh_deadlines(case)
    db.session.commit()
    return 3
