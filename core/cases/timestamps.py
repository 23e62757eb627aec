"""RFC 3161 timestamps of the evidence chain, asked of a timestamping authority
(TSA) that the administrator chooses, and checked with ``openssl ts``.

The hash chain alone shows that the log was not changed by someone who cannot
write to the database. Whoever can (the server's operator, an intruder) could
rewrite an entry and recompute every hash after it. A timestamp token is the
authority's signature over an entry's hash and a time: once an entry is
timestamped, rewriting it or anything before it changes that hash, and the
token no longer matches. See docs/evidence.md.

The token's message imprint is the entry's hash itself (SHA-256 of its
canonical JSON), so anyone can check a token from the lawyer's export with
``openssl ts -verify -digest <hash> -in <token> -CAfile <authority's certificate>``.

Pure Python and OpenSSL's command line (the ``openssl`` Debian package), no Flask.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


class TimestampError(RuntimeError):
    """The authority could not be reached, refused, or sent something that does not verify."""


@dataclass(frozen=True)
class Authority:
    """A timestamping authority as configured (``PERMANENCE_TSA_URL``, ``PERMANENCE_TSA_CA_FILE``,
    ``PERMANENCE_TSA_CERTS``)."""

    url: str
    #: Its root certificate(s) (PEM; several in one file when the authority changes or renews its
    #: root: tokens made before stay verifiable).
    ca_file: Path
    #: Intermediate certificates (PEM) when its tokens do not carry them.
    untrusted: Path | None = None
    timeout: float = 10.0


def configured_authority(config) -> Authority | None:
    """The authority of the configuration (core/web/config.py), or None. A URL without a readable
    certificate is refused (ValueError): no token could be verified."""
    if not config.get("TSA_URL"):
        return None
    if not str(config["TSA_URL"]).startswith(("https://", "http://")):
        raise ValueError(f"PERMANENCE_TSA_URL must start with https:// or http:// (now: {config['TSA_URL']!r}).")
    ca_file = Path(config.get("TSA_CA_FILE") or "")
    if not config.get("TSA_CA_FILE") or not ca_file.is_file():
        raise ValueError("PERMANENCE_TSA_URL is set: set PERMANENCE_TSA_CA_FILE to the authority's root "
                         f"certificate (PEM), a file this server can read (now: {str(ca_file)!r}).")
    untrusted = Path(config["TSA_CERTS"]) if config.get("TSA_CERTS") else None
    if untrusted is not None and not untrusted.is_file():
        raise ValueError(f"PERMANENCE_TSA_CERTS: no such file {str(untrusted)!r}.")
    return Authority(config["TSA_URL"], ca_file, untrusted, float(config.get("TSA_TIMEOUT", 10)))


@dataclass(frozen=True)
class Stamp:
    reply: bytes  # the authority's TimeStampResp (DER), kept whole: openssl verifies it as is
    time: dt.datetime  # genTime, UTC without tzinfo like every stored time


def _openssl(*arguments: str, timeout: float = 30) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["openssl", "ts", *arguments], capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as error:
        raise TimestampError("the openssl command is not installed (Debian package openssl)") from error
    except subprocess.TimeoutExpired as error:
        raise TimestampError("openssl ts did not answer in time") from error


def query_for(digest: str) -> bytes:
    """A request for the authority (TimeStampReq, DER): SHA-256 imprint, a nonce, and its certificate asked for."""
    result = _openssl("-query", "-digest", digest, "-sha256", "-cert")
    if result.returncode != 0:
        raise TimestampError(result.stderr.decode(errors="replace").strip())
    return result.stdout


def stamp(authority: Authority, digest: str) -> Stamp:
    """Ask the authority to timestamp ``digest`` (hex SHA-256), and check what it sends back
    (signature, certificate, imprint and nonce) before anything is stored."""
    import urllib.error  # only when an entry is timestamped: not at every start
    import urllib.request

    query = query_for(digest)
    request = urllib.request.Request(authority.url, data=query, headers={"Content-Type": QUERY_TYPE})
    try:
        with urllib.request.urlopen(request, timeout=authority.timeout) as answer:
            reply = answer.read(1024 * 1024)
    except (urllib.error.URLError, OSError) as error:
        raise TimestampError(f"the timestamping authority did not answer: {error}") from error
    with tempfile.TemporaryDirectory() as folder:
        query_file = Path(folder, "query.tsq")
        query_file.write_bytes(query)
        problem = _verify(reply, authority, ("-queryfile", str(query_file)), folder)
    if problem:
        raise TimestampError(f"the authority's reply does not verify: {problem}")
    return Stamp(reply, read_token(reply).time)


def verify(reply: bytes, digest: str, authority: Authority) -> str | None:
    """None if ``reply`` is the authority's valid timestamp of ``digest``, else OpenSSL's reason.

    The certificates are checked as they were at the token's own time: a token stays valid once
    the authority's certificate has expired (as a signed paper stays signed)."""
    try:
        moment = read_token(reply).time
    except TimestampError as error:
        return str(error)
    with tempfile.TemporaryDirectory() as folder:
        return _verify(reply, authority, ("-digest", digest), folder, moment)


