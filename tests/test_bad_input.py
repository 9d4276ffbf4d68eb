"""Pages that are not articles: one clear error naming the URL and reason, no file, no crash."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, LocalSite, page

from crawler import ExtractionError, extract

REFERENCE = page("rain-20250214A05WPR00")
VIDEO_PAGE = page("omn-video-TWF2021042600346900")
NOT_ARTICLES = FIXTURES / "not-articles"


def _reference_without_body() -> bytes:
    html = REFERENCE.html.read_text(encoding="utf-8")
    start = html.index("window.DATA = ") + len("window.DATA = ")
    data, end = json.JSONDecoder().raw_decode(html, start)
    data["originContent"]["text"] = ""
    html = html[:start] + json.dumps(data, ensure_ascii=False) + html[end:]
    html = re.sub(r'(<div class="rich_media_content">).*?(</div></div></div>)', r"\1\2", html, flags=re.S)
    return html.encode("utf-8")


def _video_page_without_text() -> bytes:
    html = VIDEO_PAGE.html.read_text(encoding="utf-8")
    return re.sub(r'<p class="one-p">[^<]+</p>', "", html).encode("utf-8")


IFENG = page("ifeng-7rtKNyg6PU9")
_PAYWALL_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
               '"headline": "x", "isAccessibleForFree": false, "hasPart": {"@type": "WebPageElement", '
               '"isAccessibleForFree": false, "cssSelector": ".paid"}}</script></head>')


def _paywalled(page_bytes: bytes, marker: str) -> bytes:
    """A real page made subscriber-only the two ways sites say so: schema.org's paywall markup, a paywall box."""
    html = page_bytes.decode("utf-8")
    return (html.replace("</head>", _PAYWALL_LD, 1) if marker == "ld" else
            html.replace("</body>", '<div class="article-paywall">订阅后继续阅读</div></body>', 1)).encode("utf-8")


CASES = [
    # (id, url, body, reason)
    ("video-id", "https://new.qq.com/rain/a/20250214V05WPR00", REFERENCE.html.read_bytes(), "video"),
    ("video-only", VIDEO_PAGE.url, _video_page_without_text(), "video"),
    ("empty-body", REFERENCE.url, _reference_without_body(), "empty_body"),
    ("empty-answer", REFERENCE.url, b"", "thin_page"),
    ("access-denied", REFERENCE.url, b"<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>", "thin_page"),
    ("truncated", REFERENCE.url, REFERENCE.html.read_bytes()[:3000], "truncated"),
    ("weixin-video-post", "https://mp.weixin.qq.com/s/Q8Ng3CS0SMtJzZ1DNl1bgw",
     (NOT_ARTICLES / "weixin-video-post.html").read_bytes(), "video"),
    ("weixin-expired-link", "https://mp.weixin.qq.com/s/Q8Ng3CS0SMtJzZ1DNl1bgw",
     (NOT_ARTICLES / "weixin-expired-link.html").read_bytes(), "expired_link"),
    ("weixin-deleted-notice", "https://mp.weixin.qq.com/s/Q8Ng3CS0SMtJzZ1DNl1bgw",
     (NOT_ARTICLES / "weixin-deleted-notice.html").read_bytes(), "unavailable"),
    ("weixin-violation-notice", "https://mp.weixin.qq.com/s/Q8Ng3CS0SMtJzZ1DNl1bgw",
     (NOT_ARTICLES / "weixin-violation-notice.html").read_bytes(), "unavailable"),
    ("sina-small-video", "https://k.sina.cn/article_1496814565_m593793e5033024crg.html?from=news",
     (NOT_ARTICLES / "sina-k-video.html").read_bytes(), "video"),
    ("toutiao-gallery", "https://www.toutiao.com/a6734139882538533383/",
     (NOT_ARTICLES / "toutiao-gallery.html").read_bytes(), "not_article"),
    ("163-rolling-list", "https://news.163.com/latest/", (NOT_ARTICLES / "163-rolling-list.html").read_bytes(), "not_article"),
    ("163-rolling-list-elsewhere", "https://unknown.example/latest/", (NOT_ARTICLES / "163-rolling-list.html").read_bytes(),
     "not_article"),  # the generic parser's too
    ("paywall-json-ld", IFENG.url, _paywalled(IFENG.html.read_bytes(), "ld"), "paywalled"),
    ("paywall-box", REFERENCE.url, _paywalled(REFERENCE.html.read_bytes(), "box"), "paywalled"),
    ("list-page", "https://news.qq.com/ch/fx", (NOT_ARTICLES / "qq-feed-news_news_fx-excerpt.json").read_bytes(), "not_article"),
    ("unknown-site-not-an-article", "https://www.example.com/news/1.html", (NOT_ARTICLES / "qq-feed-news_news_fx-excerpt.json").read_bytes(), "empty_body"),
    ("ftp-url", "ftp://example.com/news/1.html", REFERENCE.html.read_bytes(), "bad_url"),
    ("not-a-url", "news.qq.com/rain/a/20250214A05WPR00", REFERENCE.html.read_bytes(), "bad_url"),
    ("javascript-url", "javascript:alert(1)", REFERENCE.html.read_bytes(), "bad_url"),
]


