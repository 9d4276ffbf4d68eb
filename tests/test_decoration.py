"""Only the article's own pictures are images: glyphs, spacers, icons and posters are not."""

from __future__ import annotations

import pytest

from crawler.extraction.markdown import html_to_markdown
from crawler.extraction.sources.weixin import HEADLINE_LIMIT, headline_of

PHOTO = '<p><img src="https://e.example/photo.jpg" width="640"></p>'


@pytest.mark.parametrize(("html", "markdown"), [
    ('<p>好冷<img src="https://res.wx.qq.com/t/wx_fed/we-emoji/res/assets/newemoji/Cold.png" alt="[Cold]">啊</p>',
     "好冷\\[Cold\\]啊"),  # an emoji glyph stands for its name, as the page's text shows it
    ('<p>就没有然后了<img src="https://e.example/sticker.png" style="display:inline-block;width: 20px">···</p>',
     "就没有然后了···"),  # a picture at text size inside a sentence
    ('<p><img src="https://e.example/images/space.gif"><img src="https://e.example/a.jpg" width="1" height="1"></p>', ""),
    ('<p><img src="https://www.gov.example/images/wza.png"><img src="https://e.example/icon_ipad.png"></p>', ""),
    ('<div class="txp_player"><img src="https://e.example/poster.jpg"></div>', ""),
    ('<p><img src="https://e.example/lazy.jpg" style="height:0px;width:1080px"></p>',
     "![图片](https://e.example/lazy.jpg)"),  # a lazy image waiting for its script is a picture
])
def test_decorations_are_not_images_and_pictures_stay(html: str, markdown: str) -> None:
    converted = html_to_markdown(html + PHOTO, "https://e.example/")
    assert converted.markdown == (markdown + "\n\n" if markdown else "") + "![图片](https://e.example/photo.jpg)"


@pytest.mark.parametrize(("text", "headline"), [
    ("发工资了，时隔两年半，好开心\n\n还是打工好", "发工资了，时隔两年半，好开心"),
    ("今天读了一篇谈腾讯战略的文章，基本上不同意该文章的观点。索性我来谈一下好了。", "今天读了一篇谈腾讯战略的文章，基本上不同意该文章的观点"),
    ("大家好，我是轩辕之风，这是新的账号，和原来是同样的名字，我没有卖号哈，只是把主体迁移到我自己名下来，之前一直挂靠在朋友那里。",
     "大家好，我是轩辕之风，这是新的账号，和原来是同样的名字，我没有卖号哈"),  # cut at the last pause in the limit
    ("一" * 60, "一" * HEADLINE_LIMIT),
])
def test_a_post_without_a_headline_is_titled_by_its_first_sentence(text: str, headline: str) -> None:
    assert headline_of(text) == headline


@pytest.mark.parametrize(("html", "markdown"), [
    ('<p><img src="https://e.example/a.jpg" alt="图为会议现场"></p><p>图为会议现场</p><p>正文。</p>',
     "![图为会议现场](https://e.example/a.jpg)\n\n正文。"),
    ('<figure><img src="https://e.example/a.jpg" alt="图注"><figcaption>图注</figcaption></figure><p>正文。</p>',
     "![图注](https://e.example/a.jpg)\n\n正文。"),
    ('<p><img src="https://e.example/a.jpg" alt="图注"></p><p>图注之后的正文。</p>',
     "![图注](https://e.example/a.jpg)\n\n图注之后的正文。"),  # not the caption: kept
    ('<p><img src="https://e.example/a.jpg" alt="图注"> <span>图注</span></p>',
     "![图注](https://e.example/a.jpg) 图注"),  # in the image's own line: kept
])
def test_a_caption_paragraph_that_repeats_the_alt_is_not_written_twice(html: str, markdown: str) -> None:
    assert html_to_markdown(html, "https://e.example/").markdown == markdown
