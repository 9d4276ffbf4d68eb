"""Turn a cleaned article-body HTML fragment into Markdown, its image list and its paragraphs.

Parsers hand over the article body as HTML in which every image is an ``<img src alt>`` with an
absolute URL and the alt text they want shown. This module drops everything that must not reach
a public site (scripts, frames, forms, event handlers, non-http links), converts the rest with
markdownify, and reports the image URLs in order and the plain text of each paragraph (for the
summary).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement, tostring
from markdownify import ATX, BACKSLASH, MarkdownConverter

from crawler.extraction.decoration import drop_decorations
from crawler.extraction.encoding import strip_control_chars
from crawler.extraction.html import body_of, parse_document, remove, text_beside
from crawler.extraction.inert import defuse_code, escape_inline_text
from crawler.extraction.urls import (
    absolute_http_url,
    markdown_safe_url,
    registrable_domain,
)

UNSAFE_TAGS = (
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "button", "select", "textarea", "svg", "math", "canvas", "video", "audio",
    "source", "track", "link", "meta", "template", "head", "title", "base",
)
BLOCK_TAGS = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figure", "figcaption",
    "td", "th", "dd", "dt", "section", "div", "article", "table", "ul", "ol",
)
_LEAD_SPACE = re.compile(r"^[ \t]*[\xa0\u3000][ \t\xa0\u3000]*", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
DEFAULT_ALT = "图片"
"""Alt text of an image with no caption or alt of its own."""
_WHITESPACE = re.compile(r"\s+")


_HEADING = re.compile(r"^#{1,6} ")
_MARKUP_CHARS = re.compile(r"^#{1,6} |\*\*|\\(?=[!-/:-@\[-`{-~])")
_INLINE_PARENTS = frozenset({"_inline", "li", "a", "b", "strong", "em", "i", "u", "s", "del", "sub", "sup", "q"})
_JAVASCRIPT_HREF = re.compile(r"^\s*javascript:", re.IGNORECASE)
_WORD = re.compile(r"\w")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+);")
_ADJACENT_BOLD = re.compile(r"(?<![\\*])\*\*\*\*(?!\*)")


MAX_KEYWORD_LINK = 8
"""Longest text (characters) of a site's keyword link on a word of the article."""
_KEYWORD_SEGMENTS = frozenset({"baike", "tag", "tags", "keyword", "keywords", "search", "stock", "stocks", "stockpage",
                               "quote", "quotes"})
_INLINE_ELEMENTS = frozenset({"a", "abbr", "b", "em", "font", "i", "mark", "small", "span", "strong", "sub", "sup", "u"})
_EDGE_PUNCTUATION = re.compile(r"^([\W_]*)(.*?)([\W_]*)$", re.DOTALL)


_NO_LIST_PARENTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "td", "th"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"em", "i"})


def _emphasis(convert: Any, el: Tag, text: str, parent_tags: set[str]) -> str:
    """Bold or italic that CommonMark reads as such. A marker between a letter outside and
    punctuation inside is shown as an asterisk (``微信*｜x*``, ``**记者：**张三``): there the
    punctuation goes outside the markers. Emphasis around no words is dropped, and so is bold
    inside bold (italic inside italic): its markers would close the outer run early."""
    kind = _BOLD if el.name in _BOLD else _ITALIC
    if not _has_words(text) or parent_tags & kind:
        return text
    match = _EDGE_PUNCTUATION.match(text)
    assert match is not None  # the pattern matches every string
    lead, core, trail = match.groups()
    if not lead.strip() or _delimits(_text_beside(el, forward=False)):
        core, lead = lead + core, ""
    if not trail.strip() or _delimits(_text_beside(el, forward=True)):
        core, trail = core + trail, ""
    return lead + convert(el, core, parent_tags) + trail


def _text_beside(el: Tag, forward: bool) -> str:
    """The character just before (or after) ``el`` in the text of its block, ``""`` at the block's edge."""
    node: Tag | None = el
    while node is not None:
        sibling = node.next_sibling if forward else node.previous_sibling
        while sibling is not None:
            text = sibling.get_text() if isinstance(sibling, Tag) else str(sibling)
            if text:
                return text[0] if forward else text[-1]
            sibling = sibling.next_sibling if forward else sibling.previous_sibling
        parent = node.parent
        node = parent if parent is not None and parent.name in _INLINE_ELEMENTS else None
    return ""


def _delimits(char: str) -> bool:
    """Whether a delimiter run next to ``char`` flanks as CommonMark needs: an edge, a space or punctuation."""
    return not char or char.isspace() or unicodedata.category(char)[0] in "PS"


