"""Page objects: a field the site's template no longer gives is filled by the generic finders and
named in ``fallbacks``; a field the site refuses from them stays empty; a page of a template the
site does not know is the generic parser's under the site's identity, without what the site refuses.

Each test takes a real fixture page and renames one element of the site's template, as a redesign
of the site would."""

from __future__ import annotations

import pytest
from conftest import page

from crawler.extraction.extract import extract
from crawler.extraction.sources import GENERIC, PARSERS
from crawler.extraction.sources.page import (
    FIELDS_WITH_FALLBACK,
    ArticlePage,
    PageParser,
)

SINA = page("doc-iihnzahi3275702")
WECHAT = page("s-3Sr6nYjE1RF05siTblD2mw")
NETEASE = page("KC12OUHK000189FH")


def _renamed(html: bytes, *renames: tuple[bytes, bytes]) -> bytes:
    for old, new in renames:
        assert html.count(old) == 1, old
        html = html.replace(old, new)
    return html


def test_a_title_the_template_no_longer_gives_comes_from_the_generic_finders() -> None:
    original = extract(SINA.url, SINA.html.read_bytes())
    changed = _renamed(SINA.html.read_bytes(), (b'class="main-title"', b'class="headline-2027"'),
                       (b'property="og:title"', b'property="og:title-2027"'))
    article = extract(SINA.url, changed)
    assert article.fallbacks == ["title"]
    assert article.title == original.title  # the <h1> the generic finder reads
    assert article.body_markdown == original.body_markdown  # the site's own body, not trafilatura's
    assert (article.author, article.published) == (original.author, original.published)


def test_an_author_the_template_no_longer_gives_comes_from_the_page_meta() -> None:
    original = extract(WECHAT.url, WECHAT.html.read_bytes())
    changed = _renamed(WECHAT.html.read_bytes(), (b'id="js_name"', b'id="js_name_2027"'))
    article = extract(WECHAT.url, changed)
    assert original.author != "家熙Panda" and original.fallbacks == []
    assert article.author == "家熙Panda" and article.fallbacks == ["author"]  # <meta name="author">
    assert article.body_markdown == original.body_markdown


def test_an_unknown_template_is_read_whole_by_the_generic_parser_without_what_the_site_refuses() -> None:
    changed = _renamed(NETEASE.html.read_bytes(), (b'class="post_body"', b'class="body-2027"'))
    assert b'property="article:author" content="\xe7\xbd\x91\xe6\x98\x93"' in changed  # 网易: the portal itself
    article = extract(NETEASE.url, changed)
    assert article.fallbacks == ["page"]
    assert (article.source, article.article_id) == ("163", "KC12OUHK000189FH")  # the same file
    assert article.author == ""  # 163 keeps its author from the generic finders
    assert "美国政府停摆" in article.body_markdown


def test_every_source_is_a_page_class_that_reads_its_own_fields() -> None:
    """The registry walk: each source's page class overrides the fields its template gives, and
    every field it leaves to the generic finders is one they can fill."""
    for parser in [*PARSERS, GENERIC]:
        assert isinstance(parser, PageParser)
        page_class = parser.page_class
        assert issubclass(page_class, ArticlePage) and page_class.source == parser.name
        own = {name for name in ("body", "title", "published", "author", "cover")
               if getattr(page_class, name) is not getattr(ArticlePage, name)}
        assert {"body", "title"} <= own, parser.name
        assert page_class.GENERIC_FIELDS <= FIELDS_WITH_FALLBACK


@pytest.mark.parametrize("parser", PARSERS, ids=lambda parser: parser.name)
def test_a_site_field_that_finds_nothing_is_none_not_an_empty_guess(parser: PageParser) -> None:
    blank = parser.page(f"https://{'mp.weixin.qq.com' if parser.name == 'weixin' else 'x'}/", "<html><body></body></html>")
    for name in ("title", "published", "author", "cover"):
        assert getattr(blank, name)() is None, (parser.name, name)


def test_a_byline_whose_source_is_plain_text_gives_no_author_rather_than_its_report_link() -> None:
    original = NETEASE.html.read_bytes()
    start = original.index(b'<a href="https://content-static.cctvnews')
    end = original.index(b"</a>", start) + len(b"</a>")
    plain = original[:start] + "总台环球资讯广播".encode() + original[end:]
    assert b'class="post_jubao">' in plain  # the byline's report link (举报) is now its first link
    assert extract(NETEASE.url, original).author == "总台环球资讯广播"
    assert extract(NETEASE.url, plain).author == ""
