"""Several machines on one: a discoverer and 1, then 2, worker processes through the shared queue
(Redis), state (PostgreSQL) and store (S3: moto's server, in a process of its own), against a
mirror of N Tencent articles that answers each article page after 50 ms. Each worker is polite as
one machine would be: 2 requests at a time.

The 2-worker run kills one worker (SIGKILL) halfway and starts a replacement, as systemd would;
then the discoverer and a worker run again with nothing changed. Services are started here (the
distribution's PostgreSQL and Redis, as the tests do). The last line is:

    distributed: 1 worker A/s; 2 workers B/s (scaling S); duplicate fetches D; duplicate files F; lost L; second run fetched R

A/s and B/s: articles written per second, from the discoverer's start to the last article in the
state. D: article pages delivered more than once; F: article objects beyond one per article; L:
articles never written; R: article pages fetched by the second run.

    .venv/bin/python benchmarks/distributed.py [--articles 2000] [--no-store]
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from services import new_database, postgres_server, redis_server  # noqa: E402

from crawler.crawling.mirror import Answer, MirrorServer  # noqa: E402

NEWSMD = str(Path(sys.executable).parent / "newsmd")


def _crawl_benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("crawl_benchmark", ROOT / "benchmarks" / "crawl.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class CountingMirror(MirrorServer):
    """The mirror, counting each article page delivered whole (a worker killed before the answer
    arrived did not fetch it)."""

    def __init__(self, root: Path, article_delay: float) -> None:
        super().__init__(root, article_delay=article_delay)
        self.delivered: Counter[str] = Counter()

    def send(self, handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
        if _client_gone(handler.connection):
            return  # the worker was killed while the page was being prepared: nothing reaches it
        try:
            super().send(handler, answer)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if handler.path.startswith("/rain/a/") and answer[0] == 200:
            self.delivered[handler.path] += 1


def _client_gone(connection: socket.socket) -> bool:
    """Whether the client closed its end: a killed worker's connection ends (its process closed
    it) while the mirror waits before answering, and a write to it would still succeed once."""
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _articles_recorded(state_url: str) -> int:
    import psycopg

    with psycopg.connect(state_url) as database:
        try:
            return int(database.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
        except psycopg.errors.UndefinedTable:
            return 0


class Run:
    """One crawl of the mirror: a discoverer and workers on one state database and queue."""

    def __init__(self, mirror: CountingMirror, state_url: str, redis_url: str, out: str, pages: int,
                 cache: Path) -> None:
        self.mirror, self.state_url, self.redis_url, self.out, self.pages = mirror, state_url, redis_url, out, pages
        self.cache, self.workers_started = cache, 0
        channels = ",".join(f"news_news_bench{number}" for number in range(10))
        self.common = ["-o", out, "--state", state_url, "--redis", redis_url,
                       "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_ENABLED=False",
                       "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                       "-s", "MAX_ARTICLES_PER_RUN=0", "-s", "WORKER_HEARTBEAT_SECONDS=3"]
        self.discover_command = [NEWSMD, "crawl", "qq", "--channels", channels, "--pages", str(pages), *self.common,
                                 "-s", f"OUTPUT_CACHE={cache}-discoverer"]

    def worker(self) -> subprocess.Popen[bytes]:
        """A worker, staging in a folder of its own as a machine of its own would."""
        self.workers_started += 1
        return subprocess.Popen([NEWSMD, "worker", "--idle", "4", *self.common, "-s",
                                 f"OUTPUT_CACHE={self.cache}-{self.workers_started}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)

    def crawl(self, workers: int, articles: int, kill_halfway: bool = False) -> float:
        """Run the discoverer and ``workers`` workers until ``articles`` are recorded; seconds taken."""
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()  # a new queue: nothing left from another run
        started = time.perf_counter()
        running = [self.worker() for _ in range(workers)]
        discoverer = subprocess.Popen(self.discover_command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        killed = False
        while (recorded := _articles_recorded(self.state_url)) < articles:
            if kill_halfway and not killed and recorded >= articles // 2:
                running[0].send_signal(signal.SIGKILL)
                running[0].wait()
                running[0] = self.worker()
                killed = True
            if discoverer.poll() not in (None, 0) or all(worker.poll() is not None for worker in running):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        discoverer.wait()
        for worker in running:
            worker.wait(timeout=120)
        return elapsed


def _objects(store: str, env: dict[str, str]) -> list[str]:
    """The article objects below the store URL (or the .md files below the folder)."""
    if not store.startswith("s3://"):
        return [str(path) for path in Path(store).rglob("*.md")]
    from services import s3_client

    bucket, _, prefix = store.removeprefix("s3://").partition("/")
    pages = s3_client(env).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/")
    return [entry["Key"] for page in pages for entry in page.get("Contents", []) if entry["Key"].endswith(".md")]


@contextlib.contextmanager
def _store(use: bool) -> Iterator[dict[str, str]]:
    """moto's S3 server in a process of its own (its work does not share this one's interpreter); the
    environment pointing newsmd at it, with the buckets ``one`` and ``two``."""
    if not use:
        yield {}
        return
    from services import free_port, s3_client

    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
           "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        for _ in range(100):
            try:
                for bucket in ("one", "two"):
                    s3_client(env).create_bucket(Bucket=bucket)
                break
            except Exception:
                time.sleep(0.1)
        os.environ.update(env)  # for the workers and the discoverer this process starts
        yield env
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each article page")
    parser.add_argument("--no-store", action="store_true", help="write to local folders instead of the S3 store")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsmd-distributed-"))
    try:
        pages = _crawl_benchmark().build_snapshot(work / "mirror", args.articles)
        with postgres_server() as postgres, redis_server() as redis_url, _store(not args.no_store) as env, \
                CountingMirror(work / "mirror", args.latency) as mirror:
            outputs = ("s3://one/posts", "s3://two/posts") if env else (str(work / "one"), str(work / "two"))
            one = Run(mirror, new_database(postgres), redis_url, outputs[0], pages, work / "cache-one")
            one_seconds = one.crawl(1, args.articles)
            one_written = _articles_recorded(one.state_url)
            print(f"1 worker: {one_written} articles in {one_seconds:.1f} s")

            mirror.delivered.clear()
            two = Run(mirror, new_database(postgres), redis_url, outputs[1], pages, work / "cache-two")
            two_seconds = two.crawl(2, args.articles, kill_halfway=True)
            written = _articles_recorded(two.state_url)
            duplicates = sum(count - 1 for count in mirror.delivered.values() if count > 1)
            files = len(_objects(outputs[1], env))
            print(f"2 workers (one killed halfway, replaced): {written} articles in {two_seconds:.1f} s; "
                  f"{sum(mirror.delivered.values())} article pages delivered; {files} articles in {outputs[1]}")

            mirror.delivered.clear()
            two.crawl(1, args.articles)
            refetched = sum(mirror.delivered.values())
        assert one_written == args.articles, f"the 1-worker baseline wrote {one_written} of {args.articles} articles"
        rate_one, rate_two = one_written / one_seconds, written / two_seconds
        print(f"distributed: 1 worker {rate_one:.1f}/s; 2 workers {rate_two:.1f}/s (scaling {rate_two / rate_one:.2f}); "
              f"duplicate fetches {duplicates}; duplicate files {max(0, files - written)}; "
              f"lost {args.articles - written}; second run fetched {refetched}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
