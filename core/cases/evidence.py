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
from dataclasses import dataclass, replace

from core.cases.timestamps import TimestampCheck

GENESIS = "0" * 64

#: The kinds of entry a volunteer records, in the order of the menu.
KINDS = ("screenshot", "ccc-contact", "ccc-call", "pan-attempt", "appointment-attempt", "prefecture-email",
         "registered-letter", "reply-received", "postal-filing", "substitution-request", "defenseur-des-droits",
         "refere", "letter-generated", "note", "erasure")
#: Kinds whose `result` says whether a slot was found.
ATTEMPT_KINDS = ("pan-attempt", "appointment-attempt")
RESULTS = ("no-slot", "appointment")
#: The blockage an entry shows by itself (core/rules/data/blockages.yaml): a booking attempt with no
#: slot is the blockage met, without the volunteer entering it again.
BLOCKAGE_OF_RESULT = {("pan-attempt", "no-slot"): "pan-injoignable",
                      ("appointment-attempt", "no-slot"): "rdv-aucun-creneau"}


def blockage_shown(kind: str, result: str | None, chosen: str | None) -> str | None:
    """The blockage an entry records: the one the volunteer chose, else the one its result says."""
    return chosen or BLOCKAGE_OF_RESULT.get((kind, result or ""))


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
    #: For a letter generated since the letters are covered: the digest of its text as sent
    #: (:func:`letter_digest`). Entries made before have no such field, so their hash is unchanged.
    letter_digest: str | None = None

    def hashed_fields(self) -> dict:
        fields = {
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
        if self.letter_digest is not None:
            fields["letter"] = self.letter_digest
        return fields

    def canonical(self) -> bytes:
        return canonical_json(self.hashed_fields())

    def digest(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def canonical_json(fields: dict) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def letter_digest(fields: dict) -> str:
    """What a letter's entry covers: its text as the volunteer validated it, its recipient
    and its file, so that a stored letter cannot be rewritten afterwards unnoticed."""
    return hashlib.sha256(canonical_json(fields)).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_sequence: int | None = None
    #: entry-changed, chain-broken, entry-missing (deleted from the middle), entries-missing (at the end),
    #: attachment-changed, attachment-missing, letter-changed, letter-missing, and with the timestamps
    #: rewritten-after-timestamp, timestamp-invalid
    reason: str | None = None
    #: What the RFC 3161 tokens say (core/cases/timestamps.py), once the case's are checked.
    timestamps: TimestampCheck | None = None

    def with_timestamps(self, stamps: TimestampCheck) -> ChainCheck:
        """A chain whose hashes agree with each other may still have been rewritten whole:
        only a token made before says so."""
        if self.ok and not stamps.ok:
            reason = "rewritten-after-timestamp" if stamps.status == "rewritten" else "timestamp-invalid"
            return replace(self, ok=False, broken_sequence=stamps.sequence, reason=reason, timestamps=stamps)
        return replace(self, timestamps=stamps)


def verify_chain(records: Sequence[tuple[EntryRecord, str]],
                 content_checks: dict[int, str | None] | None = None,
                 head: tuple[int, str | None] | None = None) -> ChainCheck:
    """Check ``(record, stored_hash)`` pairs in sequence order.

    ``content_checks`` maps a sequence to a problem the caller found with what the entry's hash
    covers outside its row: its files ("attachment-changed", "attachment-missing") or its letter
    ("letter-changed", "letter-missing"). ``head`` is the recorded (number of entries, last hash):
    the last entries cannot be removed unnoticed.
    """
    previous = GENESIS
    for expected_sequence, (record, stored_hash) in enumerate(records, start=1):
        if record.sequence > expected_sequence:  # the entry numbered `expected_sequence` is gone
            return ChainCheck(False, len(records), expected_sequence, "entry-missing")
        if record.sequence != expected_sequence or record.previous_hash != previous:
            return ChainCheck(False, len(records), record.sequence, "chain-broken")
        if record.digest() != stored_hash:
            return ChainCheck(False, len(records), record.sequence, "entry-changed")
        problem = (content_checks or {}).get(record.sequence)
        if problem:
            return ChainCheck(False, len(records), record.sequence, problem)
        previous = stored_hash
    if head is not None and (head[0] != len(records) or (records and head[1] != records[-1][1])):
        return ChainCheck(False, len(records), len(records) + 1, "entries-missing")
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
