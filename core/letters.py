"""The letters of the seeds, filled from a case, its evidence log and the
plugins' local facts.

A letter is a Jinja text template (``templates/letters/<slug>.txt``, or a
plugin's through the ``permanence_letter_templates`` hook) whose first line
is ``Objet : …``. The volunteer reviews and may edit the text; it is then laid
out as a French administrative letter (sender, recipient, place and date,
object, references, body, signature, pièces jointes) and rendered to PDF, or
prepared as an email (mailto link and .eml). What the text may contain is
restricted: paragraphs, ``- `` list items and ``**bold**``; everything else
is escaped, so no markup typed in a case reaches the PDF engine.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape

from core.dates import french_date
from core.facts import LetterTemplate

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


@dataclass(frozen=True)
class LetterSpec:
    slug: str
    title: str
    kind: str  # "letter" or "email"
    recipient: str  # prefecture, substitution, prefecture-email, pan, tribunal, ddd, ccc
    legal_basis: str
    source: str
    channels: tuple[str, ...] = ("anef", "local")
    registered: bool = False  # « lettre recommandée avec accusé de réception »
    draft: bool = False  # for the juriste or lawyer to finish
    needs_grounds: bool = False
    template: Path | None = None  # plugin letters: their own file
    plugin: str | None = None
    purpose: str = ""


#: The national catalogue (issue #6, from the seeds; issue #10, checked).
NATIONAL_LETTERS = (
    LetterSpec("probleme-anef", "Lettre d'accompagnement d'un dépôt postal « PROBLÈME ANEF »", "letter",
               "substitution", "CESEDA R.431-2 al. 3 ; modalité locale de substitution",
               "seed 000, partie II, III.A.1 (« PROBLÈME ANEF ») ; partie I, B", channels=("anef",), registered=True,
               purpose="postal-cover"),
    LetterSpec("demande-api-courriel", "Courriel URGENT : attestation de prolongation d'instruction", "email",
               "prefecture-email", "CESEDA R.431-15-1 al. 2 ; R.431-5", "seed 001, §1.3.2", channels=("anef",),
               purpose="api-request"),
    LetterSpec("demande-api-courrier", "Lettre URGENTE : attestation de prolongation d'instruction", "letter",
               "prefecture", "CESEDA R.431-15-1 al. 2 ; R.431-5", "seed 001, §1.3.2", channels=("anef",),
               registered=True, purpose="api-request"),
    LetterSpec("demande-api-bpi", "Courriel : attestation due dès le dépôt à un·e bénéficiaire de la protection "
               "internationale", "email", "prefecture-email", "CESEDA R.431-15-3 (réfugié·e) ou R.431-15-4 "
               "(protection subsidiaire) ; L.414-10", "CESEDA R.431-15-3 et R.431-15-4 ; seed 000, partie II, I.A",
               channels=("anef",), purpose="api-request-bpi"),
    LetterSpec("demande-api-jeune-majeur", "Courriel : attestation due à un·e jeune majeur·e", "email",
               "prefecture-email", "CESEDA R.431-15-1 al. 3 ; R.431-5 2° et 3°", "CESEDA R.431-15-1 al. 3",
               channels=("anef",), purpose="api-request-young"),
    LetterSpec("information-droits", "Information de la préfecture sur le blocage et les droits atteints", "letter",
               "prefecture", "Droits invocables choisis (seed 000, partie II, II)", "seed 000, partie II, II",
               registered=True, needs_grounds=True, purpose="information"),
    LetterSpec("demande-substitution", "Demande de la solution de substitution", "letter", "substitution",
               "CESEDA R.431-2 al. 3 ; arrêté du 1er août 2023", "seed 001, §2.2 ; seed 003", channels=("anef",),
               registered=True, purpose="substitution"),
    LetterSpec("demande-rdv-pan", "Demande de rendez-vous au point d'accueil numérique", "email", "pan",
               "CESEDA R.431-2 al. 2 ; arrêté du 1er août 2023", "seed 001, §2.1.2 ; seed 003, étape 4",
               channels=("anef",), purpose="pan"),
    LetterSpec("saisine-ddd", "Saisine du Défenseur des droits", "letter", "ddd",
               "Loi organique n° 2011-333 du 29 mars 2011", "seed 000, partie II, III.A.1 (notes 30 à 32)",
               purpose="ddd"),
    LetterSpec("demande-recepisse", "Demande de récépissé ou de son renouvellement", "letter", "prefecture",
               "CESEDA R.431-12", "seed 001, §3 ; seed 000, partie II, III.B.1", channels=("local",),
               registered=True, purpose="recepisse-request"),
    LetterSpec("reclamation-l114-5", "Réclamation : demande clôturée sans demande de pièces", "letter", "prefecture",
               "CRPA L.114-5", "seed 000, partie II, III.B.2", channels=("local",), registered=True,
               purpose="l114-5"),
    LetterSpec("message-ccc", "Message au support de la DGEF (dgef-support) décrivant le blocage", "email", "ccc",
               "CESEDA R.431-2 al. 2 ; arrêté du 1er août 2023 (sa réponse n'est peut-être pas le document du "
               "Centre de contact citoyen)", "seed 003, étape 2 ; seed 000, partie II, III.A.1",
               channels=("anef",), purpose="ccc"),
    LetterSpec("refere-mesures-utiles", "Projet de requête en référé mesures-utiles", "letter", "tribunal",
               "CJA L.521-3 (tant qu'aucune décision, même implicite, n'est née) ; CE, 10 juin 2020, n° 435594",
               "seed 000, partie II, III.C ; seed 001, §1.3.2", draft=True, purpose="refere"),
)


def catalogue(facts, departement: str) -> list[LetterSpec]:
    """The national letters, then those the département's plugins ship. A
    plugin letter with a purpose replaces the national one of the same
    purpose and kind (the Calvados URGENT email replaces the national one)."""
    plugin_letters = [LetterSpec(t.slug, t.title, t.kind, "prefecture-email" if t.kind == "email" else "prefecture",
                                 t.legal_basis, t.source, template=t.template, plugin="plugin", purpose=t.purpose)
                      for t in facts.letter_templates(departement) if isinstance(t, LetterTemplate)]
    channels = {spec.purpose: spec.channels for spec in NATIONAL_LETTERS}
    plugin_letters = [replace(letter, channels=channels.get(letter.purpose, letter.channels))
                      for letter in plugin_letters]
    replaced = {(letter.purpose, letter.kind) for letter in plugin_letters if letter.purpose}
    return [spec for spec in NATIONAL_LETTERS if (spec.purpose, spec.kind) not in replaced] + plugin_letters


@dataclass(frozen=True)
class Recommendation:
    spec: LetterSpec
    reason: str  # a code, described by core.messages.describe_letter_reason
    #: When such a letter, or a message to the préfecture for the same need,
    #: was already sent: the page says so, so that nobody sends it twice.
    sent_on: dt.date | None = None


#: The letters each step of the escalation ladder calls for.
STEP_PURPOSES = {"ccc-contact": ("ccc",), "pan": ("pan",), "prefecture-email": ("information",),
                 "prefecture-contact": ("information",), "substitution": ("substitution", "postal-cover"),
                 "defenseur-des-droits": ("ddd",), "refere-mesures-utiles": ("refere",)}


def recommend(specs: list[LetterSpec], assessment, held_kinds: set[str], next_step: str | None,
              postal_substitution: bool = False) -> list[Recommendation]:
    """The letters that fit the case now, most useful first: the document it
    is owed and does not hold (``held_kinds``: documents still valid), then
    what the next step of the ladder needs. Once an implicit rejection is
    born, no letter asking for the API is recommended: the court route is
    what matters then. The « PROBLÈME ANEF » cover letter fits only where the préfet
    provides a postal filing (``postal_substitution``)."""
    wanted: list[tuple[str, str]] = []
    attestation = assessment.attestation
    rejected = assessment.implicit_rejection_on is not None and \
        assessment.situation.on >= assessment.implicit_rejection_on
    if attestation.type == "api" and "api" not in held_kinds and not rejected:
        rights = attestation.rights.slug if attestation.rights else ""
        if rights in ("api-refugie", "api-protection-subsidiaire"):
            wanted.append(("api-request-bpi", "api-due-bpi"))
        elif assessment.filing_window is not None and assessment.filing_window.kind == "young-adult":
            wanted.append(("api-request-young", "api-due-young"))
        else:
            wanted.append(("api-request", "api-due"))
    if attestation.type == "recepisse" and "recepisse" not in held_kinds:
        wanted.append(("recepisse-request", "recepisse-due"))
    route = assessment.court_route.kind if assessment.court_route else None
    for purpose in STEP_PURPOSES.get(next_step or "", ()):
        if purpose == "refere" and route != "refere-mesures-utiles":
            continue
        if purpose == "postal-cover" and not postal_substitution:
            continue
        wanted.append((purpose, "next-step"))
    found, seen = [], set()
    for purpose, reason in wanted:
        matching = [spec for spec in specs if spec.purpose == purpose
                    and assessment.channel.kind in spec.channels and spec.slug not in seen]
        matching.sort(key=lambda spec: (spec.plugin is None, spec.kind != "email"))
        for spec in matching:
            seen.add(spec.slug)
            found.append(Recommendation(spec, reason))
    return found


def recommended_letters(case, result=None):
    """The letters that fit the case now (:func:`recommend`), for the letters
    page and the case page."""
    from core import cases
    from core.plugin_state import local_facts

    result = result or cases.assess_case(case)
    progress = cases.progress_of(case, result)
    facts = local_facts()
    on = result.assessment.situation.on
    specs = catalogue(facts, case.departement)
    found = recommend(specs, result.assessment,
                      {d.kind for d in case.documents if d.valid_until is None or d.valid_until >= on},
                      progress.next_step.step if progress.next_step else None,
                      postal_substitution=facts.local_substitution_modality(case.departement) is not None)
    return [replace(item, sent_on=_last_sent(case, item.spec, specs)) for item in found]


#: Evidence kinds that show a letter of this purpose was sent another way.
SENT_AS = {"api-request": {"prefecture-email", "registered-letter"}, "api-request-bpi": {"prefecture-email"},
           "api-request-young": {"prefecture-email"}, "recepisse-request": {"registered-letter"},
           "pan": {"pan-attempt"}, "ccc": {"ccc-contact"}, "ddd": {"defenseur-des-droits"},
           "substitution": {"substitution-request"}}


def _last_sent(case, spec: LetterSpec, specs: list[LetterSpec]) -> dt.date | None:
    """The last day a letter of the same purpose was generated, or the log
    records the same step (since the permit expired, for an API request)."""
    from core.cases import local_date

    same = {other.slug for other in specs if other.purpose == spec.purpose}
    days = [local_date(letter.created_at) for letter in case.letters if letter.slug in same]
    since = case.expires_on if spec.purpose.startswith("api-request") and case.expires_on else None
    days += [local_date(entry.occurred_at) for entry in case.entries
             if entry.kind in SENT_AS.get(spec.purpose, ()) and (since is None or local_date(entry.occurred_at) > since)]
    return max(days, default=None)


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


def render_text(spec: LetterSpec, context: dict) -> tuple[str, str]:
    """``(subject, body)``: the template's first line is « Objet : … »."""
    with force_locale("fr"):
        return _render_text(spec, context)


