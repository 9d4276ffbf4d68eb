"""Parse speed: the Tencent parser + render vs trafilatura's ``extract`` on the same saved pages.

    .venv/bin/python benchmarks/parse.py [--rounds 20]

Prints ms per page for each, per page and overall, and the ratio (target: Tencent path >= 4x faster).
The Tencent path is split into its stages so the figure can be read: the parser (lxml tree,
window.DATA, body selection), the Markdown conversion (lxml cleaning, then BeautifulSoup +
markdownify) and render (python-frontmatter + PyYAML). The last lines give the floor those
libraries set: BeautifulSoup + markdownify on the already cleaned body, plus render, with no
parsing at all.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from lxml.html import tostring  # noqa: E402

from crawler import extract, render  # noqa: E402
from crawler.extraction.encoding import decode_html  # noqa: E402
from crawler.extraction.markdown import convert_clean_html, sanitize_fragment  # noqa: E402
from crawler.extraction.sources import parser_for  # noqa: E402


def _pages() -> list[tuple[str, str, bytes]]:
    manifest = tomllib.loads((ROOT / "tests" / "fixtures" / "qq" / "MANIFEST.toml").read_text(encoding="utf-8"))
    return [(entry["file"], entry["url"], (ROOT / "tests" / "fixtures" / "qq" / entry["file"]).read_bytes())
            for entry in manifest["page"]]


def _ms_per_call(function: object, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        function()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000 / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    columns = ("parser", "markdown", "render", "total", "trafilatura")
    totals = dict.fromkeys(columns, 0.0)
    floor = 0.0
    print(f"{'page':<40} {'KB':>4} " + " ".join(f"{name:>11}" for name in columns) + f" {'ratio':>6}")
    for name, url, body in _pages():
        html = decode_html(body)
        source_parser = parser_for(url)
        article = extract(url, body)
        times = {
            "parser": _ms_per_call(partial(source_parser.parse, url, html), rounds),
            "extract": _ms_per_call(partial(extract, url, body), rounds),
            "render": _ms_per_call(partial(render, article), rounds),
            "trafilatura": _ms_per_call(partial(trafilatura.extract, html, url=url, include_images=True), rounds),
        }
        times["markdown"] = max(times["extract"] - times["parser"], 0.0)
        article_body = source_parser.parse(url, html).body
        sanitize_fragment(article_body)
        clean_html = tostring(article_body, encoding="unicode", with_tail=False)
        times["markdownify"] = _ms_per_call(partial(convert_clean_html, clean_html, url), rounds)
        floor += times["markdownify"] + times["render"]
        times["total"] = times["extract"] + times["render"]
        for column in columns:
            totals[column] += times[column]
        print(f"{name[:40]:<40} {len(body) // 1024:>4} " + " ".join(f"{times[c]:>11.2f}" for c in columns)
              + f" {times['trafilatura'] / times['total']:>6.1f}")
    count = len(_pages())
    print(f"{'mean ms/page':<40} {'':>4} " + " ".join(f"{totals[c] / count:>11.2f}" for c in columns)
          + f" {totals['trafilatura'] / totals['total']:>6.1f}")
    print(f"trafilatura / Tencent path: {totals['trafilatura'] / totals['total']:.1f}x (target >= 4x); "
          f"trafilatura / parser stage alone: {totals['trafilatura'] / totals['parser']:.1f}x")
    print(f"floor set by the libraries alone (BeautifulSoup + markdownify on the cleaned body, + render): "
          f"{floor / count:.2f} ms/page, so at best {totals['trafilatura'] / floor:.1f}x")
    print(f"share of the Tencent path: parser {totals['parser'] / totals['total']:.0%}, "
          f"markdown {totals['markdown'] / totals['total']:.0%}, render {totals['render'] / totals['total']:.0%}")


if __name__ == "__main__":
    main()
