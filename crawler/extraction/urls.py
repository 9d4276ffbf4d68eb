"""URL helpers shared by parsers and the Markdown converter."""

from __future__ import annotations

from functools import cache
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
    found = _public_suffix_split(host)
    return found[0] if found else host


def site_label(url: str) -> str:
    """The site's own name in a URL's host: ``www.example.co.uk`` -> ``example``, ``""`` when none."""
    found = _public_suffix_split(host_of(url))
    return found[1] if found else ""


@cache
def _public_suffix_split(host: str) -> tuple[str, str] | None:
    """``(registrable domain, its name)`` of ``host`` by the public suffix list bundled with ``tld``
    (never fetched: crawls run offline too; ``tld`` is what trafilatura's URL checks load anyway,
    so the generic path reads the list once), ``None`` for an address or a name with no public suffix."""
    from tld import get_tld

    if not host:
        return None
    result = get_tld(host, fix_protocol=True, as_object=True, fail_silently=True, search_private=False)
    return (str(result.fld), str(result.domain)) if result is not None and not isinstance(result, str) else None
