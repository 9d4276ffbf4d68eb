"""Render an ``Article`` as the exact file text: Hugo (Mainroad) YAML front matter + Markdown.

The YAML is written by python-frontmatter through PyYAML with a dumper that double-quotes every
string, indents block lists by two spaces and never folds long lines, so any title or summary
(quotes, backslashes, ``:``, ``#``, newlines, ``---``, emoji) reads back unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter
import yaml

from crawler.article import Article
from crawler.extraction.inert import (
    defuse_shortcodes,
    escape_inline_text,
    hugo_reserved_name,
    inert_summary,
)
from crawler.extraction.urls import markdown_safe_url

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The zone front-matter dates are written in unless the site has its own (``TIME_ZONE``)."""
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMATS = {"local": DATE_FORMAT, "offset": "%Y-%m-%dT%H:%M:%S%z"}
"""``local``: the reference's wall time without zone; ``offset``: RFC 3339 with the offset (``+08:00``)."""

DEFAULT_FRONT_MATTER: dict[str, Any] = {
    "menu": "",
    "lead": "",
    "comments": False,
    "authorbox": False,
    "pager": True,
    "toc": False,
    "mathjax": False,
    "sidebar": "right",
    "widgets": ["search", "recent", "taglist"],
}
"""Constant Mainroad fields; the ``FRONT_MATTER_DEFAULTS`` Scrapy setting overrides them."""

FIELD_ORDER = (
    "title", "date", "summary", "categories", "lang", "translations", "tags", "menu",
    "thumbnail", "lead", "comments", "authorbox", "pager", "toc", "mathjax", "sidebar", "widgets",
)


class _QuotedDumper(yaml.SafeDumper):
    """SafeDumper that indents sequences inside mappings (``  - item``) and quotes values only."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _represent_mapping(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    pairs = [
        (yaml.ScalarNode("tag:yaml.org,2002:str", str(key)), dumper.represent_data(item))
        for key, item in value.items()
    ]
    return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)


_QuotedDumper.add_representer(str, _represent_str)
_QuotedDumper.add_representer(dict, _represent_mapping)


_DUMP_OPTIONS: dict[str, Any] = {"Dumper": _QuotedDumper, "sort_keys": False, "width": float("inf"),
                                 "default_flow_style": False, "allow_unicode": True}
"""How the front matter is dumped (the last two are python-frontmatter's own defaults)."""


class MainroadYAMLHandler(frontmatter.YAMLHandler):
    """python-frontmatter handler writing the quoting and list style of the reference article.

    Each top-level field is dumped on its own (a block mapping is its fields' lines in order), so
    the fields every article shares (the Mainroad constants, the source's categories and tags)
    are dumped once per run, not once per article.
    """

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        if kwargs:
            return super().export(metadata, **{**_DUMP_OPTIONS, **kwargs})
        return "".join(_field_yaml(key, _hashable(value)) for key, value in metadata.items()).strip()


def _hashable(value: Any) -> Any:
    return tuple(_hashable(item) for item in value) if isinstance(value, list) else value


@functools.lru_cache(maxsize=512)
def _field_yaml(key: str, value: Any) -> str:
    plain = list(value) if isinstance(value, tuple) else value
    return str(yaml.dump({key: plain}, **_DUMP_OPTIONS))


def front_matter_fields(
    article: Article, defaults: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None,
    date_format: str = "local", extra_fields: Collection[str] = (), time_zone: str = DEFAULT_TIME_ZONE,
) -> dict[str, Any]:
    """The front matter of ``article`` as an ordered dict (reference order, extra keys last).

    ``defaults`` replaces the constant fields; ``overrides`` (a source's configured values) wins
    over everything. ``date_format`` is a key of ``DATE_FORMATS``; the date is the wall time in
    ``time_zone`` (the site's zone), whatever zone the page wrote it in; ``extra_fields`` may add
    ``author`` and the source's own ``tags`` when the page gives them.
    """
    constants = dict(DEFAULT_FRONT_MATTER if defaults is None else defaults)
    label = site_label_for(article)
    derived = {
        "title": article.title,
        "summary": inert_summary(article.summary),
        "categories": [label],
        "lang": [article.lang],
        "translations": [article.lang],
        "tags": [label],
        "thumbnail": article.thumbnail,
    }
    if article.published is not None:  # an undated article: Hugo gets no date rather than a made-up one
        derived["date"] = _format_date(article.published.astimezone(_zone(time_zone)), date_format)
    if "author" in extra_fields and article.author and not hugo_reserved_name(article.author):
        derived["author"] = article.author
    tags = [tag for tag in article.tags if not hugo_reserved_name(tag)]
    if "tags" in extra_fields and tags:
        derived["tags"] = tags
    merged = {**constants, **derived, **(overrides or {})}
    ordered = {key: _inert(merged[key]) for key in FIELD_ORDER if key in merged}
    ordered.update((key, _inert(value)) for key, value in merged.items() if key not in ordered)
    return ordered


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def site_label_for(article: Article) -> str:
    """The article's category, tag and source-link name: the site's own name, unless a page made it
    one of Hugo's reserved names (then the source's short name, a safe file name)."""
    return article.source if hugo_reserved_name(article.source_label) else article.source_label


def _format_date(published: datetime, date_format: str) -> str:
    text = published.strftime(DATE_FORMATS[date_format])
    return text[:-2] + ":" + text[-2:] if date_format == "offset" else text  # +0800 -> +08:00


def _inert(value: Any) -> Any:
    if isinstance(value, str):
        return defuse_shortcodes(value)
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value


def render(
    article: Article, defaults: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None,
    date_format: str = "local", extra_fields: Collection[str] = (), time_zone: str = DEFAULT_TIME_ZONE,
) -> str:
    """Return the complete Markdown file for ``article``, ending in a single newline.

    ``defaults`` replaces ``DEFAULT_FRONT_MATTER`` (the constant Mainroad fields); ``overrides``
    (per-source values from ``newsmd.toml``) replaces any field; ``date_format``, ``extra_fields``
    and ``time_zone`` as in ``front_matter_fields`` (the defaults write the reference format).
    """
    source_link = f"[{escape_inline_text(site_label_for(article))}]({markdown_safe_url(article.canonical_url)})" \
        if article.canonical_url else ""  # a saved page that names no URL: no link to make up
    content = "\n\n".join(part for part in (article.body_markdown, source_link) if part)
    post = frontmatter.Post(defuse_shortcodes(content))  # also the ones split across page elements
    post.metadata.update(front_matter_fields(article, defaults, overrides, date_format, extra_fields, time_zone))
    return frontmatter.dumps(post, handler=MainroadYAMLHandler()) + "\n"
