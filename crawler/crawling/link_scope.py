"""Which links a feed or sitemap may send the crawler to.

A feed is somebody else's document: a link in it must not make the crawler fetch (and publish)
another site, the user's own machine or the private network it runs in. A link is followed when
it is on the document's own origin (the host and port the user named), or on the document's site
(same registrable domain, a host name, not an address), or on a host the user allowed
(``FOLLOW_LINK_HOSTS``). Addresses (``127.0.0.1``, ``10.0.0.5``, ``[::1]``, ``2130706433``) and
``localhost`` are followed only when that very host is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.extraction.urls import registrable_domain

ANY_SITE = "*"
"""In ``FOLLOW_LINK_HOSTS``: links to any site, by host name (never to an address)."""


def _origin(url: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    return (host, port) if host else None


def literal_address(host: str) -> str | None:
    """The IP address ``host`` stands for when it is written as one, in any form a resolver accepts
    (``127.1``, ``0x7f.1``, ``2130706433``, ``[::1]``), or is ``localhost``; ``None`` for a name."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return "127.0.0.1"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))  # legacy forms: 2130706433, 127.1, 0x7f.0.0.1
    except (OSError, UnicodeError):
        return None


def is_address(host: str) -> bool:
    """``host`` is an IP address in any form a resolver accepts (``127.1``, ``0x7f.1``, ``[::1]``) or ``localhost``."""
    return literal_address(host) is not None


@dataclass(frozen=True)
class LinkScope:
    """The hosts a document's links may lead to, beyond the document's own site."""

    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_setting(cls, value: str | Iterable[str] | None) -> LinkScope:
        """From ``FOLLOW_LINK_HOSTS``: a list (or its JSON, or a comma-separated string) of host names,
        domains, addresses or ``*``."""
        if isinstance(value, str):
            items = json.loads(value) if value.strip().startswith("[") else value.split(",")
        else:
            items = list(value or ())
        return cls(tuple(str(item).strip().lower().rstrip(".") for item in items if str(item).strip()))

    def _allowed(self, host: str) -> bool:
        if host in self.allowed_hosts:
            return True
        if is_address(host):
            return False
        return ANY_SITE in self.allowed_hosts or any(host.endswith("." + domain) for domain in self.allowed_hosts)

    def refusal(self, link_url: str, document_url: str) -> tuple[str, str] | None:
        """``None`` when ``link_url`` may be followed from ``document_url``, else ``(reason, detail)``."""
        link, document = _origin(link_url), _origin(document_url)
        if link is None:
            return "offsite_link", "a link without a host"
        if link == document or self._allowed(link[0]):
            return None
        if is_address(link[0]):
            return "private_address", (f"a link to the address {link[0]}, not followed "
                                       "(FOLLOW_LINK_HOSTS must name it)")
        if document is not None and not is_address(document[0]) and registrable_domain(link_url) == registrable_domain(document_url):
            return None
        return "offsite_link", (f"a link to another site than the document's ({link[0]}), not followed "
                                "(allow it with --allow-host or FOLLOW_LINK_HOSTS)")
