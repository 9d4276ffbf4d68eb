"""Fetching: the spiders, the downloader middlewares, the plain fetcher, the state, the shared queue."""