LINK_TEXT = r"(?:\\.|[^\]\\])*"
"""A pattern for the text of a Markdown link or image as the converter writes it (``]`` escaped)."""
_IMAGE_MARKDOWN = re.compile(r"!\[" + LINK_TEXT + r"\]\([^)\s]*\)")


def _has_words(text: str) -> bool:
    """Emphasis around punctuation or images alone (``*｜*``, ``**![图片](…)**``) is layout, not emphasis."""
    return any(char.isalnum() for char in _IMAGE_MARKDOWN.sub("", text))


@dataclass
class MarkdownBody:
    """The converted body: Markdown text, image URLs in order, plain-text paragraphs."""

    markdown: str
    images: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


# markdownify's stub declares none of the escape/convert_* methods this class extends.
_MarkdownConverter: Any = MarkdownConverter


class _ArticleConverter(_MarkdownConverter):
    """markdownify with safe links and images, and text that cannot become HTML, links or shortcodes."""

    def __init__(self, base_url: str, images: list[str]) -> None:
        super().__init__(heading_style=ATX, newline_style=BACKSLASH, bullets="-")
        self.base_url = base_url
        self.images = images

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape_inline_text(text)

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A line break: a newline in code, a space inside inline markup, headings and cells, else a
        paragraph break. Never a Markdown hard break: at the end of a block it would be shown as a
        stray backslash, and news pages use ``<br>`` to separate paragraphs."""
        if "_noformat" in parent_tags:
            return "\n" + text
        if parent_tags & _INLINE_PARENTS:
            return " " + text
        return "\n\n" + text

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A heading; one with no words in it (an empty caption slot, a lone separator) is no heading."""
        return super().convert_hN(n, el, text, parent_tags) if _has_words(text) else text.strip()

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A list item; inside a heading or table cell, where Markdown has no lists, its text alone."""
        if parent_tags & _NO_LIST_PARENTS:
            return " " + text.strip() + " "
        return super().convert_li(el, text, parent_tags)

    def convert_b(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _emphasis(super().convert_b, el, text, parent_tags)

    def convert_em(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return _emphasis(super().convert_em, el, text, parent_tags)

    def _site_keyword_link(self, el: Tag, href: str) -> bool:
        """A link the site puts on a word of the text to its own keyword, encyclopedia or stock page
        (``长<a href=/baike/shalong/>沙龙</a>湖``): a short link inside a word, or to such a page, on
        the page's own site. Its words are the article's; the link is the site's."""
        if not self.base_url or len(el.get_text().strip()) > MAX_KEYWORD_LINK:
            return False
        inside_word = _text_beside(el, forward=False).isalnum() and _text_beside(el, forward=True).isalnum()
        return (inside_word or _keyword_target(href)) and registrable_domain(href) == registrable_domain(self.base_url)

    convert_strong = convert_b
    convert_i = convert_em

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_code(el, defuse_code(text), parent_tags)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_pre(el, defuse_code(text), parent_tags)

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = absolute_http_url(str(el.get("src") or ""), self.base_url)
        if src is None:
            return ""
        self.images.append(src)
        alt = _WHITESPACE.sub(" ", str(el.get("alt") or "")).strip() or DEFAULT_ALT
        alt = escape_inline_text(alt)
        return f"![{alt}]({markdown_safe_url(src)})"

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = absolute_http_url(str(el.get("href") or ""), self.base_url)
        if href is None or not text.strip() or self._site_keyword_link(el, href):
            return text
        return f"[{text.strip()}]({markdown_safe_url(href)})"


def _keyword_target(href: str) -> bool:
    """A site's keyword, encyclopedia or stock page: ``/keywords/…``, ``/baike/…``, ``quotes.<site>/…``."""
    parts = urlsplit(href)
    host_label = (parts.hostname or "").split(".", 1)[0]
    return host_label in _KEYWORD_SEGMENTS or any(segment.lower() in _KEYWORD_SEGMENTS for segment in parts.path.split("/"))


def sanitize_fragment(root: HtmlElement) -> None:
    """Remove unsafe elements, comments and every ``on*`` attribute from ``root``, in place; and the
    page's controls: a ``javascript:`` link set apart from the text (share, play, expand) is a
    button, not content. One inside a sentence (a stock name opening a pop-up) keeps its words.
    Images that are no pictures of the article (glyphs, spacers, icons, posters) go too."""
    for node in list(root.iterdescendants(etree.Comment, etree.ProcessingInstruction, *UNSAFE_TAGS)):
        remove(node)
    for link in list(root.iterdescendants("a")):
        if not _JAVASCRIPT_HREF.match(link.get("href") or "") or next(link.iter("img"), None) is not None:
            continue
        if _inside_running_text(link):
            link.drop_tag()
        else:
            remove(link)
    for element in root.iter(etree.Element):
        for attribute in [name for name in element.attrib if name.lower().startswith("on")]:
            del element.attrib[attribute]
    drop_decorations(root)
    drop_repeated_captions(root)


