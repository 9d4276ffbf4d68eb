"""The generic parser's helpers and the registry: source names from domains, file-safe IDs."""

from __future__ import annotations

import pytest

from crawler.sources import parser_for
from crawler.sources.generic import article_id_for, source_name
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


@pytest.mark.parametrize(("url", "name"), [
    ("https://mp.weixin.qq.com/s/3Sr6nYjE1RF05siTblD2mw", "weixin"),
    ("https://news.qq.com/rain/a/20250214A05WPR00", "qq"),
    ("https://www.163.com/news/article/KC12OUHK000189FH.html", "163"),
    ("https://money.163.com/19/0907/13/EOFOC8MJ00258105.html", "163"),
    ("https://finance.sina.com.cn/roll/2018-12-28/doc-ihqfskcn2160999.shtml", "sina"),
    ("https://www.toutiao.com/article/7404384826024935990/", "toutiao"),
    ("https://www.toutiao.com/a6732819573189378572/", "toutiao"),
    ("https://news.ifeng.com/c/7rtKNyg6PU9", "generic"),
    ("https://www.163.com/", "generic"),  # a site parser takes only its article URLs
    ("https://sina.com.cn.example.org/doc-iabcdefg1234567.shtml", "generic"),
    ("https://www.toutiao.com/c/user/token/abc/", "generic"),
])
def test_site_parsers_win_by_url_rule_and_the_generic_one_takes_the_rest(url: str, name: str) -> None:
    assert parser_for(url).name == name
