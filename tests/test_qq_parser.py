"""What the Tencent parser pulls out of the real pages, field by field."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import page

from crawler import Article, extract
from crawler.extraction.sources.qq import article_id_from_url, canonical_url


def _article(name: str, url: str | None = None) -> Article:
    saved = page(name)
    return extract(url or saved.url, saved.html.read_bytes())


def test_current_template_fields() -> None:
    article = _article("rain-20250214A05WPR00")
    assert article.source == "qq"
    assert article.article_id == "20250214A05WPR00"
    assert article.canonical_url == "https://new.qq.com/rain/a/20250214A05WPR00"
    assert article.title == "6连板青云科技，因股东减持打破涨停？"
    assert article.published == datetime.fromisoformat("2025-02-14T16:13:19+08:00")
    assert article.published.utcoffset() == timedelta(hours=8)
    assert article.author == "投资时间网"
    assert article.lang == "zh-CN"
    assert article.thumbnail.endswith("_640360/0")
    assert article.images == [
        "https://inews.gtimg.com/om_bt/OSOWklRYqaGyufdJ9xWvMRC18Ze_IHYn1ck754elWKvFIAA/1000",
        "https://inews.gtimg.com/om_bt/O3hrD6QOiACT4-JiKMU3de4ZYOzjZA4K6jk9-w_iMQcV8AA/641",
    ]
    assert "问AI" not in article.body_markdown
    assert "<!--" not in article.body_markdown


def test_rendered_body_is_the_fallback_when_the_data_is_incomplete() -> None:
    """The 2026 excerpt's originAttribute lacks image URLs: the rendered body is used."""
    article = _article("rain-20260810A0BO7100-excerpt")
    assert article.images[0] == "https://inews.gtimg.com/news_bt/ONX7gG14WTxoLC8YV0f06krHbIcPttVmxN_tV_0ZsplggAA/641"
    assert "![Muse Glimmer](" in article.body_markdown
    assert "Muse Glimmer开源是否意味着" not in article.body_markdown  # the "ask AI" box
    assert "weui" not in article.body_markdown


def test_omn_template_uses_pubtime_not_the_page_build_time() -> None:
    article = _article("omn-20190907A081B000")
    assert article.published == datetime.fromisoformat("2019-09-07T19:02:26+08:00")
    assert article.article_id == "20190907A081B000"
    assert all(url.startswith("https://inews.gtimg.com/") for url in article.images)
    assert len(article.images) == 4
    assert "免责声明" not in article.body_markdown


def test_omn_video_is_kept_as_a_poster_linking_to_the_video() -> None:
    article = _article("omn-video-TWF2021042600346900")
    first_block = article.body_markdown.split("\n\n")[0]
    assert first_block.startswith("[![时政马上评")
    assert first_block.endswith("(https://v.qq.com/x/page/b32420bvx0n.html)")
    assert article.images[0] == "https://inews.gtimg.com/newsapp_ls/0/13457020995_640480/0"


def test_channel_template_keeps_its_page_url_and_caption() -> None:
    article = _article("channel-finance-20190923000843", "http://finance.qq.com/a/20190923/000843.htm?pgv_ref=aio")
    assert article.canonical_url == "https://finance.qq.com/a/20190923/000843.htm"
    assert article.article_id == "20190923000843"
    assert article.published == datetime.fromisoformat("2019-09-23T07:48:00+08:00")
    assert article.title.startswith("棱镜|数据业大整顿")
    assert "![（某头部数据公司的部分报价单）](https://inews.gtimg.com/newsapp_bt/0/10362088290/641)" in article.body_markdown
    assert "返回腾讯网首页" not in article.body_markdown
    assert "1. 一位接近监管的人士" in article.body_markdown


@pytest.mark.parametrize(
    "url",
    [
        "https://new.qq.com/rain/a/20250214A05WPR00",
        "https://news.qq.com/rain/a/20250214A05WPR00/",
        "https://view.inews.qq.com/a/20250214A05WPR00?from=share",
        "http://new.qq.com/omn/20250214/20250214A05WPR00.html?refer=x",
        "https://news.qq.com/rain/a/20250214A05WPR00?ptag=abc#comments",
    ],
)
def test_every_url_variant_is_one_article(url: str) -> None:
    assert article_id_from_url(url) == "20250214A05WPR00"
    assert canonical_url(url) == "https://new.qq.com/rain/a/20250214A05WPR00"
    article = extract(url, page("rain-20250214A05WPR00").html.read_bytes())
    assert article.canonical_url == "https://new.qq.com/rain/a/20250214A05WPR00"


def test_headers_are_accepted_as_a_plain_mapping() -> None:
    saved = page("rain-20250214A05WPR00")
    article = extract(saved.url, saved.html.read_bytes(), {"Content-Type": "text/html; charset=utf-8"})
    assert article.article_id == "20250214A05WPR00"
