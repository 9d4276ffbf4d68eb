"""Chinese encodings come out as correct UTF-8 text whatever the page declares."""

from __future__ import annotations

import pytest

from conftest import page
from crawler import extract, render
from crawler.encoding import decode_html

CHANNEL = page("channel-finance-20190923000843")  # saved as UTF-8, its <meta> says gb2312
UTF8_TEXT = CHANNEL.html.read_text(encoding="utf-8")


def _encoded(codec: str, declaration: bool = True) -> bytes:
    text = UTF8_TEXT
    if not declaration:
        text = text.replace('<meta content="text/html; charset=gb2312" http-equiv="Content-Type">', "")
        text = text.replace('<meta charset="gb2312">', "")
        assert "gb2312" not in text.lower()
    return text.encode(codec, errors="xmlcharrefreplace")  # as a GBK page writes &copy;


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(CHANNEL.html.read_bytes(), None, id="utf8-bytes-meta-says-gb2312"),
        pytest.param(CHANNEL.html.read_bytes(), {"Content-Type": "text/html; charset=gbk"}, id="utf8-bytes-header-says-gbk"),
        pytest.param(_encoded("gbk"), None, id="gbk-meta-gb2312"),
        pytest.param(_encoded("gbk"), {"Content-Type": "text/html; charset=GBK"}, id="gbk-header"),
        pytest.param(_encoded("gbk"), {"Content-Type": "text/html; charset=utf-8"}, id="gbk-header-wrongly-utf8"),
        pytest.param(_encoded("gb18030", declaration=False), None, id="gb18030-undeclared"),
        pytest.param(_encoded("gbk", declaration=False), {"Content-Type": "text/html"}, id="gbk-undeclared"),
        pytest.param(b"\xef\xbb\xbf" + CHANNEL.html.read_bytes(), None, id="utf8-bom"),
    ],
)
def test_page_decodes_to_the_same_article(body: bytes, headers: dict[str, str] | None) -> None:
    rendered = render(extract(CHANNEL.url, body, headers))
    assert rendered == CHANNEL.golden.read_text(encoding="utf-8")


def test_scrapy_headers_object_is_understood() -> None:
    from scrapy.http import Headers

    headers = Headers({"Content-Type": "text/html; charset=gb2312"})
    assert decode_html("数据业大整顿".encode("gbk"), headers) == "数据业大整顿"


def test_undecodable_bytes_do_not_raise() -> None:
    assert isinstance(decode_html(bytes(range(256)) * 4, {"Content-Type": "text/html; charset=nonsense"}), str)
