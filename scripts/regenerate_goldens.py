"""Rewrite the golden Markdown of saved pages from the current code, for review by eye.

    python scripts/regenerate_goldens.py                 # every page of every fixture manifest
    python scripts/regenerate_goldens.py qq/omn-20190907A081B000 163   # some pages, or whole folders

Then read ``git diff tests/fixtures`` line by line against the pages themselves before committing:
a golden file says what is right, not what the code does. Each manifest entry's ``article_id``,
``author`` and ``images`` are printed beside it to check against the manifest.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import extract, render  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
_LINE_END_SPACE = re.compile(r"[ \t\xa0]+$", re.MULTILINE)


def main(selected: list[str]) -> None:
    for manifest in sorted(FIXTURES.glob("*/MANIFEST.toml")):
        for entry in tomllib.loads(manifest.read_text(encoding="utf-8"))["page"]:
            page = manifest.parent / entry["file"]
            name = f"{manifest.parent.name}/{page.stem}"
            if selected and name not in selected and manifest.parent.name not in selected:
                continue
            article = extract(entry["url"], page.read_bytes(), entry.get("headers") or None)
            golden, rendered = page.with_suffix(".md"), render(article)
            if not golden.is_file() or _LINE_END_SPACE.sub("", golden.read_text(encoding="utf-8")) != \
                    _LINE_END_SPACE.sub("", rendered):  # the seed article keeps its own line-end spaces
                golden.write_text(rendered, encoding="utf-8")
            print(f"{name}: article_id={article.article_id} author={article.author!r} images={len(article.images)}")


if __name__ == "__main__":
    main(sys.argv[1:])
