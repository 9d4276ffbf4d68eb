"""Crawl speed and memory of the ``qq`` spider against a mirror of many articles.

Builds a snapshot of N article pages (the real fixture pages under fresh IDs, real-shaped feed
pages), serves it on 127.0.0.1, and crawls it in a child process twice: with the real spider
(parse, render, write) and with a spider that fetches the same pages and parses nothing. Prints
pages/s for both, their ratio, and the real crawl's peak RSS at each size (the crawl's process, and
its page-reading worker processes, ``EXTRACT_PROCESSES``, sampled every 0.2 s).

    .venv/bin/python benchmarks/crawl.py [--sizes 1000,5000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PAGES = ["rain-20250214A05WPR00", "omn-20190907A081B000", "omn-20201130A0G1JJ00", "rain-20260810A0BO7100-excerpt"]
ITEMS_PER_FEED_PAGE = 20
CHANNELS = 10


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("build_demo_mirror", ROOT / "scripts" / "build_demo_mirror.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def build_snapshot(root: Path, count: int) -> int:
    """Write ``count`` articles and their feed pages under ``root``; return feed pages per channel."""
    builder = _builder()
    block_template, item_template = builder.real_feed_templates()
    pages = [(ROOT / "tests" / "fixtures" / "qq" / f"{name}.html").read_text(encoding="utf-8") for name in ARTICLE_PAGES]
    (root / "rain" / "a").mkdir(parents=True)
    items: list[dict] = []
    for number in range(count):
        html = pages[number % len(pages)]
        facts = builder.page_facts(html)
        article_id = f"{facts['id'][:9]}{number:07d}"
        (root / "rain" / "a" / f"{article_id}.html").write_text(html.replace(facts["id"], article_id), encoding="utf-8")
        items.append(builder.feed_item(item_template, article_id, facts["title"], facts["pubtime"]))
    per_channel = -(-count // CHANNELS)
    pages_per_channel = -(-per_channel // ITEMS_PER_FEED_PAGE)
    for channel in range(CHANNELS):
        mine = items[channel * per_channel:(channel + 1) * per_channel]
        for page in range(pages_per_channel):
            chunk = mine[page * ITEMS_PER_FEED_PAGE:(page + 1) * ITEMS_PER_FEED_PAGE]
            builder.write_feed_page(root, f"news_news_bench{channel}", page + 1, chunk, block_template)  # flush_num from 1
    return pages_per_channel


def _descendants_peak_rss(stop: Any, peak: dict[str, float]) -> None:
    """Sample the RSS of this process's descendants (the page-reading workers) until ``stop`` is set."""
    import os

    def children_of(pid: int, parents: dict[int, int]) -> set[int]:
        found = {child for child, parent in parents.items() if parent == pid}
        return found.union(*(children_of(child, parents) for child in found)) if found else set()

    while not stop.wait(0.2):
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(status.split("PPid:", 1)[1].split()[0])
        total = 0.0
        for pid in children_of(os.getpid(), parents):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if "VmRSS:" in status:
                total += int(status.split("VmRSS:", 1)[1].split()[0]) / 1024
        peak["mb"] = max(peak["mb"], total)


def _child(args: argparse.Namespace) -> None:
    """Run one crawl in this process; print elapsed seconds, article pages fetched and peak RSS."""
    import os

    os.environ["SCRAPY_SETTINGS_MODULE"] = "crawler.settings"
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.crawling.spiders.qq import QQSpider

    class FetchOnlySpider(QQSpider):
        name = "qq-fetch-only"

        def parse_article(self, response: Any) -> Iterator[Any]:
            self.crawler.stats.inc_value("bench/article_pages")
            return iter(())

    settings = get_project_settings()
    settings.setdict({
        "MIRROR": json.loads(args.mirror), "OUTPUT_DIR": args.out, "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "ERROR"),
        "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "MAX_ARTICLES_PER_RUN": 0, "PROGRESS_INTERVAL": 0,
    }, priority="cmdline")
    spider = FetchOnlySpider if args.spider == "fetch" else QQSpider
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    channels = ",".join(f"news_news_bench{number}" for number in range(CHANNELS))
    import threading

    workers_peak, stop = {"mb": 0.0}, threading.Event()
    sampler = threading.Thread(target=_descendants_peak_rss, args=(stop, workers_peak), daemon=True)
    sampler.start()
    started = time.perf_counter()
    process.crawl(crawler, channels=channels, pages=args.pages)
    process.start()
    elapsed = time.perf_counter() - started
    stop.set()
    stats = crawler.stats
    done = stats.get_value("bench/article_pages", 0) if args.spider == "fetch" else (
        stats.get_value("newsmd/written", 0) + stats.get_value("newsmd/failed", 0))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reasons = {key.rsplit("/", 1)[-1]: value for key, value in stats.get_stats().items() if key.startswith("newsmd/failed/")}
    print(json.dumps({"elapsed": elapsed, "articles": done, "peak_mb": peak_mb, "workers_mb": workers_peak["mb"],
                      "failed": reasons}))


def run_crawl(spider: str, mirror: dict[str, str], pages: int, out: Path) -> dict[str, float]:
    """Crawl the mirror in a child process with the real (`parse`) or fetch-only spider; its figures."""
    command = [sys.executable, __file__, "--child", "--spider", spider, "--mirror", json.dumps(mirror),
               "--pages", str(pages), "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spider", default="parse", help=argparse.SUPPRESS)
    parser.add_argument("--mirror", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    sys.path.insert(0, str(ROOT))
    from crawler.crawling.mirror import MirrorServer

    print(f"{'articles':>8}  {'spider':<22} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>12} {'workers MB':>11}")
    for size in (int(value) for value in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as temp:
            snapshot = Path(temp) / "mirror"
            pages = build_snapshot(snapshot, size)
            with MirrorServer(snapshot) as mirror:
                rates = {}
                for spider, label in (("fetch", "fetch only (no parse)"), ("parse", "qq (parse+write)")):
                    figures = run_crawl(spider, mirror.mirror_setting(), pages, Path(temp) / f"out-{spider}")
                    rates[spider] = figures["articles"] / figures["elapsed"]
                    print(f"{size:>8}  {label:<22} {figures['elapsed']:>8.1f} {rates[spider]:>8.0f} "
                          f"{figures['peak_mb']:>12.0f} {figures['workers_mb']:>11.0f}" + (f"  (failed: {figures['failed']})" if figures["failed"] else ""))
                written = len(list((Path(temp) / "out-parse" / "qq").glob("*.md")))
                print(f"{size:>8}  parse/fetch-only ratio: {rates['parse'] / rates['fetch']:.2f}; files written: {written}")


if __name__ == "__main__":
    main()
