"""Parse speed: the Tencent parser + render vs trafilatura's ``extract`` on the same saved pages.

    .venv/bin/python benchmarks/parse.py [--rounds 20]

Prints ms per page for each, per page and overall, and the ratio (target: Tencent path >= 4x faster).
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler import extract, render  # noqa: E402


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
    totals = [0.0, 0.0]
    print(f"{'page':<44} {'KB':>5} {'qq+render ms':>13} {'trafilatura ms':>15} {'ratio':>6}")
    for name, url, body in _pages():
        ours = _ms_per_call(lambda: render(extract(url, body)), rounds)
        html = body.decode("utf-8", "replace")
        theirs = _ms_per_call(lambda: trafilatura.extract(html, url=url, include_images=True), rounds)
        totals[0] += ours
        totals[1] += theirs
        print(f"{name:<44} {len(body) // 1024:>5} {ours:>13.2f} {theirs:>15.2f} {theirs / ours:>6.1f}")
    count = len(_pages())
    print(f"{'mean':<44} {'':>5} {totals[0] / count:>13.2f} {totals[1] / count:>15.2f} {totals[1] / totals[0]:>6.1f}")


if __name__ == "__main__":
    main()
