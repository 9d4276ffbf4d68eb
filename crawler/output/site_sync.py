"""``newsmd site sync STORE FOLDER``: bring the articles (and images) of a store into a Hugo
site's content folder, incrementally.

A manifest in the folder (``.newsmd-sync.json``: each name synced, the object's ETag and the file's
SHA-256) tells what the sync wrote. An object whose ETag is the one synced, and whose file is still
as written, is not fetched again; a new or changed one is written atomically. A file the sync did
not write is never overwritten (unless it is already identical) nor removed; a file it wrote whose
object is gone (an article moved to another layout) is removed, unless it was edited since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from crawler.output.output_store import S3Store
from pipelines.storage import file_sha256, replace_atomic

MANIFEST = ".newsmd-sync.json"
_SYNCED_SUFFIXES = (".md", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


@dataclass
class SyncResult:
    """What a sync did, name by name."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files of the folder the sync did not write, left as they are although the store has another."""

    def line(self) -> str:
        return (f"{len(self.new)} new / {len(self.updated)} updated / {self.unchanged} unchanged / "
                f"{len(self.removed)} removed" + (f" / {len(self.kept)} kept (not written by newsmd)" if self.kept else ""))


def _digest(path: Path) -> str | None:
    """The SHA-256 of a file the sync may overwrite or remove: never through a symbolic link."""
    return None if path.is_symlink() else file_sha256(path)


def _inside(folder: Path, name: str) -> Path | None:
    """The file for object ``name`` inside ``folder``, or ``None`` for a name that would leave it."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or relative.parts[0].startswith("."):
        return None
    target = folder.joinpath(*relative.parts)
    return target if target.resolve().is_relative_to(folder.resolve()) and not target.is_symlink() else None


def sync_store(store: S3Store, folder: Path) -> SyncResult:
    """Bring ``folder`` up to date with ``store`` (see the module's docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    try:
        manifest: dict[str, dict[str, str]] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    result, seen = SyncResult(), set()
    for name, etag in store.objects():
        target = _inside(folder, name)
        if target is None or not name.lower().endswith(_SYNCED_SUFFIXES):
            continue
        seen.add(name)
        synced, present = manifest.get(name), _digest(target)
        if synced and synced["etag"] == etag and synced["sha256"] == present:
            result.unchanged += 1
            continue
        data = store.get(name)
        digest = hashlib.sha256(data).hexdigest()
        if present == digest:
            result.unchanged += 1
        elif present is not None and not synced:
            result.kept.append(name)
            continue
        else:
            replace_atomic(target, data)
            (result.updated if present is not None else result.new).append(name)
        manifest[name] = {"etag": etag, "sha256": digest}
    for name in sorted(set(manifest) - seen):
        target = _inside(folder, name)
        if target is not None and _digest(target) == manifest[name]["sha256"]:
            target.unlink()
            result.removed.append(name)
        if target is None or not target.exists():
            del manifest[name]
    replace_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return result
