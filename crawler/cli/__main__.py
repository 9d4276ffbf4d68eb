"""``python -m crawler.cli``: the ``newsmd`` command."""

from crawler.cli import run

run()
