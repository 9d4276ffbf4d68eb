"""The page of any news site (the registry's fallback): trafilatura for the body, the generic
finders for the rest.

Title, date, cover image, language and canonical URL come from the page's JSON-LD
(``NewsArticle`` and kin), then OpenGraph and ``article:*`` meta, then ``<h1>``/``<title>``;
htmldate finds a date when no metadata gives one (``crawler.extraction.sources.finders``). The body is
trafilatura's main-text HTML (images kept in place), converted by the same Markdown code as every source.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Collection
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.errors import ExtractionError
from crawler.extraction.dates import UTC
from crawler.extraction.html import (
    body_of,
    new_element,
    parse_document,
    refuse_cut_off_document,
    remove,
)
from crawler.extraction.sources import finders
from crawler.extraction.sources.base import BEIJING, Identity, clean_text, image_source
from crawler.extraction.sources.page import ArticlePage, PageParser
from crawler.extraction.urls import (
    absolute_http_url,
    host_of,
    registrable_domain,
    site_label,
)

MAX_ELEMENTS = 50_000
"""Largest page (in elements) the generic parser reads: trafilatura's cost grows faster than the page
(its XPath node-set merges) and the largest real article page seen has about 5,500."""
_READABLE_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{8,64}$")
_URL_SLUG = re.compile(r"^(?=.{8,64}$)[a-z0-9]+(?:-[a-z0-9]+){2,}$")
_NUMERIC_ID = re.compile(r"^[0-9]{4,20}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WHITESPACE = re.compile(r"\s+")


def source_name(url: str, site_sources: Collection[str] = ()) -> str:
    """The short source name of a site: its registrable name (``www.example.co.uk`` -> ``example``).

    A name a site parser uses (``qq`` for ``www.qq.net``) becomes the whole registrable domain
    (``qq-net``), so a generic page never shares a folder with a supported source.
    """
    host = host_of(url)
    name = _slug(site_label(url) or host.split(".")[0])
    if name in site_sources:
        name = _slug(registrable_domain(url).replace(".", "-"))
    return name or "web"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")


def article_id_for(canonical: str, title: str = "") -> str:
    """A readable, file-name-safe ID, one per canonical URL: the site's own article ID (the URL's
    last path segment when it looks like an ID or a slug, else an ID-like query value), else a
    slug of ``title``; each with a short hash of the whole URL (``/sports/12345678`` and
    ``/tech/12345678`` are two articles). Without any of them, a longer hash."""
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    parts = urlsplit(canonical)
    stem = parts.path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    if _READABLE_ID.match(stem) or _URL_SLUG.match(stem) or _NUMERIC_ID.match(stem):
        return f"{stem}-{digest[:8]}"
    for _, value in parse_qsl(parts.query):
        if _READABLE_ID.match(value) or _NUMERIC_ID.match(value):
            return f"{value}-{digest[:8]}"
    # loaded on first use, like the rest of the generic path
    from slugify import slugify

    slug = slugify(title, max_length=40, word_boundary=True)
    return f"{slug}-{digest[:8]}" if slug else digest[:16]


def _paragraph_key(text: str) -> str:
    return _WHITESPACE.sub("", text)[:24]


def _images_by_paragraph(doc: HtmlElement, url: str) -> dict[str, list[tuple[str, str]]]:
    """Each body image of the page (``src``, ``alt``), under the key of the text block just before it."""
    placed: dict[str, list[tuple[str, str]]] = {}
    last_key = ""
    for element in doc.iter("p", "div", "h2", "h3", "h4", "li", "blockquote", "figcaption", "img"):
        if element.tag == "img":
            absolute = absolute_http_url(image_source(element), url)
            if absolute and last_key:
                placed.setdefault(last_key, []).append((absolute, clean_text(element.get("alt"))))
        elif element.text and element.text.strip():
            last_key = _paragraph_key(element.text_content())
    return placed


def _put_images_back(body: HtmlElement, placed: dict[str, list[tuple[str, str]]]) -> None:
    """Re-insert the page's images after the extracted blocks they followed on the page.

    trafilatura finds the main text best with images off (with them on it wanders into picture
    galleries and related-story lists), so images are placed back by the text that precedes them.
    """
    seen: set[str] = set()
    for block in list(body.iter("p", "h2", "h3", "h4", "li", "blockquote")):
        images = placed.get(_paragraph_key(block.text_content()), [])
        for source, alt in reversed(images):
            if source in seen:
                continue
            seen.add(source)
            paragraph = new_element(body, "p")
            paragraph.append(new_element(body, "img", src=source, alt=alt))
            block.addnext(paragraph)


class GenericPage(ArticlePage):
    """Any news article page, read by the generic finders alone (it has no fallback of its own).

    ``site_sources``: the names of the site parsers, which a generic source name never takes.
    """

    source = "generic"
    GENERIC_FIELDS = frozenset()

    def __init__(self, url: str, html: str, site_sources: Collection[str] = ()) -> None:
        super().__init__(url, html)
        self.site_sources = frozenset(site_sources)

    @classmethod
    def matches(cls, url: str) -> bool:
        return absolute_http_url(url) is not None

    @classmethod
    def identity_of(cls, url: str, site_sources: Collection[str] = ()) -> Identity | None:
        canonical = absolute_http_url(url)
        return Identity(source_name(canonical, site_sources), article_id_for(canonical), canonical) if canonical else None

    @cached_property
    def document(self) -> HtmlElement:
        """trafilatura's own tree of the page (the one it would build); a page it cannot load is refused."""
        from trafilatura.utils import (
            load_html,  # loaded on first use: site pages need none of it
        )

        doc = load_html(self.html)
        if doc is None:
            raise ExtractionError(self.url, "empty_body", "no main text found on the page (not HTML)")
        return doc

    def refuse(self) -> None:
        from trafilatura.utils import HTML_PARSER

        self.document  # noqa: B018 -- loading it refuses what is not HTML
        refuse_cut_off_document(HTML_PARSER, self.url)
        elements = sum(1 for _ in self.document.iter())
        if elements > MAX_ELEMENTS:
            raise ExtractionError(self.url, "too_large", f"the page has {elements} elements, over the generic parser's "
                                  f"cap of {MAX_ELEMENTS} (no news article comes near it)")

    @cached_property
    def _title(self) -> str:
        return finders.title(self.url, self.document, self.meta, self.ld)

    def title(self) -> str | None:
        return self._title or None

    @cached_property
    def _lang(self) -> str:
        """The declared language, unless it is no language tag (``utf8``, ``中文``) or the text says
        otherwise (``en`` on a Chinese article): then the language of the title's text."""
        declared = finders.lang(self.document, self.meta, self.ld)
        written = "zh-CN" if _CJK.search(self._title) else ""
        if not finders.language_tag(declared) or (written and not declared.startswith("zh")):
            return written
        return declared

    @property
    def zone(self) -> ZoneInfo:  # type: ignore[override]
        return BEIJING if self._lang.startswith("zh") or host_of(self.url).endswith((".cn", ".hk", ".tw")) else UTC

    def lang(self) -> str:
        return self._lang or "zh-CN"

    @cached_property
    def byline_time(self) -> str:
        return finders.time_element_text(self.document)

    def published(self) -> datetime | None:
        return finders.published(self.html, self.meta, self.ld, self.zone, byline=self.byline_time)

    def published_text(self) -> str:
        return self.byline_time

    def identity(self) -> Identity | None:
        canonical = finders.canonical(self.url, self.document, self.meta, self.ld)
        return Identity(source_name(canonical, self.site_sources), article_id_for(canonical, self._title), canonical)

    def cover(self) -> str | None:
        return finders.cover(self.url, self.meta, self.ld) or None

    def author(self) -> str | None:
        return finders.author(self.url, self.document, self.meta, self.ld) or None

    def site_name(self, title: str) -> str:
        return finders.site_name(self.meta, self.ld, title)

    def body(self) -> HtmlElement | None:
        import trafilatura

        placed_images = _images_by_paragraph(self.document, self.url)
        try:  # on a copy: trafilatura prunes the tree it is given, and the other fields read this one
            main = trafilatura.extract(copy.deepcopy(self.document), url=self.url, output_format="html", include_images=False,
                                       include_links=False, include_tables=True, include_comments=False)
        except (ValueError, TypeError, RecursionError) as error:
            raise ExtractionError(self.url, "unsupported_page", f"main text extraction failed: {error}") from None
        if not main:
            raise ExtractionError(self.url, "empty_body", "no main text found on the page")
        body = body_of(parse_document(main, self.url))
        for heading in list(body.iter("h1")):
            remove(heading)  # the title is in the front matter
        _put_images_back(body, placed_images)
        return body


class GenericParser(PageParser):
    """The registry's fallback for every http(s) URL no site parser matches."""

    def __init__(self, site_sources: Collection[str] = ()) -> None:
        super().__init__(GenericPage, site_sources=frozenset(site_sources))
        self.site_sources = frozenset(site_sources)

    def identity(self, url: str) -> Identity | None:
        return GenericPage.identity_of(url, self.site_sources)
