"""Shared fixtures: the saved pages and their manifest, and a local HTTP server for crawls."""

from __future__ import annotations

import http.server
import os
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class SavedPage:
    """A saved page from ``tests/fixtures/<source>/MANIFEST.toml`` and its golden Markdown."""

    source: str
    html: Path
    url: str

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
            pages.append(SavedPage(manifest.parent.name, manifest.parent / entry["file"], entry["url"]))
    return pages


def page(name: str) -> SavedPage:
    """The saved page whose file stem is ``name``."""
    return next(saved for saved in saved_pages() if saved.html.stem == name)


@dataclass
class Route:
    """What the local server answers for one path."""

    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 answering from a path -> Route table."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                site.hits.append(self.path)
                path = self.path.split("?", 1)[0]
                route = site.routes.get(self.path) or site.routes.get(path) or Route(b"not found", 404, "text/plain")
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def serve(self, path: str, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8") -> None:
        self.routes[path] = Route(body, status, content_type)


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def cli_env() -> dict[str, str]:
    """Environment for running the installed commands from the project folder."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env
