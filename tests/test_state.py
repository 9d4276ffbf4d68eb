"""The state file: a damaged or locked one is one clear error, never a traceback halfway through."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.state import ArticleState, StateFileError


def test_a_state_file_locked_by_another_program_is_reported_when_opened(tmp_path: Path) -> None:
    path = tmp_path / ".newsmd-state.sqlite"
    ArticleState(path).close()
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateFileError, match="the state file is locked by another program"):
            ArticleState(path, timeout=0.1)
    finally:
        other.rollback()
        other.close()
    ArticleState(path, timeout=0.1).close()


def test_a_custom_state_file_gets_its_own_rebuild_command(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StateFileError) as raised:
        ArticleState(path)
    assert str(raised.value).endswith(f"newsmd state rebuild {tmp_path} --state {path}")
