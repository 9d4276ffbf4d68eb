"""Signals newsmd sends during a crawl (used by the ``newsmd`` command to report)."""

article_written = object()
"""Sent after an article file is handled: ``article=Article, result=WriteResult``."""

article_failed = object()
"""Sent when a page could not become an article: ``url=str, reason=str, detail=str``."""

crawl_progress = object()
"""Sent every ``PROGRESS_INTERVAL`` seconds during a crawl: ``line=str`` (the counts so far)."""

image_failed = object()
"""Sent when an image could not be downloaded (it keeps its remote URL): ``url=str, image_url=str, detail=str``."""

killed_run_recovered = object()
"""Sent when a crawl finds its ``JOBDIR`` left by a killed run and drops its request queue: ``jobdir=str``."""

crawl_warning = object()
"""Sent for what the user should hear of but is not a failure (a feed or sitemap link not followed,
a cap hit, a channel whose first page is empty): ``url=str, reason=str, detail=str``."""

article_done = object()
"""Sent when the crawl is done with an article request, whatever became of it (written and
recorded, refused, failed): ``context=CrawlContext``. A worker takes it off the shared queue."""
