"""Crawls with a shared state (``STATE_URL=postgresql://…``) on a real PostgreSQL server: the same
incremental behaviour as the SQLite file, and the run lock in the database."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT
from services import new_database

from crawler.crawling.mirror import MirrorServer
from crawler.crawling.run_lock import EXIT_LOCKED
from crawler.crawling.state_postgres import DatabaseRunLock

SNAPSHOT = ROOT / "demo" / "mirror"


def _crawl(mirror: MirrorServer, out: Path, state_url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = ["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", "-o", str(out),
               "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_START_DELAY=0.1",
               "-s", f"STATE_URL={state_url}"]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def test_a_crawl_on_the_shared_state_writes_each_article_once_then_fetches_nothing(
        postgres_url: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    shutil.copytree(SNAPSHOT, tmp_path / "mirror")
    state_url = new_database(postgres_url)
    with MirrorServer(tmp_path / "mirror") as mirror:
        first = _crawl(mirror, tmp_path / "a", state_url, cli_env)
        assert first.returncode == 0, first.stderr
        assert first.stderr.splitlines()[-1] == "5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed"
        mirror.hits.clear()
        second = _crawl(mirror, tmp_path / "a", state_url, cli_env)
        assert second.returncode == 0, second.stderr
        assert second.stderr.splitlines()[-1] == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert [hit for hit in mirror.hits if hit.startswith(("GET /rain/a/", "GET /a/"))] == []
    assert not list((tmp_path / "a").glob(".newsmd-state.sqlite*")), "no SQLite file beside a shared state"


def test_one_discoverer_per_source_at_a_time_the_lock_in_the_database(
        postgres_url: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    state_url = new_database(postgres_url)
    held = DatabaseRunLock(state_url, "newsmd-discoverer:qq")  # another machine's discoverer of qq
    assert held.acquire(wait=False)
    try:
        with MirrorServer(SNAPSHOT) as mirror:
            refused = _crawl(mirror, tmp_path / "b", state_url, cli_env)  # another output folder: no flock shared
        assert refused.returncode == EXIT_LOCKED, refused.stderr
        assert refused.stderr.strip().endswith("[locked]") and len(refused.stderr.strip().splitlines()) == 1
        assert mirror.hits == []
    finally:
        held.release()
    other_source = DatabaseRunLock(state_url, "newsmd-discoverer:feed")
    assert other_source.acquire(wait=False), "another source is discovered at the same time"
    other_source.release()
