"""Memory: peak RSS of a crawl writing 1,000 and 10,000 articles (target: growth < 50 MB).

The articles are the real Tencent fixture pages repeated under fresh IDs, served on 127.0.0.1
with real-shaped feed pages (the snapshot of ``benchmarks/crawl.py``). Each size is crawled by the
real ``qq`` spider in its own child process (fetch, parse, render, write, state database), and
the child reports its peak RSS. A third run with 10 articles gives the baseline of an idle crawl.

    .venv/bin/python benchmarks/memory.py [--sizes 10,1000,10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl import build_snapshot, run_crawl  # noqa: E402

from crawler.crawling.mirror import MirrorServer  # noqa: E402

GROWTH_TARGET_MB = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,1000,10000")
    sizes = [int(value) for value in parser.parse_args().sizes.split(",")]
    print(f"{'articles':>8} {'written':>8} {'failed':>7} {'seconds':>8} {'peak RSS MB':>12}")
    peaks: dict[int, float] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as temp:
            snapshot = Path(temp) / "mirror"
            pages = build_snapshot(snapshot, size)
            with MirrorServer(snapshot) as mirror:
                figures = run_crawl("parse", mirror.mirror_setting(), pages, Path(temp) / "out")
            written = sum(1 for _ in (Path(temp) / "out").rglob("*.md"))
            peaks[size] = figures["peak_mb"]
            print(f"{size:>8} {written:>8} {sum(figures['failed'].values()):>7} {figures['elapsed']:>8.1f} "
                  f"{figures['peak_mb']:>12.1f}" + (f"  failed: {figures['failed']}" if figures["failed"] else ""))
    if len(sizes) >= 2:
        small, large = sorted(sizes)[-2:]
        growth = peaks[large] - peaks[small]
        verdict = "met" if growth < GROWTH_TARGET_MB else "MISSED"
        print(f"growth from {small} to {large} articles: {growth:+.1f} MB (target < {GROWTH_TARGET_MB} MB: {verdict})")


if __name__ == "__main__":
    main()
