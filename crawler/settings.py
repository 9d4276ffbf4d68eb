"""Scrapy settings for newsmd. Override with ``-s NAME=VALUE`` or ``newsmd ... -s NAME=VALUE``.

newsmd's own settings (and its defaults for Scrapy's politeness settings) are declared once, with
their kinds, choices and help, in ``crawler/declared_settings.py``; this module takes their
defaults from there and adds what only Scrapy reads (components, user agent).
"""

from crawler.declared_settings import defaults

globals().update(defaults())

BOT_NAME = "newsmd"
SPIDER_MODULES = ["crawler.crawling.spiders"]
NEWSPIDER_MODULE = "crawler.crawling.spiders"
COMMANDS_MODULE = "crawler.commands"
ADDONS = {"crawler.config.ConfigAddon": 0}  # newsmd.toml, for scrapy crawl as for newsmd

EXTENSIONS = {"crawler.crawling.extensions.ProgressLine": 500, "crawler.crawling.extensions.KilledJobRecovery": 0}
SPIDER_MIDDLEWARES = {
    "crawler.crawling.shared_queue.SharedQueueMiddleware": 950,  # last: the article requests the spider made, to the shared queue
}
ITEM_PIPELINES = {
    "pipelines.images.ArticleImagesPipeline": 700,
    "pipelines.markdown_writer.MarkdownWriterPipeline": 800,
    "pipelines.state.StatePipeline": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.crawling.shared_queue.ReceivedPageMiddleware": 40,  # a worker: the page it gets kept until the article is done
    "crawler.crawling.address_guard.AddressGuardMiddleware": 50,  # before robots.txt is asked, before the mirror's rewrite
    "crawler.crawling.middlewares.MirrorMiddleware": 950,
    "crawler.crawling.middlewares.RedirectGuardMiddleware": 650,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawling.middlewares.BackoffRetryMiddleware": 550,
}

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# Items processed at once per response: an article page gives one, a feed page its links. Scrapy's
# 100 starts 100 asyncio tasks for every response, which cost a crawl more than writing its files.
CONCURRENT_ITEMS = 4
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Tencent answers 567 under load: a "slow down", retried with the backoff like 429.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429, 567]
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