def _render_text(spec: LetterSpec, context: dict) -> tuple[str, str]:
    if spec.template is not None:  # a plugin's own file
        source = spec.template.read_text(encoding="utf-8")
        # Plain text, like templates/letters/*.txt: escaping happens once, in body_to_html.
        text = current_app.jinja_env.overlay(autoescape=False).from_string(source).render(**context)
    else:
        text = render_template(f"letters/{spec.slug}.txt", **context)
    text = text.strip("\n")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("objet"):
        return first.split(":", 1)[1].strip(), rest.strip("\n")
    return spec.title, text


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
    from core.cases import local_date
    from core.messages import departement_name, evidence_kind_label

    today = today or dt.date.today()
    a = result.assessment
    corrected = {e.corrects_id for e in case.entries if e.corrects_id}
    entries = [e for e in case.entries if e.id not in corrected]
    failed = [e for e in entries if e.kind in ("pan-attempt", "appointment-attempt") and e.result == "no-slot"]
    held = {document.kind for document in case.documents}

    def entry_line(entry):
        return f"le {french_date(local_date(entry.occurred_at))} : {evidence_kind_label(entry.kind)} – {entry.summary}"

    from core.rules.progress import LoggedFact, refere_readiness

    window = a.filing_window
    rejection_on = a.implicit_rejection_on
    readiness = refere_readiness([LoggedFact(e.kind, local_date(e.occurred_at), e.result) for e in failed],
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
        "confirmation_held": "confirmation-de-depot" in held,
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
        "grounds": list(grounds), "urgency": urgency or todo("en quoi la situation est urgente"),
        "sender": {"name": volunteer_name, "organisation": current_app.config["ASSOCIATION_NAME"],
                   "address": [line for line in (current_app.config.get("ASSOCIATION_ADDRESS") or "").split("|")
                               if line.strip()]},
        "place_date": place_and_date(today),
    }
