"""A crawl stopped by a signal is not a normal run: exit 130 (SIGINT) or 143 (SIGTERM) and a summary
that says so, for ``newsmd crawl`` and ``scrapy crawl`` alike; the files written so far are whole."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ROOT

from crawler.crawling.mirror import MirrorServer

SLOW = ["-s", "DOWNLOAD_DELAY=1", "-s", "AUTOTHROTTLE_ENABLED=False"]


def _stop_after_first_article(command: list[str], out: Path, sent: signal.Signals, env: dict[str, str]) -> tuple[int, str]:
    crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not list(out.rglob("*.md")) and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.1)
    crawl.send_signal(sent)
    _, stderr = crawl.communicate(timeout=60)
    return crawl.returncode, stderr


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_newsmd_crawl_stopped_by_a_signal_says_so_and_exits_with_it(sent: signal.Signals, status: int, tmp_path: Path,
                                                                    cli_env: dict[str, str]) -> None:
    out = tmp_path / "out"
    command = ["newsmd", "crawl", "qq", "--channels", "finance", "--pages", "2", "--mirror", str(ROOT / "demo" / "mirror"),
               "-o", str(out), *SLOW]
    returncode, stderr = _stop_after_first_article(command, out, sent, cli_env)
    assert returncode == status, stderr
    assert stderr.strip().splitlines()[-1].endswith(f"/ interrupted by {sent.name}")
    assert all(path.read_text(encoding="utf-8").endswith(")\n") for path in out.rglob("*.md"))  # whole files


def test_scrapy_crawl_stopped_by_a_signal_exits_with_it(tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = tmp_path / "out"
    with MirrorServer(ROOT / "demo" / "mirror") as mirror:
        command = ["scrapy", "crawl", "qq", "-a", "channels=finance", "-a", "pages=2", "-s", f"OUTPUT_DIR={out}",
                   "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), *SLOW]
        returncode, stderr = _stop_after_first_article(command, out, signal.SIGINT, cli_env)
    assert returncode == 130, stderr
    assert "the crawl was interrupted by SIGINT" in stderr
