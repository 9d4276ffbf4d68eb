"""Page times: zones kept or supplied, Chinese formats, relative times against the response time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import frontmatter
import pytest
from conftest import page

from crawler import extract, render
from crawler.errors import ExtractionError
from crawler.extraction.dates import UTC, parse_page_time, response_time
from crawler.extraction.sources.base import BEIJING

# Served at 2026-11-25 10:30:00 Beijing time.
SERVED = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("2025-10-16T20:02:18+08:00", UTC, "2025-10-16T20:02:18+08:00"),
    ("2025-10-16T12:02:18Z", BEIJING, "2025-10-16T12:02:18+00:00"),
    ("2025-10-16T12:02:18", UTC, "2025-10-16T12:02:18+00:00"),
    ("2025-10-16 20:02:18", BEIJING, "2025-10-16T20:02:18+08:00"),
    ("2019年11月25日 18:57", BEIJING, "2019-11-25T18:57:00+08:00"),
    ("2019年09月07日 04:04 北京日报", BEIJING, "2019-09-07T04:04:00+08:00"),
    ("原创 南方都市报 2019-09-09 16:01:46", BEIJING, "2019-09-09T16:01:46+08:00"),
    ("2024/08/18 15:54 · 雨打芭蕉", BEIJING, "2024-08-18T15:54:00+08:00"),
    ("2020-02-29", BEIJING, "2020-02-29T00:00:00+08:00"),
    ("发布时间：18-03-08 23:16", BEIJING, "2018-03-08T23:16:00+08:00"),  # Baidu's byline: the century left out
])
def test_absolute_times_keep_their_offset_or_take_the_zone(text: str, zone: ZoneInfo, expected: str) -> None:
    found = parse_page_time(text, zone)
    assert found is not None and found.isoformat() == expected


@pytest.mark.parametrize(("text", "expected_beijing"), [
    ("3小时前", "2026-11-25 07:30:00"),
    ("25分钟前", "2026-11-25 10:05:00"),
    ("2天前", "2026-11-23 10:30:00"),
    ("昨天 10:20", "2026-11-24 10:20:00"),
    ("前天 23:05", "2026-11-23 23:05:00"),
    ("今天 08:01", "2026-11-25 08:01:00"),
    ("刚刚", "2026-11-25 10:30:00"),
    ("11-24 18:57", "2026-11-24 18:57:00"),
    ("12-31 23:00", "2025-12-31 23:00:00"),
    ("5 hours ago", "2026-11-25 05:30:00"),
])
def test_relative_times_resolve_against_the_response_time(text: str, expected_beijing: str) -> None:
    found = parse_page_time(text, BEIJING, SERVED)
    assert found is not None and found.tzinfo is not None
    assert found.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") == expected_beijing


def test_relative_times_without_a_response_time_and_nonsense_give_none() -> None:
    assert parse_page_time("3小时前", BEIJING) is None
    for nonsense in ("", "not a date", "2019-13-45 25:99", "阅读 1234"):
        assert parse_page_time(nonsense, BEIJING, SERVED) is None


def test_the_response_time_is_the_date_header_and_never_the_clock() -> None:
    assert response_time({"Date": "Wed, 25 Nov 2026 02:30:00 GMT"}) == SERVED
    assert response_time({b"date": [b"Wed, 25 Nov 2026 02:30:00 GMT"]}) == SERVED
    assert response_time({"Date": "garbage"}) is None
    assert response_time(None) is None


def test_a_saved_page_with_only_a_relative_time_is_undated() -> None:
    """``parse`` of a saved page has no answer to resolve ``26分钟前`` against: the run's clock is no reference."""
    from crawler import extract

    html = ("<html><head><title>标题</title></head><body><h1>标题</h1><span class='time'>26分钟前</span>"
            "<article><p>" + "正文很长的一段话。" * 20 + "</p></article></body></html>")
    assert extract("https://unknown.example/a.html", html.encode(), undated="write").published is None
    dated = extract("https://unknown.example/a.html", html.encode(), {"Date": "Wed, 25 Nov 2026 02:30:00 GMT"}, undated="write")
    assert dated.published is not None and dated.published.astimezone(UTC).strftime("%H:%M") == "02:04"


TOUTIAO = page("7404384826024935990")
TOUTIAO_TIME = "<span>2024-08-18 15:54</span>"


def _toutiao_with_time(text: str) -> str:
    """The Toutiao page with ``text`` as its byline time; its JSON-LD date (the generic parser's
    fallback) goes, so the byline is the page's only time."""
    html = TOUTIAO.html.read_text(encoding="utf-8")
    assert html.count(TOUTIAO_TIME) == 1 and html.count('"datePublished":"2024-08-18T15:54:57+08:00",') == 1
    html = html.replace('"datePublished":"2024-08-18T15:54:57+08:00",', "")
    return html.replace(TOUTIAO_TIME, f"<span>{text}</span>" if text else "")


def test_a_site_page_without_a_byline_time_takes_its_json_ld_date() -> None:
    html = TOUTIAO.html.read_text(encoding="utf-8").replace(TOUTIAO_TIME, "")
    article = extract(TOUTIAO.url, html)
    assert article.published == datetime(2024, 8, 18, 15, 54, 57, tzinfo=BEIJING) and article.fallbacks == ["published"]


def test_a_real_page_with_a_relative_time_is_dated_from_its_response() -> None:
    article = extract(TOUTIAO.url, _toutiao_with_time("3小时前"), {"Date": "Wed, 25 Nov 2026 02:30:00 GMT"})
    assert article.published == datetime(2026, 11, 25, 7, 30, tzinfo=BEIJING)
    assert 'date: "2026-11-25 07:30:00"' in render(article)


def test_no_date_is_skipped_by_default_or_written_without_one() -> None:
    undated = _toutiao_with_time("")
    with pytest.raises(ExtractionError) as raised:
        extract(TOUTIAO.url, undated)
    assert raised.value.reason == "no_date"
    article = extract(TOUTIAO.url, undated, undated="write")
    assert article.published is None
    rendered = render(article)
    post = frontmatter.loads(rendered)
    assert "date" not in post.metadata and post.metadata["title"] == article.title
    dated = TOUTIAO.golden.read_text(encoding="utf-8")
    assert rendered == dated.replace('date: "2024-08-18 15:54:00"\n', "")
    with pytest.raises(ValueError):
        extract(TOUTIAO.url, undated, undated="guess")
