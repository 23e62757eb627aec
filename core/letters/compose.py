"""Filling a letter from a case, its evidence log and the local facts, then
laying it out.

A letter is a Jinja text template (the national ones in
``core/plugins/national/letters/``, a plugin's in its own package) whose
first line is ``Objet : …``. It is rendered in a sandboxed Jinja environment
that sees only the context built here (no configuration, no application). The volunteer reviews and may edit the text; it is then laid
out as a French administrative letter (sender, recipient, place and date,
object, references, body, signature, pièces jointes) and rendered to PDF, or
prepared as an email (mailto link and .eml). What the text may contain is
restricted: paragraphs, ``- `` list items and ``**bold**``; everything else
is escaped, so no markup typed in a case reaches the PDF engine.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import jinja2
from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from core.letters.catalogue import LetterSpec
from core.plugins.national import LETTERS_DIR
from core.rules.dates import french_date
from core.web import clock

TODO = "[à compléter : {}]"
#: How a permit is named in a letter ("sa carte de séjour temporaire").
LETTER_PERMIT_NAMES = {
    "cst": "carte de séjour temporaire", "csp": "carte de séjour pluriannuelle",
    "csp-4-ans": "carte de séjour pluriannuelle", "carte-resident": "carte de résident",
    "rld-ue": "carte de résident « résident de longue durée-UE »",
    "titre-conventionnel-plus-1-an": "titre de séjour", "vls-ts": "visa long séjour valant titre de séjour",
    "autre": "titre de séjour",
}
TODO_PATTERN = re.compile(r"\[à compléter : ([^\]]+)\]")


# --- the facts a letter needs ---------------------------------------------------

@dataclass
class Recipient:
    lines: list[str] = field(default_factory=list)
    email: str = ""
    source: str = ""
    #: Set when the address is not the one a source gives for this letter
    #: (e.g. the préfecture's general address for a postal filing whose
    #: address an arrêté sets): the volunteer must check it before sending.
    caution: str = ""


def recipient_for(spec: LetterSpec, facts, departement: str) -> tuple[Recipient | None, str | None]:
    """The recipient, or the code of the missing fact."""
    services = [s for s in facts.prefecture_services(departement) if s.address]
    if spec.recipient == "substitution":
        modality = facts.substitution_modality(departement)
        if modality and modality.send_to:
            return Recipient(list(modality.send_to), source=modality.source), None
    if spec.recipient in ("prefecture", "substitution"):
        if not services:
            return None, "prefecture-address"
        service = services[0]
        caution = ""
        if spec.recipient == "substitution":
            caution = "substitution-address"  # no published address for this modality: check it first
        return Recipient([service.name, *service.address], source=service.source, caution=caution), None
    if spec.recipient in ("prefecture-email", "pan"):
        if spec.recipient == "pan":
            vector = next((v for v in facts.pan_vectors(departement) if v.email), None)
            if vector:
                return Recipient(["Point d'accueil numérique de la préfecture"], email=vector.email,
                                 source=vector.source), None
        service = next((s for s in facts.prefecture_services(departement) if s.emails), None)
        if service is None:
            return None, "prefecture-email"
        return Recipient([service.name], email=service.emails[0], source=service.source), None
    if spec.recipient == "tribunal":
        tribunal = facts.tribunal(departement)
        if tribunal is None or not tribunal.name:
            return None, "tribunal"
        return Recipient([f"Madame ou Monsieur le président du {tribunal.name[0].lower()}{tribunal.name[1:]}",
                          "Juge des référés", *tribunal.address], source=tribunal.source), None
    if spec.recipient in ("ddd", "ccc"):
        kind = "defenseur-des-droits" if spec.recipient == "ddd" else "support"
        for resource in facts.resources(departement):
            if resource.kind == kind and (resource.address if spec.recipient == "ddd" else resource.emails):
                return Recipient(list(resource.address) or [resource.name], email=next(iter(resource.emails), ""),
                                 source=resource.source), None
        return None, spec.recipient
    return None, spec.recipient


# --- filling ---------------------------------------------------------------------

def todo(what: str) -> str:
    return TODO.format(what)


class LetterTemplateError(Exception):
    """A letter's template cannot be filled (a plugin's mistake, or what its
    sandbox refused): said on the page with the file and the line, never a 500."""

    def __init__(self, spec: LetterSpec, error: jinja2.TemplateError):
        self.spec = spec
        self.file, self.line = spec.template.name if spec.template else spec.slug, getattr(error, "lineno", None)
        # Jinja rewrites the traceback so that a template's frames carry its file and line.
        frame = error.__traceback__
        while frame is not None:
            if not frame.tb_frame.f_code.co_filename.endswith(".py"):
                self.file, self.line = Path(frame.tb_frame.f_code.co_filename).name, frame.tb_lineno
            frame = frame.tb_next
        self.detail = error.message or type(error).__name__
        super().__init__(f"{self.file}:{self.line or '?'}: {self.detail}")


def render_text(spec: LetterSpec, context: dict) -> tuple[str, str]:
    """``(subject, body)``: the template's first line is « Objet : … »."""
    with force_locale("fr"):
        try:
            return _render_text(spec, context)
        except jinja2.TemplateError as error:  # undefined name, syntax, refused by the sandbox, missing include
            raise LetterTemplateError(spec, error) from error


