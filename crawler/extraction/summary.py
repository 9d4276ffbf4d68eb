"""The front-matter summary: the article's lead, cut at whole paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence

SUMMARY_LIMIT = 50
ELLIPSIS = "..."
_ORIGINAL_TITLE_NOTE = re.compile(r"^[（(]?原标题[:：]")
_SENTENCE_END = re.compile(r"[。！？!?…．.”’」』）)]$")
SHORT_LINE = 20
"""Longest paragraph (characters) that, without a sentence's closing punctuation, is a byline,
dateline or heading above the article (作者｜…, 微信｜…, 1), not its lead."""


def _from_first_sentence(texts: list[str]) -> list[str]:
    """``texts`` from the first paragraph that reads as prose; all of them when none does."""
    for index, text in enumerate(texts):
        if len(text) > SHORT_LINE or _SENTENCE_END.search(text):
            return texts[index:]
    return texts


def summarize(paragraphs: Sequence[str], limit: int = SUMMARY_LIMIT) -> str:
    """Join the longest run of leading paragraphs that fits in ``limit`` characters, then ``...``.

    When the first paragraph alone is longer than ``limit``, its first ``limit`` characters are
    used instead. An "original title" note (``原标题：...``) is no lead and is passed over, and
    so are the short lines above the first sentence (bylines, datelines, headings). An article
    without text paragraphs has an empty summary.
    """
    texts = _from_first_sentence([text for text in paragraphs if text and not _ORIGINAL_TITLE_NOTE.match(text)])
    if not texts:
        return ""
    lead = ""
    for text in texts:
        if len(lead) + len(text) > limit:
            break
        lead += text
    return (lead or texts[0][:limit]) + ELLIPSIS
