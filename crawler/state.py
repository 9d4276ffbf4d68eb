"""Incremental-crawl state: one SQLite row per article ID, kept beside the output.

A row holds the feed version last seen (to skip fetching an unchanged article) and the hash of
the file last written (to tell an updated article from an unchanged one). Downloaded images are
recorded per article (URL -> file in the bundle) so a re-run does not fetch them again. Links
found in feeds and sitemaps are recorded with the update stamp they had when written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATE_FILE_NAME = ".newsmd-state.sqlite"


@dataclass(frozen=True)
class ArticleRecord:
    """What the state knows of one article."""

    article_id: str
    feed_version: str
    content_hash: str
    path: str


def default_state_path(output_dir: str | Path) -> Path:
    """The state file for an output root: ``<OUTPUT_DIR>/.newsmd-state.sqlite``."""
    return Path(output_dir) / STATE_FILE_NAME


def state_path(settings: Any) -> Path:
    """The state file a crawl uses: ``STATE_FILE``, else the one beside ``OUTPUT_DIR``."""
    return Path(settings.get("STATE_FILE") or default_state_path(settings.get("OUTPUT_DIR", "output")))


class ArticleState:
    """SQLite store keyed by ``(source, article_id)``; every change is committed at once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS articles ("
            " source TEXT NOT NULL, article_id TEXT NOT NULL, feed_version TEXT NOT NULL,"
            " content_hash TEXT NOT NULL, path TEXT NOT NULL, updated_at TEXT NOT NULL,"
            " PRIMARY KEY (source, article_id))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS images ("
            " source TEXT NOT NULL, article_id TEXT NOT NULL, url TEXT NOT NULL, file TEXT NOT NULL,"
            " PRIMARY KEY (source, article_id, url))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS links ("
            " url TEXT PRIMARY KEY, version TEXT NOT NULL, updated_at TEXT NOT NULL)"
        )
        self._db.commit()

    def get(self, source: str, article_id: str) -> ArticleRecord | None:
        """The record of an article, or ``None`` when it was never written."""
        row = self._db.execute(
            "SELECT article_id, feed_version, content_hash, path FROM articles WHERE source=? AND article_id=?",
            (source, article_id),
        ).fetchone()
        return ArticleRecord(*row) if row else None

    def record(self, source: str, article_id: str, feed_version: str, file_hash: str, path: str) -> None:
        """Remember an article written (or confirmed unchanged) at ``path``."""
        with self._db:
            self._db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, datetime('now'))"
                " ON CONFLICT (source, article_id) DO UPDATE SET feed_version=excluded.feed_version,"
                " content_hash=excluded.content_hash, path=excluded.path, updated_at=excluded.updated_at",
                (source, article_id, feed_version, file_hash, path),
            )

    def image_file(self, source: str, article_id: str, url: str) -> str | None:
        """The stored file name of an image already downloaded for an article, if any."""
        row = self._db.execute(
            "SELECT file FROM images WHERE source=? AND article_id=? AND url=?", (source, article_id, url)
        ).fetchone()
        return row[0] if row else None

    def record_image(self, source: str, article_id: str, url: str, file: str) -> None:
        """Remember that ``url`` is stored as ``file`` in the article's bundle."""
        with self._db:
            self._db.execute(
                "INSERT INTO images VALUES (?, ?, ?, ?) ON CONFLICT (source, article_id, url) DO UPDATE SET file=excluded.file",
                (source, article_id, url, file),
            )

    def link_version(self, url: str) -> str | None:
        """The update stamp a feed or sitemap link had when its article was last written, if ever."""
        row = self._db.execute("SELECT version FROM links WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def record_link(self, url: str, version: str) -> None:
        """Remember that the article at ``url`` was written as of update stamp ``version``."""
        with self._db:
            self._db.execute(
                "INSERT INTO links VALUES (?, ?, datetime('now'))"
                " ON CONFLICT (url) DO UPDATE SET version=excluded.version, updated_at=excluded.updated_at",
                (url, version),
            )

    def close(self) -> None:
        self._db.close()
