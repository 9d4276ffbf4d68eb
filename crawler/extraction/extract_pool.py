"""Pages read in worker processes while the crawl fetches and writes (``EXTRACT_PROCESSES``).

Reading a page (parsing, cleaning, Markdown) is most of a crawl's CPU; in the crawl's own process it
holds up the downloads and the writes. With ``EXTRACT_PROCESSES`` workers, ``extract`` runs there
and the crawl awaits the result. Nothing is written by a worker: files and the state file stay
with the crawl, so a kill leaves what it always left. A worker that dies (out of memory, a crash in
a parser library) fails its page as ``reader_died``; the pool is started again and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from crawler.article import Article
from crawler.errors import ExtractionError
from crawler.extraction.encoding import header_value
from crawler.extraction.extract import extract

_HEADERS_READ = ("Content-Type", "Date")
"""The response headers ``extract`` reads (the charset, the time relative dates count from)."""


@dataclass(frozen=True)
class _Refusal:
    """An ``ExtractionError`` as a worker sends it back (plain fields pickle on every Python)."""

    url: str
    reason: str
    detail: str


def _extract_or_refusal(url: str, body: bytes, headers: dict[str, str], undated: str, max_bytes: int,
                        time_limit: float) -> Article | _Refusal:
    try:
        return extract(url, body, headers, undated=undated, max_bytes=max_bytes, time_limit=time_limit)
    except ExtractionError as error:
        return _Refusal(error.url, error.reason, error.detail)


def _leave_with_the_crawl(crawl_pid: int) -> None:
    """Worker initializer: exit when the crawl that started this worker is gone. A crawl killed
    with SIGKILL cannot stop its workers, and a worker waiting for its next page never hears of
    it (the queue it reads stays open in the worker itself); nor would the start server."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(crawl_pid, 0)
            except (ProcessLookupError, PermissionError):  # gone, or its PID now another user's process
                os._exit(0)

    threading.Thread(target=watch, name="newsmd-crawl-watch", daemon=True).start()


def plain_headers(headers: Mapping[Any, Any] | None) -> dict[str, str]:
    """The headers ``extract`` reads, as text (Scrapy's are bytes, and lists of them)."""
    return {name: value for name in _HEADERS_READ if (value := header_value(headers, name))}


class ExtractPool:
    """``extract`` in ``processes`` worker processes (0: in the calling process, at once)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: Executor | None = None

    def _pool(self) -> Executor:
        if self._executor is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if context.get_start_method() == "forkserver":
                context.set_forkserver_preload(["crawler.extraction.extract"])
            self._executor = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_leave_with_the_crawl,
                                                 initargs=(os.getpid(),))
        return self._executor

    async def extract(self, url: str, body: bytes, headers: Mapping[Any, Any] | None, *, undated: str,
                      max_bytes: int, time_limit: float) -> Article:
        """``crawler.extraction.extract.extract`` of the page, in a worker; raises ``ExtractionError`` as it does."""
        if self.processes <= 0:
            return extract(url, body, headers, undated=undated, max_bytes=max_bytes, time_limit=time_limit)
        arguments = (url, body, plain_headers(headers), undated, max_bytes, time_limit)
        try:
            result = await asyncio.wrap_future(self._pool().submit(_extract_or_refusal, *arguments))
        except BrokenProcessPool:
            self.close(wait=False)
            raise ExtractionError(url, "reader_died", "the process reading the page died (out of memory, or a "
                                  "crash in a parser library)") from None
        if isinstance(result, _Refusal):
            raise ExtractionError(result.url, result.reason, result.detail)
        return result

    def close(self, wait: bool = True) -> None:
        """Stop the workers (a later ``extract`` starts new ones)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=not wait)