def _render_text(spec: LetterSpec, context: dict) -> tuple[str, str]:
    text = _environment(spec.template.parent).get_template(spec.template.name).render(**context)
    text = text.strip("\n")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("objet"):
        return first.split(":", 1)[1].strip(), rest.strip("\n")
    return spec.title, text


_ENVIRONMENTS: dict[Path, SandboxedEnvironment] = {}


def _environment(folder: Path) -> SandboxedEnvironment:
    """Plain text (escaping happens once, in body_to_html), sandboxed, with
    the national letters' folder after the letter's own so that a local letter
    may include a national part (``{% include "_api-request-body.txt" %}``)."""
    if folder not in _ENVIRONMENTS:
        _ENVIRONMENTS[folder] = SandboxedEnvironment(loader=FileSystemLoader([folder, LETTERS_DIR]),
                                                     autoescape=False)
    return _ENVIRONMENTS[folder]


def remaining_todos(*texts: str) -> list[str]:
    return sorted({match for text in texts for match in TODO_PATTERN.findall(text)})


BOLD = re.compile(r"\*\*(.+?)\*\*")


def body_to_html(body: str) -> Markup:
    """Paragraphs, « - » list items and **bold**; everything else escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return Markup("\n".join(blocks))


def _inline(text: str) -> str:
    return BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", str(escape(text)))


def letter_html(spec: LetterSpec, subject: str, body: str, context: dict) -> str:
    with force_locale("fr"):
        return render_template("letters/_layout.html", spec=spec, subject=subject, body=body_to_html(body),
                               **context)


def build_eml(spec: LetterSpec, subject: str, body: str, context: dict, attachments: list[tuple[str, str, bytes]]) -> bytes:
    message = EmailMessage()
    message["To"] = context["recipient"].email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["X-Permanence-Case"] = context["case"].reference
    pieces = context.get("pieces") or []
    text = body
    if pieces:
        text += "\n\nPièces jointes :\n" + "\n".join(f"{n}. {p['label']}" for n, p in enumerate(pieces, start=1))
    message.set_content(text)
    for filename, media_type, data in attachments:
        maintype, subtype = media_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def mailto(recipient: str, subject: str, body: str) -> str:
    from urllib.parse import quote

    return f"mailto:{quote(recipient)}?subject={quote(subject)}&body={quote(body)}"


def engine() -> str:
    return current_app.config.get("PDF_ENGINE") or "weasyprint"


def place_and_date(today: dt.date) -> str:
    city = current_app.config.get("ASSOCIATION_CITY")
    return f"{city}, le {french_date(today)}" if city else f"Le {french_date(today)}"


#: How the person is named and agreed with, by civility. Letters to the
#: administration are French; without a civility, the wording stays neutral
#: instead of « né·e, ressortissant·e ».
CIVILITIES = {"madame": ("Madame", "e"), "monsieur": ("Monsieur", "")}


def person_facts(case) -> dict:
    title, e = CIVILITIES.get(case.civility or "", ("", None))
    name = case.person_name
    nationality = case.nationality or todo("nationalité")
    birth_date = french_date(case.birth_date) if case.birth_date else todo("date de naissance")
    birth_place = todo("lieu de naissance")
    designation = f"{title} {name}".strip()
    if e is None:  # neutral
        with_birth = f"{name}, de nationalité {nationality} (date de naissance : {birth_date} ; lieu de " \
                     f"naissance : {birth_place})"
        identity = f"{name}, de nationalité {nationality}" + (f" (date de naissance : {birth_date})"
                                                              if case.birth_date else "")
    else:
        with_birth = f"{designation}, de nationalité {nationality}, né{e} le {birth_date} à {birth_place}"
        identity = f"{designation}, de nationalité {nationality}" + (f", né{e} le {birth_date}"
                                                                     if case.birth_date else "")
    return {"name": name, "designation": designation, "title": title, "nationality": nationality,
            "agdref": case.agdref or todo("numéro AGDREF"), "birth_date": birth_date, "birth_place": birth_place,
            "identity": identity, "identity_with_birth": with_birth, "e": e or ""}


def as_sentence(text: str) -> str:
    """What a volunteer typed, ending as a sentence ends in a letter (« … ses missions. »)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…»)" else text + "."