def drop_repeated_captions(root: HtmlElement) -> None:
    """Remove a caption paragraph that only repeats its image's alt text (the image is written with
    it): the next block after the image's block, or its ``<figcaption>``, when its text is the alt,
    word for word. A caption in the image's own line stays."""
    for image in list(root.iter("img")):
        alt = _WHITESPACE.sub(" ", image.get("alt") or "").strip()
        if not alt or alt == DEFAULT_ALT:
            continue
        holder = image
        while holder.getparent() is not None and holder.getparent() is not root and holder.getnext() is None \
                and not (holder.tail or "").strip():
            holder = holder.getparent()
        caption = holder.getnext()
        if caption is not None and caption.tag in BLOCK_TAGS and not (holder.tail or "").strip() \
                and _WHITESPACE.sub(" ", caption.text_content()).strip() == alt and next(caption.iter("img"), None) is None:
            remove(caption)


def _inside_running_text(element: HtmlElement) -> bool:
    """Whether text of its block stands both before and after ``element``."""
    before, after = text_beside(element)
    return bool(before) and bool(after)


def _leaf_paragraphs(root: HtmlElement) -> list[str]:
    paragraphs = []
    for block in root.iter(*BLOCK_TAGS):
        if next(block.iterdescendants(*BLOCK_TAGS), None) is not None:
            continue
        text = " ".join(block.itertext()) if block.tag in ("td", "th") else block.text_content()
        text = _WHITESPACE.sub(" ", text).strip()
        if text:
            paragraphs.append(text)
    return paragraphs


def tidy_markdown(markdown: str) -> str:
    """Strip line-end and indentation spaces, collapse blank runs to one blank line."""
    lines = [line.rstrip() for line in strip_control_chars(markdown).split("\n")]
    text = _LEAD_SPACE.sub("", "\n".join(lines))
    text = _ADJACENT_BOLD.sub("", text)  # **a****b** (two bold runs side by side) is one: **ab**
    blocks = [block for block in _BLANK_RUNS.sub("\n\n", text).strip().split("\n\n") if not _debris(block)]
    while blocks and _HEADING.match(blocks[-1]):  # a heading with nothing under it (a related-links title)
        blocks.pop()
    return "\n\n".join(blocks)


def _debris(block: str) -> bool:
    """A block with no word, image or code in it: the page's layout (carousel arrows ``\\< >``,
    separators), which Markdown would show as a paragraph of punctuation."""
    plain = _ENTITY.sub("", block.replace("\\", ""))  # the converter writes < as &lt;
    return not _WORD.search(plain) and "](" not in block and not block.startswith(("```", "    ", "---", "***"))


def without_leading_title(markdown: str, title: str) -> str:
    """``markdown`` without a first block that only repeats the article's title (the page's own
    ``<h1>`` kept in the body): the title is in the front matter already."""
    first, _, rest = markdown.partition("\n\n")
    plain = _WHITESPACE.sub(" ", _MARKUP_CHARS.sub("", first)).strip()
    return rest if title and plain == _WHITESPACE.sub(" ", title).strip() else markdown


def html_to_markdown(fragment: str | HtmlElement, base_url: str = "") -> MarkdownBody:
    """Convert an article body (HTML text or an lxml element, changed in place) to a ``MarkdownBody``.

    The tree is cleaned with lxml; only the cleaned body is handed to markdownify's BeautifulSoup.
    """
    root = body_of(parse_document(fragment, base_url)) if isinstance(fragment, str) else fragment
    sanitize_fragment(root)
    markdown, images = convert_clean_html(tostring(root, encoding="unicode", with_tail=False), base_url)
    return MarkdownBody(markdown=markdown, images=images, paragraphs=_leaf_paragraphs(root))


def convert_clean_html(clean_html: str, base_url: str = "") -> tuple[str, list[str]]:
    """markdownify's part: already sanitized body HTML to tidy Markdown and its image URLs."""
    images: list[str] = []
    converter = _ArticleConverter(base_url, images)
    return tidy_markdown(converter.convert_soup(BeautifulSoup(clean_html, "lxml"))), images
