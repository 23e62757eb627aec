"""What leaves the intranet about a case: the lawyer's archive (pieces,
bordereau, manifest of the evidence chain) and the person's own data."""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator

from flask import render_template
from flask_babel import force_locale

from core.cases.models import Attachment, Case, EvidenceEntry, EvidenceTimestamp
from core.cases.service import record_of, storage, timestamp_authority, verify_case
from core.web import clock
from core.web.extensions import utcnow
from core.web.messages import evidence_kind_label
from core.web.pdf import render_pdf


def manifest_of(case: Case) -> dict:
    authority = timestamp_authority()
    return {
        "format": "permanence-evidence-manifest/1",
        "case": case.reference,
        "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
        "hash": "sha256 of the canonical JSON of 'hashed' (sorted keys, no spaces, UTF-8), chained by "
                "'previous' (docs/evidence.md)",
        "head": {"entries": case.evidence_count, "hash": case.evidence_head},
        "entries": [{"hashed": record_of(entry).hashed_fields(), "hash": entry.entry_hash,
                     "files": [exported_name(entry, a) for a in entry.attachments]}
                    for entry in case.entries],
        # RFC 3161 tokens over entries' hashes: `openssl ts -verify -digest <hash> -in <file> -CAfile <certificate>`.
        "timestamps": [{"sequence": row.sequence, "hash": row.entry_hash, "file": name,
                        "time": row.stamped_at.isoformat(timespec="seconds") + "Z", "authority": row.authority_url}
                       for row, name in token_names(case)],
        "authority_certificate": AUTHORITY_CERTIFICATE if authority else None,
    }


AUTHORITY_CERTIFICATE = "horodatages/autorite.pem"


def token_names(case: Case) -> list[tuple[EvidenceTimestamp, str]]:
    named, seen = [], {}
    for row in case.timestamps:
        seen[row.sequence] = seen.get(row.sequence, 0) + 1
        named.append((row, f"horodatages/{row.sequence:03d}-{seen[row.sequence]}.tsr"))
    return named


def exported_name(entry: EvidenceEntry, attachment: Attachment) -> str:
    index = entry.attachments.index(attachment) + 1
    return f"pieces/{entry.sequence:03d}-{index}-{attachment.filename}"


#: Media types already compressed: stored as they are, not deflated again.
COMPRESSED = {"image/png", "image/jpeg", "application/pdf"}
CHUNK = 1 << 20


class _Sink:
    """Where zipfile writes (an unseekable stream): the bytes are handed on as they come."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def stream_zip(files: list[tuple[str, str, dt.datetime, str]], extra: list[tuple[str, bytes]]) -> Iterator[bytes]:
    """A ZIP built while it is sent: ``files`` are (name in the archive, SHA-256 in the storage,
    date, media type), copied by chunks, stored when already compressed; ``extra`` are small
    generated members (bordereau, manifest), deflated. A file missing from the storage is left
    out (the bordereau's verification names it)."""
    # The storage and the time zone are taken now: the response is sent after the request's context.
    store, zone = storage(), clock.time_zone()
    sink = _Sink()

    def chunks() -> Iterator[bytes]:
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, digest, when, media_type in files:
                try:
                    source = store.open(digest)
                except FileNotFoundError:
                    continue
                # A ZIP's dates have no time zone: the help desk's, as people read them.
                local = when.replace(tzinfo=dt.UTC).astimezone(zone)
                info = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED if media_type in COMPRESSED else zipfile.ZIP_DEFLATED
                with source, archive.open(info, "w", force_zip64=True) as target:
                    while block := source.read(CHUNK):
                        target.write(block)
                        yield sink.take()
            for name, data in extra:
                archive.writestr(name, data)
                yield sink.take()
        yield sink.take()

    return chunks()


def stored_pieces(case: Case) -> list[tuple[str, str, dt.datetime, str]]:
    """Every attachment, dated by its entry's recording."""
    return [(exported_name(entry, attachment), attachment.sha256, entry.recorded_at, attachment.media_type)
            for entry in case.entries for attachment in entry.attachments]


def export_zip(case: Case) -> Iterator[bytes]:
    """The lawyer's archive, streamed: every piece, the bordereau (PDF) and the manifest."""
    with force_locale("fr"):  # for a court: French whatever the screen's language, like the letters
        html = render_template("cases/bordereau.html", case=case, check=verify_case(case), now=utcnow(),
                               evidence_kind_label=evidence_kind_label, exported_name=exported_name)
    extra = [("bordereau.pdf", render_pdf(html)),
             ("manifest.json", json.dumps(manifest_of(case), ensure_ascii=False, indent=2).encode())]
    extra += [(name, row.reply) for row, name in token_names(case)]
    if (authority := timestamp_authority()) is not None:
        extra.append((AUTHORITY_CERTIFICATE, authority.ca_file.read_bytes()))
    return stream_zip(stored_pieces(case), extra)


def personal_data_zip(case: Case) -> Iterator[bytes]:
    """Everything held on the person of this case (GDPR art. 15): JSON and attachments."""
    data = {
        "case": case.reference, "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
        "person": {"civility": case.civility, "name": case.person_name, "birth_date": str(case.birth_date or ""),
                   "agdref": case.agdref, "nationality": case.nationality, "contact": case.contact, "note": case.note},
        "request": {"departement": case.departement, "demarche": case.demarche, "kind": case.kind,
                    "permit": case.permit, "expires_on": str(case.expires_on or ""),
                    "filed_on": str(case.filed_on or ""), "anef_request_number": case.anef_request_number,
                    "request_complete": case.request_complete, "remedies_stated": case.remedies_stated,
                    "favorable_decision_on": str(case.favorable_decision_on or ""),
                    "ephoto_taken_on": str(case.ephoto_taken_on or "")},
        "documents": [{"kind": d.kind, "issued_on": str(d.issued_on or ""), "valid_until": str(d.valid_until or ""),
                       "note": d.note} for d in case.documents],
        "blockages": [{"kind": b.kind, "on": str(b.occurred_on)} for b in case.blockages],
        "evidence": manifest_of(case)["entries"],
        "letters": [{"title": letter.title, "subject": letter.subject, "body": letter.body,
                     "created_at": letter.created_at.isoformat(), "file": letter.file_name} for letter in case.letters],
    }
    return stream_zip(stored_pieces(case), [("donnees.json", json.dumps(data, ensure_ascii=False, indent=2).encode())])
