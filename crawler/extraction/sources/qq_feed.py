"""Tencent News discovery feeds: the channel list (``web_feed/getPCList``) and the hot list.

Plain functions from the JSON answer to ``FeedEntry`` records; no Scrapy.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from crawler.extraction.sources.qq import article_id_from_url

FEED_URL = "https://i.news.qq.com/web_feed/getPCList"
HOT_URL = "https://r.inews.qq.com/gw/event/hot_ranking_list?page_size=50"
ARTICLE_URL = "https://news.qq.com/rain/a/{}"
FALLBACK_ARTICLE_URL = "https://view.inews.qq.com/a/{}"
_ARTICLE_TYPES = frozenset({"0", "1"})
_AGGREGATE_CARD = "525"
FEED_PAGE_SIZE = 20


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: an article to fetch, or something skipped (``kind`` says which)."""

    kind: str  # "article", "video" or "other"
    article_id: str
    title: str = ""
    publish_time: str = ""
    update_time: str = ""

    @property
    def version(self) -> str:
        """What changes when the article changes: the feed's update time, else its title."""
        return "|".join((self.update_time, self.publish_time, self.title))

    def unchanged_since(self, known_version: str) -> bool:
        """Whether an article recorded at ``known_version`` needs no fetch for this entry.

        The hot list gives no update time, so it cannot tell a changed article: a known one is
        left to the channel feeds. Likewise an article first recorded from the hot list is taken
        as current the first time a channel feed lists it (that version is then recorded).
        """
        recorded_without_update_time = known_version.startswith("|")
        return not self.update_time or recorded_without_update_time or known_version == self.version


class FeedError(ValueError):
    """A feed answer that is not the JSON Tencent serves."""


CHANNELS = ("top", "news", "tech", "finance", "fx", "world", "mil", "ent", "sports", "nba", "auto", "house",
            "antip", "game", "digi", "edu", "history", "istock")
"""Channel names seen in Tencent's ``window.channelInfo`` (see the reference notes); others can be
given by their full id, ``news_news_<name>``."""
_CHANNEL_ID = re.compile(r"^news_news_[a-z0-9_]+$")


def is_known_channel(channel: str) -> bool:
    """A channel name from ``CHANNELS``, or a full channel id (``news_news_<name>``)."""
    return channel in CHANNELS or bool(_CHANNEL_ID.match(channel))


def new_device_id() -> str:
    """A random device id of the shape 2025–26 clients send (36 hex characters), one per run."""
    return secrets.token_hex(18)


def feed_request_body(channel: str, flush_num: int, device_id: str) -> bytes:
    """The JSON body of a ``getPCList`` request for page ``flush_num`` (1, 2, 3, …) of ``channel``
    (``finance`` or ``news_news_finance``), as the clients of 2025–26 send it."""
    channel_id = channel if channel.startswith("news_news_") else f"news_news_{channel}"
    body = {"base_req": {"from": "pc"}, "forward": "2", "qimei36": device_id, "device_id": device_id,
            "flush_num": flush_num, "channel_id": channel_id, "item_count": FEED_PAGE_SIZE, "is_local_chlid": "no"}
    return json.dumps(body, separators=(",", ":")).encode()


def feed_headers(channel: str) -> dict[str, str]:
    """Headers the feed expects (Referer of the channel page, Origin, JSON content type)."""
    short = channel.removeprefix("news_news_")
    return {
        "Referer": f"https://news.qq.com/ch/{short}/",
        "Origin": "https://news.qq.com",
        "Content-Type": "application/json;charset=UTF-8",
    }


def _load(body: bytes | str) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"not JSON: {error}") from None
    if not isinstance(answer, dict):
        raise FeedError("not a JSON object")
    code = answer.get("code", answer.get("ret", 0))
    if code not in (0, "0"):
        raise FeedError(f"error code {code!r}")
    return answer


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def _entry(item: dict[str, Any], in_card: bool) -> FeedEntry | None:
    link_info = item.get("link_info")
    link = str(link_info.get("url") or "") if isinstance(link_info, dict) else ""
    article_id = article_id_from_url(f"https://news.qq.com/rain/a/{_text(item, 'id')}") or article_id_from_url(
        link or str(item.get("url") or "")
    )
    if not article_id:
        return None
    published = _text(item, "publish_time") or _text(item, "time")
    article_type = str(item.get("articletype", "0"))
    if article_id[8:9] == "V" or article_type in {"4", "56", "101"}:
        kind = "video"
    elif article_type in _ARTICLE_TYPES and (published or not in_card):
        kind = "article"
    else:
        kind = "other"  # a card's item without a time is a teaser, not an article of the list
    return FeedEntry(kind, article_id, _text(item, "title"), published, _text(item, "update_time"))


def _walk(items: Any, in_card: bool = False) -> Iterator[FeedEntry]:
    """Entries of a list of items; a block (such as the ``525`` 热点精选 card, which has no page of
    its own) stands for its ``sub_item`` list."""
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("sub_item"), list):
            yield from _walk(item["sub_item"], in_card=in_card or str(item.get("articletype")) == _AGGREGATE_CARD)
            continue
        entry = _entry(item, in_card)
        if entry is not None:
            yield entry


def parse_channel_feed(body: bytes | str) -> list[FeedEntry]:
    """Entries of a ``getPCList`` answer (``{"code":0,"data":[...]}``; blocks are flattened)."""
    return list(_walk(_load(body).get("data")))


def parse_hot_list(body: bytes | str) -> list[FeedEntry]:
    """Entries of a hot-list answer (``idlist[0].newslist[]``, the first entry is a header)."""
    idlist = _load(body).get("idlist")
    first = idlist[0] if isinstance(idlist, list) and idlist and isinstance(idlist[0], dict) else {}
    news = first.get("newslist")
    return list(_walk(news[1:] if isinstance(news, list) else []))
