"""The Scrapyd deploy path of the README: build the egg from ``scrapy.cfg``, deploy, schedule, crawl."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests
from conftest import ROOT
from scrapy.settings import Settings

from crawler.crawling.mirror import MirrorServer
from crawler.crawling.run_lock import run_lock

PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "README.md", "crawler", "pipelines")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_deployed_to_scrapyd_the_qq_spider_crawls_the_snapshot(tmp_path: Path, cli_env: dict[str, str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    egg = tmp_path / "newsmd.egg"
    built = subprocess.run(["scrapyd-deploy", "--build-egg", str(egg)], cwd=project, env=cli_env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr

    port = _free_port()
    service = tmp_path / "scrapyd"
    service.mkdir()
    (service / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        f"eggs_dir = {service / 'eggs'}\nlogs_dir = {service / 'logs'}\ndbs_dir = {service / 'dbs'}\nitems_dir =\n",
        encoding="utf-8")
    out = tmp_path / "content"
    daemon = subprocess.Popen(["scrapyd"], cwd=service, env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        _wait_for(f"{base}/daemonstatus.json", deadline)
        with egg.open("rb") as egg_file:
            added = requests.post(f"{base}/addversion.json", data={"project": "newsmd", "version": "1"},
                                  files={"egg": egg_file}, timeout=30).json()
        assert added["status"] == "ok", added
        assert "qq" in added["spiders"] if isinstance(added.get("spiders"), list) else added["spiders"] >= 2
        with MirrorServer(ROOT / "demo" / "mirror") as mirror:
            job = requests.post(f"{base}/schedule.json", timeout=30, data=[
                ("project", "newsmd"), ("spider", "qq"), ("channels", "finance,tech"), ("pages", "2"),
                ("setting", f"OUTPUT_DIR={out}"), ("setting", "MIRROR=" + json.dumps(mirror.mirror_setting())),
            ]).json()
            assert job["status"] == "ok", job
            _wait_until_finished(base, job["jobid"], deadline)
            with run_lock(Settings({"OUTPUT_DIR": str(out)})):  # another run holds the output folder
                refused = requests.post(f"{base}/schedule.json", timeout=30, data=[
                    ("project", "newsmd"), ("spider", "qq"), ("setting", f"OUTPUT_DIR={out}"),
                    ("setting", "MIRROR=" + json.dumps(mirror.mirror_setting()))]).json()
                _wait_until_finished(base, refused["jobid"], deadline)
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    logs = {path.stem: path.read_text(encoding="utf-8") for path in (service / "logs" / "newsmd" / "qq").glob("*.log")}
    assert "summary: 5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed" in logs[job["jobid"]]
    assert len(list((out / "qq").glob("*.md"))) == 5
    assert "another newsmd run is using this output or job folder" in logs[refused["jobid"]]  # the job says why
    assert "[locked]" in logs[refused["jobid"]]


def _wait_until_finished(base: str, job_id: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        jobs = requests.get(f"{base}/listjobs.json", params={"project": "newsmd"}, timeout=5).json()
        if any(entry["id"] == job_id for entry in jobs["finished"]):
            return
        time.sleep(0.3)
    raise AssertionError("the Scrapyd job did not finish in time")
