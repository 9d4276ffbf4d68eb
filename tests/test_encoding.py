"""Chinese encodings come out as correct UTF-8 text whatever the page declares."""

from __future__ import annotations

import pytest
from conftest import page

from crawler import extract, render
from crawler.extraction.encoding import decode_html

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
        pytest.param(CHANNEL.html.read_bytes().replace(b"<head>", b"<head><!-- \xff\xfe -->", 1), None,
                     id="utf8-with-bad-bytes-in-a-comment"),
        pytest.param(CHANNEL.html.read_bytes().replace(b"<head>", b"<head><!-- \xb0 -->", 1),
                     {"Content-Type": "text/html; charset=gbk"}, id="utf8-with-a-bad-byte-declared-gbk"),
    ],
)
def test_page_decodes_to_the_same_article(body: bytes, headers: dict[str, str] | None) -> None:
    rendered = render(extract(CHANNEL.url, body, headers))
    assert rendered == CHANNEL.golden.read_text(encoding="utf-8")


NETEASE = page("KC12OUHK000189FH")  # a real UTF-8 page with no charset declaration


def _traditional_page() -> str:
    """The real NetEase page in Traditional characters (OpenCC), its charset declarations removed."""
    import opencc
    text = opencc.OpenCC("s2t").convert(NETEASE.html.read_text(encoding="utf-8"))
    assert "charset" not in text.lower().split("</head>")[0]
    return text


TRADITIONAL = _traditional_page()


@pytest.mark.parametrize(("codec", "declaration", "headers"), [
    ("big5", "", {"Content-Type": "text/html; charset=big5"}),
    ("big5", '<meta charset="big5">', None),
    ("big5", "", None),
    ("big5", "", {"Content-Type": "text/html; charset=gbk"}),
    ("big5", '<meta charset="gb2312">', None),
    ("big5", '<meta charset="utf-8">', None),
    ("big5hkscs", '<meta http-equiv="Content-Type" content="text/html; charset=big5-hkscs">', None),
    ("gbk", '<meta charset="big5">', None),
    ("gb18030", "", {"Content-Type": "text/html; charset=big5"}),
    ("gbk", '<meta charset="iso-8859-1">', None),  # the page's <html lang="zh-CN"> settles it
], ids=lambda value: str(value)[:30] if value else "none")
def test_traditional_and_simplified_pages_decode_whatever_they_declare(
    codec: str, declaration: str, headers: dict[str, str] | None
) -> None:
    """Re-encoded real page text, declared rightly, wrongly or not at all, reads back exactly."""
    source = TRADITIONAL if codec.startswith("big5") else NETEASE.html.read_text(encoding="utf-8")
    source = source.replace("<head>", "<head>" + declaration, 1)
    body = source.encode(codec, errors="xmlcharrefreplace")
    assert body.decode(codec) != source or codec == "gb18030"  # some characters became &#...; references
    expected = render(extract(NETEASE.url, source))
    assert render(extract(NETEASE.url, body, headers)) == expected
    assert "停擺" in expected if codec.startswith("big5") else "停摆" in expected


def test_scrapy_headers_object_is_understood() -> None:
    from scrapy.http import Headers

    headers = Headers({"Content-Type": "text/html; charset=gb2312"})
    assert decode_html("数据业大整顿".encode("gbk"), headers) == "数据业大整顿"


def test_undecodable_bytes_do_not_raise() -> None:
    assert isinstance(decode_html(bytes(range(256)) * 4, {"Content-Type": "text/html; charset=nonsense"}), str)


def test_a_latin_page_declared_single_byte_stays_latin() -> None:
    page_text = "<html><head><meta charset='iso-8859-1'></head><body><p>" + "Le café était très animé, à côté de l'église. " * 30
    assert decode_html(page_text.encode("latin-1")) == page_text


def test_a_gbk_page_with_a_few_utf8_looking_bytes_stays_gbk() -> None:
    assert decode_html(_encoded("gbk")).count("数据") == UTF8_TEXT.count("数据") > 0


def test_a_gbk_run_in_a_page_declared_utf8_spoils_only_itself() -> None:
    """A quote pasted in GBK into a UTF-8 article: the article reads as UTF-8, the quote as GBK."""
    from conftest import page

    reference = page("rain-20250214A05WPR00").html.read_bytes()
    quote = "这是一段用GBK编码粘贴进来的引文，共三十六个汉字左右的长度，用来测试解码。"
    mixed = reference.replace("股东频繁高位减持".encode(), quote.encode("gbk") + "股东频繁高位减持".encode(), 1)
    text = decode_html(mixed)
    assert quote in text and "乘上DeepSeek东风的青云科技" in text and "\ufffd" not in text
