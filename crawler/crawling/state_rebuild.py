"""``newsmd state rebuild DIR``: a new state file made from the article files in the output folder.

Every article file names its source and ID in its path (``<source>/<ID>.md`` or
``<source>/<ID>/index.md``) and its canonical URL in its last line (``[source](URL)``); that is all
the state needs to know the article was written. Feed versions are not in the files, so each
article listed in a feed is fetched once more and found unchanged (or updated) on the next run.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from crawler.crawling.state import STATE_FILE_NAME, SqliteState
from pipelines.storage import name_from_file

_SOURCE_LINK = re.compile(r"^\[([^\]\\]+)\]\((https?://[^)\s]+)\)$")


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did: the new state file, the articles it knows, the old file kept aside."""

    state_file: Path
    articles: int
    kept_aside: Path | None


def _article_files(root: Path) -> list[tuple[str, str, Path]]:
    found = []
    for path in sorted(root.rglob("*.md")):
        parts = path.relative_to(root).parts
        if len(parts) == 2:
            source, article_id = parts[0], path.stem
        elif len(parts) == 3 and parts[2] == "index.md":
            source, article_id = parts[0], parts[1]
        else:
            continue
        found.append((name_from_file(source), name_from_file(article_id), path))
    return found


def _canonical_url(text: str, source: str) -> str | None:
    lines = text.rstrip("\n").rsplit("\n", 1)
    match = _SOURCE_LINK.match(lines[-1])
    return match.group(2) if match and match.group(1) == source else None


def rebuild_state(root: str | Path, state_file: str | Path | None = None) -> RebuildResult:
    """Make a new state file for the output folder ``root`` from its article files.

    An existing state file (damaged or not) is renamed aside, never deleted. Files that are not
    newsmd articles (no trailing source link) are left out.
    """
    root = Path(root)
    state_path = Path(state_file) if state_file else root / STATE_FILE_NAME
    kept_aside = None
    if state_path.exists():
        kept_aside = state_path.with_name(f"{state_path.name}.damaged-{time.strftime('%Y%m%d%H%M%S')}")
        state_path.rename(kept_aside)
        for suffix in ("-wal", "-shm"):
            companion = state_path.with_name(state_path.name + suffix)
            if companion.exists():
                companion.rename(kept_aside.with_name(kept_aside.name + suffix))
    state = SqliteState(state_path)
    articles = 0
    try:
        for source, article_id, path in _article_files(root):
            data = path.read_bytes()
            canonical = _canonical_url(data.decode("utf-8", errors="replace"), source)
            if canonical is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
            state.record(source, article_id, "", digest, str(path))
            state.record_link(canonical, "", str(path), digest)
            articles += 1
    finally:
        state.close()
    return RebuildResult(state_path, articles, kept_aside)
