"""The README's flow with the real Mainroad theme: ``site init`` with Mainroad in ``themes/``, the
offline snapshot crawled into ``content/posts``, ``hugo``; then the built pages read as a visitor
sees them, and one article and the home page opened in headless Chromium (screenshots kept in
``test-artifacts/``).

Mainroad is ``../shared/themes/mainroad`` (Vimux/Mainroad 13e04b3), copied into the test's site;
it is not shipped with newsmd, so without it these tests are skipped with a message.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import frontmatter
import pytest
from conftest import BIN, FIXTURES, ROOT, command_env

from crawler.extraction.sources import source_names
from crawler.output.site import MAINROAD_OVERRIDES

MAINROAD = ROOT.parent / "shared" / "themes" / "mainroad"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def mainroad_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAINROAD.is_dir():
        pytest.skip(f"the Mainroad theme is not at {MAINROAD} (it is beside the project in CI)")
    root = tmp_path_factory.mktemp("mainroad")
    site = root / "site"
    shutil.copytree(MAINROAD, site / "themes" / "mainroad")
    env = command_env()
    init = subprocess.run(["newsmd", "site", "init", str(site)], capture_output=True, text=True, env=env, timeout=60)
    assert init.returncode == 0, init.stderr
    (root / "newsmd.toml").write_text('extra_fields = ["author"]\n', encoding="utf-8")
    env["NEWSMD_CONFIG"] = str(root / "newsmd.toml")
    crawl = subprocess.run(["sh", "demo/run.sh", str(site / "content" / "posts")], capture_output=True, text=True,
                           env=env, cwd=ROOT, timeout=300)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    build = subprocess.run([str(BIN / "hugo"), "--source", str(site), "--logLevel", "warn"], capture_output=True,
                           text=True, timeout=120)
    assert build.returncode == 0 and "ERROR" not in build.stderr, build.stdout + build.stderr
    return site


def _articles(site: Path) -> list[tuple[Path, frontmatter.Post]]:
    return [(path, frontmatter.load(path)) for path in sorted((site / "content" / "posts").rglob("*.md"))]


def _built(site: Path, markdown: Path) -> str:
    relative = markdown.relative_to(site / "content").with_suffix("")
    return (site / "public" / str(relative).lower() / "index.html").read_text(encoding="utf-8")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def test_site_init_carries_the_overrides_mainroad_needs_in_its_own_layouts(mainroad_site: Path) -> None:
    for name, text in MAINROAD_OVERRIDES.items():
        assert (mainroad_site / "layouts" / name).read_text(encoding="utf-8") == text
        assert "newsmd:" in text.splitlines()[0]  # each says why it is there
    assert not list((mainroad_site / "themes" / "mainroad").rglob("*.orig"))
    assert (mainroad_site / "themes" / "mainroad" / "layouts" / "partials" / "post_meta" / "author.html").read_bytes() == \
        (MAINROAD / "layouts" / "partials" / "post_meta" / "author.html").read_bytes()  # the theme is untouched


def test_every_article_shows_its_title_date_author_source_thumbnail_and_body(mainroad_site: Path) -> None:
    names = source_names()
    articles = _articles(mainroad_site)
    assert len(articles) == 15
    for path, post in articles:
        page = _built(mainroad_site, path)
        assert _text(re.search(r'<h1 class="post__title">(.*?)</h1>', page, re.S).group(1)) == post["title"]  # type: ignore[union-attr]
        day, time = str(post["date"]).split(" ")
        assert f'datetime="{day}T{time}+08:00"' in html.unescape(page), path
        author = re.search(r'meta__item-author.*?<span class="meta__text">(.*?)</span>', page, re.S)
        assert (_text(author.group(1)) if author else None) == post.get("author"), path
        category = post["categories"][0]
        shown = _text(re.search(r'rel="category">(.*?)</a>', page, re.S).group(1))  # type: ignore[union-attr]
        assert shown == names.get(category, category), path  # 腾讯新闻, not "Qq"
        tags = [_text(tag) for tag in re.findall(r'class="tags__link btn"[^>]*>(.*?)</a>', page, re.S)]
        assert tags == [names.get(tag, tag) for tag in post["tags"]], path
        if post["thumbnail"]:
            assert f'src="{html.escape(post["thumbnail"])}"'.replace("&#x27;", "&#39;") in page, path
        content = _text(re.search(r'<div class="content post__content clearfix">(.*?)</div>\s*(?:<footer|</article)',
                                  page, re.S).group(1))  # type: ignore[union-attr]
        assert post["summary"].removesuffix("...")[:20] in re.sub(r"\s+", "", content) or \
            re.sub(r"\s+", "", post["summary"].removesuffix("..."))[:20] in re.sub(r"\s+", "", content), path


def test_the_sidebar_lists_the_sources_by_their_own_names(mainroad_site: Path) -> None:
    home = (mainroad_site / "public" / "index.html").read_text(encoding="utf-8")
    categories = {_text(name) for name in re.findall(r'class="widget__link" href="/categories/[^"]+/">(.*?)</a>', home)}
    assert {"腾讯新闻", "网易新闻", "新浪", "今日头条", "微信公众号"} <= categories
    assert not {"Qq", "Weixin", "163", "Sina"} & categories


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_an_article_and_the_home_page_render_in_chromium(mainroad_site: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk; .ci/run does this)")
    from playwright.sync_api import Route, sync_playwright

    picture = (FIXTURES / "images" / "python.png").read_bytes()

    def offline(route: Route) -> None:
        """The machine is offline: remote pictures (the articles' CDNs) get a stand-in picture, so
        that what is checked is the page's layout, not the network."""
        if route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=picture)
        else:
            route.fulfill(status=204, body="")

    reference = next(path for path, _ in _articles(mainroad_site) if path.stem == "20250214A05WPR00")
    article_url = "/" + str(reference.relative_to(mainroad_site / "content").with_suffix("")).lower() + "/"
    handler = functools.partial(_Quiet, directory=str(mainroad_site / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    errors: list[str] = []
    seen: dict[str, dict[str, object]] = {}
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), offline)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.on("response", lambda response: errors.append(f"{response.status} {response.url}")
                   if response.status >= 400 else None)
            port = server.server_address[1]
            for name, url in (("article", article_url), ("home", "/")):
                tab.goto(f"http://127.0.0.1:{port}{url}", wait_until="networkidle")
                seen[name] = tab.evaluate("""() => ({
                    text: document.body.innerText,
                    images: Array.from(document.images, i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]),
                    sidebar: (document.querySelector('.sidebar') || {}).innerText || '',
                    title: (document.querySelector('.post__title') || {}).innerText || '',
                })""")
                tab.screenshot(path=str(ARTIFACTS / f"mainroad-{name}.png"), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert errors == []
    article, home = seen["article"], seen["home"]
    assert article["title"] == "6连板青云科技，因股东减持打破涨停？"
    assert "股东频繁高位减持" in str(article["text"]) and "投资时间网" in str(article["text"])
    assert "腾讯新闻" in str(article["sidebar"]) and "网易新闻" in str(home["sidebar"])
    for page in (article, home):
        images = page["images"]
        assert isinstance(images, list) and images and all(loaded for _, loaded in images), images
    for name in ("article", "home"):
        assert (ARTIFACTS / f"mainroad-{name}.png").stat().st_size > 20_000


def test_site_setup_repairs_an_existing_mainroad_site_and_touches_nothing_else(tmp_path: Path) -> None:
    if not MAINROAD.is_dir():
        pytest.skip(f"the Mainroad theme is not at {MAINROAD} (it is beside the project in CI)")
    site = tmp_path / "site"
    shutil.copytree(MAINROAD, site / "themes" / "mainroad")
    config = ('baseURL = "https://example.org/"\ntheme = "mainroad"\ntimeZone = "Asia/Shanghai"\nignoreFiles = []\n'
              '[params]\npost_meta = ["author", "date", "categories"]\n')  # as in Mainroad's docs
    (site / "hugo.toml").write_text(config, encoding="utf-8")
    mine = site / "content" / "categories" / "qq" / "_index.md"
    mine.parent.mkdir(parents=True)
    mine.write_text('---\ntitle: "我的腾讯"\n---\n', encoding="utf-8")  # the user's own term page stays
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    env = command_env()
    post = site / "content" / "posts" / "qq" / "20250214A05WPR00.md"
    parse = subprocess.run(["newsmd", "parse", str(FIXTURES / "qq" / "rain-20250214A05WPR00.html"), "-o", str(site / "content" / "posts"),
                            "-s", "EXTRA_FIELDS=author"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert parse.returncode == 0 and post.is_file(), parse.stderr
    broken = subprocess.run([str(BIN / "hugo"), "--source", str(site)], capture_output=True, text=True, timeout=120)
    assert broken.returncode != 0 and "Site.Author" in broken.stdout + broken.stderr  # the theme as it is fails
    setup = subprocess.run(["newsmd", "site", "setup", str(site)], capture_output=True, text=True, env=env, timeout=60)
    assert setup.returncode == 0, setup.stderr
    created = {Path(line.split(" ", 1)[1]) for line in setup.stdout.splitlines() if line.startswith("created ")}
    assert {path.relative_to(site).as_posix() for path in created} >= {"layouts/partials/post_meta/author.html",
                                                                      "content/tags/qq/_index.md"}
    assert all(path.read_bytes() == content for path, content in before.items())  # nothing of the site changed
    build = subprocess.run([str(BIN / "hugo"), "--source", str(site), "--logLevel", "warn"], capture_output=True,
                           text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    page = (site / "public" / "posts" / "qq" / "20250214a05wpr00" / "index.html").read_text(encoding="utf-8")
    assert 'rel="category">我的腾讯</a>' in page and "投资时间网" in page
