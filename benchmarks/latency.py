"""What a user waits for with one URL: ``newsmd get`` vs ``trafilatura -u``, ``newsmd parse`` vs ``trafilatura -i``.

    .venv/bin/python benchmarks/latency.py [--runs 5]

Wall-clock seconds, median of ``--runs`` alternating runs, the same saved Tencent page served by
the same local HTTP server (``newsmd get`` reaches it through ``MIRROR`` under its real URL,
robots.txt obeyed; trafilatura fetches the local URL). Prints both sides and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import LocalSite, command_env, page  # noqa: E402

BIN = Path(sys.executable).parent


def _seconds(command: list[str], check: bool = True) -> float:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=command_env(), cwd=ROOT)
    elapsed = time.monotonic() - started
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {result.stderr.strip().splitlines()[-1:]}")
    return elapsed


def _trafilatura_config() -> str:
    """trafilatura's own settings with its SSRF guard off, so it may fetch from the local server."""
    import trafilatura

    default = Path(trafilatura.__file__).parent / "settings.cfg"
    text = default.read_text(encoding="utf-8")
    text = text.replace("[DEFAULT]", "[DEFAULT]\nSSRF_PROTECTION = off", 1) if "SSRF_PROTECTION" not in text else \
        "\n".join("SSRF_PROTECTION = off" if line.startswith("SSRF_PROTECTION") else line for line in text.splitlines())
    config = Path(tempfile.mkdtemp()) / "trafilatura.cfg"
    config.write_text(text, encoding="utf-8")
    return str(config)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    runs = options.parse_args().runs
    saved = page("rain-20250214A05WPR00")
    config = _trafilatura_config()
    path = "/rain/a/20250214A05WPR00"
    with LocalSite() as site:
        site.serve(path, saved.html.read_bytes())
        site.serve("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        rows = {
            "one URL fetched and written": (
                lambda: [str(BIN / "newsmd"), "get", saved.url, "-o", tempfile.mkdtemp(),
                         "-s", "MIRROR=" + json.dumps({"news.qq.com": site.base})],
                lambda: [str(BIN / "trafilatura"), "--config-file", config, "-u", site.base + path]),
            "one saved page parsed": (
                lambda: [str(BIN / "newsmd"), "parse", str(saved.html), "--url", saved.url],
                lambda: [str(BIN / "trafilatura"), "-i", str(saved.html)]),
        }
        print(f"{'what a user waits for':<30} {'newsmd s':>9} {'trafilatura s':>14} {'ratio':>6}")
        for name, (ours, theirs) in rows.items():
            times: dict[str, list[float]] = {"ours": [], "theirs": []}
            for _ in range(runs):
                times["ours"].append(_seconds(ours()))
                times["theirs"].append(_seconds(theirs(), check=False))  # exits 1 when it finds no text
            mine, other = statistics.median(times["ours"]), statistics.median(times["theirs"])
            print(f"{name:<30} {mine:>9.2f} {other:>14.2f} {mine / other:>5.1f}x")
        if site.hits.count(f"GET {path}") < 2 * runs:
            raise SystemExit(f"the page was fetched {site.hits.count(f'GET {path}')} times, not {2 * runs}")


if __name__ == "__main__":
    main()
