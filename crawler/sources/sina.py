"""Sina News (新浪, ``<channel>.sina.com.cn/.../doc-i<ID>.shtml``)."""

from __future__ import annotations

import re

from crawler.sources.portal import PortalParser


class SinaParser(PortalParser):
    """sina.com.cn articles: body ``#artibody`` (``#article`` on newer pages), title ``h1.main-title``."""

    name = "sina"
    hosts = ("sina.com.cn",)
    article_url = re.compile(r"sina\.com\.cn/.*?doc-(i[a-z]{7}\d{7})\.shtml")
    body_selectors = ("#artibody", "#article")
    title_selectors = ("h1.main-title", "#artibodyTitle")
    time_meta = ("weibo: article:create_at", "article:published_time")
    time_selectors = (".date-source .date", "#pub_date")
    author_selectors = (".date-source .source", "#media_name")
    placeholder_cover = re.compile(r"sinaimg\.cn/default/")  # default/feedbackpics, default/transform: site-wide
    drop_selectors = (".article-editor", ".show_author", ".appendQr_wrap", ".app-kaihu-qr", ".ct_hqimg",
                      "[id^=left_hzh_ad]", ".sinaads", "#quoteWrap", ".article-notice", "[class^=ad_]",
                      ".finance_app_zqtg", ".article-bottom", ".video-2017")
