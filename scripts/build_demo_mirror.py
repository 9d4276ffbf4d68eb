"""Build demo/mirror/, the offline snapshot of Tencent News (and other sites) that `make demo` crawls.

Feed answers copy the structure of the real getPCList answer
(tests/fixtures/not-articles/qq-feed-news_news_fx-excerpt.json): one block with ``sub_item``s,
each item with the real keys. Article pages are symlinks to the saved real pages of tests/fixtures/qq/.
The other supported portals and generic sites are mirrored under ``sites/<host>/<path>`` (symlinks
to their saved real pages) and listed in an RSS feed, ``sites/portals.newsmd.example/feed.xml``.
Run again after changing the fixtures; the output is committed.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import tomllib
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MIRROR = ROOT / "demo" / "mirror"
CHANNELS = {
    "news_news_finance": [["rain-20250214A05WPR00", "omn-20190907A081B000"], ["omn-20201130A0G1JJ00"]],
    "news_news_tech": [["rain-20260810A0BO7100-excerpt", "omn-video-TWF2021042600346900"]],
}
VIDEO_ITEM = {"id": "20260810V0AB1200", "articletype": "4", "title": "视频：演示用的视频条目"}
"""One video item per channel (each channel's its own ID: a crawl counts a skipped item once)."""
# The hot list, built from the documented structure (../shared/reference/tencent-news.md): no saved
# answer exists. It repeats two finance articles, so a crawl of both start points must dedupe them.
HOT_LIST = ["rain-20250214A05WPR00", "omn-20201130A0G1JJ00"]
FEED_HOST = "portals.newsmd.example"
FEED_PAGES = [  # (fixture folder, page): every saved article page that no channel above lists
    ("qq", "omn-video-TWF2021042600346900"), ("qq", "channel-finance-20190923000843"),
    ("163", "KC12OUHK000189FH"), ("163", "EOFOC8MJ00258105"),
    ("sina", "doc-iicezzrq4076655"), ("sina", "doc-iihnzahi3275702"), ("sina", "doc-ihqfskcn2160999"),
    ("toutiao", "7404384826024935990"), ("toutiao", "6732819573189378572"),
    ("weixin", "s-3Sr6nYjE1RF05siTblD2mw"),
    ("generic", "ifeng-7rtKNyg6PU9"), ("generic", "cjddsb-532601"),
]
TENCENT_MIRRORED = ("news.qq.com", "new.qq.com")
"""Hosts the mirror answers as Tencent (``rain/a/<ID>.html`` by ID): their pages need no ``sites/`` copy."""
HOT_HEADER = {"id": "HOT_RANKING_HEADER", "title": "腾讯新闻热点榜", "articletype": "528"}


def page_facts(html: str) -> dict[str, str]:
    """ID, title and publication time from a saved page's ``window.DATA``."""
    data = re.search(r"window\.DATA\s*=\s*", html)
    facts, _ = json.JSONDecoder().raw_decode(html, data.end())
    return {"id": facts.get("cms_id") or facts["article_id"], "title": facts["title"], "pubtime": facts["pubtime"]}


def real_feed_templates() -> tuple[dict, dict]:
    """The real feed answer's block and its first item, the shapes every built answer copies."""
    real = json.loads((FIXTURES / "not-articles" / "qq-feed-news_news_fx-excerpt.json").read_text(encoding="utf-8"))
    return real["data"][0], real["data"][0]["sub_item"][0]


def feed_item(template: dict, article_id: str, title: str, pubtime: str) -> dict:
    """A feed item with the real item's keys, pointing at ``article_id``."""
    item = copy.deepcopy(template)
    url = f"https://view.inews.qq.com/a/{article_id}"
    item.update(id=article_id, title=title, publish_time=pubtime, update_time=pubtime)
    item["link_info"] = {key: url for key in item["link_info"]}
    return item


def write_feed_page(root: Path, channel: str, number: int, items: list[dict], block_template: dict) -> None:
    """``root/web_feed/getPCList/<channel>/<number>.json``: one real-shaped block holding ``items``."""
    answer = {"code": 0, "data": [{**copy.deepcopy(block_template), "sub_item": items}]}
    target = root / "web_feed" / "getPCList" / channel / f"{number}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(answer, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    block_template, item_template = real_feed_templates()
    pages = {entry["file"].removesuffix(".html"): entry for entry in
             tomllib.loads((FIXTURES / "qq" / "MANIFEST.toml").read_text(encoding="utf-8"))["page"]}
    if MIRROR.exists():
        shutil.rmtree(MIRROR)
    (MIRROR / "rain" / "a").mkdir(parents=True)
    for channel_number, (channel, feed_pages) in enumerate(CHANNELS.items()):
        for number, names in enumerate(feed_pages, start=1):
            items = []
            for name in names:
                html = (FIXTURES / "qq" / pages[name]["file"]).read_text(encoding="utf-8")
                facts = page_facts(html)
                link = MIRROR / "rain" / "a" / f"{facts['id']}.html"
                link.symlink_to(os.path.relpath(FIXTURES / "qq" / pages[name]["file"], link.parent))
                items.append(feed_item(item_template, facts["id"], facts["title"], facts["pubtime"]))
            if number == 1:
                video_id = VIDEO_ITEM["id"][:-4] + f"{12 + channel_number:02d}00"
                items.append({**copy.deepcopy(item_template), **VIDEO_ITEM, "id": video_id})
            write_feed_page(MIRROR, channel, number, items, block_template)
    hot_items = [HOT_HEADER]
    for name in HOT_LIST:
        facts = page_facts((FIXTURES / "qq" / pages[name]["file"]).read_text(encoding="utf-8"))
        hot_items.append({"id": facts["id"], "title": facts["title"], "url": f"https://view.inews.qq.com/a/{facts['id']}",
                          "time": facts["pubtime"], "articletype": "0"})
    hot_items.append({**VIDEO_ITEM, "url": f"https://view.inews.qq.com/a/{VIDEO_ITEM['id']}", "time": "2026-08-10 09:00:00"})
    hot = MIRROR / "gw" / "event" / "hot_ranking_list.json"
    hot.parent.mkdir(parents=True)
    hot.write_text(json.dumps({"ret": 0, "idlist": [{"newslist": hot_items}]}, ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    write_sitemaps(MIRROR, [page_facts((FIXTURES / "qq" / pages[name]["file"]).read_text(encoding="utf-8"))
                            for feed_pages in CHANNELS.values() for names in feed_pages for name in names])
    write_portal_feed(MIRROR)
    print(f"built {MIRROR}")


def _golden_fields(golden: Path) -> dict[str, str]:
    header = golden.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    return {key: value.strip().strip('"') for key, value in
            (line.split(":", 1) for line in header.splitlines()[1:] if ":" in line and not line.startswith(" "))}


def write_portal_feed(root: Path) -> None:
    """``sites/<host>/<path>`` links to the saved pages of ``FEED_PAGES`` and an RSS 2.0 feed of them
    (title and date from each page's reviewed golden file)."""
    items = []
    for folder, name in FEED_PAGES:
        entries = tomllib.loads((FIXTURES / folder / "MANIFEST.toml").read_text(encoding="utf-8"))["page"]
        url = next(entry["url"] for entry in entries if entry["file"] == f"{name}.html")
        parts = urlsplit(url)
        if parts.hostname not in TENCENT_MIRRORED:
            link = root / "sites" / parts.hostname / (parts.path.lstrip("/") + ("index.html" if parts.path.endswith("/") else ""))
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(os.path.relpath(FIXTURES / folder / f"{name}.html", link.parent))
        fields = _golden_fields(FIXTURES / folder / f"{name}.md")
        published = datetime.strptime(fields["date"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        items.append(f"    <item><title>{escape(fields['title'])}</title><link>{escape(url)}</link>"
                     f"<pubDate>{format_datetime(published)}</pubDate></item>")
    feed = root / "sites" / FEED_HOST / "feed.xml"
    feed.parent.mkdir(parents=True, exist_ok=True)
    feed.write_text("\n".join(['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0">', "  <channel>",
                               "    <title>newsmd demo: other portals and sites</title>",
                               f"    <link>https://{FEED_HOST}/</link>", *items, "  </channel>", "</rss>", ""]),
                    encoding="utf-8")


def write_sitemaps(root: Path, articles: list[dict[str, str]]) -> None:
    """``sitemap/index.xml`` and its ``sitemap_<n>.xml`` children, in the shape Tencent's sitemap is
    described (../shared/reference/tencent-news.md; no saved copy exists): the sitemap protocol,
    ``news.qq.com/rain/a/<ID>`` URLs, ``lastmod`` the publication time in Beijing time. Two per child."""
    folder = root / "sitemap"
    folder.mkdir(parents=True)
    children = [articles[start:start + 2] for start in range(0, len(articles), 2)]
    index = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for number, chunk in enumerate(children, start=1):
        index.append(f"  <sitemap><loc>https://news.qq.com/sitemap/sitemap_{number}.xml</loc></sitemap>")
        urls = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for facts in chunk:
            lastmod = facts["pubtime"].replace(" ", "T") + "+08:00"
            urls.append(f"  <url><loc>https://news.qq.com/rain/a/{facts['id']}</loc><lastmod>{lastmod}</lastmod></url>")
        (folder / f"sitemap_{number}.xml").write_text("\n".join([*urls, "</urlset>", ""]), encoding="utf-8")
    (folder / "index.xml").write_text("\n".join([*index, "</sitemapindex>", ""]), encoding="utf-8")


if __name__ == "__main__":
    main()
