"""The front-matter summary: the article's lead, cut at whole paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence

SUMMARY_LIMIT = 50
ELLIPSIS = "..."
_ORIGINAL_TITLE_NOTE = re.compile(r"^[（(]?原标题[:：]")


def summarize(paragraphs: Sequence[str], limit: int = SUMMARY_LIMIT) -> str:
    """Join the longest run of leading paragraphs that fits in ``limit`` characters, then ``...``.

    When the first paragraph alone is longer than ``limit``, its first ``limit`` characters are
    used instead. An "original title" note (``原标题：...``) is no lead and is passed over. An
    article without text paragraphs has an empty summary.
    """
    texts = [text for text in paragraphs if text and not _ORIGINAL_TITLE_NOTE.match(text)]
    if not texts:
        return ""
    lead = ""
    for text in texts:
        if len(lead) + len(text) > limit:
            break
        lead += text
    return (lead or texts[0][:limit]) + ELLIPSIS