def _verify(reply: bytes, authority: Authority, what: tuple[str, ...], folder: str,
            moment: dt.datetime | None = None) -> str | None:
    reply_file = Path(folder, "reply.tsr")
    reply_file.write_bytes(reply)
    arguments = ["-verify", *what, "-in", str(reply_file), "-CAfile", str(authority.ca_file)]
    if moment is not None:
        arguments += ["-attime", str(int(moment.replace(tzinfo=dt.timezone.utc).timestamp()))]
    if authority.untrusted:
        arguments += ["-untrusted", str(authority.untrusted)]
    result = _openssl(*arguments)
    if result.returncode == 0 and b"Verification: OK" in result.stdout:
        return None
    # OpenSSL's errors read "<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:".
    reasons = [line.split(":")[5] for line in result.stderr.decode(errors="replace").splitlines()
               if ":error:" in line and line.count(":") >= 6]
    return reasons[-1] if reasons else "verification failed"


@dataclass(frozen=True)
class TokenContent:
    """What a token certifies, read from the token itself (never from a column anyone could edit)."""

    digest: str  # the message imprint, hex
    time: dt.datetime  # genTime, UTC


def read_token(reply: bytes) -> TokenContent:
    """The imprint and time of a TimeStampResp (RFC 3161 §2.4.2), read from its DER.

    TimeStampResp ::= SEQUENCE { status, timeStampToken ContentInfo { contentType, [0] SignedData {
    version, digestAlgorithms, encapContentInfo { eContentType, [0] OCTET STRING TSTInfo } … } } }
    TSTInfo ::= SEQUENCE { version, policy, messageImprint { hashAlgorithm, hashedMessage }, serialNumber,
    genTime GeneralizedTime, … }"""
    try:
        response = _children(_element(reply, 0)[1])
        content_info = _children(response[1][1])
        signed_data = _children(_children(content_info[1][1])[0][1])
        encapsulated = _children(signed_data[2][1])
        tst_info = _children(_children(encapsulated[1][1])[0][1])
        tst_info = _children(tst_info[0][1]) if tst_info[0][0] == 0x30 and len(tst_info) == 1 else tst_info
        imprint = _children(tst_info[2][1])
        hashed = imprint[1][1]
        generalized = tst_info[4][1].decode("ascii")  # YYYYMMDDHHMMSS[.fff]Z
        moment = dt.datetime.strptime(generalized[:14], "%Y%m%d%H%M%S")
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise TimestampError("not a timestamp token") from error
    return TokenContent(hashed.hex(), moment)


def _element(data: bytes, offset: int) -> tuple[int, bytes, int]:
    """(tag, content, next offset) of the DER element at ``offset``."""
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        size = length & 0x7F
        if not 0 < size <= 4:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[offset:offset + size], "big")
        offset += size
    if offset + length > len(data):
        raise ValueError("truncated DER")
    return tag, data[offset:offset + length], offset + length


def _children(content: bytes) -> list[tuple[int, bytes]]:
    found, offset = [], 0
    while offset < len(content):
        tag, inner, offset = _element(content, offset)
        found.append((tag, inner))
    return found


@dataclass(frozen=True)
class StoredStamp:
    """A token as the database keeps it: the entry it is filed under (what it covers is read from
    the token itself, :func:`read_token`)."""

    sequence: int
    reply: bytes
    time: dt.datetime


@dataclass(frozen=True)
class TimestampCheck:
    """What the timestamps say about a chain whose hashes were recomputed from its stored content.

    ``status`` is one of:
    - ``not-configured``: no authority; the chain proves nothing against whoever can write to the database;
    - ``none-yet``: an authority is configured, no entry is timestamped yet;
    - ``covered``: every token verifies and still matches its entry;
    - ``token-invalid``: a token does not verify against the authority's certificate (``sequence``);
    - ``rewritten``: an entry up to ``sequence`` (after ``since`` if another token still matches
      before it) was rewritten after ``time``, and the hashes recomputed.
    """

    status: str
    #: The last entry a valid, matching token covers, and the authority's time for it.
    covered_sequence: int | None = None
    covered_time: dt.datetime | None = None
    #: For a problem: the token's entry, its time, and the last entry still known good before it.
    sequence: int | None = None
    time: dt.datetime | None = None
    since: int | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("not-configured", "none-yet", "covered")


def check_stamps(stamps: list[StoredStamp], recomputed: dict[int, str], authority: Authority | None
                 ) -> TimestampCheck:
    """Compare the tokens with the hashes recomputed *now* from the entries' stored content (not the
    stored hashes, which whoever rewrites an entry rewrites too).

    Every token's own imprint (read from the token, not from a column) must be the recomputed hash
    of the entry it is filed under: a moved or altered token is as suspect as a rewritten entry.
    Then one OpenSSL check of the last token suffices: being genuine and matching, it proves
    through the chain every entry up to it; earlier tokens need not be signed to prove anything."""
    if authority is None:
        return TimestampCheck("not-configured")
    if not stamps:
        return TimestampCheck("none-yet")
    read = []
    for stored in sorted(stamps, key=lambda item: (item.sequence, item.time)):
        try:
            read.append((stored, read_token(stored.reply)))
        except TimestampError as error:
            return TimestampCheck("token-invalid", sequence=stored.sequence, time=stored.time, detail=str(error))
    last_good = None
    for stored, content in read:
        if recomputed.get(stored.sequence) != content.digest:
            return TimestampCheck("rewritten", last_good and last_good[0].sequence, last_good and last_good[1].time,
                                  stored.sequence, content.time, last_good and last_good[0].sequence)
        last_good = (stored, content)
    latest, content = read[-1]
    problem = verify(latest.reply, content.digest, authority)
    if problem:  # not this authority's token, or altered: nothing it claims can be relied on
        return TimestampCheck("token-invalid", sequence=latest.sequence, time=content.time, detail=problem)
    return TimestampCheck("covered", latest.sequence, content.time)
