"""What a user waits for with one URL: ``newsmd get`` vs ``trafilatura -u``, ``newsmd parse`` vs ``trafilatura`` reading the page on its standard input.

    .venv/bin/python benchmarks/latency.py [--runs 5]

Wall-clock seconds, median of ``--runs`` alternating runs, the same saved Tencent page served by
the same local HTTP server (``newsmd get`` reaches it through ``MIRROR`` under its real URL,
robots.txt obeyed; trafilatura fetches the local URL with its SSRF guard off). Each run must print or
write the article (a phrase of it is looked for), the baseline's too. Prints both sides and the ratio,
for the Tencent page and for a generic page (guancha.cn from the corpus, else the ifeng fixture).
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


def _seconds(command: list[str], expected: str, stdin: bytes | None = None) -> float:
    """Wall-clock seconds of ``command``; it must have done the work: ``expected`` (a phrase of the
    article) in what it printed or wrote. A baseline that fails fast is no baseline."""
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, input=stdin, env=command_env(), cwd=ROOT)
    elapsed = time.monotonic() - started
    printed = result.stdout.decode("utf-8", errors="replace")
    written = "".join(path.read_text(encoding="utf-8") for path in _written(command))
    if expected not in printed + written:
        raise SystemExit(f"{' '.join(command[:3])} did not output the article (exit {result.returncode}): "
                         f"{result.stderr.decode('utf-8', errors='replace').strip().splitlines()[-1:]}")
    return elapsed


def _written(command: list[str]) -> list[Path]:
    """The Markdown files a ``newsmd ... -o DIR`` command wrote."""
    return list(Path(command[command.index("-o") + 1]).rglob("*.md")) if "-o" in command else []


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


GENERIC = ROOT.parent / "shared" / "corpus" / "real" / "gne" / "guancha" / "guancha.html"
"""The generic page of the issue's measure (guancha.cn, no site parser); the ifeng fixture without the corpus."""


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    runs = options.parse_args().runs
    saved = page("rain-20250214A05WPR00")
    generic, generic_url, generic_phrase = (
        (GENERIC, "https://www.guancha.cn/WangWen/2019_09_07_516891.shtml", "持久战") if GENERIC.is_file() else
        (page("ifeng-7rtKNyg6PU9").html, page("ifeng-7rtKNyg6PU9").url, "眼睛"))
    config = _trafilatura_config()
    path = "/rain/a/20250214A05WPR00"
    phrase = "青云科技"
    with LocalSite() as site:
        site.serve(path, saved.html.read_bytes())
        site.serve("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        rows = {
            "one URL fetched and written": (
                lambda: ([str(BIN / "newsmd"), "get", saved.url, "-o", tempfile.mkdtemp(),
                          "-s", "MIRROR=" + json.dumps({"news.qq.com": site.base})], None),
                lambda: ([str(BIN / "trafilatura"), "--config-file", config, "-u", site.base + path], None), phrase),
            "one saved page parsed": (
                lambda: ([str(BIN / "newsmd"), "parse", str(saved.html), "--url", saved.url], None),
                lambda: ([str(BIN / "trafilatura")], saved.html.read_bytes()), phrase),  # the page on its stdin
            "one generic page parsed": (
                lambda: ([str(BIN / "newsmd"), "parse", str(generic), "--url", generic_url], None),
                lambda: ([str(BIN / "trafilatura")], generic.read_bytes()), generic_phrase),
        }
        print(f"{'what a user waits for':<30} {'newsmd s':>9} {'trafilatura s':>14} {'ratio':>6}")
        for name, (ours, theirs, expected) in rows.items():
            times: dict[str, list[float]] = {"ours": [], "theirs": []}
            for _ in range(runs):
                times["ours"].append(_seconds(*ours()[:1], expected, ours()[1]))
                times["theirs"].append(_seconds(theirs()[0], expected, theirs()[1]))
            mine, other = statistics.median(times["ours"]), statistics.median(times["theirs"])
            print(f"{name:<30} {mine:>9.2f} {other:>14.2f} {mine / other:>5.2f}x")
        if site.hits.count(f"GET {path}") < 2 * runs:
            raise SystemExit(f"the page was fetched {site.hits.count(f'GET {path}')} times, not {2 * runs}")


if __name__ == "__main__":
    main()
