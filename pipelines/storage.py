"""Where an article's file goes, and writing it atomically inside the output root."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_OUR_TEMP = re.compile(r"^\..+\.(?:md|jsonl|jpg|png|gif|webp|avif)\.[^.]+\.tmp$")
"""The temp files the writers make: ``.<file>.<random>.tmp`` beside an article or image."""
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,127}$")
_RESERVED = frozenset({
    "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),  # Windows devices
    "index",  # qq/index.md would turn the whole qq/ folder into one Hugo leaf bundle
})


class UnsafePathError(ValueError):
    """A name taken from scraped content cannot be used as a file name inside the output root."""


def safe_name(value: str) -> str:
    """The file-name component for a source name or article ID (letters, digits, ``_``, ``-``).

    A plain name is itself. One that a tool or system would misread (``-x`` looks like an option,
    ``_x`` and ``index`` mean something to Hugo, ``con``/``nul`` are Windows devices) is written
    as ``_<value>_``: plain names start with a letter or digit, so no two values share a file.
    Anything else (``..``, ``/``, spaces, other scripts) raises ``UnsafePathError``.
    """
    if not _NAME.match(value or ""):
        raise UnsafePathError(f"unsafe file name component {value!r}")
    if value[0].isalnum() and value.lower() not in _RESERVED:
        return value
    return f"_{value}_"


def name_from_file(component: str) -> str:
    """The source name or article ID a file-name component stands for (``safe_name`` undone)."""
    return component[1:-1] if len(component) > 2 and component.startswith("_") and component.endswith("_") else component


LAYOUTS = ("flat", "bundle")


def article_path(root: Path, source: str, article_id: str, layout: str = "flat",
                 checked_folders: set[Path] | None = None, suffix: str = ".md") -> Path:
    """``root/<source>/<article_id>.md`` (``flat``) or ``root/<source>/<article_id>/index.md``
    (``bundle``, a Hugo page bundle), refusing anything that would leave ``root``; ``suffix`` is
    the output format's (``.jsonl``).

    ``checked_folders`` (kept by one writer for its run) holds the folders already found inside
    ``root``: resolving every path component again for each file costs more than writing it.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r} (choose {' or '.join(LAYOUTS)})")
    root = Path(root)
    folder = root / safe_name(source)
    if layout == "bundle":
        folder = folder / safe_name(article_id)
    path = folder / (f"index{suffix}" if layout == "bundle" else f"{safe_name(article_id)}{suffix}")
    if checked_folders is None or path.parent not in checked_folders:
        resolved_root = root.resolve()
        if path.parent.resolve() != resolved_root / path.parent.relative_to(root):
            raise UnsafePathError(f"{path.parent} resolves outside the output root {resolved_root}")
        if checked_folders is not None:
            checked_folders.add(path.parent)
    if path.is_symlink():
        raise UnsafePathError(f"{path} is a symbolic link")
    return path


@dataclass(frozen=True)
class WriteResult:
    """What happened to one file: ``written`` (new), ``updated`` or ``unchanged``; its SHA-256;
    with a store as the output, the object's URL (``location``), the file being its staged copy."""

    path: Path
    outcome: str
    content_hash: str
    location: str = ""

    @property
    def shown(self) -> str:
        """Where the article is, as printed and recorded: the store's URL, else the file's path."""
        return self.location or str(self.path)


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of the file at ``path``, ``None`` when it cannot be read (gone, a folder)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Delete temp files a killed writer left below ``root``. A temp file names its writer's process
    (``.<file>.<pid>-<random>.tmp``): one of another live process (a second worker writing to the
    same folder) is being written, and is left alone."""
    root = Path(root)
    if not root.is_dir():
        return []
    stale = [path for path in root.rglob(f".*{TEMP_SUFFIX}")
             if _OUR_TEMP.match(path.name) and path.is_file() and not path.is_symlink() and not _written_now(path.name)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


_WRITER = re.compile(r"\.(\d+)-[^.]+\.tmp$")


def _written_now(name: str) -> bool:
    """Whether the temp file ``name`` belongs to another process that is still running."""
    found = _WRITER.search(name)
    if found is None or int(found.group(1)) == os.getpid():
        return False
    try:
        os.kill(int(found.group(1)), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_atomic(path: Path, text: str, sync_folder: bool = True) -> WriteResult:
    """Write ``text`` to ``path`` via a temp file in the same folder, fsync and rename.

    A reader (or a crash) sees either the old file or the complete new one, never a part.
    Identical content is left untouched (``unchanged``). With ``sync_folder`` false the folder's
    fsync (which makes the rename itself survive a power cut) is left to the caller, who may do
    it once for many files (``sync_folders``).
    """
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    existed = path.exists()
    if existed and path.read_bytes() == data:
        return WriteResult(path, "unchanged", digest)
    replace_atomic(path, data, sync_folder)
    return WriteResult(path, "updated" if existed else "written", digest)


def replace_atomic(path: Path, data: bytes, sync_folder: bool = True) -> None:
    """Put ``data`` at ``path``: a temp file in the same folder, fsynced, renamed over ``path``. A
    reader or a crash sees the old file or the whole new one; a symbolic link planted at ``path``
    is replaced, never written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    if sync_folder:
        sync_folders([path.parent])


def sync_folders(folders: Iterable[Path]) -> None:
    """fsync each folder: the renames made in it are on disk."""
    for folder in folders:
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
