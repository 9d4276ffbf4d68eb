"""An S3-compatible store as the output (``-o s3://bucket/prefix``), shared by every machine.

Articles (and a bundle's images) are written as ever into a local staging folder
(``OUTPUT_CACHE``, else ``~/.cache/newsmd/store/<hash of the URL>``), then put in the store under
the same relative names: each object whole (S3 never shows part of one), with its SHA-256 in the
object's metadata, so an identical one is left alone. The endpoint and credentials: the setting
``S3_ENDPOINT_URL``, else the usual environment (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, ``~/.aws``), as boto3 reads them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from crawler.declared_settings import setting

STORE_SCHEME = "s3://"
_ENDPOINT: dict[str, str] = {"url": ""}


class StoreError(OSError):
    """The store cannot be used, or an object cannot be put or removed; the message says which and
    why, in one line (an ``OSError``: a failed write, as a full disk is for a folder)."""


def is_store_url(value: Any) -> bool:
    """Whether an output given as ``value`` is a store (``s3://bucket[/prefix]``), not a folder."""
    return str(value or "").startswith(STORE_SCHEME)


def configure(settings: Any) -> None:
    """Take the store's endpoint from the run's settings (``S3_ENDPOINT_URL``), for every store opened."""
    _ENDPOINT["url"] = setting(settings, "S3_ENDPOINT_URL")


def staging_folder(url: str, settings: Any = None) -> Path:
    """The local folder where articles for the store at ``url`` are written before they are put."""
    if configured := setting(settings, "OUTPUT_CACHE"):
        return Path(configured)
    return Path.home() / ".cache" / "newsmd" / "store" / hashlib.sha256(url.encode()).hexdigest()[:16]


class S3Store:
    """The objects below ``s3://bucket/prefix``, by their names relative to it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise StoreError(f"{url}: not a store URL (s3://bucket/prefix)")
        self.url = url.rstrip("/")
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        import boto3

        self.client = boto3.client("s3", endpoint_url=_ENDPOINT["url"] or None)

    def key(self, relative: str | PurePosixPath) -> str:
        relative = str(PurePosixPath(relative))
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def location(self, relative: str | PurePosixPath) -> str:
        """The object's URL, as printed and recorded: ``s3://bucket/prefix/qq/ID.md``."""
        return f"s3://{self.bucket}/{self.key(relative)}"

    def check(self) -> None:
        """``StoreError`` unless the bucket is there and reachable with these credentials."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"cannot use {self.url} as the output: {_reason(error)}") from None

    def stored_hash(self, relative: str | PurePosixPath) -> str | None:
        """The SHA-256 the object was put with, ``None`` when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.key(relative))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return str(head.get("Metadata", {}).get("sha256", ""))

    def put(self, relative: str | PurePosixPath, data: bytes, new: bool = False) -> str:
        """Put ``data`` as the object (whole, or not at all); ``written``, ``updated`` or ``unchanged``.
        ``new``: the caller knows there is no such object, so the store is not asked first."""
        from botocore.exceptions import BotoCoreError, ClientError

        digest = hashlib.sha256(data).hexdigest()
        try:
            stored = None if new else self.stored_hash(relative)
            if stored == digest:
                return "unchanged"
            self.client.put_object(Bucket=self.bucket, Key=self.key(relative), Body=data, Metadata={"sha256": digest})
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"could not put {self.location(relative)}: {_reason(error)}") from None
        return "written" if stored is None else "updated"

    def delete(self, relative: str | PurePosixPath) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(relative))
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"could not remove {self.location(relative)}: {_reason(error)}") from None

    def get(self, relative: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=self.key(relative))["Body"].read())

    def objects(self) -> Iterator[tuple[str, str]]:
        """Each object below the prefix: its name relative to it, and its ETag."""
        start = f"{self.prefix}/" if self.prefix else ""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for entry in page.get("Contents", []):
                yield entry["Key"][len(start):], str(entry.get("ETag", ""))


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code", "")
        return {"404": "no such bucket", "NoSuchBucket": "no such bucket", "403": "access denied"}.get(code, str(code))
    return str(error).splitlines()[0]


_STORES: dict[str, S3Store] = {}


def object_intact(location: str, content_hash: str) -> bool:
    """Whether the object at ``location`` (``s3://bucket/key``) is still the one written."""
    parts = urlsplit(location)
    store = _STORES.get(parts.netloc)
    if store is None:
        store = _STORES[parts.netloc] = S3Store(f"s3://{parts.netloc}")
    try:
        return bool(content_hash) and store.stored_hash(parts.path.lstrip("/")) == content_hash
    except Exception:  # botocore's errors: an object that cannot be checked is fetched again
        return False
