"""Decode HTML bytes to text without mojibake.

Chinese portals often declare the wrong charset (a page saved as UTF-8 still says ``gb2312``),
so bytes that are valid UTF-8 are taken as UTF-8 before any declaration is believed: GBK text is
practically never valid UTF-8, while the reverse mistake is common.

Big5 text is also valid GB18030 (and often GBK text valid Big5), so for a page that is not UTF-8
the declared charset competes with GB18030 and Big5: each is decoded, and the one whose
non-ASCII characters are most often common Chinese characters wins, the declared one on a tie.
A single-byte declaration (``iso-8859-1``) is believed unless GB18030 or Big5 reads the page as
overwhelmingly common Chinese characters, which Latin text never is.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    resolve_encoding,
)

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


_CHINESE_CODECS = ("gb18030", "big5hkscs")
_SAMPLE_CHARS = 20000
_SURELY_CHINESE = 0.9
_SURE_SAMPLE = 50


@cache
def _common_chinese_chars() -> frozenset[str]:
    """The GB2312 hanzi and Big5 level-1 hanzi (the everyday characters of both scripts), and CJK punctuation."""
    def decoded(codec: str, leads: range, trails: list[int]) -> set[str]:
        chars = set()
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    continue
        return chars

    gb2312 = decoded("gb2312", range(0xB0, 0xF8), list(range(0xA1, 0xFF)))
    big5 = decoded("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    return frozenset(gb2312 | big5 | set("，。、；：？！“”‘’（）《》〈〉「」『』【】…—·　"))


def _common_share(text: str, minimum: int = 1) -> float:
    """Share of the non-ASCII characters that are common Chinese ones; 0 below ``minimum`` of them."""
    unusual = [char for char in text if ord(char) > 0x7F][:_SAMPLE_CHARS]
    if len(unusual) < minimum:
        return 0.0
    common = _common_chinese_chars()
    return sum(char in common for char in unusual) / len(unusual)


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_UTF8_ERRORS_TOLERATED = 0.01
"""Invalid sequences per valid multi-byte character below which a page is UTF-8 with a few bad bytes."""
_REPLACEMENT = "\ufffd"


def _mostly_utf8(body: bytes) -> str | None:
    """The page as UTF-8 when all but a few of its non-ASCII bytes are valid UTF-8 (one stray byte
    must not turn a whole article into GB18030 mojibake); GBK or Big5 bytes are almost never valid."""
    text = body.decode("utf-8", errors="replace")
    invalid = text.count(_REPLACEMENT) - body.count(_REPLACEMENT.encode("utf-8"))
    valid = sum(ord(char) > 0x7F for char in text) - text.count(_REPLACEMENT)
    return text if valid >= _SURE_SAMPLE and invalid <= valid * _UTF8_ERRORS_TOLERATED else None


def _foreign_run_end(body: bytes, start: int) -> int:
    """Where a run of two-byte GBK characters from ``start`` ends: at an ASCII byte between them, or
    where UTF-8 resumes (three valid UTF-8 characters in a row, which GBK text almost never forms)."""
    position = start
    while position < len(body) and body[position] >= 0x80:
        if position > start and _strict(body[position:position + 9], "utf-8") is not None:
            break
        position += 2
    return min(position, len(body))


def _utf8_with_foreign_runs(body: bytes) -> str | None:
    """A page declared UTF-8 (or not declared) with runs of another encoding pasted in (a GBK quote in a UTF-8
    article): UTF-8 where it is valid, each bad run read as GB18030, so only that run can be
    wrong; ``None`` when valid UTF-8 is not most of the page's non-ASCII text."""
    parts: list[str] = []
    position, foreign = 0, 0
    while position < len(body):
        try:
            parts.append(body[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            start = position + error.start
            parts.append(body[position:start].decode("utf-8"))
            end = _foreign_run_end(body, start)
            parts.append(body[start:end].decode("gb18030", errors="replace"))
            foreign += end - start
            position = end
    text = "".join(parts)
    utf8_chars = sum(ord(char) > 0x7F for char in text) - foreign // 2
    return text if utf8_chars >= max(_SURE_SAMPLE, foreign) else None


def decode_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> str:
    """Return the page text: BOM, then (all but a few bytes) valid UTF-8, then the best of declared,
    GB18030 and Big5."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    if (text := _strict(body, "utf-8")) is not None or (text := _mostly_utf8(body)) is not None:
        return text
    declared = _codec(http_content_type_encoding(header_value(headers, "Content-Type")))
    declared = declared or _codec(html_body_declared_encoding(body))
    if declared in (None, "utf-8") and (text := _utf8_with_foreign_runs(body)) is not None:
        return text
    candidates = dict.fromkeys(name for name in (declared, *_CHINESE_CODECS) if name)
    decoded = [(text, name) for name in candidates if (text := _strict(body, name)) is not None]
    single_byte = declared is not None and declared not in _CHINESE_CODECS and "utf" not in declared.lower()
    if single_byte and decoded and decoded[0][1] == declared:
        chinese = [text for text, name in decoded[1:] if _common_share(text, _SURE_SAMPLE) >= _SURELY_CHINESE]
        return chinese[0] if chinese else decoded[0][0]
    if not decoded:
        return body.decode(declared if declared in _CHINESE_CODECS else "gb18030", errors="replace")
    return max(decoded, key=lambda pair: _common_share(pair[0]))[0]  # max keeps the first of equals


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def strip_control_chars(text: str) -> str:
    """Drop C0 control characters (NUL, ESC, ...), lone surrogates and non-characters: no article text holds them."""
    return _CONTROL_CHARS.sub("", text)
