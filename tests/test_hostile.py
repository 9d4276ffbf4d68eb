"""Hostile input: mutated real pages, hostile window.DATA, hostile body HTML, binary and oversize answers.

The only exception ``extract`` may raise is the documented ``ExtractionError``; whatever comes out
is Markdown with no active HTML, no script URLs and no Hugo shortcode.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import frontmatter
import pytest
from conftest import SavedPage, page
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler import ExtractionError, extract, render
from crawler.extraction.extract import MAX_PAGE_BYTES

REFERENCE = page("rain-20250214A05WPR00")
FUZZED = [REFERENCE, page("omn-20190907A081B000"), page("ifeng-7rtKNyg6PU9"), page("doc-iicezzrq4076655"),
          page("7404384826024935990")]
FUZZED_BYTES = {saved.id: saved.html.read_bytes() for saved in FUZZED}
_ACTIVE_HTML = re.compile(r"(?i)<\s*/?\s*(script|iframe|object|embed|style|svg|img|a|div|form)\b|\bon[a-z]+\s*=\s*['\"]")
_BAD_TARGET = re.compile(r"\]\(\s*(?!https?://)[^)]*\)")
CASES_TRIED: dict[str, int] = {}


def _assert_safe_output(url: str, body: bytes | str) -> None:
    CASES_TRIED[url] = CASES_TRIED.get(url, 0) + 1
    try:
        article = extract(url, body)
    except ExtractionError as error:
        assert error.reason and str(error).startswith(url)
        return
    text = render(article)
    post = frontmatter.loads(text)
    assert post["title"] == article.title
    assert not _ACTIVE_HTML.search(post.content), _ACTIVE_HTML.search(post.content)
    assert not _BAD_TARGET.search(post.content), _BAD_TARGET.search(post.content)
    assert "{{<" not in post.content and "{{%" not in post.content


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for start, length, insert in cuts:
        start %= max(len(data), 1)
        data = data[:start] + insert + data[start + length:]
    return data


_junk = st.sampled_from([b"", b"<", b">", b"</div>", b"<script>", b"\x00", b"\xff\xfe", b"<!--", b"\"", b"]]>",
                         b"{", b"window.DATA = ", b"<p>", "\u2028".encode(), b"&#0;", b"\xe4\xb8"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(sorted(FUZZED_BYTES)),
       cuts=st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 5000), _junk), min_size=1, max_size=6))
@example(which="toutiao/7404384826024935990", cuts=[(62876, 0, b"]]>")])  # an image URL "http://[…": no URL
def test_mutated_real_pages_give_an_article_or_the_documented_error(which: str, cuts: list[tuple[int, int, bytes]]) -> None:
    saved = next(saved for saved in FUZZED if saved.id == which)
    _assert_safe_output(saved.url, _mutate(FUZZED_BYTES[which], cuts))


def _window_data_span() -> tuple[str, Any, int, int]:
    """The reference page, its ``window.DATA`` object, and where that object starts and ends."""
    html = REFERENCE.html.read_text(encoding="utf-8")
    start = html.index("window.DATA = ") + len("window.DATA = ")
    data, end = json.JSONDecoder().raw_decode(html, start)
    return html, data, start, end


def _reference_window_data() -> Any:
    """The reference page's own ``window.DATA``, to change and put back with ``_with_window_data``."""
    return _window_data_span()[1]


def _with_window_data(data: object) -> str:
    """The reference page with ``data`` (or raw JSON text, when a ``str``) as its ``window.DATA``."""
    html, _, start, end = _window_data_span()
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return html[:start] + text + html[end:]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["originContent", "text", "originAttribute", "title", "pubtime", "cms_id", "media", "img",
                         "desc", "type", "value", "src"]) | st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(data=_json.filter(lambda value: not isinstance(value, str)))
def test_hostile_window_data_json_gives_an_article_or_the_documented_error(data: object) -> None:
    _assert_safe_output(REFERENCE.url, _with_window_data(data))


@pytest.mark.parametrize("data", [
    {"originContent": {"text": "<p>" + "长" * 2_000_000 + "</p>"}, "title": "t" * 100_000, "cms_id": "20250214A05WPR00"},
    {"originContent": {"text": 5}, "originAttribute": "not a dict", "title": ["x"], "pubtime": {"a": 1}},
    {"originContent": None, "cms_id": None},
    "[" * 5000 + "]" * 5000,
    '{"originContent": ' * 3000 + "null" + "}" * 3000,
    '{"title": "unterminated',
    {"originContent": {"text": "<p>x</p>" * 10}, "cms_id": "../../etc/passwd", "title": "x"},
], ids=["enormous-strings", "wrong-types", "nulls", "deep-lists", "deep-objects", "broken-json", "path-in-id"])
def test_hostile_window_data_cases(data: object) -> None:
    _assert_safe_output(REFERENCE.url, _with_window_data(data))