@pytest.mark.parametrize(("url", "body", "reason"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_extract_refuses_with_a_reason(url: str, body: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(url, body)
    assert raised.value.reason == reason
    assert raised.value.url == url
    assert str(raised.value).startswith(url) and "\n" not in str(raised.value)


@pytest.mark.parametrize(("url", "body", "reason"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_newsmd_parse_exits_non_zero_with_one_line_and_writes_nothing(
    url: str, body: bytes, reason: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(body)
    output = tmp_path / "out"
    result = subprocess.run(
        ["newsmd", "parse", str(saved), "--url", url, "-o", str(output)],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )
    assert result.returncode == (2 if reason == "bad_url" else 1)  # a URL that is none is bad usage
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"newsmd: error: {url}: ") and line.endswith(f"[{reason}]")
    assert not output.exists() or not any(output.rglob("*"))


def test_newsmd_parse_reports_a_missing_file(tmp_path: Path, cli_env: dict[str, str]) -> None:
    result = subprocess.run(
        ["newsmd", "parse", str(tmp_path / "missing.html"), "--url", REFERENCE.url],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("newsmd: error: cannot read") and "Traceback" not in result.stderr


def test_a_page_in_a_template_the_site_parser_does_not_know_is_read_by_the_generic_parser() -> None:
    """Not refused: the generic parser reads it, and the file keeps the site's identity."""
    article = extract(REFERENCE.url, (NOT_ARTICLES / "163-article.html").read_bytes())
    assert (article.source, article.article_id) == ("qq", "20250214A05WPR00")
    assert article.canonical_url == "https://new.qq.com/rain/a/20250214A05WPR00"
    assert article.fallbacks == ["page"] and article.title and article.body_markdown


def test_a_site_page_without_its_own_time_takes_the_markup_date() -> None:
    sina = page("doc-iicezzrq4076655")
    html = sina.html.read_text(encoding="utf-8")
    reference = extract(sina.url, html)
    without_site_time = re.sub(r'<span class="date">[^<]*</span>', "", html)
    without_site_time = re.sub(r'<meta (?:name="weibo: article:create_at"|property="article:published_time")[^>]*>', "",
                               without_site_time)
    marked_up = without_site_time.replace("<head>", '<head><script type="application/ld+json">{"@type": "NewsArticle", '
                                          '"datePublished": "2019-09-07T04:04:43+08:00"}</script>', 1)
    article = extract(sina.url, marked_up)
    assert article.published == reference.published and article.fallbacks == ["published"]


def _slow_page(paragraphs: int = 30_000) -> bytes:
    """A page under the generic parser's size cap that still takes trafilatura seconds to read."""
    body = "".join(f"<p>短段落{number}。</p>" for number in range(paragraphs))
    return f"<html><head><title>大页面</title></head><body><div class='content'>{body}</div></body></html>".encode()


def test_a_page_slower_than_the_time_limit_is_refused_as_too_slow() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract("https://www.example.com/news/12345678.html", _slow_page(), undated="write", time_limit=0.2)
    assert raised.value.reason == "too_slow" and "over 0.2 s" in raised.value.detail
    article = extract(REFERENCE.url, REFERENCE.html.read_bytes(), time_limit=30)  # the alarm was cleared
    assert article.article_id == "20250214A05WPR00"


def test_a_slow_page_fails_alone_and_the_run_goes_on(local_site: LocalSite, tmp_path: Path,
                                                     cli_env: dict[str, str]) -> None:
    local_site.serve("/news/12345678.html", _slow_page())
    local_site.serve("/c/7rtKNyg6PU9", page("ifeng-7rtKNyg6PU9").html.read_bytes())
    slow, good = f"{local_site.base}/news/12345678.html", f"{local_site.base}/c/7rtKNyg6PU9"
    result = subprocess.run(["newsmd", "get", slow, good, "-o", str(tmp_path / "out"), "-s", "EXTRACT_TIME_LIMIT=0.3"],
                            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
    assert errors == [f"newsmd: error: {slow}: reading the page took over 0.3 s (EXTRACT_TIME_LIMIT) [too_slow]"]
    assert len(list((tmp_path / "out").rglob("*.md"))) == 1 and "Traceback" not in result.stderr


CORPUS_LISTS = sorted((ROOT.parent / "shared" / "corpus" / "real" / "gerapy").glob("list-*.html"))


@pytest.mark.parametrize("path", CORPUS_LISTS, ids=[path.stem for path in CORPUS_LISTS])
def test_every_corpus_list_page_is_not_an_article(path: Path) -> None:
    for url in ("https://news.163.com/world/", "https://unknown.example/world/"):
        with pytest.raises(ExtractionError) as refused:
            extract(url, path.read_bytes(), undated="write")
        assert refused.value.reason == "not_article"
