"""The state file: a damaged or locked one is one clear error, never a traceback halfway through."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from crawler.crawling.state import SqliteState, StateFileError


def test_a_state_file_locked_by_another_program_is_reported_when_opened(tmp_path: Path) -> None:
    path = tmp_path / ".newsmd-state.sqlite"
    SqliteState(path).close()
    other = sqlite3.connect(path)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateFileError, match="the state file is locked by another program"):
            SqliteState(path, timeout=0.1)
    finally:
        other.rollback()
        other.close()
    SqliteState(path, timeout=0.1).close()


def test_a_custom_state_file_gets_its_own_rebuild_command(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StateFileError) as raised:
        SqliteState(path)
    assert str(raised.value).endswith(f"newsmd state rebuild {tmp_path} --state {path}")


def _get(output: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["newsmd", "get", "http://127.0.0.1:9/x.html", "-o", str(output), *extra],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def test_a_state_lock_or_job_path_that_cannot_be_used_is_one_line_and_exit_2(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """As root no folder refuses writing, so the tests put a folder where a file belongs, and a file where a folder does."""
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "out2" / ".newsmd-state.sqlite.lock").mkdir(parents=True)
    cases = [
        _get(tmp_path / "out1", cli_env, "-s", f"STATE_FILE={tmp_path / 'a-folder'}"),  # the state file is a folder
        _get(tmp_path / "out2", cli_env),  # the lock file is a folder
        _get(tmp_path / "out3", cli_env, "-s", f"STATE_FILE={tmp_path / 'a-file' / 'state.sqlite'}"),  # under a file
    ]
    for result in cases:
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("newsmd: error: cannot use ") and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_a_state_file_of_another_program_is_refused_in_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    state = tmp_path / "out" / ".newsmd-state.sqlite"
    state.parent.mkdir()
    with sqlite3.connect(state) as foreign:
        foreign.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT)")
    result = _get(tmp_path / "out", cli_env)
    assert result.returncode == 1 and "not a state file of this newsmd" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.rstrip().endswith("[state_file]")


def test_a_full_disk_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    with pytest.raises(StateFileError, match="the disk is full; free some space"):
        SqliteState(tmp_path / "state.sqlite")
