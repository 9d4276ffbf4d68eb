"""The pipeline that renders each Article in the output format and writes it as
``<OUTPUT_DIR>/<source>/<ID>.md`` (or a bundle, or ``.jsonl``)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.article import Article
from crawler.declared_settings import setting
from crawler.extraction.markdown import LINK_TEXT
from crawler.extraction.urls import markdown_safe_url
from crawler.output.front_matter import DEFAULT_TIME_ZONE
from crawler.output.hugo_site import output_time_zone
from crawler.output.output_store import S3Store, configure, is_store_url, staging_folder
from crawler.signals import article_written
from pipelines.formats import FORMATS
from pipelines.storage import (
    LAYOUTS,
    WriteResult,
    article_path,
    remove_stale_temp_files,
    sync_folders,
    write_atomic,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputOptions:
    """Where and how articles are written: root, layout per source, front-matter values."""

    root: Path
    defaults: Mapping[str, Any] | None = None
    source_front_matter: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    layout: str = "flat"
    source_layout: Mapping[str, str] = field(default_factory=dict)
    images: str = "remote"
    date_format: str = "local"
    extra_fields: tuple[str, ...] = ()
    time_zone: str = DEFAULT_TIME_ZONE
    format: str = "markdown"
    content_url_path: str = ""
    """Site-root path (no leading slash) where ``root`` is published (``posts/``): downloaded covers' paths."""
    store: Any = field(default=None, compare=False, repr=False)
    """With ``-o s3://…``: the ``S3Store`` every file written below ``root`` (its staging folder) is put in."""
    checked_folders: set[Path] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Any, root: str | Path | None = None) -> OutputOptions:
        """Options from Scrapy settings (``OUTPUT_DIR`` unless ``root`` is given); the dates' zone is
        ``TIME_ZONE``, else the zone of the Hugo site the root is in, else Beijing time."""
        given = root if root is not None else setting(settings, "OUTPUT_DIR")
        store = None
        if is_store_url(given):
            configure(settings)
            store, given = S3Store(str(given)), staging_folder(str(given), settings)
        output = Path(given)
        return cls(
            store=store,
            root=output,
            defaults=setting(settings, "FRONT_MATTER_DEFAULTS") or None,
            source_front_matter=setting(settings, "SOURCE_FRONT_MATTER"),
            layout=setting(settings, "LAYOUT"),
            source_layout=setting(settings, "SOURCE_LAYOUT"),
            images=setting(settings, "IMAGES"),
            date_format=setting(settings, "DATE_FORMAT"),
            extra_fields=tuple(setting(settings, "EXTRA_FIELDS")),
            time_zone=output_time_zone(setting(settings, "TIME_ZONE"), output),
            format=setting(settings, "OUTPUT_FORMAT"),
            content_url_path=content_url_path(output, setting(settings, "CONTENT_URL_PATH")),
        )

    def layout_for(self, source: str) -> str:
        """A source's layout; downloaded images live in page bundles, so they imply ``bundle``."""
        return "bundle" if self.images == "download" else self.source_layout.get(source, self.layout)

    def path_for(self, article: Article, layout: str = "") -> Path:
        """The file of ``article`` inside the root (validated), in its layout or in ``layout``."""
        return article_path(self.root, article.source, article.article_id, layout or self.layout_for(article.source),
                            self.checked_folders, FORMATS[self.format].suffix)

    def render(self, article: Article) -> str:
        """The whole file of ``article`` in the output format (``OUTPUT_FORMAT``)."""
        return FORMATS[self.format].render(article, self)

    def localized(self, article: Article) -> Article:
        """``article`` with its body's images and its cover pointing at the files stored beside it
        (``image_files``): the body's by their bundle-relative name, the cover by its site-root path."""
        if not article.image_files:
            return article
        body = article.body_markdown
        for url, name in article.image_files.items():
            body = replace_image_target(body, url, name)
        thumbnail = article.thumbnail
        if thumbnail in article.image_files:
            bundle = self.path_for(article).parent.relative_to(self.root).as_posix()
            thumbnail = f"{self.content_url_path}{bundle}/{article.image_files[thumbnail]}".lower()
        return dataclasses.replace(article, body_markdown=body, thumbnail=thumbnail)


def content_url_path(output_dir: str | Path, configured: str = "") -> str:
    """Site-root path (no leading slash) where ``output_dir`` is published: after ``content/``."""
    if configured:
        return configured.strip("/") + "/" if configured.strip("/") else ""
    parts = Path(output_dir).resolve().parts
    if "content" in parts:
        index = len(parts) - 1 - parts[::-1].index("content")
        rest = parts[index + 1:]
        return "/".join(rest) + "/" if rest else ""
    return ""


def replace_image_target(markdown: str, url: str, target: str) -> str:
    """Point every Markdown image (``![alt](url)``) at ``url`` to ``target`` instead."""
    pattern = re.compile(r"(!\[" + LINK_TEXT + r"\]\()" + re.escape(markdown_safe_url(url)) + r"\)")
    return pattern.sub(lambda match: match.group(1) + target + ")", markdown)


