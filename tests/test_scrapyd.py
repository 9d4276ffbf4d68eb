"""The Scrapyd deploy path of the README: build the egg from ``scrapy.cfg``, deploy, schedule, crawl;
on one node, and on two nodes sharing a queue and a state (the README's "Several machines")."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import requests
from conftest import ROOT
from scrapy.settings import Settings
from services import free_port, new_database
from test_workers import ARTICLE_IDS

from crawler.crawling.mirror import MirrorServer
from crawler.crawling.run_lock import run_lock

PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "README.md", "crawler", "pipelines")


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def _build_egg(tmp_path: Path, env: dict[str, str]) -> Path:
    """The egg ``scrapyd-deploy`` builds from a copy of the project's files."""
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    egg = tmp_path / "newsmd.egg"
    built = subprocess.run(["scrapyd-deploy", "--build-egg", str(egg)], cwd=project, env=env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return egg


@contextlib.contextmanager
def _scrapyd_node(service: Path, egg: Path, env: dict[str, str], deadline: float) -> Iterator[str]:
    """A Scrapyd of its own in ``service`` with the egg deployed; its base URL."""
    port = free_port()
    service.mkdir()
    (service / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        f"eggs_dir = {service / 'eggs'}\nlogs_dir = {service / 'logs'}\ndbs_dir = {service / 'dbs'}\nitems_dir =\n",
        encoding="utf-8")
    daemon = subprocess.Popen(["scrapyd"], cwd=service, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/daemonstatus.json", deadline)
        with egg.open("rb") as egg_file:
            added = requests.post(f"{base}/addversion.json", data={"project": "newsmd", "version": "1"},
                                  files={"egg": egg_file}, timeout=30).json()
        assert added["status"] == "ok", added
        assert "qq" in added["spiders"] if isinstance(added.get("spiders"), list) else added["spiders"] >= 2
        yield base
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def _schedule(base: str, spider: str, *fields: tuple[str, str]) -> str:
    job = requests.post(f"{base}/schedule.json", timeout=30,
                        data=[("project", "newsmd"), ("spider", spider), *fields]).json()
    assert job["status"] == "ok", job
    return str(job["jobid"])


def _job_logs(service: Path, spider: str) -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in (service / "logs" / "newsmd" / spider).glob("*.log")}


def test_deployed_to_scrapyd_the_qq_spider_crawls_the_snapshot(tmp_path: Path, cli_env: dict[str, str]) -> None:
    egg = _build_egg(tmp_path, cli_env)
    service, out = tmp_path / "scrapyd", tmp_path / "content"
    deadline = time.monotonic() + 60
    with _scrapyd_node(service, egg, cli_env, deadline) as base, MirrorServer(ROOT / "demo" / "mirror") as mirror:
        mirrored = ("setting", "MIRROR=" + json.dumps(mirror.mirror_setting()))
        job = _schedule(base, "qq", ("channels", "finance,tech"), ("pages", "2"), ("setting", f"OUTPUT_DIR={out}"), mirrored)
        _wait_until_finished(base, job, deadline)
        with run_lock(Settings({"OUTPUT_DIR": str(out)})):  # another run holds the output folder
            refused = _schedule(base, "qq", ("setting", f"OUTPUT_DIR={out}"), mirrored)
            _wait_until_finished(base, refused, deadline)
    logs = _job_logs(service, "qq")
    assert "summary: 5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed" in logs[job]
    assert len(list((out / "qq").glob("*.md"))) == 5
    assert "another newsmd run is using this output or job folder" in logs[refused]  # the job says why
    assert "[locked]" in logs[refused]


def test_on_two_scrapyd_nodes_a_discoverer_and_two_workers_share_the_queue_and_the_state(
        tmp_path: Path, cli_env: dict[str, str], postgres_url: str, redis_url: str) -> None:
    """The README's several-nodes recipe: the egg deployed to two Scrapyd nodes, one discoverer job
    on the first, a worker job on each; every article written once, every page fetched once."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    egg = _build_egg(tmp_path, cli_env)
    out, state = tmp_path / "content", new_database(postgres_url)
    deadline = time.monotonic() + 120
    with _scrapyd_node(tmp_path / "node1", egg, cli_env, deadline) as node1, \
            _scrapyd_node(tmp_path / "node2", egg, cli_env, deadline) as node2, \
            MirrorServer(ROOT / "demo" / "mirror") as mirror:
        shared = [("setting", f"REDIS_URL={redis_url}"), ("setting", f"STATE_URL={state}"),
                  ("setting", f"OUTPUT_DIR={out}"), ("setting", "MIRROR=" + json.dumps(mirror.mirror_setting()))]
        workers = [(node, _schedule(node, "worker", *shared, ("setting", "WORKER_IDLE_SECONDS=3")))
                   for node in (node1, node2)]
        discoverer = _schedule(node1, "qq", ("channels", "finance,tech"), ("pages", "2"), *shared)
        for node, job in [(node1, discoverer), *workers]:
            _wait_until_finished(node, job, deadline)
    queued = _job_logs(tmp_path / "node1", "qq")[discoverer]
    assert "0 written / 0 updated / 0 unchanged / 2 skipped / 0 failed / 5 queued" in queued
    worker_logs = [*_job_logs(tmp_path / "node1", "worker").values(), *_job_logs(tmp_path / "node2", "worker").values()]
    written = [int(re.search(r"summary: \d+ discovered / (\d+) written", log).group(1)) for log in worker_logs]  # type: ignore[union-attr]
    assert len(worker_logs) == 2 and sum(written) == 5, worker_logs
    assert {path.stem for path in (out / "qq").glob("*.md")} == ARTICLE_IDS
    fetched = Counter(hit.split("/")[-1] for hit in mirror.hits if hit.startswith("GET /rain/a/"))
    assert fetched == Counter(dict.fromkeys(ARTICLE_IDS, 1))


def _wait_until_finished(base: str, job_id: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        jobs = requests.get(f"{base}/listjobs.json", params={"project": "newsmd"}, timeout=5).json()
        if any(entry["id"] == job_id for entry in jobs["finished"]):
            return
        time.sleep(0.3)
    raise AssertionError("the Scrapyd job did not finish in time")
