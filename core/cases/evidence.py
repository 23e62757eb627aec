"""The evidence log's tamper evidence, in pure Python.

Each entry's hash covers its content, the SHA-256 of its attachments and the
previous entry's hash, so that changing, removing or reordering anything
after the fact breaks the chain from that entry on. An exported log (the
manifest in the lawyer's ZIP) can be checked by anyone with this module or
the description in docs/evidence.md.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

GENESIS = "0" * 64

#: The kinds of entry a volunteer records, in the order of the menu.
KINDS = ("screenshot", "ccc-contact", "ccc-call", "pan-attempt", "appointment-attempt", "prefecture-email",
         "registered-letter", "reply-received", "postal-filing", "substitution-request", "defenseur-des-droits",
         "refere", "letter-generated", "note", "erasure")
#: Kinds whose `result` says whether a slot was found.
ATTEMPT_KINDS = ("pan-attempt", "appointment-attempt")
RESULTS = ("no-slot", "appointment")


@dataclass(frozen=True)
class EntryRecord:
    """What the hash of an entry covers."""

    case_id: int
    sequence: int
    kind: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    summary: str
    url: str | None
    reference: str | None
    result: str | None
    corrects_sequence: int | None
    #: One (sha256, filename, media_type, size) per attached file.
    attachments: tuple[tuple[str, str, str, int], ...]
    previous_hash: str

    def hashed_fields(self) -> dict:
        return {
            "case": self.case_id, "sequence": self.sequence, "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(timespec="seconds"),
            "recorded_at": self.recorded_at.isoformat(timespec="seconds"),
            "recorded_by": self.recorded_by, "summary": self.summary, "url": self.url or "",
            "reference": self.reference or "", "result": self.result or "",
            "corrects": self.corrects_sequence,
            "attachments": [{"sha256": sha, "filename": name, "media_type": media, "size": size}
                            for sha, name, media, size in sorted(self.attachments)],
            "previous": self.previous_hash,
        }

    def canonical(self) -> bytes:
        return json.dumps(self.hashed_fields(), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_sequence: int | None = None
    reason: str | None = None  # entry-changed, chain-broken, attachment-changed, attachment-missing, entries-missing


def verify_chain(records: Sequence[tuple[EntryRecord, str]],
                 attachment_checks: dict[int, str | None] | None = None,
                 head: tuple[int, str | None] | None = None) -> ChainCheck:
    """Check ``(record, stored_hash)`` pairs in sequence order.

    ``attachment_checks`` maps a sequence to a problem with its files on disk
    ("attachment-changed" or "attachment-missing"), found by the caller.
    ``head`` is the recorded (number of entries, last hash): the last entries
    cannot be removed unnoticed.
    """
    if head is not None and (head[0] != len(records) or (records and head[1] != records[-1][1])):
        return ChainCheck(False, len(records), min(head[0], len(records) + 1) or 1, "entries-missing")
    previous = GENESIS
    for expected_sequence, (record, stored_hash) in enumerate(records, start=1):
        if record.sequence != expected_sequence or record.previous_hash != previous:
            return ChainCheck(False, len(records), record.sequence, "chain-broken")
        if record.digest() != stored_hash:
            return ChainCheck(False, len(records), record.sequence, "entry-changed")
        problem = (attachment_checks or {}).get(record.sequence)
        if problem:
            return ChainCheck(False, len(records), record.sequence, problem)
        previous = stored_hash
    return ChainCheck(True, len(records))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- uploads: what a file really is ----------------------------------------------

#: Signatures of the accepted formats (ANEF takes the same: PNG, JPEG, PDF).
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # 10 MB, like ANEF (seed 002)


def sniff_media_type(head: bytes) -> str | None:
    """The media type the content shows, whatever the file is called."""
    for signature, media_type, _extension in SIGNATURES:
        if head.startswith(signature):
            return media_type
    return None
