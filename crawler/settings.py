"""Scrapy settings for newsmd. Override with ``-s NAME=VALUE`` or ``newsmd ... -s NAME=VALUE``."""

from crawler.front_matter import DEFAULT_FRONT_MATTER

BOT_NAME = "newsmd"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# Where article files go: <OUTPUT_DIR>/<source>/<ID>.md (a Hugo site's content/ folder works).
OUTPUT_DIR = "output"
# The constant Mainroad front-matter fields (menu, lead, comments, authorbox, pager, toc,
# mathjax, sidebar, widgets). A dict, or a JSON object string on the command line.
FRONT_MATTER_DEFAULTS = dict(DEFAULT_FRONT_MATTER)
# File layout: "flat" (<source>/<ID>.md) or "bundle" (<source>/<ID>/index.md); per source too.
LAYOUT = "flat"
SOURCE_LAYOUT: dict[str, str] = {}
# Front-matter values per source that override everything else, e.g. {"qq": {"categories": ["腾讯"]}}.
SOURCE_FRONT_MATTER: dict[str, dict] = {}
# Images: "remote" keeps the source's URLs; "download" stores them in each article's page bundle.
IMAGES = "remote"
# What --images download may store (bytes; 0: no cap): one image, one article's images, one run's
# images. An image past a cap keeps its remote URL and is reported (image_failed) with the cap's name.
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGES_MAX_BYTES_PER_ARTICLE = 50 * 1024 * 1024
IMAGES_MAX_BYTES_PER_RUN = 1024 * 1024 * 1024
# Site-root path of OUTPUT_DIR in the built site (for the thumbnail); empty: guessed from a
# "content" folder in OUTPUT_DIR ("site/content/posts" -> "/posts/"), else "/".
CONTENT_URL_PATH = ""
# newsmd.toml overrides these settings (see crawler/config.py); empty: ./newsmd.toml if present.
NEWSMD_CONFIG = ""
ADDONS = {"crawler.config.ConfigAddon": 0}

# Host -> base URL of a local mirror, e.g. {"news.qq.com": "http://127.0.0.1:8123"}: requests
# for those hosts are fetched from the mirror while pages keep their real URL.
MIRROR: dict[str, str] = {}

# A page with no publication time: "skip" it (counted as failed/no_date) or "write" it without a
# date (counted as newsmd/undated).
UNDATED_ARTICLES = "skip"

# Front-matter dates: "local" (the reference: the wall time in TIME_ZONE, no zone written; the
# site's timeZone must be the same) or "offset" (RFC 3339 with TIME_ZONE's offset). TIME_ZONE: the
# zone every date is converted to; "" means the timeZone of the Hugo site the output is in, else
# Asia/Shanghai (what `newsmd site init` writes). EXTRA_FIELDS adds front-matter fields the reference leaves out: "author" (the
# author or outlet the page names), "tags" (the source's own tags instead of the source name).
DATE_FORMAT = "local"
TIME_ZONE = ""

# Seconds one page may take to read (parse, extract, convert); past it the page fails as
# too_slow and the crawl goes on. 0: no bound.
EXTRACT_TIME_LIMIT = 10.0
# Worker processes that read a crawl's pages while it fetches and writes (0: the crawl's own process).
EXTRACT_PROCESSES = 1
EXTRA_FIELDS: list[str] = []
# How each article is written: "markdown" (Hugo front matter + Markdown, the reference format) or
# "jsonl" (the article record as one JSON line).
OUTPUT_FORMAT = "markdown"

