"""Pages read in a worker process: the same article or refusal as in the crawl's own process, and a
worker that dies fails only its own page."""

from __future__ import annotations

import asyncio

import pytest
from conftest import ROOT, page
from test_bad_input import _slow_page

from crawler.errors import ExtractionError
from crawler.extraction.extract import extract
from crawler.extraction.extract_pool import ExtractPool

REFERENCE = page("rain-20250214A05WPR00")
GALLERY_URL = "https://www.toutiao.com/a6734139882538533383/"
GALLERY = (ROOT / "tests" / "fixtures" / "not-articles" / "toutiao-gallery.html").read_bytes()
OPTIONS = {"undated": "skip", "max_bytes": 0, "time_limit": 0.0}


def test_a_worker_reads_a_page_as_the_crawl_would_and_refuses_alike() -> None:
    pool = ExtractPool(1)
    headers = {b"Content-Type": [b"text/html; charset=utf-8"], b"Date": [b"Fri, 14 Feb 2025 12:00:00 GMT"]}

    async def read() -> None:
        article = await pool.extract(REFERENCE.url, REFERENCE.html.read_bytes(), headers, **OPTIONS)
        assert article == extract(REFERENCE.url, REFERENCE.html.read_bytes(), headers, **OPTIONS)
        with pytest.raises(ExtractionError) as refused:
            await pool.extract(GALLERY_URL, GALLERY, None, **OPTIONS)
        with pytest.raises(ExtractionError) as in_process:
            extract(GALLERY_URL, GALLERY, None, **OPTIONS)
        assert (refused.value.url, refused.value.reason, refused.value.detail) == \
            (in_process.value.url, in_process.value.reason, in_process.value.detail)

    try:
        asyncio.run(read())
    finally:
        pool.close()


def test_a_worker_that_dies_fails_its_page_and_the_next_page_is_read() -> None:
    pool = ExtractPool(1)

    async def read() -> None:
        reading = asyncio.ensure_future(pool.extract("https://example.com/long.html", _slow_page(45_000), None,
                                                     undated="write", max_bytes=0, time_limit=0.0))
        await asyncio.sleep(1.0)
        assert not reading.done(), "the page was read before the worker could be killed; nothing was tested"
        for process in list(pool._executor._processes.values()):  # type: ignore[union-attr,attr-defined]
            process.kill()  # as the kernel's out-of-memory killer would
        with pytest.raises(ExtractionError) as died:
            await reading
        assert died.value.reason == "reader_died"
        article = await pool.extract(REFERENCE.url, REFERENCE.html.read_bytes(), None, **OPTIONS)
        assert article.article_id == "20250214A05WPR00"

    try:
        asyncio.run(read())
    finally:
        pool.close()
