"""The fallback parser for any news site: trafilatura for the body, page metadata for the rest.

Title, date, cover image, language and canonical URL come from the page's JSON-LD
(``NewsArticle`` and kin), then OpenGraph and ``article:*`` meta, then ``<h1>``/``<title>``;
htmldate finds a date when no metadata gives one. The body is trafilatura's main-text HTML (images
kept in place), converted by the same Markdown code as every source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.dates import UTC, parse_page_time
from crawler.errors import ExtractionError
from crawler.html import (
    body_of,
    new_element,
    parse_document,
    refuse_cut_off_document,
    remove,
)
from crawler.sources.base import (
    BEIJING,
    Identity,
    ParsedPage,
    clean_text,
    cover_image,
    image_source,
    page_tags,
)
from crawler.urls import absolute_http_url, host_of, registrable_domain, site_label

MAX_ELEMENTS = 50_000
"""Largest page (in elements) the generic parser reads: trafilatura's cost grows faster than the page
(its XPath node-set merges) and the largest real article page seen has about 5,500."""
_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle", "WebPage"})
_READABLE_ID = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{8,64}$")
_URL_SLUG = re.compile(r"^(?=.{8,64}$)[a-z0-9]+(?:-[a-z0-9]+){2,}$")
MAX_SITE_NAME = 30
_TITLED_HEADING = ("(//h2 | //h3)[contains(translate(@class, 'TITLE', 'title'), 'title') "
                   "or contains(translate(@id, 'TITLE', 'title'), 'title')]")
_NUMERIC_ID = re.compile(r"^[0-9]{4,20}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WHITESPACE = re.compile(r"\s+")
_TITLE_SUFFIX = re.compile(r"\s*[_|\-–—]\s*[^_|\-–—]{1,20}$")
_SEPARATOR = r"[|_\-–—·:：»«/]"
_SEPARATOR_EDGE = re.compile(rf"^\s*{_SEPARATOR}|{_SEPARATOR}\s*$")


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


def _site_name(meta: _PageMeta, ld: dict[str, Any], title: str) -> str:
    """The site's own name (``og:site_name``, the JSON-LD publisher, ``application-name``), when
    it reads as a name: short, and not the article's title."""
    publisher = ld.get("publisher")
    names = (meta.first("og:site_name"), _first_text(publisher.get("name")) if isinstance(publisher, dict) else "",
             meta.first("application-name"))
    return next((name for name in map(clean_text, names) if name and len(name) <= MAX_SITE_NAME and name not in title), "")


def without_site_name(title: str, site_names: list[str], heading: str = "") -> str:
    """``title`` without the site's name and its separator, whichever end it is on.

    The page's own ``<h1>`` decides first: a title that is the heading plus separators and other
    words is the heading. Else a name of the site (``og:site_name``, the domain) set off by a
    separator at either end is dropped.
    """
    if heading and heading != title and heading in title:
        rest = title.replace(heading, "", 1)
        if _SEPARATOR_EDGE.search(rest):
            return heading
    for name in sorted(site_names, key=len, reverse=True):
        escaped = re.escape(name)
        stripped = re.sub(rf"^\s*{escaped}\s*{_SEPARATOR}\s*|\s*{_SEPARATOR}\s*{escaped}\s*$", "", title, flags=re.IGNORECASE)
        if stripped and stripped != title:
            return stripped.strip()
    return title


def _json_ld_articles(doc: HtmlElement) -> Iterator[dict[str, Any]]:
    def walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node:
                yield from walk(item, depth + 1)
        elif isinstance(node, dict):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in _ARTICLE_TYPES for kind in kinds if isinstance(kind, str)):
                yield node
            yield from walk(node.get("@graph"), depth + 1)

    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            yield from walk(json.loads(script.text_content() or "null"))
        except (ValueError, RecursionError):
            continue


class _PageMeta:
    """The page's ``<meta>`` values by lower-case ``property``/``name`` (first one wins)."""

    def __init__(self, doc: HtmlElement) -> None:
        self.values: dict[str, str] = {}
        for meta in doc.iter("meta"):
            key = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").strip().lower()
            content = clean_text(meta.get("content"))
            if key and content:
                self.values.setdefault(key, content)

    def first(self, *names: str) -> str:
        return next((self.values[name.lower()] for name in names if name.lower() in self.values), "")


