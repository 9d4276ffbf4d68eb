"""Article links from feeds (RSS 2.0, Atom, JSON Feed) and sitemaps (index, urlset, Google News).

Plain functions from document bytes to links, no Scrapy: the feed and sitemap spiders only fetch.
Each link carries a ``version``, the document's own update stamp for it (``<updated>``,
``<pubDate>``, ``<lastmod>``, ...), which incremental crawls compare with the last one written.
XML is parsed without entities, DTDs or network access: the documents are untrusted.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from crawler.extraction.dates import UTC, parse_page_time, parse_rfc2822
from crawler.extraction.urls import absolute_http_url

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Largest uncompressed feed or sitemap accepted (the sitemap protocol's own limit)."""


class LinkDocumentError(ValueError):
    """The document is not a feed or sitemap we can read (``reason`` is a stats key)."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{detail} [{reason}]")


@dataclass(frozen=True)
class Link:
    """One article (or, from a sitemap index, one child sitemap) URL and its update stamp."""

    url: str
    version: str = ""

    def modified(self) -> datetime | None:
        """The update stamp as a time (UTC when it has no zone), or ``None``."""
        return parse_rfc2822(self.version) or parse_page_time(self.version, UTC)


@dataclass
class Sitemap:
    """What a sitemap document lists: child sitemaps (an index) or pages (a urlset)."""

    sitemaps: list[Link]
    pages: list[Link]


def _local(tag: Any) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: Any, *names: str) -> str:
    for child in element:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
    for child in element:  # news:news/news:publication_date and kin, one level down
        for grandchild in child:
            if _local(grandchild.tag) in names and (grandchild.text or "").strip():
                return grandchild.text.strip()
    return ""


def uncompressed(body: bytes) -> bytes:
    """The document bytes, gunzipped when they are gzip (``sitemap.xml.gz``), within the size cap."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as unzipped:
            data = unzipped.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError) as error:
        raise LinkDocumentError("bad_gzip", f"broken gzip data: {error}") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise LinkDocumentError("too_large", f"more than {MAX_DOCUMENT_BYTES} bytes uncompressed")
    return data


_RECORD_TAG = {"rss": "item", "rdf": "item", "feed": "entry", "sitemapindex": "sitemap", "urlset": "url"}


def _scan(body: bytes, kinds: tuple[str, ...], limit: int | None,
          read: Callable[[str, Any], tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The root kind and ``read``'s ``(url, stamp)`` of each record (item, entry, url, sitemap).

    The XML is streamed and each record dropped once read, so memory stays flat whatever the
    document's length; reading stops after ``limit + 1`` records (the caller tells the cap was hit).
    """
    data = uncompressed(body).strip()
    if not data:
        raise LinkDocumentError("bad_xml", "empty document")
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, recover=False, remove_comments=True, remove_pis=True)
    kind, depth, records = "", 0, []
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    kind = _local(element.tag)
                    if kind not in kinds:
                        return kind, []
                continue
            depth -= 1
            if depth > 0 and _local(element.tag) == _RECORD_TAG[kind]:
                records.append(read(kind, element))
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if limit is not None and len(records) > limit:
                    break
    except etree.XMLSyntaxError as error:
        raise LinkDocumentError("bad_xml", f"not well-formed XML: {error}") from None
    return kind, records


def _links(candidates: list[tuple[str, str]], base: str) -> list[Link]:
    links: dict[str, Link] = {}
    for url, version in candidates:
        absolute = absolute_http_url(url, base)
        if absolute and absolute not in links:
            links[absolute] = Link(absolute.split("#", 1)[0], version)
    return list(links.values())


def parse_feed(body: bytes, base_url: str = "", limit: int | None = None) -> list[Link]:
    """Article links of an RSS 2.0, RSS 1.0, Atom or JSON Feed document, in document order.

    With ``limit``, at most ``limit + 1`` entries are read: more than ``limit`` links means the
    document was cut at the cap.
    """
    data = uncompressed(body).lstrip()
    if data.startswith(b"{"):
        return _json_feed(data, base_url)[:None if limit is None else limit + 1]
    kind, candidates = _scan(data, ("rss", "rdf", "feed"), limit, _feed_record)
    if kind not in ("rss", "rdf", "feed"):
        raise LinkDocumentError("not_a_feed", f"an XML document of type <{kind}>, not RSS or Atom")
    return _links(candidates, base_url)


def _feed_record(kind: str, element: Any) -> tuple[str, str]:
    if kind == "feed":
        return _atom_link(element), _child_text(element, "updated", "published")
    link = _child_text(element, "link") or _permalink_guid(element)
    return link, _child_text(element, "updated", "modified", "pubdate", "date")


def _permalink_guid(item: Any) -> str:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true").lower() != "false":
            return (child.text or "").strip()
    return ""


def _atom_link(entry: Any) -> str:
    fallback = ""
    for child in entry:
        if _local(child.tag) != "link" or not child.get("href"):
            continue
        relation = child.get("rel", "alternate")
        if relation == "alternate" and child.get("type", "text/html").startswith("text/html"):
            return child.get("href")
        fallback = fallback or (child.get("href") if relation == "alternate" else "")
    return fallback


def _json_feed(data: bytes, base_url: str) -> list[Link]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise LinkDocumentError("bad_json", f"not valid JSON: {error}") from None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith("https://jsonfeed.org/") \
            or not isinstance(items, list):
        raise LinkDocumentError("not_a_feed", "JSON without a JSON Feed version and items list")
    candidates = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url") or ""
        version = item.get("date_modified") or item.get("date_published") or ""
        if isinstance(version, int | float) and not isinstance(version, bool):
            version = str(version)  # a Unix time where the spec asks for RFC 3339: still the item's stamp
        if isinstance(url, str) and isinstance(version, str):
            candidates.append((url, version))
    return _links(candidates, base_url)


def parse_sitemap(body: bytes, base_url: str = "", limit: int | None = None) -> Sitemap:
    """Child sitemaps of a sitemap index, or pages of a urlset (with Google News publication dates).

    With ``limit``, at most ``limit + 1`` entries are read (more than ``limit``: cut at the cap).
    """
    kind, candidates = _scan(body, ("sitemapindex", "urlset"), limit, _sitemap_record)
    if kind not in ("sitemapindex", "urlset"):
        raise LinkDocumentError("not_a_sitemap", f"an XML document of type <{kind}>, not a sitemap")
    links = _links(candidates, base_url)
    return Sitemap(sitemaps=links, pages=[]) if kind == "sitemapindex" else Sitemap(sitemaps=[], pages=links)


def _sitemap_record(kind: str, element: Any) -> tuple[str, str]:
    return _child_text(element, "loc"), _child_text(element, "lastmod", "publication_date")
