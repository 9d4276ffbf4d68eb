"""NetEase News (网易, ``www.163.com/<channel>/article/<ID>.html`` and the older ``<channel>.163.com/yy/mmdd/hh/<ID>.html``)."""

from __future__ import annotations

import re

from crawler.extraction.sources.portal import PortalPage


class NetEasePage(PortalPage):
    """163.com articles: body ``div.post_body``, time from ``article:published_time``."""

    source = "163"
    display_name = "网易新闻"
    hosts = ("163.com",)
    article_url = re.compile(r"163\.com/(?:[a-z]+/article/|\d{2}/\d{4}/\d{2}/)([0-9A-Z]{16})\.html")
    # The 2015 money column template: title h2.con1_ltle, body div.entext (its #endText holds only
    # a disclaimer); the 2015 "ep" template: h1#h1title, time and source in div.ep-time-soure (sic).
    body_selectors = ("div.entext", "#endText", "div.post_body", "#content .content")
    title_selectors = ("h1.post_title", "h2.con1_ltle", "h1#h1title", "h1")
    time_selectors = (".post_info", ".post_time_source", ".ep-time-soure", ".con1_date")
    author_meta = ()  # its article:author is the site itself (网易); the source it credits is in the byline
    GENERIC_FIELDS = PortalPage.GENERIC_FIELDS - {"author"}  # the generic finders would read that 网易
    # the byline's first link is the credited source; when the source is plain text, the first link is
    # the byline's report button (a.post_jubao), which is no author
    author_selectors = ("#ne_article_source", ".post_info > a:not(.post_jubao):first-of-type",
                        ".post_time_source > a:not(.post_jubao):first-of-type", ".con1_author")
    drop_selectors = (".post_btmshare", ".post_end", ".ep-source", ".post_top", ".post_statement",
                      ".post_recommends", ".gg200x300", ".nph_photo_ctrl")
