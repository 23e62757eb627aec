"""Where the attachments' bytes live: a local folder (the default, nothing to set up) or an
S3-compatible object store, which several application servers share (docs/deployment.md).

Files are named by their SHA-256 and never rewritten, so both backends need only whole-object
writes, reads, existence checks and deletions; the evidence log's verification reads the bytes
back and hashes them, wherever they are. Chosen by ``PERMANENCE_ATTACHMENTS_STORAGE``."""
from __future__ import annotations

import functools
import inspect
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

BACKENDS = ("local", "s3")


class StorageError(RuntimeError):
    """The storage is misconfigured or does not answer; the message says what to set, or what failed."""


def _as_storage_errors(method):
    """An S3 failure (network, rights, the server) becomes a StorageError, which the views turn into
    'nothing was saved, try again' with the form kept; a missing file stays FileNotFoundError."""
    if inspect.isgeneratorfunction(method):  # the listing fails while it is read, not when it is asked
        @functools.wraps(method)
        def listing(self, *arguments, **keywords):
            from botocore.exceptions import BotoCoreError, ClientError

            try:
                yield from method(self, *arguments, **keywords)
            except (BotoCoreError, ClientError) as error:
                raise StorageError(f"S3 {method.__name__}: {error}") from error
        return listing

    @functools.wraps(method)
    def wrapped(self, *arguments, **keywords):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return method(self, *arguments, **keywords)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"S3 {method.__name__}: {error}") from error
    return wrapped


class Storage(Protocol):
    """What the evidence log needs from a place that keeps files by their SHA-256."""

    kind: str

    def exists(self, digest: str) -> bool: ...

    def open(self, digest: str) -> BinaryIO:
        """A readable stream of the file; :class:`FileNotFoundError` when it is not there."""

    def read(self, digest: str) -> bytes: ...

    def write(self, digest: str, data: bytes) -> None:
        """Whole or not at all: a reader never sees half a file, two writers of the same file both succeed."""

    def delete(self, digest: str) -> None:
        """Nothing happens when the file is already gone."""

    def digests(self) -> Iterator[str]:
        """Every stored file's name, for migrations and backups."""

    def check(self) -> None:
        """Raises unless files can be written (``/healthz``)."""


class LocalStorage:
    """One file per attachment under ``folder/ab/abcdef…``."""

    kind = "local"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"LocalStorage({self.folder})"

    def path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def open(self, digest: str) -> BinaryIO:
        return open(self.path(digest), "rb")

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def write(self, digest: str, data: bytes) -> None:
        path = self.path(digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A private temporary name, then a rename: two uploads of the same file at once both succeed.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{digest[:8]}", delete=False) as temporary:
            temporary.write(data)
        Path(temporary.name).replace(path)

    def delete(self, digest: str) -> None:
        self.path(digest).unlink(missing_ok=True)

    def digests(self) -> Iterator[str]:
        for path in sorted(self.folder.glob("??/*")):
            if path.is_file() and len(path.name) == 64 and not path.name.startswith("."):
                yield path.name

    def check(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise OSError(f"cannot write to {self.folder}")


class S3Storage:
    """One object per attachment under ``prefix/ab/abcdef…`` in a bucket the administrator created.

    The client is made in each process on first use: gunicorn forks its workers after the
    application is built, and a client must not cross a fork."""

    kind = "s3"

    def __init__(self, *, endpoint_url: str, bucket: str, access_key_id: str, secret_access_key: str,
                 region: str = "us-east-1", prefix: str = "attachments/"):
        self.endpoint_url, self.bucket, self.region = endpoint_url, bucket, region
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._credentials = (access_key_id, secret_access_key)
        self._client, self._pid = None, None

    def __repr__(self) -> str:  # never the secret
        return f"S3Storage({self.endpoint_url}, bucket={self.bucket!r}, prefix={self.prefix!r})"

    @property
    def client(self):
        if self._client is None or self._pid != os.getpid():
            try:
                import boto3
                from botocore.config import Config
            except ImportError:  # pragma: no cover - said to the administrator at start-up
                raise StorageError("S3 storage needs boto3: pip install 'permanence[production]'") from None
            self._client = boto3.client(
                "s3", endpoint_url=self.endpoint_url or None, region_name=self.region,
                aws_access_key_id=self._credentials[0], aws_secret_access_key=self._credentials[1],
                config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                              retries={"max_attempts": 3, "mode": "standard"}))
            self._pid = os.getpid()
        return self._client

    def key(self, digest: str) -> str:
        return f"{self.prefix}{digest[:2]}/{digest}"

    def _missing(self, error) -> bool:
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    @_as_storage_errors
    def exists(self, digest: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(digest))
            return True
        except ClientError as error:
            if self._missing(error):
                return False
            raise

    @_as_storage_errors
    def open(self, digest: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(digest))["Body"]
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(self.key(digest)) from None
            raise

    @_as_storage_errors
    def read(self, digest: str) -> bytes:
        with self.open(digest) as body:
            return body.read()

    @_as_storage_errors
    def write(self, digest: str, data: bytes) -> None:
        import base64
        import hashlib

        # The store checks the bytes it received against this MD5, so a cut upload is refused.
        self.client.put_object(Bucket=self.bucket, Key=self.key(digest), Body=data,
                               ContentMD5=base64.b64encode(hashlib.md5(data).digest()).decode())  # noqa: S324

    @_as_storage_errors
    def delete(self, digest: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(digest))

    @_as_storage_errors
    def digests(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if len(name) == 64:
                    yield name

    @_as_storage_errors
    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def create_bucket(self) -> bool:
        """``True`` when it was created, ``False`` when it already existed."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
            return False
        except ClientError as error:
            if not self._missing(error):
                raise
        self.client.create_bucket(Bucket=self.bucket)
        return True


#: The configuration keys of the S3 backend, from PERMANENCE_S3_* (core/web/config.py).
S3_SETTINGS = {"endpoint_url": "S3_ENDPOINT_URL", "bucket": "S3_BUCKET", "access_key_id": "S3_ACCESS_KEY_ID",
               "secret_access_key": "S3_SECRET_ACCESS_KEY", "region": "S3_REGION", "prefix": "S3_PREFIX"}


def storage_from_config(config: Mapping, instance_path: str, kind: str | None = None) -> Storage:
    """The backend ``kind`` (by default the configured one), or a :class:`StorageError` saying what is missing."""
    kind = kind or config.get("ATTACHMENTS_STORAGE") or "local"
    if kind == "local":
        return LocalStorage(Path(config.get("ATTACHMENTS_DIR") or Path(instance_path) / "attachments"))
    if kind == "s3":
        settings = {name: config.get(key) or "" for name, key in S3_SETTINGS.items()}
        missing = [f"PERMANENCE_{S3_SETTINGS[name]}" for name in ("bucket", "access_key_id", "secret_access_key")
                   if not settings[name]]
        if missing:
            raise StorageError(f"PERMANENCE_ATTACHMENTS_STORAGE=s3 needs {', '.join(missing)}")
        return S3Storage(**{name: value for name, value in settings.items() if value})
    raise StorageError(f"PERMANENCE_ATTACHMENTS_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")
