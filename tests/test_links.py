"""Feeds and sitemaps: link parsing, and ``feed``/``sitemap`` crawls that are incremental.

No real feed or sitemap of these portals was captured, so the documents here are written from
the specifications (RSS 2.0, Atom 1.0, JSON Feed 1.1, sitemaps.org and Google News sitemaps);
the article pages they point to are the real saved pages of ``tests/fixtures/``.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, LocalSite, SavedPage, page

from crawler import extract
from crawler.crawling.link_scope import LinkScope
from crawler.crawling.links import Link, LinkDocumentError, parse_feed, parse_sitemap

ARTICLES = [page("KC12OUHK000189FH"), page("doc-iicezzrq4076655"), page("7404384826024935990"), page("ifeng-7rtKNyg6PU9")]
HOSTS = ["feeds.example.org", "www.163.com", "news.sina.com.cn", "www.toutiao.com", "news.ifeng.com"]


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title><![CDATA[标题 <b>{number}</b>]]></title><link>{url}</link>"
        f"<guid isPermaLink=\"false\">id-{number}</guid><pubDate>{stamp}</pubDate></item>"
        for number, (url, stamp) in enumerate(items)
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>新闻</title><link>https://feeds.example.org/</link>"
            f'<atom:link href="https://feeds.example.org/rss.xml" rel="self"/>{entries}</channel></rss>').encode()


def atom(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>t</title><id>urn:{n}</id><link rel="enclosure" href="https://cdn.example.org/{n}.jpg"/>'
        f'<link rel="alternate" type="text/html" href="{url}"/><updated>{stamp}</updated></entry>'
        for n, (url, stamp) in enumerate(items)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{entries}</feed>'.encode()


def urlset(items: list[tuple[str, str]], news: bool = False) -> bytes:
    def stamp(value: str) -> str:
        if news:
            return f"<news:news><news:publication_date>{value}</news:publication_date></news:news>"
        return f"<lastmod>{value}</lastmod>"

    entries = "".join(f"<url><loc>{url}</loc>{stamp(value)}</url>" for url, value in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>').encode()


def sitemap_index(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<sitemap><loc>{url}</loc><lastmod>{value}</lastmod></sitemap>" for url, value in items)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


def test_rss_atom_and_json_feed_links_come_with_their_stamps() -> None:
    items = [(ARTICLES[0].url, "Thu, 16 Oct 2025 12:02:18 GMT"), (ARTICLES[1].url + "#comments", "Sat, 07 Sep 2019 04:04:43 +0800")]
    assert parse_feed(rss(items)) == [Link(ARTICLES[0].url, items[0][1]), Link(ARTICLES[1].url, items[1][1])]
    assert parse_feed(atom([("/c/7rtKNyg6PU9", "2019-11-25T08:04:30Z")]), "https://news.ifeng.com/feed") == [
        Link("https://news.ifeng.com/c/7rtKNyg6PU9", "2019-11-25T08:04:30Z")]
    json_feed = {"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [
        {"id": "1", "url": ARTICLES[2].url, "date_published": "2024-08-18T15:54:00+08:00"},
        {"id": "2", "url": "javascript:alert(1)"}, {"id": "3"}, "not an item"]}
    assert parse_feed(json.dumps(json_feed).encode()) == [Link(ARTICLES[2].url, "2024-08-18T15:54:00+08:00")]
    assert parse_feed(rss(items))[0].modified().isoformat() == "2025-10-16T12:02:18+00:00"  # type: ignore[union-attr]


def test_sitemaps_index_urlset_news_and_gzip() -> None:
    index = parse_sitemap(sitemap_index([("https://www.163.com/sitemap-1.xml.gz", "2025-10-16")]))
    assert index.sitemaps == [Link("https://www.163.com/sitemap-1.xml.gz", "2025-10-16")] and not index.pages
    pages = parse_sitemap(gzip.compress(urlset([(ARTICLES[0].url, "2025-10-16T20:02:18+08:00")], news=True)))
    assert pages.pages == [Link(ARTICLES[0].url, "2025-10-16T20:02:18+08:00")] and not pages.sitemaps


@pytest.mark.parametrize("document", [
    b"", b"<html><body>not a feed</body></html>", b"{\"items\": []}", b"<rss><channel><item>", b"\x1f\x8b broken gzip",
    b"[" * 100000 + b"]" * 100000, b'{"version": "https://jsonfeed.org/version/1.1", "items": {"a": 1}}',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss><channel><item><link>&c;</link></item></channel></rss>',
])
def test_broken_or_hostile_documents_raise_the_documented_error_or_give_nothing(document: bytes) -> None:
    try:
        assert parse_feed(document) == []  # entities are never expanded
    except LinkDocumentError:
        pass
    with pytest.raises(LinkDocumentError):
        parse_sitemap(document)


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://evil.example/leaked")
    for kind in ("rss", "urlset"):
        inner = "<channel><item><link>&e;</link></item></channel>" if kind == "rss" else "<url><loc>&e;</loc></url>"
        document = (f'<?xml version="1.0"?><!DOCTYPE {kind} [<!ENTITY e SYSTEM "file://{secret}">]>'
                    f"<{kind}>{inner}</{kind}>").encode()
        links = parse_feed(document) if kind == "rss" else parse_sitemap(document).pages
        assert links == []


def _serve_articles(site: LocalSite) -> None:
    for saved in ARTICLES:
        site.serve(saved.url.split(saved.url.split("/")[2], 1)[1], saved.html.read_bytes())


def _crawl(args: list[str], site: LocalSite, out: Path, env: dict[str, str],
           allow: list[str] = HOSTS) -> subprocess.CompletedProcess[str]:
    """The crawl with ``HOSTS`` served by ``site``; the test feeds list articles of those sites (``allow``)."""
    mirror = json.dumps({host: site.base for host in HOSTS})
    return subprocess.run([*args, "-s", f"MIRROR={mirror}", "-s", f"OUTPUT_DIR={out}", "-s", "LOG_LEVEL=WARNING",
                           "-s", f"FOLLOW_LINK_HOSTS={','.join(allow)}"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def _article_hits(site: LocalSite) -> list[str]:
    return [hit for hit in site.hits if not hit.endswith((".xml", ".gz", ".json", "robots.txt"))]


def _assert_goldens(out: Path, saved: list[SavedPage]) -> None:
    for article in saved:
        expected = extract(article.url, article.html.read_bytes())
        written = out / expected.source / f"{expected.article_id}.md"
        assert written.read_text(encoding="utf-8") == article.golden.read_text(encoding="utf-8"), written


def test_feed_crawl_writes_each_article_once_and_refetches_only_updated_ones(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    _serve_articles(local_site)
    stamps = ["Thu, 16 Oct 2025 12:02:18 GMT", "Sat, 07 Sep 2019 04:04:43 +0800", "Sun, 18 Aug 2024 07:54:00 GMT",
              "Mon, 25 Nov 2019 08:04:30 GMT"]
    local_site.serve("/rss.xml", rss([(saved.url, stamp) for saved, stamp in zip(ARTICLES, stamps, strict=True)]),
                     content_type="application/rss+xml")
    out = tmp_path / "content"
    first = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out)], local_site, out, cli_env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines()[-1] == "4 discovered / 4 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"
    _assert_goldens(out, ARTICLES)
    assert len(_article_hits(local_site)) == 4

    local_site.hits.clear()
    again = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out)], local_site, out, cli_env)
    assert again.stderr.splitlines()[-1] == "4 discovered / 0 written / 0 updated / 4 unchanged / 0 skipped / 0 failed"
    assert _article_hits(local_site) == []

    deleted = extract(ARTICLES[0].url, ARTICLES[0].html.read_bytes())
    (out / deleted.source / f"{deleted.article_id}.md").unlink()  # the state must not outrank the folder
    local_site.hits.clear()
    restored = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out)], local_site, out, cli_env)
    assert restored.stderr.splitlines()[-1] == "4 discovered / 1 written / 0 updated / 3 unchanged / 0 skipped / 0 failed"
    assert _article_hits(local_site) == ["GET /news/article/KC12OUHK000189FH.html"]
    _assert_goldens(out, ARTICLES)

    stamps[1] = "Sat, 07 Sep 2019 09:08:25 +0800"  # the feed says the Sina article was updated
    local_site.serve("/rss.xml", rss([(saved.url, stamp) for saved, stamp in zip(ARTICLES, stamps, strict=True)]))
    local_site.hits.clear()
    third = _crawl(["scrapy", "crawl", "feed", "-a", "url=https://feeds.example.org/rss.xml"], local_site, out, cli_env)
    assert third.returncode == 0, third.stderr
    assert _article_hits(local_site) == ["GET /c/2019-09-07/doc-iicezzrq4076655.shtml"]
    assert "4 discovered / 0 written / 0 updated / 4 unchanged / 0 skipped / 0 failed" in third.stderr


def test_sitemap_crawl_follows_the_index_and_filters_by_lastmod(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    _serve_articles(local_site)
    local_site.serve("/sitemap.xml", sitemap_index([("https://feeds.example.org/old.xml", "2019-01-01"),
                                                    ("https://feeds.example.org/news.xml.gz", "2025-10-16"),
                                                    ("https://feeds.example.org/recent.xml", "2025-10-17")]),
                     content_type="application/xml")
    local_site.serve("/old.xml", urlset([("https://www.163.com/news/article/OLD0000000000000.html", "2019-01-01")]))
    local_site.serve("/news.xml.gz", gzip.compress(urlset([(ARTICLES[0].url, "2025-10-16T20:02:18+08:00"),
                                                           (ARTICLES[1].url, "2019-09-07T04:04:43+08:00")], news=True)),
                     content_type="application/x-gzip")
    local_site.serve("/recent.xml", urlset([(ARTICLES[2].url, "2024-08-18"), ("ftp://www.163.com/x", "2025-11-01")]))
    out = tmp_path / "content"
    result = _crawl(["newsmd", "crawl", "--sitemap", "https://feeds.example.org/sitemap.xml", "--since", "2020-01-01",
                     "-o", str(out)], local_site, out, cli_env)
    assert "GET /old.xml" not in local_site.hits  # an old child sitemap is not even fetched
    assert result.stderr.splitlines()[-1] == "3 discovered / 2 written / 0 updated / 0 unchanged / 1 skipped / 0 failed"
    assert result.returncode == 0, result.stderr
    _assert_goldens(out, [ARTICLES[0], ARTICLES[2]])
    assert not (out / "sina" / "iicezzrq4076655.md").exists()  # lastmod 2019 is before --since
    assert len(list(out.rglob("*.md"))) == 2


def test_a_broken_feed_is_reported_and_counted(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    local_site.serve("/rss.xml", b"<html>moved</html>")
    out = tmp_path / "content"
    result = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml"], local_site, out, cli_env)
    assert result.returncode == 1
    assert "https://feeds.example.org/rss.xml: an XML document of type <html>, not RSS or Atom [not_a_feed]" in result.stderr
    assert result.stderr.splitlines()[-1].endswith(" / 0 failed / 1 feed failed")  # not an article's failure
    assert local_site.hits.count("GET /rss.xml") == 2  # fetched once more, like any page, before it counts


def test_a_feed_that_fails_once_is_fetched_again_and_read(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    answers = [b"<rss><channel><item><link>https://www.163.com/cut", rss([(ARTICLES[0].url, "")])]
    original = local_site.answer

    def flaky(method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/rss.xml":
            return 200, "application/rss+xml", answers.pop(0) if len(answers) > 1 else answers[0]
        return original(method, path, body, headers)

    local_site.answer = flaky  # type: ignore[method-assign]
    out = tmp_path / "content"
    result = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out)], local_site, out, cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "1 discovered / 1 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"
    assert local_site.hits.count("GET /rss.xml") == 2


def test_an_undated_article_fails_by_default_and_is_written_when_asked(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    toutiao = ARTICLES[2]
    local_site.serve("/article/7404384826024935990/",
                     toutiao.html.read_bytes().replace(b"<span>2024-08-18 15:54</span>", b"")
                     .replace(b'"datePublished":"2024-08-18T15:54:57+08:00",', b""))  # no time left on the page
    local_site.serve("/feed.json", json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": toutiao.url}]}).encode(), content_type="application/feed+json")
    out = tmp_path / "content"
    skipped = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/feed.json", "-o", str(out)], local_site, out, cli_env)
    assert skipped.returncode == 1 and f"{toutiao.url}: the page has no publication time [no_date]" in skipped.stderr
    written = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/feed.json", "--undated", "write",
                      "-o", str(out)], local_site, out, cli_env)
    assert written.returncode == 0, written.stderr
    assert written.stderr.splitlines()[-1] == "1 discovered / 1 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"
    assert "date:" not in (out / "toutiao" / "7404384826024935990.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("link", "document", "allowed", "reason"), [
    ("https://feeds.example.org/a/1.html", "https://feeds.example.org/rss.xml", "", None),
    ("https://www.example.org/a/1.html", "https://feeds.example.org/rss.xml", "", None),  # same site
    ("https://evil.example.net/a", "https://feeds.example.org/rss.xml", "", "offsite_link"),
    ("https://evil.example.net/a", "https://feeds.example.org/rss.xml", "example.net", None),
    ("https://evil.example.net/a", "https://feeds.example.org/rss.xml", "*", None),
    ("http://127.0.0.1:9/admin", "https://feeds.example.org/rss.xml", "*", "private_address"),
    ("http://127.0.0.1:9/admin", "https://feeds.example.org/rss.xml", "", "private_address"),
    ("http://127.0.0.1:9/admin", "https://feeds.example.org/rss.xml", "127.0.0.1", None),
    ("http://127.0.0.1:9/admin", "http://127.0.0.1:8000/rss.xml", "", "private_address"),  # another port
    ("http://127.0.0.1:8000/a/1", "http://127.0.0.1:8000/rss.xml", "", None),  # the origin the user named
    ("http://10.0.0.5/x", "https://feeds.example.org/rss.xml", "", "private_address"),
    ("http://169.254.169.254/latest/meta-data/", "https://feeds.example.org/rss.xml", "*", "private_address"),
    ("http://[::1]:8080/x", "https://feeds.example.org/rss.xml", "", "private_address"),
    ("http://2130706433/x", "https://feeds.example.org/rss.xml", "", "private_address"),
    ("http://0x7f.1/x", "https://feeds.example.org/rss.xml", "", "private_address"),
    ("http://localhost:8080/x", "https://feeds.example.org/rss.xml", "*", "private_address"),
    ("http://admin.localhost/x", "https://feeds.example.org/rss.xml", "", "private_address"),
])
def test_link_scope(link: str, document: str, allowed: str, reason: str | None) -> None:
    refusal = LinkScope.from_setting(allowed).refusal(link, document)
    assert (refusal[0] if refusal else None) == reason


def test_a_feed_cannot_send_the_crawler_to_another_site_or_the_local_network(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    sina = ARTICLES[1]
    with LocalSite() as internal:
        internal.serve("/admin/secret.html", sina.html.read_bytes())
        internal.serve("/sitemap.xml", urlset([(f"{internal.base}/admin/secret.html", "2025-11-01")]))
        port = internal.base.rsplit(":", 1)[1]
        local_site.serve("/same-site/1.html", sina.html.read_bytes())
        local_site.serve("/rss.xml", rss([
            (f"{internal.base}/admin/secret.html", ""), (f"http://2130706433:{port}/admin/secret.html", ""),
            (f"http://localhost:{port}/admin/secret.html", ""), ("http://169.254.169.254/latest/meta-data/", ""),
            (sina.url, ""), ("https://www.example.org/same-site/1.html", "")]), content_type="application/rss+xml")
        local_site.serve("/sitemap.xml", sitemap_index([(f"{internal.base}/sitemap.xml", "2025-11-01")]))
        out = tmp_path / "content"
        hosts = [*HOSTS, "www.example.org"]
        mirror = json.dumps({host: local_site.base for host in hosts})
        common = ["-s", f"MIRROR={mirror}", "-s", "LOG_LEVEL=WARNING", "-o", str(out)]
        feed = subprocess.run(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", *common],
                              capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
        sitemap = subprocess.run(["newsmd", "crawl", "--sitemap", "https://feeds.example.org/sitemap.xml", *common],
                                 capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
        assert internal.hits == []  # nothing on the local network was fetched
        assert feed.returncode == 0, feed.stderr
        assert "GET /same-site/1.html" in local_site.hits and "GET /c/2019-09-07/doc-iicezzrq4076655.shtml" not in local_site.hits
        refused = [line for line in feed.stderr.splitlines() if line.startswith("newsmd: warning:")]
        assert len(refused) == 5 and sum("[private_address]" in line for line in refused) == 4, feed.stderr
        assert f"newsmd: warning: {sina.url}: a link to another site than the document's (news.sina.com.cn)" in feed.stderr
        assert feed.stderr.splitlines()[-1] == "6 discovered / 1 written / 0 updated / 0 unchanged / 5 skipped / 0 failed"
        assert sitemap.returncode == 0 and "[private_address]" in sitemap.stderr, sitemap.stderr

        allowed = subprocess.run(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "--allow-host",
                                  "127.0.0.1", "--allow-host", "sina.com.cn", *common],
                                 capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
        assert [hit for hit in internal.hits if "robots" not in hit] == ["GET /admin/secret.html"]  # the one named
        assert "GET /c/2019-09-07/doc-iicezzrq4076655.shtml" in local_site.hits, allowed.stderr


class _CloseDelimitedSite(LocalSite):
    """Answers articles with no Content-Length, ended by closing the connection (``cut``: bytes sent)."""

    def __init__(self) -> None:
        super().__init__()
        self.cut: int | None = None

    def send(self, handler: Any, answer: tuple[int, str, bytes]) -> None:
        status, content_type, body = answer
        if not handler.path.startswith("/news/article/"):
            return super().send(handler, answer)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body if self.cut is None else body[:self.cut])
        handler.close_connection = True


def test_a_cut_off_answer_is_refused_and_a_suspect_one_fetched_again(tmp_path: Path, cli_env: dict[str, str]) -> None:
    netease = ARTICLES[0]
    html = netease.html.read_bytes()
    with _CloseDelimitedSite() as site:
        _serve_articles(site)
        site.serve("/rss.xml", rss([(netease.url, "Thu, 16 Oct 2025 12:02:18 GMT")]), content_type="application/rss+xml")
        out = tmp_path / "content"
        command = ["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out)]
        site.cut = int(len(html) * 0.8)  # the connection drops after 80% of the page: nothing tells but the page
        cut = _crawl(command, site, out, cli_env)
        assert cut.returncode == 1
        assert f"{netease.url}: the page ends before its </html>: the answer was cut off [truncated]" in cut.stderr
        assert not list(out.rglob("*.md"))

        site.cut = None  # whole, but still ended by the connection closing: written, and not trusted
        whole = _crawl(command, site, out, cli_env)
        assert whole.returncode == 0, whole.stderr
        assert whole.stderr.splitlines()[-1] == "1 discovered / 1 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"
        _assert_goldens(out, [netease])
        site.hits.clear()
        again = _crawl(command, site, out, cli_env)
        assert _article_hits(site) == ["GET /news/article/KC12OUHK000189FH.html"]  # fetched again, found unchanged
        assert again.stderr.splitlines()[-1] == "1 discovered / 0 written / 0 updated / 1 unchanged / 0 skipped / 0 failed"


def test_a_document_without_its_end_is_truncated() -> None:
    from crawler import ExtractionError

    html = ARTICLES[3].html.read_text(encoding="utf-8")
    for cut in (0.3, 0.6, 0.95):
        with pytest.raises(ExtractionError) as raised:
            extract(ARTICLES[3].url, html[:int(len(html) * cut)])
        assert raised.value.reason == "truncated"
    assert extract(ARTICLES[3].url, html + "\n<!-- trailing comment -->\n").title  # whole, with trailing bytes
    assert extract(ARTICLES[3].url, html[html.index("<body"):]).title  # a fragment is not a cut-off document


def test_caps_on_links_per_document_and_child_sitemaps_are_counted(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    _serve_articles(local_site)
    local_site.serve("/rss.xml", rss([(saved.url, "") for saved in ARTICLES]), content_type="application/rss+xml")
    local_site.serve("/sitemap.xml", sitemap_index([(f"https://feeds.example.org/s{i}.xml", "") for i in range(3)]))
    for i in range(3):
        local_site.serve(f"/s{i}.xml", urlset([(ARTICLES[i].url, "")]))
    out = tmp_path / "content"
    feed = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/rss.xml", "-o", str(out),
                   "-s", "MAX_LINKS_PER_DOCUMENT=2"], local_site, out, cli_env)
    assert feed.returncode == 0, feed.stderr
    assert ("newsmd: warning: https://feeds.example.org/rss.xml: lists more than 2 links; the first 2 are followed "
            "(MAX_LINKS_PER_DOCUMENT) [too_many_links]") in feed.stderr
    assert feed.stderr.splitlines()[-1] == "2 discovered / 2 written / 0 updated / 0 unchanged / 1 skipped / 0 failed"

    local_site.hits.clear()
    sitemap = _crawl(["newsmd", "crawl", "--sitemap", "https://feeds.example.org/sitemap.xml", "-o", str(out),
                      "-s", "MAX_CHILD_SITEMAPS=1"], local_site, out, cli_env)
    assert [hit for hit in local_site.hits if hit.startswith("GET /s") and "sitemap" not in hit] == ["GET /s0.xml"]
    assert sum(line.startswith("newsmd: warning:") and "[too_many_sitemaps]" in line for line in sitemap.stderr.splitlines()) == 2
    assert sitemap.returncode == 0


def test_a_million_entry_sitemap_is_read_within_flat_memory(tmp_path: Path) -> None:
    """The streamed parse stops at the cap; a whole-tree parse of this document peaked at 826 MB."""
    document = tmp_path / "sitemap.xml.gz"
    entries = "".join(f"<url><loc>https://e.com/{i}</loc></url>" for i in range(1_000_000))
    document.write_bytes(gzip.compress(f'<?xml version="1.0"?><urlset>{entries}</urlset>'.encode(), 1))
    code = ("import re; from pathlib import Path; from crawler.crawling.links import parse_sitemap; "  # VmHWM: this process only
            f"pages = parse_sitemap(Path({str(document)!r}).read_bytes(), limit=50_000).pages; "
            "print(len(pages), int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)) // 1024)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    count, peak_mb = map(int, result.stdout.split())
    assert count == 50_001  # one past the cap: the caller reports it
    assert peak_mb < 250, f"peak RSS {peak_mb} MB"


def test_a_numeric_json_feed_stamp_is_read_and_control_characters_never_reach_the_terminal(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    toutiao = ARTICLES[2]
    local_site.serve("/article/7404384826024935990/", toutiao.html.read_bytes())
    local_site.serve("/feed.json", json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": toutiao.url, "date_modified": 1723967697},  # a Unix time, not RFC 3339
        {"id": "2", "url": "https://evil.example.net/\x1b[2J\x1b]0;pwned\x07\x08x.html"},
    ]}).encode(), content_type="application/feed+json")
    out = tmp_path / "content"
    result = _crawl(["newsmd", "crawl", "--feed", "https://feeds.example.org/feed.json", "-o", str(out)], local_site, out, cli_env)
    assert result.stderr.splitlines()[-1].startswith("2 discovered / 1 written"), result.stderr
    assert not set("\x1b\x07\x08") & set(result.stderr)  # no escape sequence reaches the terminal or the log
    assert "\\x1b[2J\\x1b]0;pwned\\x07\\x08x.html" in result.stderr and "[offsite_link]" in result.stderr
