"""Toutiao (今日头条, ``www.toutiao.com/article/<ID>/``, older ``/a<ID>/`` and ``/group/<ID>/``)."""

from __future__ import annotations

import re

from crawler.extraction.sources.portal import PortalPage


class ToutiaoPage(PortalPage):
    """toutiao.com articles: body ``article.tt-article-content`` (the 2019 template: the block after the title)."""

    source = "toutiao"
    display_name = "今日头条"
    hosts = ("toutiao.com",)
    article_url = re.compile(r"toutiao\.com/(?:article/|group/|[ai])(\d{15,20})(?:[/?#]|$)")
    body_selectors = ("article.tt-article-content", ".article-content > h1 ~ div:not(.article-sub)", ".article-content")
    title_selectors = (".article-content > h1", "h1")
    title_suffix = re.compile(r"\s*-\s*今日头条$")
    time_meta = ()
    time_selectors = (".article-meta > span:first-child", ".article-sub")
    author_meta = ()
    author_selectors = (".article-meta .name", ".article-sub > span:not(.original)")
    drop_selectors = (".tt-vote-card", ".pgc-card", ".pgc-end-source")
    not_article_selectors = {".galleryBox": "a picture gallery"}  # images and captions only in BASE_DATA.galleryInfo
