"""newsmd spiders: they only navigate; parsing is ``crawler.extraction.extract``, writing is the pipelines."""
