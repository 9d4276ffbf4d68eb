"""The generic finders: each field of an article from what any news page declares about itself
(JSON-LD ``NewsArticle`` and kin, OpenGraph and ``article:*`` meta, ``<h1>``/``<title>``, the
byline time). The generic page is made of them; a site's page falls back to them field by field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from crawler.extraction.dates import parse_page_time
from crawler.extraction.sources.base import clean_text, cover_image
from crawler.extraction.urls import (
    absolute_http_url,
    host_of,
    registrable_domain,
    site_label,
)

_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle", "WebPage"})
MAX_SITE_NAME = 30
_MARKED_TITLE = "contains(translate(@class, 'TITLE', 'title'), 'title') or contains(translate(@id, 'TITLE', 'title'), 'title')"
_TITLED_HEADING = f"(//h2 | //h3)[{_MARKED_TITLE} or parent::*[{_MARKED_TITLE}]]"
_TITLE_SUFFIX = re.compile(r"\s*(?:[_|–—]|(?<!\d)-|-(?!\d))\s*[^_|\-–—]{1,20}$")  # 1-10月 is no separator
_SEPARATOR = r"[|_\-–—·:：»«/]"
_SEPARATOR_EDGE = re.compile(rf"^\s*{_SEPARATOR}|{_SEPARATOR}\s*$")
_NOT_A_NAME = re.compile(r"@|^[\W\d_]+$")
"""An author value that names no one: an e-mail address (a template's ``name, email@gmail.com``), a number (an ID)."""
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|–—·]+|-{2,}|\s-\s|-(?=[^\s-]+$))\s*")
_DAY_AND_TIME = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")


class PageMeta:
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


def json_ld_article(doc: HtmlElement) -> dict[str, Any]:
    """The page's first JSON-LD object of an article type (``{}`` when none)."""
    return next(_json_ld_articles(doc), {})


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


def first_text(value: Any) -> str:
    """A JSON-LD value as one line of text: the first of a list, an object's url/name/@id."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list) and value:
        return first_text(value[0])
    if isinstance(value, dict):
        return first_text(value.get("url") or value.get("name") or value.get("@id"))
    return ""


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


def document_title(doc: HtmlElement) -> str:
    """The text of the page's ``<title>`` (``""`` when it has none)."""
    titles = doc.xpath("//title")
    return clean_text(titles[0].text_content()) if titles else ""


def _headline_heading(doc: HtmlElement) -> str:
    """The page's ``<h1>`` that holds the headline: the longest one the document's ``<title>``
    repeats, else the first that is not all link (a site logo linking home is often an ``<h1>``);
    ``""`` when there is none."""
    headings = [(clean_text(heading.text_content()), heading) for heading in doc.xpath("//h1")]
    page_title = document_title(doc)
    repeated = [text for text, _ in headings if text and text in page_title]
    if repeated:
        return max(repeated, key=len)
    return next((text for text, heading in headings if text and not _all_link(heading, text)), "")


def _all_link(element: HtmlElement, text: str) -> bool:
    return sum(len(clean_text(link.text_content())) for link in element.iter("a")) >= len(text)


def title(url: str, doc: HtmlElement, meta: PageMeta, ld: dict[str, Any]) -> str:
    """The headline (JSON-LD, ``og:title``) without the site's name, else the headline's ``<h1>``, else a heading
    the template marks as the title, else the ``<title>`` without the site's name. The visible
    ``<h1>`` wins when one declared title repeats it and another does not (a headline edited
    after publication); a text that cannot be a headline (``1``, ``新闻动态-``) is none."""
    heading = _headline_heading(doc)
    heading = heading if is_headline(heading) else ""
    site_names = [name for name in (meta.first("og:site_name", "application-name"), site_label(url),
                                    registrable_domain(url)) if name]
    declared_titles = [without_site_name(clean_text(candidate), site_names, heading)
                       for candidate in (first_text(ld.get("headline")), meta.first("og:title", "twitter:title"))
                       if candidate]
    declared_titles = [declared for declared in declared_titles if is_headline(declared)]
    if heading and heading in declared_titles:
        return heading
    for declared in declared_titles:
        # a declared title that stops short of the headline was cut by a quote the page left unescaped
        return heading if heading.startswith(declared) and len(heading) > len(declared) else declared
    if heading:
        return heading
    if titled := _titled_heading(doc):
        return titled
    fallback = _TITLE_SUFFIX.sub("", without_site_name(document_title(doc), site_names, heading))
    return fallback if is_headline(fallback) else ""