def _first_text(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list) and value:
        return _first_text(value[0])
    if isinstance(value, dict):
        return _first_text(value.get("url") or value.get("name") or value.get("@id"))
    return ""


_DAY_AND_TIME = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")


def _time_on_day(html: str, day: datetime, zone: ZoneInfo) -> datetime | None:
    """The first time of day the page writes next to the date ``day`` (a byline's
    ``2019-09-23 14:34:05``), or ``None``."""
    for match in _DAY_AND_TIME.finditer(html):
        year, month, date, hour, minute, second = (int(part or 0) for part in match.groups())
        if (year, month, date) == (day.year, day.month, day.day) and hour < 24 and minute < 60 and second < 60:
            return datetime(year, month, date, hour, minute, second, tzinfo=zone)
    return None


def _time_element_text(doc: HtmlElement) -> str:
    """Text of the page's first time-like element (``<time>``, ``.time``, ``.date``): maybe ``3小时前``."""
    query = "//time | //*[contains(@class,'time') or contains(@class,'date') or contains(@id,'time') or contains(@id,'date')]"
    for element in doc.xpath(query)[:20]:
        text = clean_text(element.text_content())
        if text and len(text) <= 40 and any(char.isdigit() for char in text):
            return text
    return ""


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


def _normalise_lang(value: str) -> str:
    value = value.replace("_", "-").strip()
    if not value:
        return ""
    parts = value.split("-")
    return "-".join([parts[0].lower(), *(part.upper() if len(part) == 2 else part for part in parts[1:])])


