"""Failure and warning reasons are one fixed, documented set (``crawler.reasons``)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from crawler.errors import ExtractionError
from crawler.extraction.extract import FALLBACK_REASONS
from crawler.reasons import PERMANENT_REASONS, REASONS

_GIVEN_REASON = re.compile(
    r"""(?:ExtractionError\([^,()]+,\s*|(?:report_failure|warn|refuse)\([^,()]+,\s*|"""
    r"""(?:LinkDocumentError|RedirectRefused)\()"([a-z_]+)"|\s\[([a-z_]+)\]["']""")


def _reasons_in_code() -> set[str]:
    found = set()
    for path in [*(ROOT / "crawler").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py")]:
        for match in _GIVEN_REASON.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_reason_the_code_gives_is_in_the_set() -> None:
    used = _reasons_in_code()
    assert len(used) > 20  # the scan finds them
    assert used <= set(REASONS), sorted(used - set(REASONS))


def test_every_reason_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in REASONS if f"`{name}`" not in readme] == []


def test_what_a_reason_means_for_the_crawl_is_declared_once() -> None:
    assert FALLBACK_REASONS == {"unsupported_page", "no_title"}
    assert {"video", "not_article", "expired_link", "bad_url"} <= PERMANENT_REASONS
    assert not {"thin_page", "too_slow", "download_error", "truncated"} & PERMANENT_REASONS  # passing faults
    with pytest.raises(ValueError, match="unknown failure reason"):
        ExtractionError("https://e.example/", "no_such_reason", "detail")
