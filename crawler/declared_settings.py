"""Every setting newsmd reads, declared once: its name, kind, default, choices, its
``newsmd.toml`` key and its help. ``crawler/settings.py`` takes its defaults from here; the
checks of ``-s`` and ``newsmd.toml`` values (``crawler.config``), the toml keys and the command
line's choices come from here too; ``setting`` reads a value the same way with and without Scrapy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crawler.output.front_matter import DATE_FORMATS, DEFAULT_FRONT_MATTER
from pipelines.formats import FORMATS

_MB = 1024 * 1024


@dataclass(frozen=True)
class Declared:
    """One setting: ``kind`` is ``str``, ``int``, ``float``, ``bool``, ``list`` or ``dict``."""

    name: str
    kind: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    toml: str = ""
    """The top-level ``newsmd.toml`` key that sets it, if any."""


DECLARED: tuple[Declared, ...] = (
    Declared("OUTPUT_DIR", "str", "output", "output root: a folder (a Hugo site's content/posts works) or s3://bucket/prefix",
             toml="output"),
    Declared("OUTPUT_FORMAT", "str", "markdown", "markdown (Hugo front matter + Markdown, the reference) or jsonl "
             "(the article record as a JSON line)", tuple(FORMATS), toml="format"),
    Declared("LAYOUT", "str", "flat", "flat (<source>/<ID>.md) or bundle (<source>/<ID>/index.md)", ("flat", "bundle"),
             toml="layout"),
    Declared("SOURCE_LAYOUT", "dict", {}, "the layout per source (newsmd.toml [sources.NAME] layout)"),
    Declared("IMAGES", "str", "remote", "remote keeps the source's URLs; download stores them in each page bundle",
             ("remote", "download"), toml="images"),
    Declared("IMAGE_MAX_BYTES", "int", 10 * _MB, "largest image --images download stores (0: no cap)"),
    Declared("IMAGES_MAX_BYTES_PER_ARTICLE", "int", 50 * _MB, "bytes of images stored for one article (0: no cap)"),
    Declared("IMAGES_MAX_BYTES_PER_RUN", "int", 1024 * _MB, "bytes of images stored in one run (0: no cap)"),
    Declared("FRONT_MATTER_DEFAULTS", "dict", dict(DEFAULT_FRONT_MATTER), "the constant Mainroad front-matter fields"),
    Declared("SOURCE_FRONT_MATTER", "dict", {}, "front-matter values per source that win over everything"),
    Declared("CONTENT_URL_PATH", "str", "", "site-root path of OUTPUT_DIR in the built site (empty: guessed)"),
    Declared("NEWSMD_CONFIG", "str", "", "the configuration file (empty: ./newsmd.toml if present)"),
    Declared("MIRROR", "dict", {}, "host -> base URL of a local mirror; pages keep their real URL"),
    Declared("UNDATED_ARTICLES", "str", "skip", "a page without a publication time: skip it (no_date) or write it undated",
             ("skip", "write")),
    Declared("DATE_FORMAT", "str", "local", "local (wall time in TIME_ZONE, the reference) or offset (RFC 3339)",
             tuple(DATE_FORMATS), toml="date_format"),
    Declared("TIME_ZONE", "str", "", "the zone of every date (empty: the Hugo site's timeZone, else Asia/Shanghai)",
             toml="time_zone"),
    Declared("EXTRA_FIELDS", "list", [], "front-matter fields beyond the reference's: author, tags"),
    Declared("EXTRACT_TIME_LIMIT", "float", 10.0, "seconds one page may take to read (0: no bound)"),
    Declared("EXTRACT_PROCESSES", "int", 1, "worker processes that read a crawl's pages (0: the crawl's own)"),
    Declared("STATE_FILE", "str", "", "the SQLite state file (empty: <OUTPUT_DIR>/.newsmd-state.sqlite)"),
    Declared("STATE_URL", "str", "", "the state: a SQLite path, or postgresql://… shared by several machines",
             toml="state"),
    Declared("REDIS_URL", "str", "", "the shared queue of several machines (redis://host:6379/0)", toml="redis"),
    Declared("REDIS_KEY_PREFIX", "str", "newsmd", "the prefix of the shared queue's Redis keys"),
    Declared("WORKER_IDLE_SECONDS", "float", 60.0, "a worker leaves after the queue has been empty this long"),
    Declared("WORKER_HEARTBEAT_SECONDS", "float", 30.0, "a worker silent this long is taken for dead"),
    Declared("S3_ENDPOINT_URL", "str", "", "the store's endpoint (else AWS_ENDPOINT_URL, or AWS)"),
    Declared("OUTPUT_CACHE", "str", "", "where files for a store are staged (empty: ~/.cache/newsmd/store/…)"),
    Declared("FORCE_REWRITE", "bool", False, "fetch and rewrite every article (--force)"),
    Declared("MAX_ARTICLES_PER_RUN", "int", 500, "article fetches per run (0: no cap)"),
    Declared("FAILED_RETRY_RUNS", "int", 3, "runs a passing failure is tried in before it is a known failure"),
    Declared("RETRY_FAILED", "bool", False, "try the known failures again (--retry-failed)"),
    Declared("PROGRESS_INTERVAL", "float", 5.0, "seconds between progress lines (0: none)"),
    Declared("GET_WITH_SCRAPY", "bool", False, "newsmd get of a few URLs through Scrapy's engine"),
    Declared("RETRY_BACKOFF_BASE", "float", 1.0, "the first retry's wait; each next one doubles"),
    Declared("RETRY_BACKOFF_MAX", "float", 60.0, "the longest retry wait"),
    Declared("QQ_FEED_STALE_PAGES", "int", 3, "feed pages in a row with nothing new after which a channel stops"),
    Declared("REDIRECT_MAX_TIMES", "int", 5, "redirects followed per page"),
    Declared("FOLLOW_OFFSITE_REDIRECTS", "bool", False, "follow a redirect to another site"),
    Declared("FOLLOW_LINK_HOSTS", "list", [], "hosts a feed's or sitemap's links may lead to beyond its own site"),
    Declared("MAX_LINKS_PER_DOCUMENT", "int", 50_000, "links read from one feed or sitemap"),
    Declared("MAX_CHILD_SITEMAPS", "int", 500, "child sitemaps followed per run"),
    # Scrapy's own settings, with newsmd's defaults (polite) and its checks
    Declared("ROBOTSTXT_OBEY", "bool", True, "obey robots.txt"),
    Declared("CONCURRENT_REQUESTS_PER_DOMAIN", "int", 2, "requests at a time per site"),
    Declared("CONCURRENT_REQUESTS", "int", 16, "requests at a time in all"),
    Declared("AUTOTHROTTLE_ENABLED", "bool", True, "AutoThrottle"),
    Declared("AUTOTHROTTLE_START_DELAY", "float", 1.0, "AutoThrottle's first delay"),
    Declared("DOWNLOAD_TIMEOUT", "float", 30, "seconds a page may take to arrive"),
    Declared("DOWNLOAD_MAXSIZE", "int", 10 * _MB, "largest page fetched"),
    Declared("DOWNLOAD_DELAY", "float", 0, "seconds between two requests to a site"),
    Declared("RETRY_TIMES", "int", 3, "retries of a page"),
)
BY_NAME = {declared.name: declared for declared in DECLARED}
TOML_KEYS = {declared.toml: declared.name for declared in DECLARED if declared.toml}


def choices(name: str) -> tuple[str, ...]:
    """The values setting ``name`` takes (the command line's choices too)."""
    return BY_NAME[name].choices


def defaults() -> dict[str, Any]:
    """Each declared setting's default (copies: a default is never changed in place)."""
    return {declared.name: json.loads(json.dumps(declared.default)) for declared in DECLARED}


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def read(kind: str, value: Any) -> Any:
    """``value`` (as set: a default, a toml value or a ``-s`` string) read as ``kind``; ``ValueError``."""
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        if isinstance(value, bool | int):
            return bool(value)
        if str(value).strip().lower() in _TRUE:
            return True
        if str(value).strip().lower() in _FALSE:
            return False
        raise ValueError(value)
    if kind == "list":
        if isinstance(value, str):
            return [part for part in value.split(",") if part] if not value.startswith("[") else list(json.loads(value))
        return list(value or [])
    if kind == "dict":
        value = json.loads(value) if isinstance(value, str) else value
        if not isinstance(value, dict):
            raise ValueError(value)
        return dict(value)
    return "" if value is None else str(value)


def setting(settings: Any, name: str) -> Any:
    """The value of declared setting ``name`` in ``settings`` (Scrapy's, newsmd's plain ones or a
    dict), read as its kind; its declared default when ``settings`` lacks it."""
    declared = BY_NAME[name]
    value = settings.get(name) if settings is not None else None
    return read(declared.kind, declared.default if value is None else value)
