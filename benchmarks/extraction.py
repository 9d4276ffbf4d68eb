"""Extraction quality and speed: ``crawler.extraction.extract`` against trafilatura alone, on labelled pages.

    python benchmarks/extraction.py [--labels DIR ...] [--rounds N]

Labelled pages come from three kinds of folder:
- a fixture folder of this repository (``tests/fixtures/<source>/MANIFEST.toml``): the expected
  title, date and body are the reviewed golden Markdown beside each page;
- a folder in NanmiCoder's format (``name.html`` + ``name.expected.json`` with ``title``,
  ``news_url``, ``meta_info.publish_time`` and ``contents``), labelled by someone else. Point
  ``--labels`` at any such folder to check pages that are not in this repository;
- ``benchmarks/labels/*.label.json``: corpus pages of ``../shared/corpus/real/`` (not shipped; used
  when it is there) labelled by hand from the page itself: title and time as the page shows them,
  and the body as the page's text from a first to a last passage the labeller chose in a container
  (or, for a WeChat picture or text post whose text is only in the page's script data, that text
  as the labeller transcribed it: ``"text"``).

Per page and extractor: body F1 over 4-token shingles (each CJK character is a token, as are
runs of Latin letters and digits; the scrapinghub article-extraction benchmark's measure), title
exact match, date accuracy (same minute; trafilatura gives only a day, so a second column
compares days), invented dates (a date written that is not the page's day), refusals by reason
and ms/page. Three extractors: ``extract`` (site parser or generic, what users
get), ``generic`` (the generic parser forced on every page) and ``trafilatura`` alone
(``bare_extraction`` with metadata).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import frontmatter  # noqa: E402
import trafilatura  # noqa: E402

from crawler import extract  # noqa: E402
from crawler.errors import ExtractionError  # noqa: E402
from crawler.extraction.encoding import decode_html  # noqa: E402
from crawler.extraction.html import parse_document, select_one, text_of  # noqa: E402
from crawler.extraction.markdown import html_to_markdown  # noqa: E402
from crawler.extraction.sources import GENERIC  # noqa: E402
from crawler.extraction.sources.base import BEIJING  # noqa: E402

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SHINGLE = 4


@dataclass
class Labelled:
    """A page and what should come out of it."""

    name: str
    url: str
    body: bytes
    title: str
    date: str  # "YYYY-MM-DD HH:MM" Beijing/local as written by the labeller
    text: str
    labeller: str


@dataclass
class Extracted:
    title: str
    date: str
    text: str


def tokens(text: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(text)]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    if len(words) < _SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1))


def f1(predicted: str, expected: str) -> float:
    got, want = shingles(predicted), shingles(expected)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def markdown_text(markdown: str) -> str:
    return _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_IMAGE.sub("", markdown)).replace("**", "").replace("\\", "")


def fixture_pages(folder: Path) -> list[Labelled]:
    pages = []
    for entry in tomllib.loads((folder / "MANIFEST.toml").read_text(encoding="utf-8"))["page"]:
        html = folder / entry["file"]
        golden = frontmatter.loads(html.with_suffix(".md").read_text(encoding="utf-8"))
        body = golden.content.rsplit("\n\n", 1)[0]  # without the trailing source link
        pages.append(Labelled(f"{folder.name}/{html.stem}", entry["url"], html.read_bytes(), golden["title"],
                              str(golden.get("date", ""))[:16], markdown_text(body), "golden"))
    return pages


def nanmicoder_pages(folder: Path) -> list[Labelled]:
    pages = []
    for expected_file in sorted(folder.glob("*.expected.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        html = expected_file.with_name(expected_file.name.replace(".expected.json", ".html"))
        text = "\n".join(block["content"] for block in expected["contents"] if block["type"] == "text")
        pages.append(Labelled(f"{folder.name}/{html.stem}", expected["news_url"], html.read_bytes(), expected["title"],
                              expected["meta_info"]["publish_time"][:16], text, "nanmicoder"))
    return pages


LABELS = ROOT / "benchmarks" / "labels"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def hand_labelled_pages(labels: Path = LABELS, corpus: Path = CORPUS) -> list[Labelled]:
    """The corpus pages labelled by hand in ``labels`` (none when the corpus is not beside the project)."""
    pages = []
    for label_file in sorted(labels.glob("*.label.json")):
        label = json.loads(label_file.read_text(encoding="utf-8"))
        page = corpus / label["page"]
        if not page.is_file():
            continue
        body = page.read_bytes()
        if "text" in label:  # a post whose text the page keeps in its script data, transcribed by the labeller
            pages.append(Labelled(f"corpus/{label['page']}", label["url"], body, label["title"], label["published"],
                                  label["text"], "hand"))
            continue
        container = select_one(parse_document(decode_html(body)), label["container"])
        text = text_of(container) if container is not None else ""
        start, end = text.find(label["first"]), text.find(label["last"])
        if start < 0 or end < start:
            raise SystemExit(f"{label_file}: its first/last passages are not in {label['container']} of {page}")
        pages.append(Labelled(f"corpus/{label['page']}", label["url"], body, label["title"], label["published"],
                              text[start:end + len(label["last"])], "hand"))
    return pages


def labelled_pages(folders: list[Path]) -> list[Labelled]:
    pages: list[Labelled] = []
    for folder in folders:
        if (folder / "MANIFEST.toml").is_file():
            pages += fixture_pages(folder)
        elif any(folder.glob("*.expected.json")):
            pages += nanmicoder_pages(folder)
        else:
            for child in sorted(path for path in folder.iterdir() if path.is_dir()):
                pages += labelled_pages([child])
    return pages


def _when(value: datetime | None) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else ""


def by_extract(page: Labelled) -> Extracted:
    article = extract(page.url, page.body)
    return Extracted(article.title, _when(article.published), markdown_text(article.body_markdown))


def by_generic(page: Labelled) -> Extracted:
    parsed = GENERIC.parse(page.url, decode_html(page.body))
    return Extracted(parsed.title, _when(parsed.published), markdown_text(html_to_markdown(parsed.body, page.url).markdown))


def by_trafilatura(page: Labelled) -> Extracted:
    document = trafilatura.bare_extraction(decode_html(page.body), url=page.url, with_metadata=True)
    if document is None:
        return Extracted("", "", "")
    return Extracted(document.title or "", document.date or "", document.text or "")


EXTRACTORS: dict[str, Callable[[Labelled], Extracted]] = {
    "extract": by_extract, "generic": by_generic, "trafilatura": by_trafilatura,
}


def measure(pages: list[Labelled], rounds: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, extractor in EXTRACTORS.items():
        scores, titles, minutes, days, invented = [], 0, 0, 0, 0
        refusals: Counter[str] = Counter()
        for page in pages:
            try:
                got = extractor(page)
            except ExtractionError as error:
                got = Extracted("", "", "")
                refusals[error.reason] += 1
            scores.append(f1(got.text, page.text))
            titles += got.title.strip() == page.title.strip()
            minutes += bool(got.date) and got.date[:16] == page.date[:16]
            days += bool(got.date) and got.date[:10] == page.date[:10]
            invented += bool(got.date) and got.date[:10] != page.date[:10]
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            for page in pages:
                try:
                    extractor(page)
                except ExtractionError:
                    pass
            timings.append((time.perf_counter() - started) * 1000 / len(pages))
        results[name] = {"f1": statistics.mean(scores), "f1_min": min(scores), "title": titles / len(pages),
                         "minute": minutes / len(pages), "day": days / len(pages), "ms": statistics.median(timings),
                         "invented": invented,
                         "refused": ", ".join(f"{reason} {count}" for reason, count in sorted(refusals.items())) or "-"}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--labels", type=Path, action="append",
                        help="a labelled folder (default: tests/fixtures and ../shared/corpus/real/nanmicoder)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folders = args.labels or [ROOT / "tests" / "fixtures", ROOT.parent / "shared" / "corpus" / "real" / "nanmicoder"]
    pages = [page for page in labelled_pages([folder for folder in folders if folder.is_dir()]) if page.text.strip()]
    pages += hand_labelled_pages() if not args.labels else []
    groups = {
        "all pages": pages,
        "pages of sites with a parser": [page for page in pages if not page.name.startswith("generic/")],
        "labelled by NanmiCoder": [page for page in pages if page.labeller == "nanmicoder"],
        "corpus pages labelled by hand (benchmarks/labels)": [page for page in pages if page.labeller == "hand"],
        "generic-parser fixtures": [page for page in pages if page.name.startswith("generic/")],
    }
    print(f"{len(pages)} labelled pages, {args.rounds} timing rounds (median ms/page)")
    for group, members in groups.items():
        if not members:
            continue
        results = measure(members, args.rounds)
        print(f"\n## {group} ({len(members)})")
        print("| extractor | body F1 | worst F1 | title exact | date (minute) | date (day) | invented dates | ms/page "
              "| refused (reason count) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, row in results.items():
            print(f"| {name} | {row['f1']:.3f} | {row['f1_min']:.3f} | {row['title']:.0%} | {row['minute']:.0%} "
                  f"| {row['day']:.0%} | {row['invented']} | {row['ms']:.1f} | {row['refused']} |")
        print(f"generic / trafilatura time: {results['generic']['ms'] / results['trafilatura']['ms']:.2f}x; "
              f"extract / trafilatura time: {results['extract']['ms'] / results['trafilatura']['ms']:.2f}x")


if __name__ == "__main__":
    main()
