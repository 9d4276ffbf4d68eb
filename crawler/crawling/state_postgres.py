"""The state in PostgreSQL (``STATE_URL=postgresql://…``), shared by every machine of a crawl:
the same tables and statements as the SQLite file, and the run lock as an advisory lock of the
database, held by a session for as long as the run lasts (the server drops it when the session
ends, as the kernel drops a ``flock``)."""

from __future__ import annotations

import zlib
from typing import Any

from crawler.crawling.state import ArticleState, StateFileError

_CONNECT_TIMEOUT = 10


def _without_password(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # psycopg's ProgrammingError: the URL itself is bad; only a name is shown
        return "the STATE_URL database"
    parts.pop("password", None)
    return make_conninfo("", **{key: value for key, value in parts.items() if value is not None})


def connect(url: str) -> Any:
    """A connection to the state database, or ``StateFileError`` with one line (no password shown)."""
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=_CONNECT_TIMEOUT)
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StateFileError(f"cannot use the state database {_without_password(url)}: {first_line}") from None


class PostgresState(ArticleState):
    """The state interface on a PostgreSQL database (created on first use, checked on opening)."""

    PARAMETER = "%s"

    def __init__(self, url: str) -> None:
        super().__init__(_without_password(url))
        self._db = connect(url)
        try:
            with self._db.transaction():
                self._execute("SELECT pg_advisory_xact_lock(?)", (_lock_key("newsmd-schema"),))
                self._create_tables()
                self._check_columns()
        except Exception as error:  # psycopg's errors, or another program's tables (_check_columns)
            self._db.close()
            raise StateFileError(f"{self.path}: cannot use it as the state database: {error}") from None

    def _columns(self, table: str) -> set[str]:
        rows = self._execute("SELECT column_name FROM information_schema.columns WHERE table_name=?"
                             " AND table_schema=current_schema()", (table,))
        return {row[0] for row in rows}


def _lock_key(name: str) -> int:
    """A 64-bit advisory lock key for ``name``, the same on every machine."""
    return zlib.crc32(name.encode()) << 31 | zlib.crc32(name[::-1].encode()) >> 1


class DatabaseRunLock:
    """The run lock of a shared state: one session of the database holding the advisory lock
    ``name`` (one discoverer per source at a time; workers take none)."""

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self._db: Any = None

    def acquire(self, wait: bool) -> bool:
        """Take the lock (waiting for it with ``wait``); whether it was taken."""
        self._db = connect(self.url)
        self._db.autocommit = True
        key = _lock_key(self.name)
        if wait:
            self._db.execute("SELECT pg_advisory_lock(%s)", (key,))
            return True
        return bool(self._db.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0])

    def release(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
