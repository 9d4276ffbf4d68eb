"""The lxml tree helpers every parser shares: parse a page, select by CSS, read text, remove nodes.

Pages are parsed once, with lxml (libxml2), and navigated with precompiled CSS selectors; parsing
with BeautifulSoup cost most of a page's extraction time.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from crawler.errors import ExtractionError
from crawler.extraction.encoding import strip_control_chars

if TYPE_CHECKING:
    from lxml.cssselect import CSSSelector

_PARSERS = threading.local()  # an lxml parser must not be shared between threads
_VISIBLE_TEXT = etree.XPath(".//text()[not(parent::script or parent::style or parent::template)]")


def _parser() -> HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = HTMLParser(encoding="utf-8", collect_ids=False, default_doctype=False)
    return parser


def parse_document(html: str, url: str = "") -> HtmlElement:
    """The page as an lxml tree (``<html>`` root); an empty ``<html>`` for an empty answer.

    Bytes go to the parser so an XML encoding declaration cannot stop it, and a lone surrogate
    becomes ``?`` instead of silently ending the document there. libxml2 stops reading at
    elements nested deeper than 255; such a page would lose everything after that point, so it
    raises ``ExtractionError`` (``too_deep``) instead of giving a cut-off article.
    """
    parser = _parser()
    try:
        document = document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (ValueError, etree.LxmlError):
        return document_fromstring(b"<html></html>", parser=parser)
    refuse_cut_off_document(parser, url)
    return document


def refuse_cut_off_document(parser: HTMLParser, url: str) -> None:
    """Raise ``too_deep`` when ``parser``'s last document hit libxml2's nesting limit and was cut off."""
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ExtractionError(url, "too_deep", "the page nests elements more than 255 deep; it cannot be read whole")


def body_of(document: HtmlElement) -> HtmlElement:
    """The document's ``<body>`` (the root itself when there is none)."""
    body = document.find("body")
    return body if body is not None else document


@lru_cache(maxsize=256)
def _compiled(css: str) -> CSSSelector:
    from lxml.cssselect import CSSSelector

    return CSSSelector(css)  # imported here: the generic parser selects by structure, never by CSS


def select(root: HtmlElement, css: str) -> list[HtmlElement]:
    """Elements under ``root`` matching ``css``, in document order."""
    return _compiled(css)(root)


def select_one(root: HtmlElement, css: str) -> HtmlElement | None:
    """The first element under ``root`` matching ``css``, or ``None``."""
    found = _compiled(css)(root)
    return found[0] if found else None


def text_of(element: HtmlElement, separator: str = "") -> str:
    """The element's text without script or style code, its pieces joined by ``separator``."""
    return separator.join(_VISIBLE_TEXT(element))


def remove(node: HtmlElement) -> None:
    """Take ``node`` and its subtree out of the tree, keeping the text that followed it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def previous_element(node: HtmlElement) -> HtmlElement | None:
    """The nearest preceding sibling that is an element (not a comment)."""
    sibling = node.getprevious()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getprevious()
    return sibling


def text_beside(element: HtmlElement) -> tuple[str, str]:
    """The text of its block right before and right after ``element`` (stripped, ``""`` when none)."""
    previous, parent = element.getprevious(), element.getparent()
    before = previous.tail if previous is not None else (parent.text if parent is not None else "")
    return (before or "").strip(), (element.tail or "").strip()


def new_element(parent_like: HtmlElement, tag: str, **attributes: str) -> HtmlElement:
    """A new element of the same tree class as ``parent_like`` (control characters dropped from values)."""
    return parent_like.makeelement(tag, {name: strip_control_chars(value) for name, value in attributes.items()})
