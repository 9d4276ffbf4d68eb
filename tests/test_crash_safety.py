"""Crash safety of the writer: a SIGKILL at any moment, or a full disk, never leaves a partial file."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, page
from scrapy.utils.test import get_crawler

from crawler import extract, render
from pipelines.markdown_writer import MarkdownWriterPipeline
from pipelines.storage import remove_stale_temp_files

ARTICLE = extract(page("rain-20250214A05WPR00").url, page("rain-20250214A05WPR00").html.read_bytes())
KILLS = 12

WRITER = """
import sys, itertools
from pathlib import Path
from pipelines.storage import article_path, write_atomic
root, versions = Path(sys.argv[1]), [Path(p).read_text(encoding="utf-8") for p in sys.argv[2:]]
print("ready", flush=True)
for round_number in itertools.count():
    for number in range(20):
        write_atomic(article_path(root, "qq", f"A{number:02d}"), versions[(round_number + number) % len(versions)])
"""


def test_a_writer_killed_at_random_moments_leaves_only_complete_files(tmp_path: Path) -> None:
    versions = [render(ARTICLE), render(ARTICLE).replace("6连板", "七连板") * 3]
    version_files = []
    for number, text in enumerate(versions):
        version_files.append(tmp_path / f"v{number}.md")
        version_files[-1].write_text(text, encoding="utf-8")
    root = tmp_path / "out"
    chooser = random.Random(20261125)
    for _ in range(KILLS):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root), *map(str, version_files)],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(chooser.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
        for path in sorted((root / "qq").glob("*.md")):
            assert path.read_text(encoding="utf-8") in versions, f"{path.name} is partial after SIGKILL"
        remove_stale_temp_files(root)  # what the writer pipeline does when the next run opens
        assert not [path for path in root.rglob("*") if path.is_file() and not path.name.endswith(".md")]
    assert len(list((root / "qq").glob("*.md"))) == 20  # the writer got through at least one round


def test_a_full_disk_is_counted_keeps_the_old_file_and_the_crawl_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    pipeline = MarkdownWriterPipeline(crawler)
    pipeline.write(ARTICLE)
    target = tmp_path / "qq" / "20250214A05WPR00.md"
    before = target.read_bytes()
    real_fsync = os.fsync

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    changed = type(ARTICLE)(**{**ARTICLE.__dict__, "title": "改过的标题"})
    pipeline.write(changed)
    assert target.read_bytes() == before
    assert crawler.stats.get_value("newsmd/failed/write") == 1
    assert [path.name for path in target.parent.iterdir()] == [target.name]  # no temp file left behind

    monkeypatch.setattr(os, "fsync", real_fsync)
    pipeline.write(changed)  # space again: the crawl goes on and the update lands
    assert "改过的标题" in target.read_text(encoding="utf-8")
    assert crawler.stats.get_value("newsmd/updated") == 1


def test_folders_are_synced_in_batches_and_at_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file's data is fsynced before its rename; the folder fsyncs (which make renames survive
    a power cut) come once per batch of files and when the crawl closes."""
    import pipelines.markdown_writer as writer

    synced: list[list[Path]] = []
    monkeypatch.setattr(writer, "sync_folders", lambda folders: synced.append(list(folders)))
    crawler = get_crawler(settings_dict={"OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    pipeline = MarkdownWriterPipeline(crawler)
    for number in range(MarkdownWriterPipeline.FOLDER_SYNC_FILES + 3):
        pipeline.write(type(ARTICLE)(**{**ARTICLE.__dict__, "article_id": f"20250214A{number:07d}"}))
    assert synced == [[tmp_path / "qq"]]  # one batch full: one fsync of the one folder
    pipeline.close_spider()
    assert synced == [[tmp_path / "qq"], [tmp_path / "qq"]]  # the rest at close
    assert len(list((tmp_path / "qq").glob("*.md"))) == MarkdownWriterPipeline.FOLDER_SYNC_FILES + 3
