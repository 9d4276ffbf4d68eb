"""What a WeChat page keeps in its script data rather than its markup (picture and text posts of
2020-2026): the post's text (``content_noencode: JsDecode('…')``), its pictures
(``window.picture_page_info_list``), its title, and the 2018 share page's ``document.write`` text.
"""

from __future__ import annotations

import html
import re

_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.DOTALL)
_JS_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_TEXT = re.compile(r"""\bcontent_noencode\s*:\s*JsDecode\('((?:\\.|[^'\\])*)'\)""")
_TITLE = re.compile(r"""(?:\bmsg_title\s*=\s*|\btitle\s*:\s*JsDecode\(|\bd\.title\s*=\s*)(['"])((?:\\.|(?!\1)[^\\])*)\1""")
_DOCUMENT_WRITE = re.compile(r'document\.write\("((?:\\.|[^"\\])*)"')
_ACCOUNT = re.compile(r"""\bnick_name\s*(?::\s*JsDecode\(|=\s*)(['"])((?:\\.|(?!\1)[^\\])+)\1""")
_PICTURE_LIST = re.compile(r"\bpicture_page_info_list\s*=\s*\[")
_CDN_URL = re.compile(r"""\bcdn_url\s*:\s*'((?:\\.|[^'\\])*)'""")


def js_string(literal: str) -> str:
    """The value of a JavaScript string literal's body (``\\x0a``, ``\\u4e2d``, ``\\'`` decoded)."""

    def decoded(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "xu" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _JS_SIMPLE_ESCAPES.get(escape, escape)

    return _JS_ESCAPE.sub(decoded, literal)


def post_text(page_html: str) -> str:
    """The text of a picture or text post: the first non-empty ``content_noencode``, else the
    string a 2018 share page writes with ``document.write``; ``""`` when the page has neither."""
    for match in _TEXT.finditer(page_html):
        text = js_string(match.group(1)).strip()
        if text:
            return text
    written = _DOCUMENT_WRITE.search(page_html)
    return js_string(written.group(1)).strip() if written else ""


def post_title(page_html: str) -> str:
    """The title the page's script data gives the post (``msg_title``, ``title: JsDecode(…)``)."""
    match = _TITLE.search(page_html)
    return html.unescape(js_string(match.group(2))).strip() if match else ""


def post_account(page_html: str) -> str:
    """The name of the account that published the post (``nick_name`` in the script data)."""
    match = _ACCOUNT.search(page_html)
    return html.unescape(js_string(match.group(2))).strip() if match else ""


def picture_urls(page_html: str) -> list[str]:
    """The URLs of a picture post's pictures: the ``cdn_url`` of each entry of
    ``picture_page_info_list`` (not those nested in an entry: watermark, share cover)."""
    start = _PICTURE_LIST.search(page_html)
    if start is None:
        return []
    urls, depth, position = [], 0, start.end()
    while position < len(page_html):
        char = page_html[position]
        if char in "'\"":  # skip a string: its brackets are not structure
            end = position + 1
            while end < len(page_html) and page_html[end] != char:
                end += 2 if page_html[end] == "\\" else 1
            position = end + 1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            if depth == 0:
                break
            depth -= 1
        elif depth == 1 and (url := _CDN_URL.match(page_html, position)):
            urls.append(html.unescape(js_string(url.group(1))))
            position = url.end()
            continue
        position += 1
    return urls
