"""Every saved page, through extract + render, equals its reviewed golden Markdown file."""

from __future__ import annotations

import re

import pytest
from conftest import SavedPage, page, saved_pages

from crawler import extract, render

_LINE_END_SPACE = re.compile(r"[ \t\xa0]+$", re.MULTILINE)
MIN_PAGES_PER_PARSER: dict[str, int] = {"generic": 2}
"""Parsers held to fewer than three real pages. The generic parser is no site: its fixtures are two
sites without a parser, and every other corpus page it reads runs in the invariants test and the
extraction benchmark."""


def _without_line_end_space(text: str) -> str:
    return _LINE_END_SPACE.sub("", text)


@pytest.mark.parametrize("saved", saved_pages(), ids=lambda saved: saved.id)
def test_page_renders_to_its_golden_file(saved: SavedPage) -> None:
    article = extract(saved.url, saved.html.read_bytes(), saved.headers)
    rendered = render(article)
    assert _without_line_end_space(rendered) == _without_line_end_space(saved.golden.read_text(encoding="utf-8"))
    assert (article.article_id, article.author, len(article.images)) == (saved.article_id, saved.author, saved.images)


def test_every_registered_parser_has_real_pages_and_goldens() -> None:
    """Walk the registry: each parser (and the generic one) has a fixture folder of its own, whose
    pages it parses, with at least three where the real corpus has them."""
    from crawler.extraction.sources import GENERIC, PARSERS, parser_for

    pages = saved_pages()
    for parser in [*PARSERS, GENERIC]:
        own = [saved for saved in pages if saved.source == parser.name]
        assert own, f"parser {parser.name} has no fixture folder tests/fixtures/{parser.name}/ with pages"
        assert all(parser_for(saved.url) is parser for saved in own), parser.name
        assert len(own) >= MIN_PAGES_PER_PARSER.get(parser.name, 3), f"{parser.name}: {len(own)} real pages"


def test_reference_article_ends_in_one_newline_and_differs_only_at_line_ends() -> None:
    """The seed article: the one format every article must have."""
    reference = page("rain-20250214A05WPR00")
    rendered = render(extract("https://news.qq.com/rain/a/20250214A05WPR00", reference.html.read_bytes()))
    expected = reference.golden.read_text(encoding="utf-8")
    assert rendered.endswith("\n") and not rendered.endswith("\n\n")
    assert len(rendered.splitlines()) == len(expected.splitlines())
    for got, want in zip(rendered.splitlines(), expected.splitlines(), strict=True):
        assert got == want or got.rstrip(" \xa0") == want.rstrip(" \xa0")


def test_fixture_folder_holds_a_golden_for_every_page() -> None:
    pages = saved_pages()
    assert len(pages) >= 6
    for saved in pages:
        assert saved.html.is_file(), saved.html
        assert saved.golden.is_file(), f"missing golden {saved.golden}"


def test_extract_from_many_threads_gives_the_serial_output() -> None:
    """The Python API may be called from threads (each thread gets its own lxml parser)."""
    from concurrent.futures import ThreadPoolExecutor

    pages = saved_pages()
    serial = {saved.id: render(extract(saved.url, saved.html.read_bytes())) for saved in pages}
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda saved: (saved.id, render(extract(saved.url, saved.html.read_bytes()))), pages * 10))
    assert all(rendered == serial[page_id] for page_id, rendered in threaded)
