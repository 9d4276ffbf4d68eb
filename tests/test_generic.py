"""The generic parser's helpers and the registry: source names from domains, file-safe IDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from crawler import extract, render
from crawler.sources import parser_for
from crawler.sources.generic import article_id_for, source_name
from crawler.urls import host_of
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
    assert article_id_for("https://www.163.com/news/article/KC12OUHK000189FH.html").startswith("KC12OUHK000189FH-")


def test_article_ids_are_stable_and_one_per_canonical_url() -> None:
    urls = ["https://example.com/sports/12345678", "https://example.com/tech/12345678",
            "https://sports.example.com/12345678", "https://example.com/tech/12345678.html", "https://example.com/x?id=1",
            "https://example.com/x?id=2"]
    ids = [article_id_for(url) for url in urls]
    assert len(set(ids)) == len(urls)
    assert ids == [article_id_for(url) for url in urls]  # the same on every run
    assert ids[0].startswith("12345678-")  # still readable: the site's own ID first


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.qq.net/a/12345678", "qq-net"), ("https://qq.com.example.org/x", "example"),
    ("https://www.sina.com/x", "sina-com"), ("https://www.163.net/x", "163-net"), ("https://www.weixin.com/x", "weixin-com"), ("https://toutiao.io/x", "toutiao-io"),
])
def test_a_generic_source_never_takes_a_site_parsers_name(url: str, name: str) -> None:
    from crawler.sources import GENERIC, PARSERS

    assert source_name(url, [parser.name for parser in PARSERS]) == name
    html = (FIXTURES / "generic" / "ifeng-7rtKNyg6PU9.html").read_text(encoding="utf-8")
    article = extract(url, html.replace("news.ifeng.com", host_of(url)))
    assert article.source == name and article.source not in {parser.name for parser in PARSERS}
    assert parser_for(url) is GENERIC


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


def test_a_generic_page_cannot_replace_a_site_parsers_file(tmp_path: Path) -> None:
    from pipelines.markdown_writer import OutputOptions, write_article

    reference = (FIXTURES / "qq" / "rain-20250214A05WPR00.html").read_bytes()
    tencent = extract("https://news.qq.com/rain/a/20250214A05WPR00", reference)
    html = (FIXTURES / "generic" / "ifeng-7rtKNyg6PU9.html").read_text(encoding="utf-8").replace("news.ifeng.com", "www.qq.net")
    impostor = extract("https://www.qq.net/rain/a/20250214A05WPR00", html)
    options = OutputOptions(root=tmp_path)
    paths = {write_article(article, options).path for article in (tencent, impostor)}
    assert len(paths) == 2
    assert (tmp_path / "qq" / "20250214A05WPR00.md").read_text(encoding="utf-8") == render(tencent)
