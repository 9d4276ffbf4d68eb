"""No request a page made may reach the user's own machine or private network.

Feed and sitemap links are scoped when they are found (``crawler.crawling.link_scope``); this guard holds
for every request the crawl sends, images and redirects included, on the address the host name
resolves to (through the crawl's own resolver, whose answer the connection then uses). Only
requests a page made are checked (an image, a feed's or sitemap's link: ``PAGE_MADE``; a redirect): the crawl's
own (a URL you gave, a configured feed) go where you sent them. A page-made request passes when
it stays on the origin of the page that made it (a local site's own images), when its host is
``MIRROR``-ed or named in ``FOLLOW_LINK_HOSTS``, or when its address is a public one.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.crawling.fetch_rules import normalized_mirror
from crawler.crawling.link_scope import LinkScope, literal_address
from crawler.crawling.middlewares import RedirectRefused, mirrored_from
from crawler.declared_settings import setting

PAGE_MADE = "newsmd_page_made"
"""Request meta: the URL of the page whose content made this request (an image, a feed's link)."""
_DOTS = str.maketrans({"。": ".", "．": ".", "｡": "."})


class PrivateAddressRefused(RedirectRefused):
    """A page-made request (an image, a redirect) to a private, loopback or link-local address."""

    def __init__(self, detail: str) -> None:
        super().__init__("private_address", detail)


def normalized_host(host: str) -> str:
    """``host`` as a resolver reads it: Unicode digits and dots folded (``①②⑦。⓪.⓪.①`` is ``127.0.0.1``)."""
    return unicodedata.normalize("NFKC", host.translate(_DOTS)).translate(_DOTS).strip("[]").lower().rstrip(".")


def private_address(address: str) -> bool:
    """Whether ``address`` (an IP address) is not a public one: loopback, private, link-local,
    carrier-grade NAT, reserved, multicast or unspecified."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _origin(url: str) -> tuple[str, int | None]:
    try:
        parts = urlsplit(url)
        return normalized_host(parts.hostname or ""), parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return "", None


def _linked_from(request: Request) -> str | None:
    """The page that made ``request`` (``PAGE_MADE``, or the URL that redirected to it); ``None``
    for a request of the crawl's own (a URL you gave, a feed endpoint of the configuration)."""
    redirected_from = request.meta.get("redirect_urls") or []
    return str(redirected_from[-1]) if redirected_from else request.meta.get(PAGE_MADE)


def _robots_txt(request: Request) -> bool:
    """Scrapy's own robots.txt fetch for a host it is about to visit."""
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"


class AddressGuardMiddleware:
    """Downloader middleware refusing page-made requests to non-public addresses (``private_address``)."""

    def __init__(self, crawler: Any, allowed: LinkScope, mirrored: set[str]) -> None:
        self.crawler = crawler
        self.allowed = allowed
        self.mirrored = mirrored
        self.passed: set[tuple[str, int | None]] = set()
        """Origins of requests let through: Scrapy's robots.txt fetch for one of them passes too."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        settings = crawler.settings
        mirrored = {normalized_host(host) for host in normalized_mirror(setting(settings, "MIRROR"))}
        return cls(crawler, LinkScope.from_setting(setting(settings, "FOLLOW_LINK_HOSTS")), mirrored)

    async def process_request(self, request: Request) -> None:
        if mirrored_from(request) is not None:  # the mirror's own rewrite of a MIRROR-ed host
            return
        host, port = _origin(request.url)
        linked_from = _linked_from(request)
        if _robots_txt(request):  # Scrapy's robots.txt fetch: free for an origin already let through
            linked_from = "" if (host, port) in self.passed else request.url
        if not host or linked_from is None or host in self.mirrored or host in self.allowed.allowed_hosts \
                or (linked_from and _origin(linked_from) == (host, port)):
            self.passed.add((host, port))
            return
        address = literal_address(host)
        if address is None:
            address = await self._resolved(host)
        if address is not None and private_address(address):
            self.crawler.stats.inc_value("newsmd/refused/private_address")
            raise PrivateAddressRefused(f"{request.url} leads to the address {address}, not fetched "
                                        "(a page may not send the crawler to a private address; FOLLOW_LINK_HOSTS may name the host)")
        self.passed.add((host, port))

    async def _resolved(self, host: str) -> str | None:
        """The address the crawl's resolver gives ``host`` (cached: the connection uses the same answer)."""
        from twisted.internet import reactor

        resolving: Any = reactor.resolve(host)  # type: ignore[arg-type]  # Twisted's stub wants bytes
        try:
            return str(await maybe_deferred_to_future(resolving))
        except Exception:  # the download itself reports a name that does not resolve
            return None
