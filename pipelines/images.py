"""``IMAGES = "download"``: store every body image and the cover in the article's page bundle.

A ``FilesPipeline`` subclass, so downloads go through Scrapy's scheduler, retries, throttling and
mirror like any request. Only raster images are stored (JPEG, PNG, GIF, WebP, AVIF: an SVG could
run scripts on the site's origin), with their original bytes, named by content hash plus the
extension their bytes call for (CDN URLs such as ``.../1000`` have none). Links in the Markdown become bundle-relative; ``thumbnail`` becomes a site-root path, as
Mainroad passes it through ``relURL``. A failed image keeps its remote URL and is counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.pipelines.media import FileInfo, FileInfoOrError
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from crawler.article import Article
from crawler.crawling.address_guard import PAGE_MADE
from crawler.crawling.middlewares import RedirectRefused
from crawler.crawling.state import crawl_state
from crawler.declared_settings import setting
from crawler.extraction.urls import absolute_http_url
from crawler.signals import image_failed
from pipelines.markdown_writer import OutputOptions
from pipelines.storage import TEMP_SUFFIX, replace_atomic

logger = logging.getLogger(__name__)

_RASTER_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"))
_GENERIC_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/binary")


def raster_extension(content_type: str, body: bytes) -> str | None:
    """``.jpg``, ``.png``, ``.gif``, ``.webp`` or ``.avif`` for bytes that are such an image, else ``None``.

    The bytes decide: an SVG (it can carry scripts that would run on the site's own origin), an
    HTML page or anything else is refused, and so are bytes served under a type that is not an
    image at all.
    """
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared not in _GENERIC_TYPES and (not declared.startswith("image/") or "svg" in declared):
        return None
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return ".webp"
    if body[4:12] in (b"ftypavif", b"ftypavis"):
        return ".avif"
    return next((extension for magic, extension in _RASTER_MAGIC if body.startswith(magic)), None)


class ImageNotStored(Exception):
    """An image that was not stored; the message is the reason, shown in the warning line."""


class NotARasterImage(ImageNotStored):
    """An image answer whose bytes are not a JPEG, PNG, GIF, WebP or AVIF image."""


class _ReportedElsewhere(logging.Filter):
    """Drops Scrapy's traceback for an image not stored: ``item_completed`` reports it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = record.msg if isinstance(record.msg, Failure) else None
        error = failure.value if failure is not None else (record.exc_info[1] if record.exc_info else None)
        return not isinstance(error, ImageNotStored)


_MEDIA_LOG_FILTER = _ReportedElsewhere()


def _checked_extension(response: Any) -> str:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").strip()
    extension = raster_extension(content_type, response.body)
    if extension is None:
        raise NotARasterImage(f"not a JPEG, PNG, GIF, WebP or AVIF image ({content_type or 'no Content-Type'})")
    return extension


class AtomicFilesStore(FSFilesStore):
    """Scrapy's file store, writing as the articles are written: a temp file, fsynced, renamed
    (a power cut leaves no empty image the state calls stored; a planted symlink is replaced,
    never written through), in a folder that must resolve inside the output root."""

    def persist_file(self, path: str | os.PathLike[str], buf: BytesIO, info: Any, meta: Any = None,
                     headers: Any = None) -> None:
        root = Path(self.basedir).resolve()
        target = Path(self.basedir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(root):
            raise ImageNotStored(f"{target.parent} resolves outside the output root {root}")
        replace_atomic(target, buf.getvalue())


class ArticleImagesPipeline(FilesPipeline):
    """Download an article's images into its bundle (``IMAGES = "download"``; off otherwise).

    An image two articles share is downloaded once and put in both bundles (a hard link, else a
    copy); a bundle whose image went missing gets it again on the next run.
    """

    STORE_SCHEMES = {**FilesPipeline.STORE_SCHEMES, "": AtomicFilesStore, "file": AtomicFilesStore}

    def __init__(self, store_uri: str, *, crawler: Any) -> None:
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.options = OutputOptions.from_settings(settings)
        self.state = crawl_state(crawler)  # the spider's connection: the spider closes it
        self.image_cap = setting(settings, "IMAGE_MAX_BYTES")
        self.budgets = {"IMAGES_MAX_BYTES_PER_ARTICLE": setting(settings, "IMAGES_MAX_BYTES_PER_ARTICLE"),
                        "IMAGES_MAX_BYTES_PER_RUN": setting(settings, "IMAGES_MAX_BYTES_PER_RUN")}
        self.stored_bytes: dict[str, int] = {}
        """Bytes stored this run, per article (its source and ID) and in all (``""``)."""
        logging.getLogger("scrapy.pipelines.media").addFilter(_MEDIA_LOG_FILTER)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleImagesPipeline:
        if setting(crawler.settings, "IMAGES") != "download":
            raise NotConfigured("IMAGES is not 'download'")
        cls._update_stores(crawler.settings)  # below the output root (a store's: its staging folder)
        return cls(str(OutputOptions.from_settings(crawler.settings).root.resolve()), crawler=crawler)

    def _bundle(self, article: Article) -> PurePosixPath:
        return PurePosixPath(self.options.path_for(article).parent.relative_to(self.options.root).as_posix())

    @staticmethod
    def _image_urls(article: Article) -> list[str]:
        """The body images and the cover, once each, in order: one download request apiece."""
        return [url for url in dict.fromkeys([*article.images, article.thumbnail]) if url and absolute_http_url(url, "")]

    def get_media_requests(self, item: Any, info: Any) -> list[Request]:
        if not isinstance(item, Article):
            return []
        referer = item.url or item.canonical_url
        meta = {PAGE_MADE: referer, **({"download_maxsize": self.image_cap} if self.image_cap else {})}
        return [Request(url, headers={"Referer": referer}, meta=meta, callback=NO_CALLBACK) for url in self._image_urls(item)]

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> Deferred[FileInfo | None] | None:
        known = self.state.image_file(item.source, item.article_id, request.url)
        if known is None:
            return None
        path = self._bundle(item) / known
        stored = self.options.root / path
        if not stored.is_file() or stored.is_symlink():  # gone, or something planted in its place
            return None
        self.crawler.stats.inc_value("newsmd/images/uptodate")
        return succeed(FileInfo(url=request.url, path=str(path), checksum=None, status="uptodate"))

    def file_path(self, request: Request, response: Any = None, info: Any = None, *, item: Any = None) -> str:
        if response is None or item is None:  # only asked with a response: see media_to_download
            return "unused"
        name = hashlib.sha256(response.body).hexdigest()[:20] + _checked_extension(response)
        return str(self._bundle(item) / name)

    async def media_downloaded(self, response: Any, request: Request, info: Any, *, item: Any = None) -> FileInfo:
        if response.status != 200:
            raise ImageNotStored(f"HTTP {response.status}")
        if not response.body:
            raise ImageNotStored("empty answer")
        try:
            _checked_extension(response)
        except NotARasterImage:
            self.crawler.stats.inc_value("newsmd/images/not_raster")
            raise
        self._spend(f"{item.source}/{item.article_id}", len(response.body))
        result = await super().media_downloaded(response, request, info, item=item)
        self.state.record_image(item.source, item.article_id, request.url, PurePosixPath(result["path"]).name)
        self.crawler.stats.inc_value("newsmd/images/downloaded")
        return result

    def _spend(self, article: str, size: int) -> None:
        """Count ``size`` bytes against the article's and the run's image budgets, or refuse the image."""
        for budget, key in (("IMAGES_MAX_BYTES_PER_ARTICLE", article), ("IMAGES_MAX_BYTES_PER_RUN", "")):
            cap = self.budgets[budget]
            if cap and self.stored_bytes.get(key, 0) + size > cap:
                self.crawler.stats.inc_value("newsmd/images/over_budget")
                raise ImageNotStored(f"over the {cap}-byte budget {budget}")
        for key in (article, ""):
            self.stored_bytes[key] = self.stored_bytes.get(key, 0) + size

    def _share(self, source: PurePosixPath, target: PurePosixPath) -> None:
        """Put the stored image ``source`` at ``target`` too (paths below the output root)."""
        stored, wanted = self.options.root / source, self.options.root / target
        if wanted.is_file() and not wanted.is_symlink():
            return
        temp = wanted.with_name(f".{wanted.name}.link{TEMP_SUFFIX}")
        temp.unlink(missing_ok=True)
        try:
            os.link(stored, temp)
            os.replace(temp, wanted)
        except OSError:  # another file system, or no hard links here: a copy
            temp.unlink(missing_ok=True)
            replace_atomic(wanted, stored.read_bytes())
        self.crawler.stats.inc_value("newsmd/images/shared")

    def media_failed(self, failure: Failure, request: Request, info: Any) -> NoReturn:
        if isinstance(failure.value, RedirectRefused):  # a private address, a redirect loop: its own reason
            self.crawler.stats.inc_value(f"newsmd/images/{failure.value.reason}")
            raise ImageNotStored(f"{failure.value.detail} [{failure.value.reason}]")
        if isinstance(failure.value, IgnoreRequest):
            super().media_failed(failure, request, info)
        if isinstance(failure.value, ImageNotStored):
            raise failure.value
        raise ImageNotStored(failure.getErrorMessage() or type(failure.value).__name__)

    def item_completed(self, results: list[FileInfoOrError], item: Any, info: Any) -> Any:
        if not isinstance(item, Article):
            return item
        stored: dict[str, str] = {}
        bundle = self._bundle(item)
        for url, (_, value) in zip(self._image_urls(item), results, strict=True):
            if not isinstance(value, Failure):
                stored_at = PurePosixPath(value["path"])
                if stored_at.parent != bundle:  # downloaded this run for another article: this one's bundle too
                    self._share(stored_at, bundle / stored_at.name)
                    self.state.record_image(item.source, item.article_id, url, stored_at.name)
                stored[url] = stored_at.name
            else:
                self.crawler.stats.inc_value("newsmd/images/failed")
                page_url = item.url or item.canonical_url
                detail = f"image {url} not downloaded ({value.getErrorMessage() or 'download error'}); its remote URL is kept"
                logger.warning("%s: %s [image_failed]", page_url, detail)
                self.crawler.signals.send_catch_log(image_failed, url=page_url, image_url=url, detail=detail)
        return dataclasses.replace(item, image_files=stored)  # the body and cover point at them when rendered
