"""newsmd spiders: they only navigate; parsing is ``crawler.extract``, writing is the pipelines."""
