"""The generic parser's helpers and the registry: source names from domains, file-safe IDs."""

from __future__ import annotations

import pytest

from crawler.sources import GENERIC, parser_for
from crawler.sources.generic import article_id_for, source_name
from crawler.sources.weixin import WeChatParser
from pipelines.storage import safe_name


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.example.co.uk/news/1", "example"), ("https://news.sina.com.cn/c/x.shtml", "sina"),
    ("https://www.163.com/news/article/X.html", "163"), ("http://politics.people.com.cn/n1/x.html", "people"),
    ("https://example.com.hk/a", "example"),
])
def test_source_name_is_the_registrable_name(url: str, name: str) -> None:
    assert source_name(url) == name


@pytest.mark.parametrize("url", [
    "https://www.163.com/news/article/KC12OUHK000189FH.html", "https://example.com/", "https://example.com/a/b/../../x y",
    "https://example.com/2024/05/story-title-without-digits", "https://example.com/" + "9" * 300,
])
def test_article_ids_are_safe_file_names(url: str) -> None:
    assert safe_name(article_id_for(url)) == article_id_for(url)
    assert article_id_for("https://www.163.com/news/article/KC12OUHK000189FH.html") == "KC12OUHK000189FH"


def test_site_parsers_win_and_the_generic_one_takes_the_rest() -> None:
    assert isinstance(parser_for("https://mp.weixin.qq.com/s/3Sr6nYjE1RF05siTblD2mw"), WeChatParser)
    assert parser_for("https://news.qq.com/rain/a/20250214A05WPR00").name == "qq"
    assert parser_for("https://www.163.com/news/article/KC12OUHK000189FH.html") is GENERIC
