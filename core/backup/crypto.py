"""Encryption of a backup archive with a key the administrator keeps elsewhere.

AES-256-GCM by chunks of 1 MiB, as in the STREAM construction: each chunk is authenticated, its
number is in its nonce and the last one says it is the last, so a changed, reordered, cut or
lengthened archive is refused, not half-restored. Each archive gets its own key, derived (HKDF)
from the administrator's key and a random salt written in the clear header, so nonces are never
reused across archives. Pure Python over ``cryptography``: no Flask, no database."""
from __future__ import annotations

import base64
import os
import struct
from typing import BinaryIO

MAGIC = b"PERMANENCE-BACKUP-AES256GCM/1\n"
CHUNK = 1 << 20
SALT_BYTES, FINGERPRINT_BYTES = 16, 8


class BackupKeyError(ValueError):
    """The key is unreadable (``reason`` "unreadable"), or not the archive's ("other-key")."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class DamagedArchive(ValueError):
    """The encrypted archive was "changed", "cut" or "lengthened", or is "not-encrypted" at all."""

    def __init__(self, reason: str, chunk: int | None = None):
        self.reason, self.chunk = reason, chunk
        super().__init__(reason if chunk is None else f"{reason} (chunk {chunk})")


def new_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii") + "\n"


def read_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError("unreadable")
    return key


def _derive(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    """The archive's own encryption key, and a fingerprint that tells a wrong key from damage."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = HKDF(algorithm=hashes.SHA256(), length=32 + FINGERPRINT_BYTES, salt=salt,
                    info=b"permanence backup archive").derive(key)
    return material[:32], material[32:]


def _nonce(counter: int, last: bool) -> bytes:
    return struct.pack(">QI", counter, 1 if last else 0)


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


class EncryptingWriter:
    """A write-only file: what is written goes out encrypted to ``raw``; :meth:`close` seals it."""

    def __init__(self, raw: BinaryIO, key: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt = os.urandom(SALT_BYTES)
        archive_key, fingerprint = _derive(key, salt)
        self._header = MAGIC + salt + fingerprint
        self._aead, self._raw, self._buffer, self._counter = AESGCM(archive_key), raw, bytearray(), 0
        raw.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keeps at least one byte back for the last chunk
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._raw.flush()

    def _emit(self, plain: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), plain, self._header)
        self._raw.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1


class DecryptingReader:
    """A read-only file over an archive written by :class:`EncryptingWriter`."""

    def __init__(self, raw: BinaryIO, key: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        header = raw.read(len(MAGIC) + SALT_BYTES + FINGERPRINT_BYTES)
        if not is_encrypted(header) or len(header) < len(MAGIC) + SALT_BYTES + FINGERPRINT_BYTES:
            raise DamagedArchive("not-encrypted")
        archive_key, fingerprint = _derive(key, header[len(MAGIC):len(MAGIC) + SALT_BYTES])
        if fingerprint != header[-FINGERPRINT_BYTES:]:
            raise BackupKeyError("other-key")
        self._header, self._aead, self._raw = header, AESGCM(archive_key), raw
        self._plain, self._counter, self._done = bytearray(), 0, False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._plain) < size):
            self._next_chunk()
        size = len(self._plain) if size < 0 else min(size, len(self._plain))
        data = bytes(self._plain[:size])
        del self._plain[:size]
        return data

    def _next_chunk(self) -> None:
        from cryptography.exceptions import InvalidTag

        length = self._raw.read(4)
        if len(length) < 4:
            raise DamagedArchive("cut")
        expected = struct.unpack(">I", length)[0]
        sealed = self._raw.read(expected)
        if len(sealed) < expected:
            raise DamagedArchive("cut")
        for last in (False, True):
            try:
                self._plain += self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
            except InvalidTag:
                continue
            self._counter += 1
            if last:
                if self._raw.read(1):
                    raise DamagedArchive("lengthened")
                self._done = True
            return
        raise DamagedArchive("changed", self._counter)
