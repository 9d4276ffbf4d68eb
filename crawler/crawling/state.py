"""Incremental-crawl state: one row per article ID, in a SQLite file beside the output (the
default) or a PostgreSQL database several machines share (``STATE_URL``).

A row holds the feed version last seen (to skip fetching an unchanged article) and the hash of
the file last written (to tell an updated article from an unchanged one). Downloaded images are
recorded per article (URL -> file in the bundle) so a re-run does not fetch them again. Links
found in feeds and sitemaps are recorded with the update stamp they had when written.
"""

from __future__ import annotations

import errno
import sqlite3
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.declared_settings import setting
from crawler.output.output_store import (
    configure,
    is_store_url,
    object_intact,
    staging_folder,
)
from pipelines.storage import file_sha256

STATE_FILE_NAME = ".newsmd-state.sqlite"


def file_intact(path: str, content_hash: str) -> bool:
    """Whether the file at ``path`` is still the one written (same SHA-256): the state never
    outranks the output folder, so a deleted or changed file is fetched and written again."""
    if is_store_url(path):
        return object_intact(path, content_hash)
    return bool(path and content_hash) and file_sha256(Path(path)) == content_hash


@dataclass(frozen=True)
class ArticleRecord:
    """What the state knows of one article."""

    article_id: str
    feed_version: str
    content_hash: str
    path: str

    def file_intact(self) -> bool:
        """The article's file is still there, as written."""
        return file_intact(self.path, self.content_hash)


@dataclass(frozen=True)
class FailureRecord:
    """An article that failed: the last reason, whether it was permanent, how many runs tried it,
    and the feed's version of it then."""

    reason: str
    permanent: bool
    attempts: int
    version: str = ""


@dataclass(frozen=True)
class LinkRecord:
    """What the state knows of one feed or sitemap link: its stamp and the file it became."""

    version: str
    path: str
    content_hash: str

    def file_intact(self) -> bool:
        """The link's article file is still there, as written."""
        return file_intact(self.path, self.content_hash)


def default_state_path(output_dir: str | Path) -> Path:
    """The state file for an output root: ``<OUTPUT_DIR>/.newsmd-state.sqlite``."""
    return Path(output_dir) / STATE_FILE_NAME


SHARED_STATE_SCHEMES = ("postgresql://", "postgres://")


def shared_state_url(settings: Any) -> str:
    """``STATE_URL`` when it names a shared database (``postgresql://…``), else ``""``."""
    url = setting(settings, "STATE_URL")
    return url if url.startswith(SHARED_STATE_SCHEMES) else ""


def state_path(settings: Any) -> Path:
    """The SQLite state file a crawl uses: ``STATE_URL`` (``sqlite:///PATH`` or a path), else
    ``STATE_FILE``, else the one beside ``OUTPUT_DIR``."""
    url = setting(settings, "STATE_URL")
    if url and not shared_state_url(settings):
        return Path(url.removeprefix("sqlite://"))
    output = setting(settings, "OUTPUT_DIR")
    return Path(setting(settings, "STATE_FILE") or default_state_path(staging_folder(output, settings) if is_store_url(output)
                                                                 else output))


def open_state(settings: Any) -> ArticleState:
    """The state a crawl with these settings uses: PostgreSQL for a ``postgresql://`` ``STATE_URL``,
    else the SQLite file (``state_path``)."""
    configure(settings)  # records of articles in a store are checked there
    if url := shared_state_url(settings):
        from crawler.crawling.state_postgres import PostgresState

        return PostgresState(url)
    return SqliteState(state_path(settings))


class StateFileError(Exception):
    """The state file cannot be used; the message names it, says why and how to fix it."""


class UnusablePath(StateFileError):
    """A file or folder a run needs (state file, lock, job or output folder) cannot be opened or
    written: no permission, a read-only file system, a folder where a file belongs. Bad usage (exit 2)."""


def unusable(path: Path, error: BaseException, what: str) -> StateFileError:
    """The one-line refusal for ``path`` that ``error`` (an ``OSError`` or SQLite's) makes unusable as ``what``."""
    text = str(error)
    if getattr(error, "errno", None) == errno.ENOSPC or "disk is full" in text:
        return StateFileError(f"{path}: the disk is full; free some space and run again")
    reason = getattr(error, "strerror", None) or text
    return UnusablePath(f"cannot use {path} as {what}: {reason}; make it writable by this user, or choose "
                        "another place (-o DIR, -s STATE_FILE=PATH, --resume DIR)")


def rebuild_hint(path: Path) -> str:
    """The command that rebuilds the state file at ``path`` from the article files beside it."""
    return f"newsmd state rebuild {path.parent}" + ("" if path.name == STATE_FILE_NAME else f" --state {path}")