def build_context(case, result, facts, *, volunteer_name: str, pieces, grounds=(), urgency: str = "",
                  today: dt.date | None = None, person_in_copy: bool = False,
                  confirmation_attached: bool = False, anef_checked: bool = False) -> dict:
    """Everything a letter template may use. A fact the case does not record
    is a « [à compléter : …] » marker, which the review step asks the
    volunteer to fill; a letter asserts something only when the case shows it.
    Dates and words are French whatever the screen's language."""
    with force_locale("fr"):
        return _build_context(case, result, facts, volunteer_name=volunteer_name, pieces=pieces, grounds=grounds,
                              urgency=urgency, today=today, person_in_copy=person_in_copy,
                              confirmation_attached=confirmation_attached, anef_checked=anef_checked)


def _build_context(case, result, facts, *, volunteer_name, pieces, grounds, urgency, today, person_in_copy,
                   confirmation_attached, anef_checked) -> dict:
    from core.web.messages import departement_name, evidence_kind_label

    today = today or clock.today()
    a = result.assessment
    entries = case.current_entries
    failed = [e for e in entries if e.kind in ("pan-attempt", "appointment-attempt") and e.result == "no-slot"]
    held = {document.kind for document in case.documents}

    def entry_line(entry):
        return f"le {french_date(clock.local_date(entry.occurred_at))} : {evidence_kind_label(entry.kind)} – {entry.summary}"

    from core.rules.progress import LoggedFact, refere_readiness

    window = a.filing_window
    rejection_on = a.implicit_rejection_on
    readiness = refere_readiness([LoggedFact(e.kind, clock.local_date(e.occurred_at), e.result) for e in failed],
                                 current_app.extensions["permanence.rules"].refere_readiness)
    permit_label = LETTER_PERMIT_NAMES.get(case.permit or "", todo("titre détenu"))
    return {
        "case": case, "today": today, "long_date": french_date, "todo": todo,
        "person": person_facts(case),
        "demarche": a.demarche.label,
        "departement_label": f"{case.departement} – {departement_name(case.departement)}",
        "kind_label": "première demande" if case.kind == "first" else "renouvellement",
        # Filed in time: in the R.431-5 window, or, with no window (RLD-UE), before expiry.
        "filed_in_time": a.filed_in_time,
        "stay": a.regular_stay,
        "rejection_born_on": french_date(rejection_on) if rejection_on and rejection_on <= today else "",
        "refere_ready": readiness.ready, "anef_checked": anef_checked,
        "days_before_expiry": (case.expires_on - case.filed_on).days if case.expires_on and case.filed_on else None,
        "permit_expired": bool(case.expires_on and case.expires_on < today),
        "permit": {"label": permit_label, "valid_from": todo("début de validité du titre"),
                   "expires_on": french_date(case.expires_on) if case.expires_on else todo("date d'expiration"),
                   "day_after_expiry": french_date(case.expires_on + dt.timedelta(days=1)) if case.expires_on
                   else todo("date de rupture de séjour")},
        "request": {"number": case.anef_request_number or todo("numéro de la demande ANEF"),
                    "filed_on": french_date(case.filed_on) if case.filed_on else todo("date du dépôt"),
                    "complete": case.request_complete},
        # What the letter may state, because the case or the volunteer says so.
        # Attaching it is holding it, also when the case's documents do not say so yet.
        "confirmation_held": "confirmation-de-depot" in held or confirmation_attached,
        "confirmation_attached": confirmation_attached, "person_in_copy": person_in_copy,
        "assessment": a, "window": window,
        "substitution": facts.substitution_modality(case.departement),
        "local_substitution": facts.local_substitution_modality(case.departement),
        "tribunal": facts.tribunal(case.departement),
        "pan_vectors": facts.pan_vectors(case.departement),
        "required_information": [item for v in facts.pan_vectors(case.departement) for item in v.required_information],
        "diligences": [entry_line(e) for e in entries if e.kind != "letter-generated"],
        "failed_attempts": [entry_line(e) for e in failed],
        "pieces": [{"label": entry_line(e), "entry": e} for e in pieces],
        "grounds": list(grounds), "urgency": as_sentence(urgency) or todo("en quoi la situation est urgente"),
        "sender": {"name": volunteer_name, "organisation": current_app.config["ASSOCIATION_NAME"],
                   "address": [line for line in (current_app.config.get("ASSOCIATION_ADDRESS") or "").split("|")
                               if line.strip()]},
        "place_date": place_and_date(today),
    }