class GenericParser:
    """Any news article page; the registry's fallback when no site parser matches.

    ``site_sources``: the names of the site parsers, which a generic source name never takes.
    """

    name = "generic"

    def __init__(self, site_sources: Collection[str] = ()) -> None:
        self.site_sources = frozenset(site_sources)

    def matches(self, url: str) -> bool:
        return absolute_http_url(url) is not None

    def identity(self, url: str) -> Identity | None:
        canonical = absolute_http_url(url)
        return Identity(source_name(canonical, self.site_sources), article_id_for(canonical), canonical) if canonical else None

    def published(self, html: str, zone: ZoneInfo) -> datetime | None:
        """The publication time the page declares in JSON-LD or meta, for a site parser that found
        none of its own (no markup search: the site parser has already read that template)."""
        from trafilatura.utils import load_html

        doc = load_html(html)
        if doc is None:
            return None
        return self._published(_PageMeta(doc), next(_json_ld_articles(doc), {}), html, zone, search_markup=False)

    def parse(self, url: str, html: str) -> ParsedPage:
        """Parse an article page of any site; ``ExtractionError`` when it has no article."""
        from trafilatura.utils import (  # loaded on first use: site parsers need none of it
            HTML_PARSER,
            load_html,
        )

        doc = load_html(html)  # trafilatura's loader: the same tree it would build, None for non-HTML
        if doc is None:
            raise ExtractionError(url, "empty_body", "no main text found on the page (not HTML)")
        refuse_cut_off_document(HTML_PARSER, url)
        elements = sum(1 for _ in doc.iter())
        if elements > MAX_ELEMENTS:
            raise ExtractionError(url, "too_large", f"the page has {elements} elements, over the generic parser's cap "
                                  f"of {MAX_ELEMENTS} (no news article comes near it)")
        meta = _PageMeta(doc)
        ld = next(_json_ld_articles(doc), {})
        title = self._title(url, doc, meta, ld)
        lang = _normalise_lang(_first_text(ld.get("inLanguage")) or doc.get("lang", "")
                               or meta.first("og:locale", "language", "content-language"))
        lang = lang or ("zh-CN" if _CJK.search(title) else "")
        zone = BEIJING if lang.startswith("zh") or host_of(url).endswith((".cn", ".hk", ".tw")) else UTC
        published = self._published(meta, ld, html, zone)
        published_text = "" if published else _time_element_text(doc)
        canonical = self._canonical(url, doc, meta, ld)
        cover = cover_image(_first_text(ld.get("image")) or meta.first("og:image", "twitter:image"), url)
        author = _first_text(ld.get("author")) or meta.first("article:author", "author")
        placed_images = _images_by_paragraph(doc, url)
        body = self._body(url, doc, placed_images)  # last: trafilatura prunes the tree it is given
        if not title:
            raise ExtractionError(url, "no_title", "the page has no article title")
        return ParsedPage(
            source=source_name(canonical, self.site_sources), article_id=article_id_for(canonical, title),
            canonical_url=canonical,
            title=title, published=published, zone=zone, body=body, published_text=published_text,
            thumbnail=cover, lang=lang or "zh-CN", author=author, tags=page_tags(doc, title),
            site_name=_site_name(meta, ld, title),
        )

    @staticmethod
    def _body(url: str, doc: HtmlElement, placed_images: dict[str, list[tuple[str, str]]]) -> HtmlElement:
        import trafilatura

        try:
            main = trafilatura.extract(doc, url=url, output_format="html", include_images=False, include_links=False,
                                       include_tables=True, include_comments=False)
        except (ValueError, TypeError, RecursionError) as error:
            raise ExtractionError(url, "unsupported_page", f"main text extraction failed: {error}") from None
        if not main:
            raise ExtractionError(url, "empty_body", "no main text found on the page")
        body = body_of(parse_document(main, url))
        for heading in list(body.iter("h1")):
            remove(heading)  # the title is in the front matter
        _put_images_back(body, placed_images)
        return body

    @staticmethod
    def _title(url: str, doc: HtmlElement, meta: _PageMeta, ld: dict[str, Any]) -> str:
        headings = doc.xpath("//h1")
        heading = clean_text(headings[0].text_content()) if headings else ""
        site_names = [name for name in (meta.first("og:site_name", "application-name"), site_label(url),
                                        registrable_domain(url)) if name]
        for candidate in (_first_text(ld.get("headline")), meta.first("og:title", "twitter:title")):
            if candidate:
                return without_site_name(clean_text(candidate), site_names, heading)
        if heading:
            return heading
        titled = doc.xpath(_TITLED_HEADING)  # no <h1>: a heading the template marks as the title
        if titled and (text := clean_text(titled[0].text_content())):
            return text
        titles = doc.xpath("//title")
        title = without_site_name(clean_text(titles[0].text_content()), site_names, heading) if titles else ""
        return _TITLE_SUFFIX.sub("", title)

    @staticmethod
    def _published(meta: _PageMeta, ld: dict[str, Any], html: str, zone: ZoneInfo,
                   search_markup: bool = True) -> datetime | None:
        for candidate in (_first_text(ld.get("datePublished")),
                          meta.first("article:published_time", "og:release_date", "publishdate", "pubdate",
                                     "publish_time", "ptime", "weibo: article:create_at"),
                          _first_text(ld.get("dateCreated"))):
            published = parse_page_time(candidate, zone)
            if published:
                return published
        if not search_markup:
            return None
        from htmldate import find_date

        try:  # markup and URL only: htmldate's free-text search takes a copyright line's year for a date
            found = find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S", extensive_search=False)
        except (ValueError, TypeError):
            found = None
        if found and found.endswith("-01-01T00:00:00"):
            return None  # what htmldate gives for a bare year: not a publication time
        published = parse_page_time(found or "", zone)
        modified = [parse_page_time(value, zone) for value in (
            _first_text(ld.get("dateModified")), meta.first("article:modified_time", "og:updated_time"))]
        if published and any(time and abs(time - published).total_seconds() < 60 for time in modified):
            return None  # htmldate fell back to the page's update time: not when it was published
        if published and found and found.endswith("T00:00:00"):  # htmldate found a day: the byline may give its time
            return _time_on_day(html, published, zone) or published
        return published

    @staticmethod
    def _canonical(url: str, doc: HtmlElement, meta: _PageMeta, ld: dict[str, Any]) -> str:
        links = doc.xpath('//link[@rel="canonical"]/@href')
        for candidate in (_first_text(ld.get("url")), str(links[0]) if links else "", meta.first("og:url")):
            absolute = absolute_http_url(candidate, url)
            if absolute and registrable_domain(absolute) == registrable_domain(url):
                return absolute
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
