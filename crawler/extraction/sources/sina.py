"""Sina News (新浪): ``<channel>.sina.com.cn/.../doc-i<ID>.shtml`` and its mobile site,
``<channel>.sina.cn/.../detail-i<ID>.d.html`` (the same ID: one article) and ``k.sina.cn/article_<ID>.html``."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.html import remove
from crawler.extraction.sources.portal import PortalPage

_STATEMENT_MARKER = "总声明"


class SinaPage(PortalPage):
    """sina.com.cn articles: body ``#artibody`` (``#article`` on newer pages), title ``h1.main-title``;
    sina.cn (the articlev4 template of 2026): body ``section.art_content``, title ``h1.art_tit_h1``."""

    source = "sina"
    display_name = "新浪"
    hosts = ("sina.com.cn", "sina.cn")
    article_url = re.compile(r"sina\.(?:com\.)?cn/.*?(?:doc|detail)-(i[a-z]{7}\d{7})\.(?:shtml|d\.html)"
                             r"|k\.sina\.cn/article_(\d+_[0-9a-z]+)\.html")
    body_selectors = ("#artibody", "#article", "section.art_content")
    title_selectors = ("h1.main-title", "#artibodyTitle", "h1.art_tit_h1")
    time_meta = ("weibo: article:create_at", "article:published_time")
    time_selectors = (".date-source .date", "#pub_date")
    author_selectors = (".date-source .source", "#media_name", ".weibo_user")
    site_images = re.compile(r"sinaimg\.cn/default/")  # default/feedbackpics, default/transform, badges
    drop_selectors = (".article-editor", ".show_author", ".appendQr_wrap", ".app-kaihu-qr", ".ct_hqimg",
                      "[id^=left_hzh_ad]", ".sinaads", "#quoteWrap", ".article-notice", "[class^=ad_]",
                      ".finance_app_zqtg", ".article-bottom", ".video-2017", ".tech-quotation", ".artical-player-wrap")

    def clean_body(self, body: HtmlElement) -> HtmlElement:
        """Also drop Sina's site-wide statement (免责声明), which its template puts between two
        ``<!-- 总声明 -->`` comments."""
        markers = [node for node in body.iter(etree.Comment) if (node.text or "").strip() == _STATEMENT_MARKER]
        for opening, closing in zip(markers[::2], markers[1::2], strict=False):
            node = opening.getnext()
            while node is not None and node is not closing:
                following = node.getnext()
                remove(node)
                node = following
        return super().clean_body(body)
