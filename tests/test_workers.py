"""Several machines on real servers: a discoverer puts article requests in the shared queue (Redis),
workers take them, write and record them in the shared state (PostgreSQL)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from services import new_database

from crawler.crawling.mirror import MirrorServer

SNAPSHOT = ROOT / "demo" / "mirror"
ARTICLE_IDS = {"20250214A05WPR00", "20190907A081B000", "20201130A0G1JJ00", "20260810A0BO7100", "TWF2021042600346900"}


@pytest.fixture
def shared(postgres_url: str, redis_url: str) -> tuple[str, str]:
    """A new state database and a clean queue for one test."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return new_database(postgres_url), redis_url


def _args(mirror: MirrorServer, out: Path, shared: tuple[str, str]) -> list[str]:
    state, queue = shared
    return ["-o", str(out), "--state", state, "--redis", queue, "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()),
            "-s", "AUTOTHROTTLE_START_DELAY=0.1"]


def _discover(mirror: MirrorServer, out: Path, shared: tuple[str, str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", *_args(mirror, out, shared)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def _worker(mirror: MirrorServer, out: Path, shared: tuple[str, str], env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(["newsmd", "worker", "--idle", "2", *_args(mirror, out, shared), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _article_fetches(mirror: MirrorServer) -> Counter[str]:
    return Counter(hit.split("/")[-1] for hit in mirror.hits if hit.startswith("GET /rain/a/"))


def test_a_discoverer_queues_and_two_workers_write_each_article_once(shared: tuple[str, str], tmp_path: Path,
                                                                    cli_env: dict[str, str]) -> None:
    out = tmp_path / "content"
    with MirrorServer(SNAPSHOT) as mirror:
        discovered = _discover(mirror, out, shared, cli_env)
        assert discovered.returncode == 0, discovered.stderr
        assert discovered.stderr.splitlines()[-1].endswith("0 written / 0 updated / 0 unchanged / 2 skipped / 0 failed / 5 queued")
        assert _article_fetches(mirror) == Counter(), "a discoverer fetches no article"
        workers = [_worker(mirror, out, shared, cli_env) for _ in range(2)]
        results = [worker.communicate(timeout=120) for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], results
        assert _article_fetches(mirror) == Counter(dict.fromkeys(ARTICLE_IDS, 1)), "each article fetched once"
        assert {path.stem for path in (out / "qq").glob("*.md")} == ARTICLE_IDS
        written = sum(int(stderr.splitlines()[-1].split(" / ")[1].split()[0]) for _, stderr in results)
        assert written == 5

        mirror.hits.clear()
        again = _discover(mirror, out, shared, cli_env)
        assert again.stderr.splitlines()[-1] == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == Counter()


def test_a_worker_killed_mid_article_loses_nothing(shared: tuple[str, str], tmp_path: Path,
                                                   cli_env: dict[str, str]) -> None:
    import redis

    out = tmp_path / "content"
    queue = redis.Redis.from_url(shared[1])
    with MirrorServer(SNAPSHOT) as mirror, MirrorServer(SNAPSHOT, article_delay=60) as stuck_site:
        assert _discover(mirror, out, shared, cli_env).returncode == 0
        doomed = _worker(stuck_site, out, shared, cli_env, "-s", "WORKER_HEARTBEAT_SECONDS=1.5")
        deadline = time.monotonic() + 60
        while not any(queue.llen(key) for key in queue.scan_iter(match="newsmd:working:*")):
            assert time.monotonic() < deadline and doomed.poll() is None, doomed.communicate()
            time.sleep(0.1)
        doomed.send_signal(signal.SIGKILL)  # mid-article: its requests taken, nothing written
        doomed.communicate()
        time.sleep(2)  # its heartbeat expires
        survivor = _worker(mirror, out, shared, cli_env)
        _, stderr = survivor.communicate(timeout=120)
        assert survivor.returncode == 0, stderr
    assert {path.stem for path in (out / "qq").glob("*.md")} == ARTICLE_IDS
    assert queue.hlen("newsmd:requests") == 0 and queue.llen("newsmd:queue") == 0


def test_a_page_a_killed_worker_received_is_read_from_the_queue_not_fetched_again(
        shared: tuple[str, str], tmp_path: Path, cli_env: dict[str, str]) -> None:
    """The doomed worker receives article pages, then hangs on their images (a server that never
    answers) until it is killed: the next worker writes those articles from the pages it kept."""
    import redis

    out = tmp_path / "content"
    queue = redis.Redis.from_url(shared[1])
    with MirrorServer(SNAPSHOT) as mirror, socket.create_server(("127.0.0.1", 0)) as silent:
        assert _discover(mirror, out, shared, cli_env).returncode == 0
        images_never_come = {**mirror.mirror_setting(), "inews.gtimg.com": f"http://127.0.0.1:{silent.getsockname()[1]}"}
        doomed = _worker(mirror, out, shared, cli_env, "--images", "download", "-s", "MIRROR=" + json.dumps(images_never_come))
        deadline = time.monotonic() + 60
        while not 0 < queue.hlen("newsmd:received") == sum(queue.llen(key) for key in queue.scan_iter(match="newsmd:working:*")):
            if time.monotonic() > deadline or doomed.poll() is not None:
                break
            time.sleep(0.1)
        kept = {url.decode().rsplit("/", 1)[-1] for url in queue.hkeys("newsmd:received")}
        doomed.send_signal(signal.SIGKILL)  # its pages received, their images awaited, nothing written
        doomed.wait()  # reaped, as its shell or systemd would: its page readers see it gone and leave
        _, doomed_stderr = doomed.communicate(timeout=30)
        assert kept, f"the worker kept no page it received: {doomed_stderr}"
        time.sleep(2)  # its heartbeat expires
        survivor = _worker(mirror, out, shared, cli_env, "--images", "download",
                           "-s", "MIRROR=" + json.dumps({**mirror.mirror_setting(), "inews.gtimg.com": mirror.base_url}))
        _, stderr = survivor.communicate(timeout=120)
        assert survivor.returncode == 0, stderr
    assert kept <= ARTICLE_IDS
    assert _article_fetches(mirror) == Counter(dict.fromkeys(ARTICLE_IDS, 1))
    assert {path.parent.name for path in (out / "qq").glob("*/index.md")} == ARTICLE_IDS
    assert queue.hlen("newsmd:received") == 0 and queue.hlen("newsmd:requests") == 0


def test_a_worker_without_a_queue_is_bad_usage(tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = subprocess.run(["newsmd", "worker", "-o", str(tmp_path)], capture_output=True, text=True, env=cli_env,
                            timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("newsmd: error: newsmd worker takes its articles")




def test_without_redis_a_worker_fetches_and_writes_as_if_no_page_were_kept(caplog: pytest.LogCaptureFixture) -> None:
    """Redis gone in the middle of a run: the page is fetched (none can be read back) and not kept;
    one warning each, no failed article."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler
    from services import free_port

    from crawler.article import CrawlContext
    from crawler.crawling.shared_queue import ReceivedPageMiddleware
    from crawler.crawling.spiders.base import CONTEXT

    middleware = ReceivedPageMiddleware(get_crawler(settings_dict={"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}))
    url = "https://news.qq.com/rain/a/20250214A05WPR00"
    request = Request(url, meta={CONTEXT: CrawlContext(item=url, taken=url)})
    response = HtmlResponse(url, body=b"<html></html>", request=request)
    assert middleware.process_request(request) is None
    assert middleware.process_response(request, response) is response
    assert [record.getMessage().endswith("[queue]") for record in caplog.records if record.levelname == "WARNING"] == [True, True]
