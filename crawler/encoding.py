"""Decode HTML bytes to text without mojibake.

Chinese portals often declare the wrong charset (a page saved as UTF-8 still says ``gb2312``),
so bytes that are valid UTF-8 are taken as UTF-8 before any declaration is believed: GBK text is
practically never valid UTF-8, while the reverse mistake is common.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import Any

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHINESE_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


def header_value(headers: Mapping[Any, Any] | None, name: str) -> str:
    """Return one header's value as text from a plain dict or Scrapy ``Headers``."""
    if not headers:
        return ""
    for key, value in headers.items():
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() != name.lower():
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else b""
        return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if not resolved:
        return None
    return _CHINESE_SUPERSETS.get(resolved.lower().replace("_", ""), resolved)


def decode_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> str:
    """Return the page text: BOM, then valid UTF-8, then the declared charset, then GB18030."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _codec(http_content_type_encoding(header_value(headers, "Content-Type")))
    declared = declared or _codec(html_body_declared_encoding(body))
    for encoding in (declared, "gb18030"):
        if encoding:
            try:
                return body.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode(declared or "gb18030", errors="replace")


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_chars(text: str) -> str:
    """Drop C0 control characters (NUL, ESC, ...) that no article text legitimately holds."""
    return _CONTROL_CHARS.sub("", text)
