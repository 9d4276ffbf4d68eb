"""URL helpers shared by parsers and the Markdown converter."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import tldextract

SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
"""The public suffix list bundled with tldextract (never fetched: crawls run offline too)."""

_SAFE_IN_MARKDOWN = "/:?#[]@!$&'*+,;=%~-._"


def absolute_http_url(url: str, base: str = "") -> str | None:
    """Resolve ``url`` against ``base``; return it only if it is an http(s) URL.

    Protocol-relative URLs (``//host/path``) become ``https:``. ``javascript:``, ``data:`` and
    every other scheme give ``None``.
    """
    url = (url or "").strip()
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def markdown_safe_url(url: str) -> str:
    """Percent-encode what would end a Markdown link target early (spaces, parentheses, ``<>``)."""
    return quote(url, safe=_SAFE_IN_MARKDOWN.replace("(", "").replace(")", ""))


def host_of(url: str) -> str:
    """Lower-case host name of ``url``, or ``""`` when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def registrable_domain(url: str) -> str:
    """The site a URL belongs to: ``news.qq.com`` and ``new.qq.com`` are both ``qq.com``."""
    host = host_of(url)
    return SUFFIXES(host).top_domain_under_public_suffix or host