def _titled_heading(doc: HtmlElement) -> str:
    """With no ``<h1>``: the first ``<h2>``/``<h3>`` the template marks as the title (its class or
    its container's) that ``<title>`` repeats (a sidebar's or a list's titles are marked alike);
    with an empty ``<title>``, the first one."""
    page_title = document_title(doc)
    return next((text for heading in doc.xpath(_TITLED_HEADING)
                 if is_headline(text := clean_text(heading.text_content())) and (not page_title or text in page_title)), "")


_SEPARATOR_END = re.compile(r"[-_|｜—–:：]\s*$")


def is_headline(text: str) -> bool:
    """Whether ``text`` can be an article's headline: words, not a number or a mark alone (``1``),
    and not a template's title with its article part left empty (``新闻动态-``)."""
    words = re.sub(r"[\W_]+", "", text)
    return len(words) >= 2 and not words.isdigit() and not _SEPARATOR_END.search(text)


def _time_on_day(html: str, day: datetime, zone: ZoneInfo) -> datetime | None:
    """The first time of day the page writes next to the date ``day`` (a byline's
    ``2019-09-23 14:34:05``), or ``None``."""
    for match in _DAY_AND_TIME.finditer(html):
        year, month, date, hour, minute, second = (int(part or 0) for part in match.groups())
        if (year, month, date) == (day.year, day.month, day.day) and hour < 24 and minute < 60 and second < 60:
            return datetime(year, month, date, hour, minute, second, tzinfo=zone)
    return None