HOSTILE_BODY = (
    '<p>正文开头。<script>alert(1)</script><iframe src="https://evil.example/"></iframe>'
    '<object data="x.swf"></object><embed src="x.swf"><svg onload="alert(1)"><circle/></svg></p>'
    '<p onclick="steal()">点我 <a href="javascript:alert(1)">脚本链接</a> <a href="data:text/html,<script>x</script>">数据链接</a>'
    ' <a href="vbscript:x">vb</a> <a href="/relative/path">相对链接</a> <a href="https://example.org/ok">好链接</a></p>'
    '<p><img src="javascript:alert(1)" onerror="alert(2)"><img src="data:image/png;base64,AAAA"></p>'
    '<p>模板 {{< param "secret" >}} 与 {{% include "x" %}} 和 &lt;script&gt;alert(3)&lt;/script&gt;</p>'
    '<div style="background:url(javascript:alert(1))"><form action="https://evil.example/"><input value="x"></form>正文结尾。</div>'
)


def test_hostile_html_in_a_tencent_body_does_not_survive() -> None:
    data = _reference_window_data()
    data["originContent"]["text"] = HOSTILE_BODY
    body = render(extract(REFERENCE.url, _with_window_data(data)))
    _assert_hostile_body_neutralised(body)
    assert "[好链接](https://example.org/ok)" in body and "[相对链接](https://news.qq.com/relative/path)" in body


def test_hostile_html_in_a_generic_body_does_not_survive() -> None:
    generic = page("ifeng-7rtKNyg6PU9")
    html = generic.html.read_text(encoding="utf-8")
    marker = '<div class="text-3zQ3cZD4">'  # the rendered article body
    assert html.count(marker) == 1
    body = render(extract(generic.url, html.replace(marker, marker + HOSTILE_BODY)))
    assert "正文开头" in body
    _assert_hostile_body_neutralised(body)


def _assert_hostile_body_neutralised(rendered: str) -> None:
    content = frontmatter.loads(rendered).content
    assert not _ACTIVE_HTML.search(content)
    for needle in ("javascript:", "vbscript:", "data:text", "data:image", "onerror", "onclick", "evil.example"):
        assert needle not in content, needle
    assert "<script" not in content  # not even as \<script: only a Markdown renderer undoes that
    assert "{{<" not in content and "{{%" not in content
    assert "&lt;script\\>alert(3)" in content  # shown as text


@pytest.mark.parametrize(("body", "reason"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj", "not_html"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not_html"),
    (b"<html>" + b"\x00\x01\x02" * 100, "not_html"),
    (b"<html><body><p>" + b"x" * (MAX_PAGE_BYTES + 1), "too_large"),
])
def test_binary_and_oversize_answers_are_refused(body: bytes, reason: str) -> None:
    for url in (REFERENCE.url, "https://news.ifeng.com/c/7rtKNyg6PU9"):
        with pytest.raises(ExtractionError) as raised:
            extract(url, body)
        assert raised.value.reason == reason


def test_the_size_cap_is_configurable() -> None:
    body = REFERENCE.html.read_bytes()
    with pytest.raises(ExtractionError) as raised:
        extract(REFERENCE.url, body, max_bytes=len(body) - 1)
    assert raised.value.reason == "too_large"
    assert extract(REFERENCE.url, body, max_bytes=0).title


_DEEP_PAGES = [page("omn-20190907A081B000"), page("doc-iicezzrq4076655"), page("ifeng-7rtKNyg6PU9")]


def _nested_in_first_paragraph(saved: SavedPage, depth: int, tag: str) -> bytes:
    html = saved.html.read_bytes().decode("utf-8")
    cut = html.index("<p", html.index("<body"))
    cut = html.index(">", cut) + 1
    return (html[:cut] + f"<{tag}>" * depth + "嵌套到底的一句话" + f"</{tag}>" * depth + html[cut:]).encode("utf-8")


