"""Images in an article body that are not the article's pictures: glyphs, spacers, icons, posters.

A body image is published only when it is a picture of the article. What is not, by structure:
an emoji or sticker glyph (an image from an emoji set, or one shown at text size inside a
sentence: it stands for a character), a spacer (declared one or two pixels, or a template's
``space.gif``), a template icon (accessibility, share, logo buttons of PNG/GIF/SVG/ICO), and a
video's poster (an image inside a player, where the page shows a video).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extraction.html import remove, text_beside

GLYPH_SIZE = 32
"""Largest declared width (CSS pixels) of an image shown as a character inside a sentence."""
SPACER_SIZE = 2
"""Largest declared width or height (pixels) of a spacer image."""
_EMOJI_PATH = re.compile(r"(?i)/(?:we-?emoji|emoji|emoticons?|emotion|expression|smilies|smileys)/")
_EMOJI_CLASS = re.compile(r"(?i)\b(?:we-?emoji|emoji|wx_emoji|emoticon)")
_SPACER_FILE = re.compile(r"(?i)(?:^|/)(?:space|spacer|blank|pixel|clear|transparent|1x1|dot)\.(?:gif|png)$")
_ICON_FILE = re.compile(r"(?i)(?:^|[_.-])(?:wza|icons?|ico|logo|favicon|share|btn|button|arrow)(?=[_.\-\d])[^/]*\.(?:png|gif|svg|ico)$")
_PLAYER = re.compile(r"(?i)poster|player|video")
_PIXELS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")
_STYLE_SIZE = re.compile(r"(?i)(?<![-\w])(width|height)\s*:\s*(\d+(?:\.\d+)?)px")
_BRACKETED = re.compile(r"^\[[^\[\]]{1,12}\]$")


def drop_decorations(root: HtmlElement, source_of: str = "src") -> None:
    """Remove from ``root`` every ``<img>`` that is not a picture of the article; a glyph whose alt
    names it (``[Cold]``, ``[微笑]``) leaves that text in its place, as the page's text shows it."""
    for image in list(root.iter("img")):
        kind = _decoration(image, str(image.get(source_of) or ""))
        if kind is None:
            continue
        alt = (image.get("alt") or "").strip()
        if kind == "glyph" and _BRACKETED.match(alt):
            image.tail = alt + (image.tail or "")
        remove(image)


def _decoration(image: HtmlElement, url: str) -> str | None:
    """``"glyph"``, ``"spacer"``, ``"icon"`` or ``"poster"`` for an image that is one, else ``None``."""
    path = _path_of(url)
    width = _declared_size(image, "width")
    if _EMOJI_PATH.search(path) or _EMOJI_CLASS.search(image.get("class") or ""):
        return "glyph"
    if _SPACER_FILE.search(path) or any(size is not None and size <= SPACER_SIZE for size in _attribute_sizes(image)):
        return "spacer"
    if width is not None and width <= GLYPH_SIZE and _inside_sentence(image):
        return "glyph"
    if _ICON_FILE.search(path.rsplit("/", 1)[-1]):
        return "icon"
    if any(_PLAYER.search(f"{node.get('class') or ''} {node.get('id') or ''}") for node in image.iterancestors()) \
            or _PLAYER.search(image.get("class") or ""):
        return "poster"
    return None


def _path_of(url: str) -> str:
    """The path of an image URL (the URL itself when it has none or is no URL: ``http://[``)."""
    try:
        return urlsplit(url).path if url.startswith(("http://", "https://", "//", "/")) else url
    except ValueError:
        return url


def _attribute_sizes(image: HtmlElement) -> list[float | None]:
    """The image's ``width`` and ``height`` attributes in pixels (a style's ``height:0`` is a lazy
    image waiting for its script, not a spacer)."""
    sizes = [_PIXELS.match(image.get(name) or "") for name in ("width", "height")]
    return [float(size.group(1)) if size else None for size in sizes]


def _declared_size(image: HtmlElement, dimension: str) -> float | None:
    """The image's ``width`` or ``height`` in pixels, from its attribute or its inline style."""
    for name, value in _STYLE_SIZE.findall(image.get("style") or ""):
        if name.lower() == dimension:
            return float(value)
    attribute = _PIXELS.match(image.get(dimension) or "")
    return float(attribute.group(1)) if attribute else None


def _inside_sentence(image: HtmlElement) -> bool:
    """Whether text of the image's block stands right before or after it (a glyph in a line of text)."""
    return any(text_beside(image))
