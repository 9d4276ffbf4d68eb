"""newsmd: news articles to Hugo-ready Markdown.

Python API (no Scrapy needed)::

    from crawler import extract, render
    article = extract("https://news.qq.com/rain/a/20250214A05WPR00", page_bytes)
    text = render(article)
"""

import crawler.lazy_imports  # noqa: F401 -- before any dependency imports what it defers
from crawler.article import Article
from crawler.errors import ExtractionError
from crawler.extraction.extract import extract
from crawler.output.front_matter import render

__all__ = ["Article", "ExtractionError", "extract", "render"]
