"""The generic parser's helpers and the registry: source names from domains, file-safe IDs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, page

from crawler import ExtractionError, extract, render
from crawler.extraction.sources import parser_for
from crawler.extraction.sources.generic import article_id_for, source_name
from crawler.extraction.urls import host_of, registrable_domain, site_label
from pipelines.storage import safe_name


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.example.co.uk/news/1", "example"), ("https://news.sina.com.cn/c/x.shtml", "sina"),
    ("https://www.163.com/news/article/X.html", "163"), ("http://politics.people.com.cn/n1/x.html", "people"),
    ("https://example.com.hk/a", "example"),
])
def test_source_name_is_the_registrable_name(url: str, name: str) -> None:
    assert source_name(url) == name


@pytest.mark.parametrize(("url", "domain", "label"), [
    ("https://www.example.co.uk/a", "example.co.uk", "example"), ("https://news.qq.com/a", "qq.com", "qq"),
    ("https://a.b.kawasaki.jp/", "a.b.kawasaki.jp", "a"),  # *.kawasaki.jp: every name under it is public
    ("https://x.city.kawasaki.jp/", "city.kawasaki.jp", "city"),  # !city.kawasaki.jp: the exception
    ("https://a.xn--55qx5d.cn/", "a.xn--55qx5d.cn", "a"),  # punycode of 公司.cn, a public suffix
    ("https://a.公司.cn/", "a.公司.cn", "a"), ("https://example.com./x", "example.com", "example"),
    ("http://127.0.0.1:8080/", "127.0.0.1", ""), ("http://localhost/", "localhost", ""),
    ("https://co.uk/", "co.uk", ""), ("https://example.invalid/", "example.invalid", ""),
])
def test_registrable_domain_follows_the_public_suffix_rules(url: str, domain: str, label: str) -> None:
    assert (registrable_domain(url), site_label(url)) == (domain, label)


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


@pytest.mark.parametrize(("url", "title", "readable"), [
    ("http://www.cjddsb.com/ym/xhy/532601.html", "", "532601"),  # the site's own numeric ID
    ("https://example.com/2024/05/city-council-votes-to-ban-cars", "", "city-council-votes-to-ban-cars"),  # a slug
    ("https://example.com/show.php?id=20240501", "", "20240501"),  # an ID in the query
    ("https://example.com/index.html", "中国芯片产业迎来新机遇", "zhong-guo-xin-pian-chan-ye-ying-lai-xin"),  # cut at a word
])
def test_generic_file_names_are_readable(url: str, title: str, readable: str) -> None:
    article_id = article_id_for(url, title)
    assert re.fullmatch(rf"{re.escape(readable)}-[0-9a-f]{{8}}", article_id) and safe_name(article_id) == article_id
    assert article_id_for(url, title) == article_id
    assert re.fullmatch(r"[0-9a-f]{16}", article_id_for("https://example.com/", "")), "nothing readable: a hash"


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.qq.net/a/12345678", "qq-net"), ("https://qq.com.example.org/x", "example"),
    ("https://www.sina.com/x", "sina-com"), ("https://www.163.net/x", "163-net"), ("https://www.weixin.com/x", "weixin-com"), ("https://toutiao.io/x", "toutiao-io"),
])
def test_a_generic_source_never_takes_a_site_parsers_name(url: str, name: str) -> None:
    from crawler.extraction.sources import GENERIC, PARSERS

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


def _english_page(head: str, footer: str = "") -> str:
    """A small article page of an unknown site (structure of a typical WordPress post)."""
    paragraphs = "".join(f"<p>Paragraph {i} of the story about mattresses, long enough to be read as text by "
                         "the extractor and kept in the body of the article.</p>" for i in range(8))
    return (f"<!DOCTYPE html><html lang='en'><head>{head}</head><body><header><a href='/'>Home</a></header>"
            f"<article><h1>Best beds in Austin</h1>{paragraphs}</article><footer>{footer}</footer></body></html>")


@pytest.mark.parametrize("head", [
    '<meta property="og:title" content="Best beds in Austin | Texas Mattress Makers">'
    '<meta property="og:site_name" content="Texas Mattress Makers">',
    '<meta property="og:title" content="Texas Mattress Makers - Best beds in Austin">'
    '<meta property="og:site_name" content="Texas Mattress Makers">',
    '<meta property="og:title" content="Best beds in Austin | Texas Mattress Makers">',  # the page's <h1> decides
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Best beds in Austin – texasmattressmakers"}</script>',
    '<title>Best beds in Austin | Texas Mattress Makers</title>',
])
def test_titles_lose_the_site_name_whichever_source_they_come_from(head: str) -> None:
    html = _english_page(head + '<meta property="article:published_time" content="2024-05-02T10:00:00Z">')
    article = extract("https://www.texasmattressmakers.com/blog/best-beds-austin-2024", html)
    assert article.title == "Best beds in Austin"


@pytest.mark.parametrize(("head", "footer", "served"), [
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00"}</script>', "",
     "Thu, 02 May 2024 12:00:00 GMT"),
    ("", "<p>© 2023 Texas Mattress Makers. All rights reserved.</p>", "Thu, 02 May 2024 12:00:00 GMT"),
    ('<meta property="article:published_time" content="1970-01-01T00:00:00Z">', "", "Thu, 02 May 2024 12:00:00 GMT"),
    ('<meta property="article:published_time" content="2024-05-09T10:00:00Z">', "", "Thu, 02 May 2024 12:00:00 GMT"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2024-04-30T10:00:00Z"}</script>', "",
     "Thu, 02 May 2024 12:00:00 GMT"),  # when it was last changed is not when it was published
])
def test_no_date_is_invented(head: str, footer: str, served: str) -> None:
    """A placeholder, a copyright year, a date before 1995, a week after the answer, an update time: undated."""
    html = _english_page('<meta property="og:title" content="Best beds in Austin">' + head, footer)
    url = "https://www.texasmattressmakers.com/blog/best-beds-austin"
    assert extract(url, html, {"Date": served}, undated="write").published is None
    with pytest.raises(ExtractionError) as raised:
        extract(url, html, {"Date": served})
    assert raised.value.reason == "no_date"


def test_a_real_date_a_few_hours_ahead_of_the_answer_is_kept() -> None:
    html = _english_page('<meta property="og:title" content="Best beds in Austin">'
                         '<meta property="article:published_time" content="2024-05-02T20:00:00+08:00">')
    article = extract("https://www.texasmattressmakers.com/blog/x", html, {"Date": "Thu, 02 May 2024 10:00:00 GMT"})
    assert article.published is not None and article.published.hour == 20


def test_a_page_without_h1_takes_the_heading_its_template_marks_as_the_title() -> None:
    from crawler.extraction.sources import GENERIC

    html = (FIXTURES / "weixin" / "s-2019-MzA5NTI1MDEyNA-2652551615.html").read_text(encoding="utf-8")
    assert "<h1" not in html and 'property="og:title"' not in html  # no h1, no og:title, an empty <title>
    assert GENERIC.parse("https://articles.example.org/2019/ip-services", html).title == "中国知识产权，拿什么“服务”你？"


@pytest.mark.parametrize(("name", "why"), [
    ("ASKNJBPI002551G6", "its only <h1> is the site logo, a link home; no og:title"),
    ("EOFOC8MJ00258105", "its og:title is cut at a quote the page left unescaped"),
])
def test_the_generic_title_is_the_headline_not_a_logo_or_a_cut_meta_title(name: str, why: str) -> None:
    from crawler.extraction.encoding import decode_html
    from crawler.extraction.sources import GENERIC

    saved = page(name)
    site_title = extract(saved.url, saved.html.read_bytes()).title
    assert GENERIC.parse(saved.url, decode_html(saved.html.read_bytes())).title == site_title, why


@pytest.mark.parametrize(("head", "url", "author"), [
    # the <title> and author <meta> of real pages, copied from ../shared/corpus/real/<page>
    ('<title>我国集成电路进口突破3000亿美元！魏少军：产业结构扭曲，没将产品作为中心</title>'
     '<meta name="author" content="name, email@gmail.com">', "https://www.guancha.cn/economy/2019_05_20_502440.shtml", ""),
    ('<title>女儿出嫁，郑板桥画了几笔兰花当嫁妆--文化--人民网</title><meta name="author" content="104363">',
     "http://culture.people.com.cn/n1/2019/0520/c1013-31092820.html", ""),
    ('<title>午间公告：天奇股份中标广汽丰田项目；运达股份中标7亿元项目_证券时报网</title>'
     '<meta name="author" content="证券时报网">', "https://kuaixun.stcn.com/2019/0520/15160541.shtml", ""),
    ('<title>第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye-CSDN.NET</title><meta name="author" content="CSDN.NET">',
     "https://www.csdn.net/article/2014-07-21/2820772", ""),
    ('<title>【中国稳健前行】坚定实施扩大内需战略 -中新网</title><meta name="author" content="chinanews">',
     "https://www.chinanews.com.cn/gn/2023/01-15/9935543.shtml", ""),
    ('<title>最新滚动新闻_网易新闻中心</title><meta name="author" content="网易">', "https://news.163.com/latest/", ""),
    # tests/fixtures/qq/rain-20250214A05WPR00.html, tests/fixtures/weixin/s-3Sr6nYjE1RF05siTblD2mw.html
    ('<title>6连板青云科技，因股东减持打破涨停？_腾讯新闻</title><meta name="author" content="腾讯网">'
     '<meta property="article:author" content="投资时间网">', "https://news.qq.com/rain/a/20250214A05WPR00", "投资时间网"),
    ('<title></title><meta name="author" content="家熙Panda" />', "https://mp.weixin.qq.com/s/3Sr6nYjE1RF05siTblD2mw",
     "家熙Panda"),
])
def test_the_generic_author_is_a_name_not_a_placeholder_or_the_site(head: str, url: str, author: str) -> None:
    from lxml.html import document_fromstring

    from crawler.extraction.sources import finders

    doc = document_fromstring(f"<html><head>{head}</head><body><p>正文</p></body></html>")
    assert finders.author(url, doc, finders.PageMeta(doc), {}) == author


@pytest.mark.parametrize(("url", "canonical"), [
    ("https://baijiahao.baidu.com/s?id=1646796218135408573&wfr=spider&for=pc",
     "https://baijiahao.baidu.com/s?id=1646796218135408573"),  # the article's ID lives in the query
    ("https://www.example.com/a.html?utm_source=x&spm=1.2&from=timeline#top", "https://www.example.com/a.html"),
    ("https://www.example.com/show.php?itemid=77&page=2&share_token=abc", "https://www.example.com/show.php?itemid=77&page=2"),
])
def test_the_query_parameters_that_name_the_article_stay_and_tracking_goes(url: str, canonical: str) -> None:
    from crawler.extraction.sources.finders import without_tracking

    assert without_tracking(url) == canonical


def test_a_page_on_another_host_of_the_domain_cannot_claim_an_articles_url() -> None:
    html = ('<html><head><title>冒名</title><link rel="canonical" href="https://news.example.com/2024/real-article.html">'
            "</head><body><h1>冒名</h1><article><p>" + "一段足够长的正文，说明这是一篇文章。" * 12 + "</p></article></body></html>")
    article = extract("https://blog.example.com/p/1.html", html.encode(), undated="write")
    assert article.canonical_url == "https://blog.example.com/p/1.html"
    own = extract("https://news.example.com/2024/other.html", html.encode(), undated="write")
    assert own.canonical_url == "https://news.example.com/2024/real-article.html"  # the fetched host's own claim counts


def _page(head: str, h1: str = "") -> bytes:
    return (f"<html {head}<title>{h1 or '标题'}_示例网</title></head><body><h1>{h1}</h1><article><p>"
            + "一段足够长的正文，说明这是一篇文章。" * 12 + "</p></article></body></html>").encode()


def test_the_visible_headline_wins_over_a_json_ld_headline_edited_later() -> None:
    head = ('lang="zh-CN"><head><meta property="og:title" content="改后的可见标题">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "最初发布时的标题"}</script>')
    assert extract("https://unknown.example/a.html", _page(head, "改后的可见标题"), undated="write").title == "改后的可见标题"


@pytest.mark.parametrize(("text", "headline"), [("1", False), ("新闻动态-", False), ("——", False), ("2024", False),
                                                ("1-10月德清县固定资产投资结构趋稳趋优", True), ("AI", True)])
def test_a_number_a_mark_or_a_template_title_left_empty_is_no_headline(text: str, headline: bool) -> None:
    from crawler.extraction.sources.finders import is_headline

    assert is_headline(text) is headline


@pytest.mark.parametrize("declared", ["utf-8", "中文", "en", "utf8"])
def test_a_junk_or_contradicted_language_gives_way_to_the_texts(declared: str) -> None:
    article = extract("https://unknown.example/a.html", _page(f'lang="{declared}"><head>', "中文的标题"), undated="write")
    assert article.lang == "zh-CN"


def _baidu_page() -> str:
    """The structure of a real 百家号 page (../shared/corpus/real/gne/baijiahao/3.html, 2018), its
    head, headline block, byline and the first related-article item, trimmed: no ``<h1>``, the
    headline an ``<h2>`` in a ``.article-title`` block, the byline's day with a two-digit year and its
    time in the next element, the update time in ``itemprop`` meta, related titles in ``h3.item-title``."""
    paragraphs = "".join("<p><span class='bjh-p'>水洗工艺，最大程度凸显你腿部长度，以松紧的腰头和裤脚设计为主不会紧绷，"
                         "长期穿着也不会觉得粘肤难受。</span></p>" for _ in range(6))
    return ('<html><head><title>这款休闲裤太帅了，让你时尚潮流穿着舒适</title>'
            '<meta itemprop="dateUpdate" content="2018-03-08 23:16:24"></head><body>'
            '<div class="article-title"><h2>这款休闲裤太帅了，让你时尚潮流穿着舒适</h2></div>'
            '<div class="article-desc clearfix"><p class="author-name">体育教科书</p>'
            '<div class="article-source article-source-bjh"><span class="date">发布时间：18-03-08</span>'
            '<span class="time">23:16</span></div></div>'
            f'<div class="article-content">{paragraphs}</div>'
            '<div class="recent-article"><h3 class="item-title"><a href="https://mbd.baidu.com/x">'
            '乔丹93赛季精彩拉杆镜头，空中过3人太随意，看得我怀疑人生</a></h3></div></body></html>')


def test_a_two_digit_year_byline_with_its_time_beside_it_dates_the_article() -> None:
    from crawler.extraction.sources import GENERIC

    article = GENERIC.parse("https://baijiahao.baidu.com/s?id=1594379932298080127", _baidu_page())
    assert article.published is not None and article.published.strftime("%Y-%m-%d %H:%M") == "2018-03-08 23:16"


def test_without_h1_the_title_is_the_marked_heading_the_page_title_repeats_not_a_related_item() -> None:
    from crawler.extraction.sources import GENERIC

    article = GENERIC.parse("https://baijiahao.baidu.com/s?id=1594379932298080127", _baidu_page())
    assert article.title == "这款休闲裤太帅了，让你时尚潮流穿着舒适"