# Incremental state (default <OUTPUT_DIR>/.newsmd-state.sqlite), rewrite-everything switch, cap.
STATE_FILE = ""
STATE_URL = ""  # a shared state: postgresql://user:password@host/db (else the SQLite file above)
# Several machines: the shared queue of article requests (a discoverer puts them there, newsmd
# worker takes them), its keys' prefix, and how long a worker waits on an empty queue before leaving.
REDIS_URL = ""
REDIS_KEY_PREFIX = "newsmd"
WORKER_IDLE_SECONDS = 60.0
# -o s3://bucket/prefix: the store's endpoint (else AWS_ENDPOINT_URL, or AWS itself) and the local
# folder articles are staged in before they are put (default ~/.cache/newsmd/store/<hash of the URL>).
S3_ENDPOINT_URL = ""
OUTPUT_CACHE = ""
WORKER_HEARTBEAT_SECONDS = 30.0  # a worker silent this long is taken for dead: its articles go back to the queue
FORCE_REWRITE = False
MAX_ARTICLES_PER_RUN = 500
# Failed articles are remembered in the state file: one that failed for good (a video, a 404, a
# page that is not an article) is skipped by later runs as a known failure, one that failed for a
# passing reason (timeout, 5xx) is tried again in up to FAILED_RETRY_RUNS runs. RETRY_FAILED
# (newsmd crawl --retry-failed) tries them all again.
FAILED_RETRY_RUNS = 3
RETRY_FAILED = False

# A progress line (log, and stderr of `newsmd crawl`) every this many seconds; 0 turns it off.
PROGRESS_INTERVAL = 5.0
EXTENSIONS = {"crawler.extensions.ProgressLine": 500, "crawler.extensions.KilledJobRecovery": 0}

SPIDER_MIDDLEWARES = {
    "crawler.shared_queue.SharedQueueMiddleware": 950,  # last: the article requests the spider made, to the shared queue
}
ITEM_PIPELINES = {
    "pipelines.images.ArticleImagesPipeline": 700,
    "pipelines.markdown_writer.MarkdownWriterPipeline": 800,
    "pipelines.state.StatePipeline": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.address_guard.AddressGuardMiddleware": 50,  # first: before robots.txt is asked, before the mirror's rewrite
    "crawler.middlewares.MirrorMiddleware": 950,
    "crawler.middlewares.RedirectGuardMiddleware": 650,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}

# `newsmd get` of up to 10 URLs (images kept remote) fetches them one at a time without starting
# Scrapy, obeying the same downloader settings below (robots.txt, MIRROR, retries, redirects, size
# cap, timeout). True sends them through Scrapy's engine instead (your own middlewares, AutoThrottle).
GET_WITH_SCRAPY = False

# Polite by default.
ROBOTSTXT_OBEY = True
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Items processed at once per response: an article page gives one, a feed page its links. Scrapy's
# 100 starts 100 asyncio tasks for every response, which cost a crawl more than writing its files.
CONCURRENT_ITEMS = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
RETRY_TIMES = 3
# Wait before retry n: RETRY_BACKOFF_BASE * 2**(n-1) seconds (or Retry-After), at most RETRY_BACKOFF_MAX.
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
# Tencent answers 567 under load: a "slow down", retried with the backoff like 429.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429, 567]

# A channel feed is read until --pages pages, or until this many pages in a row bring no article
# not already seen in the run (a feed that ignores paging, or its end).
QQ_FEED_STALE_PAGES = 3
# Redirects: at most this many per page (a loop fails as too_many_redirects), and none to another
# site (offsite_redirect) unless FOLLOW_OFFSITE_REDIRECTS is on.
REDIRECT_MAX_TIMES = 5
FOLLOW_OFFSITE_REDIRECTS = False
# Links in a feed or sitemap are followed on the document's own site only; these hosts (names,
# domains with their subdomains, addresses, or "*" for any site by name) are followed too.
FOLLOW_LINK_HOSTS: list[str] = []
# Caps on what one feed or sitemap can make a run do (each counted and reported when hit): links
# read per document (the sitemap protocol's own maximum), child sitemaps followed per run.
MAX_LINKS_PER_DOCUMENT = 50_000
MAX_CHILD_SITEMAPS = 500
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
