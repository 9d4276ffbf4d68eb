"""Shared fixtures: the saved pages and their manifest, and a local HTTP server for crawls."""

from __future__ import annotations

import http.server
import os
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from crawler.crawling.mirror import LocalHTTPServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent
os.environ["NEWSMD_LOG_TIME"] = "never"  # the tests compare lines as they are; test_usage checks the time before each


@dataclass(frozen=True)
class SavedPage:
    """A saved page from ``tests/fixtures/<source>/MANIFEST.toml`` and its golden Markdown."""

    source: str
    html: Path
    url: str
    article_id: str = ""
    author: str = ""
    images: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def golden(self) -> Path:
        return self.html.with_suffix(".md")

    @property
    def id(self) -> str:
        return f"{self.source}/{self.html.stem}"


def saved_pages() -> list[SavedPage]:
    """Every page listed in a fixture manifest."""
    pages = []
    for manifest in sorted(FIXTURES.glob("*/MANIFEST.toml")):
        for entry in tomllib.loads(manifest.read_text(encoding="utf-8"))["page"]:
            pages.append(SavedPage(manifest.parent.name, manifest.parent / entry["file"], entry["url"],
                                   entry["article_id"], entry["author"], entry["images"], entry["headers"]))
    return pages


def page(name: str) -> SavedPage:
    """The saved page whose file stem is ``name``."""
    return next(saved for saved in saved_pages() if saved.html.stem == name)


@dataclass
class Route:
    """What the local server answers for one path (``referer``: answer 403 unless it is sent;
    ``delay``: seconds to wait first)."""

    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    referer: str | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class LocalSite(LocalHTTPServer):
    """A local server answering from a path -> Route table (exact path first, then without query)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}

    @property
    def base(self) -> str:
        return self.base_url

    def answer(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0]) or Route(b"not found", 404, "text/plain")
        time.sleep(route.delay)
        if route.referer is not None and headers.get("Referer") != route.referer:
            return 403, "text/plain", b"hot-linking refused"
        return route.status, route.content_type, route.body

    def serve(self, path: str, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
              referer: str | None = None, delay: float = 0.0, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = Route(body, status, content_type, referer, delay, headers or {})

    def send(self, handler: http.server.BaseHTTPRequestHandler, answer: tuple[int, str, bytes]) -> None:
        route = self.routes.get(handler.path) or self.routes.get(handler.path.split("?", 1)[0])
        if route is None or not route.headers or answer[0] != route.status:
            super().send(handler, answer)
            return
        status, content_type, body = answer
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _service(server: Callable[[], AbstractContextManager[Any]]) -> Iterator[Any]:
    """What ``server`` yields for the session; the tests that need it skip, with the reason, where it is missing."""
    from services import ServiceMissing

    try:
        with server() as address:
            yield address
    except ServiceMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server's ``postgres`` database (``services.new_database`` makes one per test)."""
    from services import postgres_server

    yield from _service(postgres_server)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server's URL."""
    from services import redis_server

    yield from _service(redis_server)


@pytest.fixture(scope="session")
def s3_env() -> Iterator[dict[str, str]]:
    """The environment pointing boto3 and newsmd at an S3 server with a bucket ``news``."""
    from services import s3_server

    yield from _service(s3_server)


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    with LocalSite() as site:
        yield site


def command_env() -> dict[str, str]:
    """Environment for running the installed commands from the project folder."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


@pytest.fixture
def cli_env() -> dict[str, str]:
    """``command_env()`` for one test."""
    return command_env()
