"""What every written body holds, on every page we have: the fixtures, and the real corpus in
``../shared/corpus/real/`` when it is there (it is not shipped; the fixtures always run).

A page the parsers refuse is fine here (its reason is tested elsewhere); a page written must be
clean Markdown: no stray backslash, no empty or dangling heading, no emphasis made of nothing, no
layout debris, not the title again as its first line, nothing active.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, saved_pages

from crawler import ExtractionError, extract, render
from crawler.extraction.encoding import decode_html

CORPUS = ROOT.parent / "shared" / "corpus" / "real"
_CANONICAL = (
    re.compile(r"""<link[^>]+rel=["']canonical["'][^>]+href=["'](https?://[^"']+)""", re.I),
    re.compile(r"""<meta[^>]+property=["']og:url["'][^>]+content=["'](https?://[^"']+)""", re.I),
    re.compile(r"""<meta[^>]+content=["'](https?://[^"']+)["'][^>]+property=["']og:url""", re.I),
)
_MARKUP = re.compile(r"^#{1,6} |\*\*|\\(?=[\\*_\[\]])")


_NETEASE_THREAD = re.compile(r'threadId = "([0-9A-Z]{16})"')
_NETEASE_DOC = re.compile(r'"docId"\s*:\s*"([0-9A-Z]{16})"')
_TOUTIAO_GROUP = re.compile(r"groupId: '(\d{15,20})'")
_NETEASE_TIME = re.compile(r"20(\d\d)-(\d\d)-(\d\d) (\d\d):\d\d:\d\d")


def _netease_url(text: str) -> str | None:
    """A 163.com page's URL, rebuilt from what it says of itself (it names none): a 2019 page's
    ``docId``, a 2015 page's comment thread ID and time."""
    if document := _NETEASE_DOC.search(text):
        return f"https://www.163.com/news/article/{document.group(1)}.html"
    thread, time = _NETEASE_THREAD.search(text), _NETEASE_TIME.search(text)
    if not thread or not time:
        return None
    year, month, day, hour = time.groups()
    return f"https://money.163.com/{year}/{month}{day}/{hour}/{thread.group(1)}.html"


def _toutiao_url(text: str) -> str | None:
    """A saved Toutiao page's URL, rebuilt from its ``groupId`` (it names none)."""
    group = _TOUTIAO_GROUP.search(text)
    return f"https://www.toutiao.com/a{group.group(1)}/" if group else None


def _corpus_pages() -> list[tuple[str, str, Path]]:
    """Every corpus page with the URL it names for itself (or rebuilt from it), else one on an
    unknown site (the generic path)."""
    if not CORPUS.is_dir():
        return []
    pages = []
    for path in sorted(CORPUS.rglob("*.htm*")):
        text = decode_html(path.read_bytes())
        url = next((match.group(1).replace("&amp;", "&") for pattern in _CANONICAL if (match := pattern.search(text))),
                   None) or (_netease_url(text) if path.parent.name in ("cx163", "163") else None) or \
            (_toutiao_url(text) if path.parent.name == "toutiao" else None) or \
            f"https://unknown.example/{path.parent.name}/{path.stem}"
        pages.append((str(path.relative_to(CORPUS)), url, path))
    return pages


PAGES = [(saved.id, saved.url, saved.html) for saved in saved_pages()] + _corpus_pages()


def _empty_emphasis(line: str) -> bool:
    """Delimiters pair up left to right (the converter never nests one kind): a pair around no word,
    or two runs side by side (``**a****b**``, which CommonMark reads as one run of four)."""
    if re.search(r"(?<![\\*])\*{4}(?!\*)", line):
        return True
    for delimiter in (r"(?<![\\*])\*\*", r"(?<![\\*])\*(?!\*)"):
        marks = list(re.finditer(delimiter, line))
        if any(not re.search(r"\w", line[opening.end():closing.start()]) for opening, closing in zip(marks[::2], marks[1::2], strict=False)):
            return True
    return False


def invariant_breaches(body: str, title: str) -> list[str]:
    """The invariants ``body`` (an article's Markdown, front matter excluded) breaks."""
    breaches = []
    lines = body.split("\n")
    blocks = [block for block in body.split("\n\n") if block.strip()]
    if any(line.endswith("\\") for line in lines):
        breaches.append("a line ends in a backslash (Hugo shows it)")
    if any(re.fullmatch(r"#{1,6}\s*", line) for line in lines):
        breaches.append("an empty heading")
    if blocks and blocks[-1].startswith("#"):
        breaches.append("a heading with nothing after it")
    if any(_empty_emphasis(line) for line in lines):
        breaches.append("emphasis made of nothing")
    if any(not block.startswith(">") and re.fullmatch(r"(?:\\?[<>]|&lt;|&gt;|\s)+", block) for block in blocks):
        breaches.append("layout debris (a block of arrows)")
    if blocks and _MARKUP.sub("", blocks[0]).strip() == title.strip():
        breaches.append("the title again as the first block")
    if "{{<" in body or "{{%" in body or "<script" in body.lower():
        breaches.append("active content")
    return breaches


@pytest.mark.parametrize(("name", "url", "path"), PAGES, ids=[page[0] for page in PAGES])
def test_every_written_body_is_clean_markdown(name: str, url: str, path: Path) -> None:
    try:
        article = extract(url, path.read_bytes(), undated="write")
    except ExtractionError:
        return
    rendered = render(article)
    body = rendered.split("\n---\n", 1)[1]
    assert invariant_breaches(body, article.title) == []


