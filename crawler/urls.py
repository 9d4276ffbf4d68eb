"""URL helpers shared by parsers and the Markdown converter."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

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


def given_http_url(url: str) -> str | None:
    """``url`` (stripped) when it is an absolute http(s) URL as written: no base to resolve it
    against, no protocol-relative ``//host``; else ``None``."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and absolute_http_url(url) else None


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
    return _suffix_list()(host).top_domain_under_public_suffix or host


def site_label(url: str) -> str:
    """The site's own name in a URL's host: ``www.example.co.uk`` -> ``example``, ``""`` when none."""
    return str(_suffix_list()(host_of(url)).domain)


@cache
def _suffix_list() -> Any:
    """The public suffix list bundled with tldextract (never fetched: crawls run offline too),
    loaded on first use: a Tencent page needs none of it."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
