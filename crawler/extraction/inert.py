"""Make untrusted text inert in a Hugo site: no shortcode runs, nothing reads as an HTML tag.

Hugo expands ``{{< … >}}`` and ``{{% … %}}`` in a page's raw content before Markdown is rendered,
in code spans and image alt text too, so a Markdown backslash cannot stop it there. A zero-width
space between the braces and the delimiter breaks the syntax everywhere and reads the same.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
_SHORTCODE_OPEN = re.compile(r"\{\{(?=[<%])")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def defuse_shortcodes(text: str) -> str:
    """``text`` with every shortcode opening (``{{<``, ``{{%``) broken by a zero-width space."""
    return _SHORTCODE_OPEN.sub("{{" + ZERO_WIDTH_SPACE, text)


def defuse_code(text: str) -> str:
    """Literal text (code spans and blocks, where escapes show): no shortcode and no tag opening."""
    return _TAG_OPEN.sub("<" + ZERO_WIDTH_SPACE, defuse_shortcodes(text))


def escape_inline_text(text: str) -> str:
    """Markdown inline text that Hugo shows as exactly these characters, and that can form no tag,
    link, shortcode, emphasis, table cell, heading attribute or typographic substitution.

    Every character Goldmark (with Hugo's default extensions) would read as markup is
    backslash-escaped, once: backslashes, emphasis and code markers, brackets, pipes, tildes,
    braces, quotes, runs of dots and dashes, ``>``, entity references, and the markers that open a
    block at the start of a line. ``<`` becomes ``&lt;`` (a backslash escape would leave
    ``<script>`` in the file for any reader that is not a Markdown renderer). An underscore inside
    a word (``snake_case``, a URL's ``zt_d``) cannot be emphasis and is left as it is, so Hugo's
    linkify keeps such URLs whole.
    """
    text = _ENTITY_REFERENCE.sub(r"\\&", text.replace("\\", "\\\\"))
    text = _ALWAYS_ESCAPED.sub(r"\\\g<0>", text).replace("<", "&lt;")
    text = _UNDERSCORES.sub(_escape_underscores, text)
    text = _TYPOGRAPHIC_RUN.sub(_escape_each, text)
    return defuse_shortcodes(_BLOCK_MARKER.sub(_escape_block_marker, text))


_ENTITY_REFERENCE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_ALWAYS_ESCAPED = re.compile(r"[`*\[\]|~{\"'>]")
_UNDERSCORES = re.compile(r"_+")
_TYPOGRAPHIC_RUN = re.compile(r"\.{3,}|-{2,}")
_BLOCK_MARKER = re.compile(r"(?m)(?:^|(?<=[ \t]))#{1,6}(?=[ \t]|$)|^[ \t]*(?:[-+:]|=+|[0-9]{1,9}[.)])(?=[ \t]|$)")


def _backslashed(chars: str) -> str:
    return "".join("\\" + char for char in chars)


def _escape_each(match: re.Match[str]) -> str:
    return _backslashed(match.group())


def _escape_underscores(match: re.Match[str]) -> str:
    """``_`` between two letters or digits is part of the word; elsewhere it could open emphasis."""
    text, start, end = match.string, match.start(), match.end()
    inside_word = 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside_word else _escape_each(match)


def _escape_block_marker(match: re.Match[str]) -> str:
    """A heading, list, quote, definition or setext marker at a line's start (or a closing ``#``):
    its punctuation escaped, so the line stays a paragraph's text."""
    marker = match.group()
    stripped = marker.lstrip(" \t")
    if stripped[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return marker[: len(marker) - len(stripped)] + _backslashed(stripped)


SUMMARY_MARK = "..."
"""How a summary ends (the reference's ``…李路...``): newsmd's mark, not page text."""


def inert_summary(summary: str) -> str:
    """The front-matter ``summary``: Hugo renders it as Markdown on list pages and in RSS, so the
    page's text in it is escaped like body text (it shows as written: no link, tag or emphasis can
    be made of it), each escape written as a character reference (``&#42;``, not ``\\*``, which a
    YAML string would have to double); the closing ``...`` mark stays as it is."""
    text, mark = (summary[: -len(SUMMARY_MARK)], SUMMARY_MARK) if summary.endswith(SUMMARY_MARK) else (summary, "")
    escaped = _AUTOLINK.sub(r"\1\\\2", escape_inline_text(text))
    return _BACKSLASH_ESCAPE.sub(lambda match: f"&#{ord(match.group(1))};", escaped) + mark


_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp)|\bwww)(://|\.)")
"""Where Hugo's linkify would make a link of a bare address: a summary is shown as plain text."""
_BACKSLASH_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_HUGO_FILE_NAME = re.compile(r"(?i)^[^/]*\.(?:xml|html?|json|txt|rss|atom|css|js|md|ico|png|jpe?g|gif|webp|svg)$")
_HUGO_RESERVED_TERMS = frozenset({"index", "_index", "page", "tags", "categories", "posts", "404", "sitemap", "robots",
                                  "rss", "feed", "search", "taxonomies", "terms"})


def hugo_reserved_name(name: str) -> bool:
    """Whether a page-given name (a category, tag or author) would be a path Hugo itself writes or
    reads (``index.xml``, ``index.html``, ``page``, ``_index``, ``.hidden``): as a taxonomy term it
    would collide with the site's own files and fail the whole build."""
    plain = name.strip().lower()
    return (not plain or plain.startswith((".", "_")) or plain in _HUGO_RESERVED_TERMS
            or bool(_HUGO_FILE_NAME.match(plain)) or "/" in plain or "\\" in plain)