def write_article(article: Article, options: OutputOptions, sync_folder: bool = True,
                  recorded: str | None = None) -> WriteResult:
    """Render ``article`` and write it atomically below the root; shared by CLI and pipeline. A copy
    of it in the other layout (``qq/ID.md`` beside ``qq/ID/index.md``), left by a run with another
    ``--layout``, is removed once the new file is there: Hugo would silently publish one of them.
    ``recorded``: where the crawl's state had it written (``CrawlContext.recorded``), for the store."""
    path = options.path_for(article)
    text = options.render(article)
    result = write_atomic(path, text, sync_folder=sync_folder)
    other_layout = next(layout for layout in LAYOUTS if layout != options.layout_for(article.source))
    stale = options.path_for(article, other_layout)
    if stale != path and stale.is_file() and not stale.is_symlink():
        stale.unlink()
        if result.outcome == "unchanged":
            result = WriteResult(path, "updated", result.content_hash)  # moved: the site changes
    return _put_in_store(result, text.encode("utf-8"), stale, options, recorded) if options.store is not None else result


def _put_in_store(result: WriteResult, data: bytes, other_layout: Path, options: OutputOptions,
                  recorded: str | None) -> WriteResult:
    """Put the article's file (``data``) and, for a bundle, its images in the store, under the names
    they have below the staging root; the store says whether it changed. The other layout's object
    goes, unless the state had the article in this layout or nowhere (then the store is not asked
    about the article either: one request for a new article instead of three)."""
    store, root = options.store, options.root
    name = result.path.relative_to(root).as_posix()
    outcome = store.put(name, data, new=recorded == "")
    if result.path.stem == "index":  # a bundle: its images beside it
        for image in sorted(result.path.parent.iterdir()):
            if image != result.path and image.is_file() and not image.is_symlink() and not image.name.startswith("."):
                store.put(image.relative_to(root).as_posix(), image.read_bytes())
    if other_layout != result.path and recorded not in ("", store.location(name)):
        store.delete(other_layout.relative_to(root).as_posix())
    return WriteResult(result.path, outcome, result.content_hash, store.location(name))


class MarkdownWriterPipeline:
    """Write every scraped ``Article`` (settings: see ``OutputOptions.from_settings``).

    Counts ``newsmd/written``, ``newsmd/updated``, ``newsmd/unchanged`` and
    ``newsmd/failed/write`` in the crawl stats; a failed write is logged and the crawl goes on.
    """

    FOLDER_SYNC_FILES = 64
    """Files written between two fsyncs of their folders (each file's own data is fsynced at once)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.options = OutputOptions.from_settings(crawler.settings)
        self.unsynced: dict[Path, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> MarkdownWriterPipeline:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        """Clear temp files of a run that was killed mid-write; their articles are written again."""
        stale = remove_stale_temp_files(self.options.root)
        if stale:
            self.crawler.stats.inc_value("newsmd/stale_temp_removed", len(stale))
            logger.info("removed %d temp file(s) left by an interrupted run", len(stale))

    def _folder_written(self, folder: Path) -> None:
        self.unsynced[folder] = self.unsynced.get(folder, 0) + 1
        if sum(self.unsynced.values()) >= self.FOLDER_SYNC_FILES:
            self.sync()

    def sync(self) -> None:
        """fsync the folders written to since the last time, so their renames survive a power cut."""
        folders, self.unsynced = list(self.unsynced), {}
        sync_folders(folders)

    def close_spider(self, spider: Any = None) -> None:
        try:
            self.sync()
        except OSError as error:
            logger.error("could not sync the output folder: %s [write]", error)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if self.options.store is None:
            self.write(item)
            return item
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.threads import deferToThread

        # in a thread: the store's requests would hold up every download and page meanwhile
        self._report(item, await maybe_deferred_to_future(deferToThread(self._attempt, item)))
        return item

    def write(self, item: Article) -> None:
        """Write ``item`` now (``newsmd get``, and a crawl to a folder); a failure is logged and counted."""
        self._report(item, self._attempt(item))

    def _attempt(self, item: Article) -> WriteResult | Exception:
        """Write ``item``; the error instead when it cannot be (a full disk, an object the store refuses)."""
        try:
            return write_article(item, self.options, False, item.crawl.recorded if item.crawl is not None else None)
        except (OSError, ValueError) as error:
            return error

    def _report(self, item: Article, outcome: WriteResult | Exception) -> None:
        if isinstance(outcome, Exception):
            self._failed(item, outcome)
        else:
            self._written(item, outcome)

    def _failed(self, item: Article, error: Exception) -> None:
        self.crawler.stats.inc_value("newsmd/failed")
        self.crawler.stats.inc_value("newsmd/failed/write")
        logger.error("%s: could not write the article: %s [write]", item.url or item.canonical_url, error)

    def _written(self, item: Article, result: WriteResult) -> None:
        if item.crawl is not None:
            item.crawl.written = result  # for the state pipeline, next
        self._folder_written(result.path.parent)
        self.crawler.stats.inc_value(f"newsmd/{result.outcome}")
        logger.info("%s %s (%s)", result.outcome, result.shown, item.url or item.canonical_url)
        self.crawler.signals.send_catch_log(article_written, article=item, result=result)
