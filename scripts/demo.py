"""The offline demo: every bundled saved page under tests/fixtures/ turned into Markdown.

Runs ``newsmd parse PAGE --url URL -o OUTPUT`` for each page listed in a fixture manifest and
prints what it wrote.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from crawler.cli import main as newsmd

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def run(output: str) -> int:
    """Parse every fixture page into ``output``; return the number of failures."""
    failures = 0
    for manifest in sorted(FIXTURES.glob("*/MANIFEST.toml")):
        for entry in tomllib.loads(manifest.read_text(encoding="utf-8"))["page"]:
            page = manifest.parent / entry["file"]
            failures += newsmd(["parse", str(page), "--url", entry["url"], "-o", output]) != 0
    return failures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", default="output")
    sys.exit(1 if run(parser.parse_args().output) else 0)