@pytest.mark.parametrize(("body", "breach"), [
    ("改版后的“列表”很不一样：\\\n\n下一段", "a line ends in a backslash (Hugo shows it)"),
    ("##\n\n正文", "an empty heading"),
    ("正文\n\n## 延伸阅读", "a heading with nothing after it"),
    ("作者*｜*周一笑", "emphasis made of nothing"),
    ("**英国M&G：****Stefan**", "emphasis made of nothing"),
    ("正文**加强合作**，**完善体系**", None),
    ("正文\n\n\\< \\>\n\n正文", "layout debris (a block of arrows)"),
    ("# 标题\n\n正文", "the title again as the first block"),
    ("正文 {{< param x >}}", "active content"),
])
def test_each_invariant_can_fail(body: str, breach: str | None) -> None:
    assert invariant_breaches(body, "标题") == ([breach] if breach else [])


@pytest.mark.parametrize(("html", "markdown"), [
    ('<p class="f_center"><img src="https://e.com/a.jpg"><br></p><p>正文</p>', "![图片](https://e.com/a.jpg)\n\n正文"),
    ("<p>改版后的“列表”很不一样：<br></p>", "改版后的“列表”很不一样："),
    ("<p>第一行<br>第二行</p>", "第一行\n\n第二行"),
    ("<pre>import json<br>import redis</pre>", "```\nimport json\nimport redis\n```"),
    ("<ul><li>一<br>二</li></ul>", "- 一 二"),
    ("<p>作者<em>｜</em>周一笑</p>", "作者｜周一笑"),
    ("<p><strong>英国M&amp;G：</strong><strong>Stefan</strong></p>", "**英国M&G**：**Stefan**"),
    ("<p>微信<em>｜smiletalker</em></p>", "微信｜*smiletalker*"),  # as written, CommonMark shows the asterisks
    ("<p><strong>记者：</strong>张三</p>", "**记者**：张三"),
    ("<p>正文</p><h2>延伸阅读</h2>", "正文"),
    ("<p>正文</p><div><span>&lt;</span> <span>&gt;</span></div><p>正文二</p>", "正文\n\n正文二"),  # carousel arrows
    ('<p><img src="https://e.example/a.jpg" alt="图"><a href="javascript:void(0)">转播到腾讯微博</a></p><p>正文</p>',
     "![图](https://e.example/a.jpg)\n\n正文"),  # a share button over an image
    ('<p>今日<a href="javascript:void(0)" onclick="quote()">青云科技</a>涨停。</p>', "今日青云科技涨停。"),  # words kept
    ('<p>长<a href="/baike/shalong/">沙龙</a>湖的项目</p>', "长沙龙湖的项目"),  # the site's keyword link cut a word
    ('<p>申请<a href="https://e.com/keywords/5/5/505c724c/1.html">停牌</a>，<a href="https://quotes.e.com/1000100.html">TCL集团</a>'
     '(000100)</p>', "申请停牌，TCL集团(000100)"),  # the site's keyword and stock-quote pages
    ('<p>见<a href="https://other.example/baike/x">外站词条</a>和<a href="https://e.com/news/1.html">这篇报道</a>。</p>',
     "见[外站词条](https://other.example/baike/x)和[这篇报道](https://e.com/news/1.html)。"),  # links of the text stay
])
def test_markup_that_renders_as_debris_is_not_written(html: str, markdown: str) -> None:
    from crawler.extraction.markdown import html_to_markdown

    assert html_to_markdown(html, "https://e.com/").markdown == markdown


def test_the_title_repeated_as_the_first_block_is_dropped() -> None:
    from crawler.extraction.markdown import without_leading_title

    assert without_leading_title("## 运营商 5G 手机促销\n\n正文", "运营商 5G 手机促销") == "正文"
    assert without_leading_title("**运营商**\n\n正文", "运营商") == "正文"
    assert without_leading_title("运营商说\n\n正文", "运营商") == "运营商说\n\n正文"


@pytest.mark.parametrize(("body", "kept"), [
    ("<p>正文第一段，讲了很多事情，足够长的一段话。</p><p>相关新闻</p><p><a href='/1'>新闻一的标题</a></p>"
     "<p><a href='/2'>新闻二的标题</a></p>", ["正文第一段，讲了很多事情，足够长的一段话。"]),
    ("<p>正文第一段，讲了很多事情，足够长的一段话。</p><p><a href='/q'>青云科技</a>涨停。</p>",
     ["正文第一段，讲了很多事情，足够长的一段话。", "青云科技涨停。"]),  # one linked word: the article's
    ("<p>相关新闻：</p><p><a href='/1'>新闻一的标题</a></p><p><a href='/2'>新闻二的标题</a></p>"
     "<p><img src='https://e.example/a.jpg'></p><p>正文第一段，讲了很多事情，足够长的一段话。</p>",
     ["", "正文第一段，讲了很多事情，足够长的一段话。"]),  # the list above goes, the image stays
])
def test_link_lists_around_the_article_text_go_by_link_density(body: str, kept: list[str]) -> None:
    from lxml.html import fragment_fromstring

    from crawler.extraction.sources.base import (
        drop_leading_link_blocks,
        drop_trailing_link_blocks,
    )

    root = fragment_fromstring(body, create_parent="div")
    drop_leading_link_blocks(root)
    drop_trailing_link_blocks(root)
    assert [block.text_content() for block in root] == kept