_UNUSABLE_SQLITE = ("unable to open database file", "readonly database", "disk is full", "disk I/O error")
_SCHEMA = {
    "articles": {"source", "article_id", "feed_version", "content_hash", "path", "updated_at"},
    "images": {"source", "article_id", "url", "file"},
    "links": {"url", "version", "updated_at", "path", "content_hash"},
    "failures": {"url", "reason", "permanent", "attempts", "version", "updated_at"},
}
"""The columns each table must have; an older newsmd's files are migrated before the check."""


def _now() -> str:
    """UTC now as both backends store it (``2026-12-06 11:58:13``)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


class ArticleState:
    """The state interface: articles by ``(source, article_id)``, their images, feed links and
    known failures, whichever database holds them. Changes are committed ``COMMIT_EVERY`` at a time
    and on ``close``. A run killed in between loses its last records (never a file, never the
    file's consistency): the next run fetches those articles again and finds their files unchanged.

    A backend gives the connection (``_db``), its parameter mark and its schema check; the
    statements are the same SQL for all (``SqliteState``, ``crawler.crawling.state_postgres.PostgresState``).
    """

    COMMIT_EVERY = 64
    PARAMETER = "?"
    _db: Any

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._pending = 0
        self._resolved_folders: dict[Path, Path] = {}

    def _execute(self, statement: str, parameters: tuple[Any, ...] = ()) -> Any:
        return self._db.execute(statement.replace("?", self.PARAMETER), parameters)

    def _create_tables(self) -> None:
        for table in _TABLES:
            self._execute(table)

    def _columns(self, table: str) -> set[str]:
        """The columns ``table`` has in this backend's database."""
        raise NotImplementedError

    def _check_columns(self) -> None:
        for table, columns in _SCHEMA.items():
            missing = columns - self._columns(table)
            if missing:  # a table of the same name written by another program
                raise sqlite3.DatabaseError(f"its table {table} lacks {', '.join(sorted(missing))}: not a state file "
                                            "of this newsmd")

    def _resolved(self, path: str | Path) -> str:
        """The absolute path of an article file, its folder resolved once per run (not every file);
        an object's URL in a store as it is."""
        if is_store_url(path):
            return str(path)
        path = Path(path)
        folder = self._resolved_folders.get(path.parent)
        if folder is None:
            folder = self._resolved_folders[path.parent] = path.parent.resolve()
        return str(folder / path.name)

    def get(self, source: str, article_id: str) -> ArticleRecord | None:
        """The record of an article, or ``None`` when it was never written."""
        row = self._execute(
            "SELECT article_id, feed_version, content_hash, path FROM articles WHERE source=? AND article_id=?",
            (source, article_id),
        ).fetchone()
        return ArticleRecord(*row) if row else None

    def record(self, source: str, article_id: str, feed_version: str, file_hash: str, path: str) -> None:
        """Remember an article written (or confirmed unchanged) at ``path``."""
        self._change(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (source, article_id) DO UPDATE SET feed_version=excluded.feed_version,"
            " content_hash=excluded.content_hash, path=excluded.path, updated_at=excluded.updated_at",
            (source, article_id, feed_version, file_hash, self._resolved(path), _now()),
        )

    def image_file(self, source: str, article_id: str, url: str) -> str | None:
        """The stored file name of an image already downloaded for an article, if any."""
        row = self._execute(
            "SELECT file FROM images WHERE source=? AND article_id=? AND url=?", (source, article_id, url)
        ).fetchone()
        return row[0] if row else None

    def record_image(self, source: str, article_id: str, url: str, file: str) -> None:
        """Remember that ``url`` is stored as ``file`` in the article's bundle."""
        self._change(
            "INSERT INTO images VALUES (?, ?, ?, ?) ON CONFLICT (source, article_id, url) DO UPDATE SET file=excluded.file",
            (source, article_id, url, file),
        )

    def link(self, url: str) -> LinkRecord | None:
        """What a feed or sitemap link was when its article was last written, if ever."""
        row = self._execute("SELECT version, path, content_hash FROM links WHERE url=?", (url,)).fetchone()
        return LinkRecord(*row) if row else None

    def record_link(self, url: str, version: str, path: str, file_hash: str) -> None:
        """Remember that the article at ``url`` was written to ``path`` as of update stamp ``version``."""
        self._change(
            "INSERT INTO links (url, version, updated_at, path, content_hash) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET version=excluded.version, updated_at=excluded.updated_at,"
            " path=excluded.path, content_hash=excluded.content_hash",
            (url, version, _now(), self._resolved(path), file_hash),
        )

    def failure(self, url: str) -> FailureRecord | None:
        """How the article at ``url`` failed before, if it did and has not been written since."""
        row = self._execute("SELECT reason, permanent, attempts, version FROM failures WHERE url=?", (url,)).fetchone()
        return FailureRecord(row[0], bool(row[1]), row[2], row[3]) if row else None

    def record_failure(self, url: str, reason: str, permanent: bool, version: str = "") -> None:
        """Remember one more failed attempt at the article at ``url``, listed by its feed as ``version``."""
        self._change(
            "INSERT INTO failures VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (url) DO UPDATE SET"
            " reason=excluded.reason, permanent=excluded.permanent, attempts=failures.attempts + 1,"
            " version=excluded.version, updated_at=excluded.updated_at",
            (url, reason, int(permanent), version, _now()),
        )

    def clear_failure(self, url: str) -> None:
        """Forget the failures of the article at ``url`` (it has been written)."""
        self._change("DELETE FROM failures WHERE url=?", (url,))

    def _change(self, statement: str, parameters: tuple[Any, ...]) -> None:
        self._execute(statement, parameters)
        self._pending += 1
        if self._pending >= self.COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        """Commit the changes made since the last commit."""
        self._db.commit()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self._db.close()


_TABLES = (
    "CREATE TABLE IF NOT EXISTS articles ("
    " source TEXT NOT NULL, article_id TEXT NOT NULL, feed_version TEXT NOT NULL,"
    " content_hash TEXT NOT NULL, path TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " PRIMARY KEY (source, article_id))",
    "CREATE TABLE IF NOT EXISTS images ("
    " source TEXT NOT NULL, article_id TEXT NOT NULL, url TEXT NOT NULL, file TEXT NOT NULL,"
    " PRIMARY KEY (source, article_id, url))",
    "CREATE TABLE IF NOT EXISTS links ("
    " url TEXT PRIMARY KEY, version TEXT NOT NULL, updated_at TEXT NOT NULL,"
    " path TEXT NOT NULL DEFAULT '', content_hash TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS failures ("
    " url TEXT PRIMARY KEY, reason TEXT NOT NULL, permanent INTEGER NOT NULL, attempts INTEGER NOT NULL,"
    " version TEXT NOT NULL, updated_at TEXT NOT NULL)",
)
"""The tables, in SQL both backends take."""


