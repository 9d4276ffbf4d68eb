"""Cost of one huge page: CPU seconds of ``extract`` (generic path) and of trafilatura alone, by size.

    .venv/bin/python benchmarks/scaling.py [--sizes 25000,50000,100000]

Pages of N short paragraphs in several shapes (plain ``<p>``, ``<div>``, ``<br>`` lines, list
items, table rows, links). The cost must stay roughly linear in the page size: the last column is
the CPU time per 1,000 paragraphs, which should not grow with N. trafilatura's own cost grows
faster than the page (about 12x for 4x the ``<p>`` paragraphs), so the generic parser refuses
pages over ``MAX_ELEMENTS`` as ``too_large`` (shown as "refused"); trafilatura alone is only run
up to ``--trafilatura-max`` paragraphs (400,000 took it 562 s).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler import ExtractionError, extract  # noqa: E402

SHAPES: dict[str, Callable[[int], str]] = {
    "p": lambda n: "".join(f"<p>短段落{i}。</p>" for i in range(n)),
    "div": lambda n: "".join(f"<div>短段落{i}。</div>" for i in range(n)),
    "br": lambda n: "<p>" + "".join(f"短段落{i}。<br>" for i in range(n)) + "</p>",
    "li": lambda n: "<ul>" + "".join(f"<li>短段落{i}。</li>" for i in range(n)) + "</ul>",
    "tr": lambda n: "<table>" + "".join(f"<tr><td>短段落{i}。</td></tr>" for i in range(n)) + "</table>",
    "a": lambda n: "".join(f"<p><a href='/x{i}'>短段落{i}。</a></p>" for i in range(n)),
}


def page(shape: str, paragraphs: int) -> bytes:
    body = SHAPES[shape](paragraphs)
    return (f"<html><head><title>大页面</title></head><body><div class='content'>{body}</div></body></html>").encode()


def cpu_seconds(function: Callable[[], object]) -> tuple[float, str]:
    started = time.process_time()
    try:
        function()
        outcome = ""
    except ExtractionError as error:
        outcome = f"refused ({error.reason})"
    return time.process_time() - started, outcome


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="6250,12500,25000,100000,400000")
    options.add_argument("--trafilatura-max", type=int, default=100_000)
    arguments = options.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    print(f"{'shape':<6} {'paragraphs':>10} {'MB':>6} {'extract s':>10} {'trafilatura s':>14} {'extract s/1k':>13}")
    for shape in SHAPES:
        for size in sizes:
            html = page(shape, size)
            ours, outcome = cpu_seconds(partial(extract, "https://www.example.com/news/12345678.html", html, undated="write"))
            theirs = f"{cpu_seconds(partial(trafilatura.extract, html.decode()))[0]:.2f}" \
                if size <= arguments.trafilatura_max else "-"
            print(f"{shape:<6} {size:>10} {len(html) / 1e6:>6.2f} {ours:>10.2f} {theirs:>14} "
                  f"{ours / size * 1000:>13.3f} {outcome}")


if __name__ == "__main__":
    main()