@pytest.mark.parametrize("saved", _DEEP_PAGES, ids=lambda saved: saved.id)
@pytest.mark.parametrize("tag", ["div", "span", "blockquote"])
def test_nesting_past_the_parser_limit_is_refused_not_cut_off(saved: SavedPage, tag: str) -> None:
    """libxml2 stops reading at depth 256: the page is refused (too_deep) rather than written cut off."""
    with pytest.raises(ExtractionError) as caught:
        extract(saved.url, _nested_in_first_paragraph(saved, 300, tag))
    assert caught.value.reason == "too_deep"


@pytest.mark.parametrize("saved", _DEEP_PAGES, ids=lambda saved: saved.id)
def test_deep_but_readable_nesting_keeps_the_whole_article(saved: SavedPage) -> None:
    article = extract(saved.url, _nested_in_first_paragraph(saved, 200, "blockquote"))
    golden_last_line = saved.golden.read_text(encoding="utf-8").rstrip().splitlines()[-3]
    assert golden_last_line in render(article)  # the end of the article is still there


_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
SHORTCODES = ('{{< param "title" >}}', "{{% nosuch %}}", "{{<nosuch>}}")
SHORTCODE_BODY = (
    '<p>正文 {{< param "title" >}} 与 {{% nosuch %}}。</p><p><!--IMG_0--></p>'
    '<p>代码 <code>{{< param "title" >}}</code> 和 <a href="https://example.org/">{{% nosuch %}}</a></p>'
    '<pre>{{&lt;nosuch&gt;}}\n&lt;script&gt;alert(1)&lt;/script&gt;</pre>'
    '<p>拆开的 <b>{{</b>% nosuch %}} 和 {<i>{</i>&lt; param "title" &gt;}}</p>'
    '<p>链接文字 [点我](javascript:alert(1)) 与 \\[x\\](javascript:alert(2)) 与 &lt;img src=x onerror=alert(3)&gt;</p>'
)


def shortcode_page() -> str:
    """The reference Tencent page with shortcodes in its title, body, caption, code and link text."""
    data = _reference_window_data()
    data["title"] = data["title"] + ' {{< param "title" >}}'
    data["originContent"]["text"] = SHORTCODE_BODY
    image = next(iter(data["originAttribute"].values()))
    data["originAttribute"] = {"IMG_0": {**image, "desc": '图注 {{< param "title" >}} {{% nosuch %}}'}}
    return _with_window_data(data)


def test_no_hugo_shortcode_survives_in_any_string_of_the_file() -> None:
    article = extract(REFERENCE.url, shortcode_page())
    text = render(article)
    assert "{{<" not in text and "{{%" not in text
    post = frontmatter.loads(text)
    assert post["title"].replace("\u200b", "") == article.title.replace("\u200b", "")
    shown = html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", text.replace("\u200b", "")))  # what a reader sees
    for shortcode in SHORTCODES:
        assert shortcode in shown, shortcode
    assert '![图注 {{< param "title" >}} {{% nosuch %}}](https://' in shown
    assert re.search(r"!\[图注 \\\{\\\{&lt; param", text)  # braces escaped: no shortcode opens
    assert "`{{\u200b< param \"title\" >}}`" in text  # in a code span, where a backslash would show


def test_page_text_cannot_become_a_link_or_a_tag() -> None:
    content = frontmatter.loads(render(extract(REFERENCE.url, shortcode_page()))).content
    for match in re.finditer(r"(\\*)\]\(", content):
        if len(match.group(1)) % 2 == 0:  # an unescaped "](" closes a link text: its target is http(s)
            assert content.startswith(("http://", "https://"), match.end()), content[match.start():match.end() + 30]
    assert "](javascript:" in content  # the page text is still shown
    assert "<script" not in content and "<img" not in content
    assert "<\u200bscript>alert(1)" in content  # the code block shows it, inert
    assert "&lt;img src=x onerror=alert(3)\\>" in content


def test_a_page_past_the_generic_element_cap_is_refused_before_trafilatura_reads_it() -> None:
    """trafilatura's cost grows faster than the page (100,000 paragraphs: 16 s, 400,000: 562 s)."""
    from crawler.extraction.sources.generic import MAX_ELEMENTS

    paragraphs = "".join(f"<p>短段落{i}。</p>" for i in range(MAX_ELEMENTS))
    html = f"<html><head><title>大页面</title></head><body><div>{paragraphs}</div></body></html>"
    with pytest.raises(ExtractionError) as raised:
        extract("https://www.example.com/news/12345678.html", html)
    assert raised.value.reason == "too_large" and f"over the generic parser's cap of {MAX_ELEMENTS}" in raised.value.detail
