"""``IMAGES = "download"``: store every body image and the cover in the article's page bundle.

A ``FilesPipeline`` subclass, so downloads go through Scrapy's scheduler, retries, throttling and
mirror like any request. Files keep their original bytes and are named by content hash plus an
extension taken from the Content-Type (CDN URLs such as ``.../1000`` have none), else from the
bytes. Links in the Markdown become bundle-relative; ``thumbnail`` becomes a site-root path, as
Mainroad passes it through ``relURL``. A failed image keeps its remote URL and is counted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.pipelines.files import FilesPipeline
from scrapy.http.request import NO_CALLBACK

from crawler.article import Article
from crawler.signals import image_failed
from crawler.state import ArticleState, state_path
from crawler.urls import absolute_http_url, markdown_safe_url
from pipelines.markdown_writer import OutputOptions

logger = logging.getLogger(__name__)

_EXTENSIONS = {
    "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/pjpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
    "image/webp": ".webp", "image/avif": ".avif", "image/svg+xml": ".svg", "image/bmp": ".bmp",
}
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"))


def image_extension(content_type: str, body: bytes) -> str:
    """File extension for image bytes: from the Content-Type, else sniffed, else ``.img``."""
    declared = _EXTENSIONS.get(content_type.split(";", 1)[0].strip().lower())
    if declared:
        return declared
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return ".webp"
    if body[4:12] in (b"ftypavif", b"ftypavis"):
        return ".avif"
    return next((extension for magic, extension in _MAGIC if body.startswith(magic)), ".img")


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
    pattern = re.compile(r"(!\[(?:\\.|[^\]\\])*\]\()" + re.escape(markdown_safe_url(url)) + r"\)")
    return pattern.sub(lambda match: match.group(1) + target + ")", markdown)


class ArticleImagesPipeline(FilesPipeline):
    """Download an article's images into its bundle (``IMAGES = "download"``; off otherwise)."""

    def __init__(self, store_uri: str, *, crawler: Any) -> None:
        super().__init__(store_uri, crawler=crawler)
        settings = crawler.settings
        self.options = OutputOptions.from_settings(settings)
        self.url_prefix = content_url_path(self.options.root, settings.get("CONTENT_URL_PATH", ""))
        self.state = ArticleState(state_path(settings))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleImagesPipeline:
        if crawler.settings.get("IMAGES", "remote") != "download":
            raise NotConfigured("IMAGES is not 'download'")
        cls._update_stores(crawler.settings)
        return cls(str(Path(crawler.settings.get("OUTPUT_DIR", "output")).resolve()), crawler=crawler)

    def close_spider(self, spider: Any = None) -> None:
        self.state.close()

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
        return [Request(url, headers={"Referer": referer}, callback=NO_CALLBACK) for url in self._image_urls(item)]

    def media_to_download(self, request: Request, info: Any, *, item: Any = None) -> dict[str, Any] | None:
        known = self.state.image_file(item.source, item.article_id, request.url)
        if known is None:
            return None
        path = self._bundle(item) / known
        if not (self.options.root / path).is_file():
            return None
        self.crawler.stats.inc_value("newsmd/images/uptodate")
        return {"url": request.url, "path": str(path), "checksum": None, "status": "uptodate"}

    def file_path(self, request: Request, response: Any = None, info: Any = None, *, item: Any = None) -> str:
        if response is None or item is None:  # only asked with a response: see media_to_download
            return "unused"
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        name = hashlib.sha256(response.body).hexdigest()[:20] + image_extension(content_type, response.body)
        return str(self._bundle(item) / name)

    async def media_downloaded(self, response: Any, request: Request, info: Any, *, item: Any = None) -> dict[str, Any]:
        result = await super().media_downloaded(response, request, info, item=item)
        self.state.record_image(item.source, item.article_id, request.url, PurePosixPath(result["path"]).name)
        self.crawler.stats.inc_value("newsmd/images/downloaded")
        return result

    def item_completed(self, results: list[tuple[bool, Any]], item: Any, info: Any) -> Any:
        if not isinstance(item, Article):
            return item
        stored: dict[str, str] = {}
        for url, (ok, value) in zip(self._image_urls(item), results, strict=True):
            if ok:
                stored[url] = PurePosixPath(value["path"]).name
            else:
                self.crawler.stats.inc_value("newsmd/images/failed")
                page_url = item.url or item.canonical_url
                detail = f"image {url} not downloaded ({value.getErrorMessage() or 'download error'}); its remote URL is kept"
                logger.warning("%s: %s [image_failed]", page_url, detail)
                self.crawler.signals.send_catch_log(image_failed, url=page_url, image_url=url, detail=detail)
        body = item.body_markdown
        for url, name in stored.items():
            body = replace_image_target(body, url, name)
        thumbnail = item.thumbnail
        if thumbnail in stored:
            thumbnail = (self.url_prefix + str(self._bundle(item) / stored[thumbnail])).lower()
        return dataclasses.replace(item, body_markdown=body, thumbnail=thumbnail)