class SqliteState(ArticleState):
    """The state in a SQLite file beside the output (one machine, the default).

    Opening checks the file: a damaged one (cut off, not SQLite) or one another program keeps
    locked raises ``StateFileError`` with a one-line explanation and the fix.
    """

    path: Path

    def __init__(self, path: str | Path, timeout: float = 30) -> None:
        super().__init__(Path(path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout)
            self._open()
        except OSError as error:
            raise unusable(self.path, error, "the state file") from None
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                raise StateFileError(f"{self.path}: the state file is locked by another program ({error}); "
                                     "wait for it to finish") from None
            if any(words in str(error) for words in _UNUSABLE_SQLITE) or self.path.is_dir():
                raise unusable(self.path, error, "the state file") from None
            raise self._damaged(error) from None
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None

    def _damaged(self, error: Exception) -> StateFileError:
        return StateFileError(f"{self.path}: the state file is damaged ({error}); rebuild it from the article "
                              f"files with: {rebuild_hint(self.path)}")

    def _open(self) -> None:
        check = self._db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(check)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL commits without an fsync each: a kill loses nothing committed; a power cut may lose the
        # last records, whose articles the next run fetches again and finds unchanged (files are checked).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._create_tables()
        link_columns = self._columns("links")
        for column in ("path", "content_hash"):  # state files of earlier versions
            if column not in link_columns:
                self._db.execute(f"ALTER TABLE links ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
        self._check_columns()
        self._db.commit()
        self._db.execute("BEGIN IMMEDIATE")  # fails now, not mid-crawl, when another program holds the lock
        self._db.commit()

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}


_CRAWL_STATES: weakref.WeakKeyDictionary[Any, ArticleState] = weakref.WeakKeyDictionary()


def crawl_state(crawler: Any) -> ArticleState:
    """The one connection to a crawl's state file, shared by its spider and pipelines: changes are
    committed in batches, and a second connection's writes would wait on the first's open one."""
    state = _CRAWL_STATES.get(crawler)
    if state is None:
        state = _CRAWL_STATES[crawler] = open_state(crawler.settings)
    return state


def close_crawl_state(crawler: Any) -> None:
    """Commit and close the crawl's state file, if it was opened (at the end of the crawl)."""
    state = _CRAWL_STATES.pop(crawler, None)
    if state is not None:
        state.close()