def published(html: str, meta: PageMeta, ld: dict[str, Any], zone: ZoneInfo, search_markup: bool = True,
              byline: str = "") -> datetime | None:
    """The publication time the page declares (JSON-LD, meta); with ``search_markup``, else the one
    htmldate finds in its markup and URL (never a bare year, never the update time). A ``byline``
    time (``time_element_text``) on the same day wins over htmldate's, which may be a reader
    comment's time, a day alone, or the byline's day read in another order."""
    for candidate in (first_text(ld.get("datePublished")),
                      meta.first("article:published_time", "og:release_date", "publishdate", "pubdate",
                                 "publish_time", "ptime", "weibo: article:create_at"),
                      first_text(ld.get("dateCreated"))):
        found_time = parse_page_time(candidate, zone)
        if found_time:
            return found_time
    if not search_markup:
        return None
    from htmldate import find_date

    try:  # markup and URL only: htmldate's free-text search takes a copyright line's year for a date
        found = find_date(html, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S", extensive_search=False)
    except (ValueError, TypeError):
        found = None
    if found and found.endswith("-01-01T00:00:00"):
        return None  # what htmldate gives for a bare year: not a publication time
    found_time = parse_page_time(found or "", zone)
    modified = [parse_page_time(value, zone) for value in (
        first_text(ld.get("dateModified")), meta.first("article:modified_time", "og:updated_time"))]
    if found_time and any(time and abs(time - found_time).total_seconds() < 60 for time in modified):
        return None  # htmldate fell back to the page's update time: not when it was published
    stated = parse_page_time(byline, zone)
    if found_time and stated and _same_day_numbers(stated, found_time) and _has_time_of_day(byline):
        return stated
    if found_time and found and found.endswith("T00:00:00"):  # htmldate found a day: the byline may give its time
        return _time_on_day(html, found_time, zone) or found_time
    return found_time


def _same_day_numbers(stated: datetime, found: datetime) -> bool:
    """The byline's day and htmldate's are the same numbers, maybe read in another order (htmldate
    reads a byline's ``18-03-08`` day first)."""
    return sorted((stated.year % 100, stated.month, stated.day)) == sorted((found.year % 100, found.month, found.day))


def _has_time_of_day(text: str) -> bool:
    return bool(re.search(r"\d{1,2}[:：]\d{2}", text))


_BARE_TIME_OF_DAY = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
"""A time of day in an element of its own, after the day's (``<span class="date">18-03-08</span><span>23:16</span>``)."""

_COMMENT_AREA = ("ancestor-or-self::*[contains(@class,'comment') or contains(@id,'comment') or contains(@class,'reply')"
                 " or contains(@id,'reply')]")


def time_element_text(doc: HtmlElement) -> str:
    """Text of the page's first time-like element (``<time>``, ``.time``, ``.date``) outside the
    readers' comments: maybe ``3小时前``, a byline's ``2019年02月20日 02:26:00``."""
    query = ("//*[(self::time or contains(@class,'time') or contains(@class,'date') or contains(@id,'time')"
             f" or contains(@id,'date')) and not({_COMMENT_AREA})]")
    for element in doc.xpath(query)[:20]:
        text = clean_text(element.text_content())
        if text and len(text) <= 40 and any(char.isdigit() for char in text):
            following = element.getnext()
            if not _has_time_of_day(text) and following is not None:
                time_of_day = clean_text(following.text_content())
                text = f"{text} {time_of_day}" if _BARE_TIME_OF_DAY.fullmatch(time_of_day) else text
            return text
    return ""


def author(url: str, doc: HtmlElement, meta: PageMeta, ld: dict[str, Any]) -> str:
    """The author the page declares (JSON-LD ``author``, else ``article:author``/``author`` meta),
    unless it is a template's placeholder (an e-mail address, a number) or the site itself (its
    ``og:site_name``, its domain's name, the site's part of the ``<title>``: ``…_证券时报网``)."""
    found = first_text(ld.get("author")) or meta.first("article:author", "author")
    if not found or _NOT_A_NAME.search(found):
        return ""
    for name in _site_names(url, doc, meta):
        if name.casefold() == found.casefold() or (len(found) >= 2 and name.startswith(found)):
            return ""
    return found


def _site_names(url: str, doc: HtmlElement, meta: PageMeta) -> list[str]:
    """What the page calls its site: ``og:site_name``, ``application-name``, its domain's name, and
    the parts of its ``<title>`` after the headline (``标题--文化--人民网``: 文化, 人民网)."""
    segments = [segment.strip() for segment in _TITLE_SEPARATORS.split(document_title(doc))[1:]]
    names = [meta.first("og:site_name"), meta.first("application-name"), site_label(url), *segments]
    return [name for name in names if name]


def cover(url: str, meta: PageMeta, ld: dict[str, Any]) -> str:
    """The cover the page declares (JSON-LD ``image``, ``og:image``, ``twitter:image``), never a logo."""
    return cover_image(first_text(ld.get("image")) or meta.first("og:image", "twitter:image"), url)


_TRACKING_PARAMETER = re.compile(
    r"(?i)^(?:utm_\w*|spm|from|wfr|for|share\w*|scene|src|source|ref|refer\w*|fbclid|gclid|mc_\w+|_?t|timestamp"
    r"|chksm|isappinstalled|clicktime|enterid|ivk_sa|sessionid|sid|uid|vt|pos|tt_from|app|platform)$")
"""Query parameters that say where a reader came from, not which article: dropped from its URL."""


def without_tracking(url: str) -> str:
    """``url`` without its fragment and its tracking query parameters (``utm_*``, ``spm``, ``from``,
    ...); the parameters that name the article (``baijiahao.baidu.com/s?id=…``) stay, in order."""
    parts = urlsplit(url)
    kept = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMETER.match(name)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def _same_host(first: str, second: str) -> bool:
    return host_of(first).removeprefix("www.") == host_of(second).removeprefix("www.")


def canonical(url: str, doc: HtmlElement, meta: PageMeta, ld: dict[str, Any]) -> str:
    """The page's own URL (JSON-LD ``url``, ``<link rel=canonical>``, ``og:url``) when it is on the
    fetched host (another host of the same domain may not claim an article's URL), else ``url``;
    either without tracking parameters."""
    links = doc.xpath('//link[@rel="canonical"]/@href')
    for candidate in (first_text(ld.get("url")), str(links[0]) if links else "", meta.first("og:url")):
        absolute = absolute_http_url(candidate, url)
        if absolute and _same_host(absolute, url):
            return without_tracking(absolute)
    return without_tracking(url)


def normalised_lang(value: str) -> str:
    value = value.replace("_", "-").strip()
    if not value:
        return ""
    parts = value.split("-")
    return "-".join([parts[0].lower(), *(part.upper() if len(part) == 2 else part for part in parts[1:])])


_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def language_tag(value: str) -> bool:
    """Whether ``value`` is shaped as a BCP 47 language tag (``zh-CN``, ``en``), not ``utf-8`` or ``中文``."""
    return bool(_LANGUAGE_TAG.match(value)) and value.split("-", 1)[0] not in ("utf", "gb", "big", "iso")


def lang(doc: HtmlElement, meta: PageMeta, ld: dict[str, Any]) -> str:
    """The language the page declares (JSON-LD, ``<html lang>``, locale meta), normalised (``zh-CN``)."""
    return normalised_lang(first_text(ld.get("inLanguage")) or doc.get("lang", "")
                           or meta.first("og:locale", "language", "content-language"))


def site_name(meta: PageMeta, ld: dict[str, Any], article_title: str) -> str:
    """The site's own name (``og:site_name``, the JSON-LD publisher, ``application-name``), when
    it reads as a name: short, and not the article's title."""
    publisher = ld.get("publisher")
    names = (meta.first("og:site_name"), first_text(publisher.get("name")) if isinstance(publisher, dict) else "",
             meta.first("application-name"))
    return next((name for name in map(clean_text, names)
                 if name and len(name) <= MAX_SITE_NAME and name not in article_title), "")


LIST_LINK_SHARE = 0.5
"""Share of a page's text in links at or above which, with no prose block, it is a list page."""
MIN_PROSE = 40
"""Characters (whitespace aside) of text outside links in one block: a page with none is no article."""
MIN_LIST_LINKS = 20
_NON_TEXT = frozenset({"script", "style", "noscript", "template"})


def list_page(doc: HtmlElement) -> bool:
    """Whether the page is a list or section page, not an article: most of its text is link text
    (headline after headline) and no block holds a sentence of prose of its own."""
    body = doc.find("body")
    if body is None:
        return False
    anchors = list(body.iter("a"))
    in_links = {element for anchor in anchors for element in anchor.iter()}
    total = linked = 0
    prose: dict[HtmlElement, int] = {}
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in _NON_TEXT:
            continue
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            size = len("".join((text or "").split()))
            if not size or owner is None or owner.tag in _NON_TEXT:
                continue
            total += size
            if owner in in_links:
                linked += size
            else:
                prose[owner] = prose.get(owner, 0) + size
    return len(anchors) >= MIN_LIST_LINKS and total > 0 and linked / total >= LIST_LINK_SHARE \
        and max(prose.values(), default=0) < MIN_PROSE


_PAYWALL_CLASS = re.compile(r"(?i)(?:^|[\s_-])(?:paywall|pay-wall|subscribe-?wall|premium-?wall|meter-?wall)(?:$|[\s_-])")


def paywalled(doc: HtmlElement, ld: dict[str, Any]) -> bool:
    """Whether the page shows only a subscriber's teaser: its JSON-LD says the article is not free
    (``isAccessibleForFree: false``, the schema.org paywall markup), or the page holds a paywall box."""
    free = ld.get("isAccessibleForFree")
    if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
        return True
    return any(_PAYWALL_CLASS.search(element.get("class") or "") for element in doc.iter("div", "section", "aside"))
