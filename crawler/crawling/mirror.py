"""A local HTTP server answering from a snapshot folder, standing in for Tencent News offline.

Point the ``MIRROR`` setting at it and the ``qq`` spider crawls the snapshot exactly as it would
crawl the site. The folder holds:

* ``web_feed/getPCList/<channel_id>/<flush_num>.json``: answers to the channel feed POSTs, pages
  numbered from 1 (a missing page answers ``{"code": 0, "data": []}``, as the site does past its
  last page);
* ``gw/event/hot_ranking_list.json``: the hot list;
* ``rain/a/<ID>.html`` (also served for ``/a/<ID>`` and ``/omn/<folder>/<ID>.html``): article pages;
* ``sitemap/<name>.xml``: Tencent's sitemap index and its children;
* ``sites/<host>/<path>``: pages and feeds of any other site, each host mirrored as a whole
  (``<path>/index.html`` for a path ending in ``/``).

``robots.txt`` and anything else missing answer 404.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Self

_ID = re.compile(r"^/(?:(?:rain/)?a/([A-Za-z0-9]+)/?|omn/[A-Za-z0-9]+/([A-Za-z0-9]+)\.html)$")
_HOST = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_TYPES = {".xml": "application/xml", ".json": "application/json", ".rss": "application/rss+xml"}
_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_SITEMAP = re.compile(r"^/sitemap/([A-Za-z0-9_]+)\.xml$")
EMPTY_FEED = b'{"code": 0, "data": []}'


class _ThreadingServer(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 refuses connections under a concurrent crawl


Answer = tuple[int, str, bytes]
"""An HTTP answer: status, Content-Type, body."""


class LocalHTTPServer:
    """A threaded HTTP server on 127.0.0.1 (``port`` 0 picks a free one), used as a context manager.

    Subclasses implement ``answer(method, path, body, headers)`` (an empty Content-Type sends
    none); every request is logged in ``hits`` as
    ``"GET /path?query"`` or ``"POST /path <body>"``.
    """

    def __init__(self, port: int = 0) -> None:
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # HTTP/1.0 answers would close every connection without saying so; Twisted pools them
            # anyway, and a POST sent on such a dead connection fails (GETs are retried silently).
            protocol_version = "HTTP/1.1"
            # The head and the body go out in two writes; with Nagle's algorithm on, the body of every
            # second answer on a kept-alive connection waits ~40 ms for the client's delayed ACK.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                server.hits.append(f"GET {self.path}")
                self._send(server.answer("GET", self.path, b"", dict(self.headers)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1 << 20))
                server.hits.append(f"POST {self.path} {body.decode('utf-8', 'replace')}")
                self._send(server.answer("POST", self.path, body, dict(self.headers)))

            def _send(self, answer: Answer) -> None:
                server.send(self, answer)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _ThreadingServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        raise NotImplementedError

    def send(self, handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
        """Write ``answer`` to the client (subclasses may misbehave here, to test faults)."""
        status, content_type, body = answer
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class MirrorServer(LocalHTTPServer):
    """Serve the snapshot folder ``root``.

    ``article_delay`` seconds are waited before each article page (to test long crawls).
    """

    def __init__(self, root: str | Path, port: int = 0, article_delay: float = 0.0) -> None:
        super().__init__(port)
        self.root = Path(root)
        self.article_delay = article_delay

    def answer(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        path = path.split("?", 1)[0]
        return self.answer_post(path, body) if method == "POST" else self.answer_get(path)

    def mirror_setting(self) -> dict[str, str]:
        """The ``MIRROR`` setting sending every Tencent host the spider uses, and every host under
        ``sites/``, to this server."""
        hosts = ("i.news.qq.com", "r.inews.qq.com", "news.qq.com", "new.qq.com", "view.inews.qq.com")
        sites = sorted(folder.name for folder in (self.root / "sites").glob("*") if _HOST.match(folder.name))
        return {**{host: self.base_url for host in hosts}, **{host: f"{self.base_url}/sites/{host}" for host in sites}}

    def answer_site(self, path: str) -> Answer:
        """``/sites/<host>/<path>``: the file under ``sites/`` (which may link to a saved page
        elsewhere), never a path that climbs out of it."""
        relative = PurePosixPath(path.removeprefix("/sites/"))
        target = self.root / "sites" / relative / ("index.html" if path.endswith("/") else "")
        if ".." in relative.parts or relative.is_absolute() or not target.is_file():
            return 404, "text/plain", b"not found"
        return 200, _TYPES.get(target.suffix, "text/html"), target.read_bytes()

    def answer_get(self, path: str) -> Answer:
        if path.startswith("/sites/"):
            return self.answer_site(path)
        match = _ID.match(path)
        if match:
            time.sleep(self.article_delay)
            page = self.root / "rain" / "a" / f"{match.group(1) or match.group(2)}.html"
            if page.is_file():
                return 200, "text/html; charset=utf-8", page.read_bytes()
        sitemap = _SITEMAP.match(path)
        if sitemap and (document := self.root / "sitemap" / f"{sitemap.group(1)}.xml").is_file():
            return 200, "application/xml", document.read_bytes()
        if path == "/gw/event/hot_ranking_list":
            hot = self.root / "gw" / "event" / "hot_ranking_list.json"
            if hot.is_file():
                return 200, "application/json", hot.read_bytes()
        return 404, "text/plain", b"not found"

    def answer_post(self, path: str, body: bytes) -> Answer:
        if path != "/web_feed/getPCList":
            return 404, "text/plain", b"not found"
        try:
            request = json.loads(body)
            channel, page = str(request["channel_id"]), int(request["flush_num"])
        except (ValueError, KeyError, TypeError):
            return 400, "text/plain", b"bad request"
        if not _NAME.match(channel):
            return 400, "text/plain", b"bad channel"
        answer = self.root / "web_feed" / "getPCList" / channel / f"{page}.json"
        return 200, "application/json", answer.read_bytes() if answer.is_file() else EMPTY_FEED
