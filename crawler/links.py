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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from crawler.dates import UTC, parse_page_time, parse_rfc2822
from crawler.urls import absolute_http_url

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""Largest uncompressed feed or sitemap accepted (the sitemap protocol's own limit)."""

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              recover=False, remove_comments=True, remove_pis=True)


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


def _xml_root(body: bytes) -> Any:
    try:
        root = etree.fromstring(uncompressed(body).strip(), parser=_XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise LinkDocumentError("bad_xml", f"not well-formed XML: {error}") from None
    if root is None:
        raise LinkDocumentError("bad_xml", "empty document")
    return root


def _links(candidates: list[tuple[str, str]], base: str) -> list[Link]:
    links: dict[str, Link] = {}
    for url, version in candidates:
        absolute = absolute_http_url(url, base)
        if absolute and absolute not in links:
            links[absolute] = Link(absolute.split("#", 1)[0], version)
    return list(links.values())


def parse_feed(body: bytes, base_url: str = "") -> list[Link]:
    """Article links of an RSS 2.0, RSS 1.0, Atom or JSON Feed document, in document order."""
    data = uncompressed(body).lstrip()
    if data.startswith(b"{"):
        return _json_feed(data, base_url)
    root = _xml_root(data)
    kind = _local(root.tag)
    candidates: list[tuple[str, str]] = []
    if kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = _child_text(item, "link") or _permalink_guid(item)
            candidates.append((link, _child_text(item, "updated", "modified", "pubdate", "date")))
    elif kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            candidates.append((_atom_link(entry), _child_text(entry, "updated", "published")))
    else:
        raise LinkDocumentError("not_a_feed", f"an XML document of type <{kind}>, not RSS or Atom")
    return _links(candidates, base_url)


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
        if isinstance(url, str) and isinstance(version, str):
            candidates.append((url, version))
    return _links(candidates, base_url)


def parse_sitemap(body: bytes, base_url: str = "") -> Sitemap:
    """Child sitemaps of a sitemap index, or pages of a urlset (with Google News publication dates)."""
    root = _xml_root(body)
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        raise LinkDocumentError("not_a_sitemap", f"an XML document of type <{kind}>, not a sitemap")
    child = "sitemap" if kind == "sitemapindex" else "url"
    candidates = [(_child_text(element, "loc"), _child_text(element, "lastmod", "publication_date"))
                  for element in root if _local(element.tag) == child]
    links = _links(candidates, base_url)
    return Sitemap(sitemaps=links, pages=[]) if kind == "sitemapindex" else Sitemap(sitemaps=[], pages=links)
