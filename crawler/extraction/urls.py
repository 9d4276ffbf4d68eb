"""URL helpers shared by parsers and the Markdown converter."""

from __future__ import annotations

from functools import cache
from pathlib import Path
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
    try:
        url = urljoin(base, url) if base else url
        parts = urlsplit(url)
    except ValueError:  # "http://[" and the like: no URL
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
    """``(registrable domain, its name)`` of ``host`` by the public suffix list's ICANN rules, ``None``
    for an address, a name with no public suffix or a public suffix itself."""
    labels = host.removesuffix(".").split(".") if host else []
    if not all(labels):
        return None
    readable = [_unicode_label(label) for label in labels]
    rules = _public_suffix_rules()
    for start in range(len(readable)):
        if "!" + ".".join(readable[start:]) in rules:
            suffix = start + 1
            break
        if ".".join(readable[start:]) in rules or (start + 1 < len(readable) and "*." + ".".join(readable[start + 1:]) in rules):
            suffix = start
            break
    else:
        return None
    return (".".join(labels[suffix - 1:]), labels[suffix - 1]) if suffix else None


@cache
def _public_suffix_rules() -> frozenset[str]:
    """The ICANN section of the public suffix list bundled with ``tld`` (never fetched: crawls run
    offline too), read as a set: ``tld``'s own loader builds a trie of the whole list, most of a
    one-page parse's time."""
    import tld

    listing = (Path(tld.__file__).parent / "res" / "effective_tld_names.dat.txt").read_text(encoding="utf-8")
    icann = listing.split("// ===END ICANN DOMAINS===", 1)[0]
    return frozenset(rule for rule in (line.strip() for line in icann.splitlines()) if rule and not rule.startswith("//"))


def _unicode_label(label: str) -> str:
    """A punycode label (``xn--55qx5d``) as the list writes it (``公司``)."""
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label
