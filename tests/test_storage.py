"""Files are written atomically, only inside the output root, under validated names."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pipelines.storage import (
    UnsafePathError,
    article_path,
    name_from_file,
    remove_stale_temp_files,
    safe_name,
    write_atomic,
)


def test_outcomes_written_unchanged_updated(tmp_path: Path) -> None:
    path = article_path(tmp_path, "qq", "20250214A05WPR00")
    assert path == tmp_path / "qq" / "20250214A05WPR00.md"
    assert write_atomic(path, "one\n").outcome == "written"
    assert write_atomic(path, "one\n").outcome == "unchanged"
    updated = write_atomic(path, "two\n")
    assert updated.outcome == "updated"
    assert path.read_text() == "two\n"
    assert updated.content_hash == hashlib.sha256(b"two\n").hexdigest()
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]  # no temp file left


@pytest.mark.parametrize(
    "name", ["..", "../x", "a/b", "/etc/passwd", "", ".hidden", "a\x00b", "x" * 200, "a b", "é", "a.b"]
)
def test_unsafe_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafePathError):
        article_path(tmp_path, "qq", name)
    with pytest.raises(UnsafePathError):
        article_path(tmp_path, name, "20250214A05WPR00")


@pytest.mark.parametrize(("name", "file"), [
    ("-rf", "_-rf_"), ("_index", "__index_"), ("index", "_index_"), ("CON", "_CON_"), ("nul", "_nul_"),
    ("com1", "_com1_"), ("_x_", "__x__"), ("x", "x"), ("con1", "con1"), ("20250214A05WPR00", "20250214A05WPR00"),
])
def test_names_a_tool_would_misread_are_escaped_not_lost(tmp_path: Path, name: str, file: str) -> None:
    assert article_path(tmp_path, "qq", name) == tmp_path / "qq" / f"{file}.md"
    assert article_path(tmp_path, name, "1") == tmp_path / file / "1.md"
    assert article_path(tmp_path, "qq", name, "bundle") == tmp_path / "qq" / file / "index.md"


def test_escaped_names_read_back() -> None:
    for name in ["-rf", "_index", "index", "con", "_x_", "x", "20250214A05WPR00", "a_"]:
        assert name_from_file(safe_name(name)) == name


def test_escaped_names_never_meet_plain_ones() -> None:
    names = ["-rf", "_-rf_", "_index", "index", "_index_", "con", "_con_", "CON", "x", "_x", "_x_", "__x__"]
    files = [article_path(Path("out"), "qq", name) for name in names]
    assert len(set(files)) == len(names)


def test_a_planted_symlink_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    (root / "qq").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError):
        article_path(root, "qq", "20250214A05WPR00")
    assert list(outside.iterdir()) == []


def test_a_planted_symlink_file_is_not_overwritten(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / "out" / "qq").mkdir(parents=True)
    (tmp_path / "out" / "qq" / "20250214A05WPR00.md").symlink_to(victim)
    with pytest.raises(UnsafePathError):
        article_path(tmp_path / "out", "qq", "20250214A05WPR00")
    assert victim.read_text() == "keep"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = article_path(tmp_path, "qq", "20250214A05WPR00")
    write_atomic(path, "old\n")

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(entry.name for entry in path.parent.iterdir()) == [path.name]


def test_stale_temp_files_of_a_killed_writer_are_removed_and_nothing_else(tmp_path: Path) -> None:
    article = article_path(tmp_path, "qq", "20250214A05WPR00")
    write_atomic(article, "done\n")
    stale = [tmp_path / "qq" / ".20250214A05WPR00.md.abc123.tmp", tmp_path / "qq" / "X" / ".index.md.q1w2e3.tmp",
             tmp_path / "qq" / "X" / ".0171178ae901e108f563.jpg.k2j3h4g5.tmp"]  # an image's too
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half a fi")
    keep = [tmp_path / ".newsmd-state.sqlite", tmp_path / "qq" / ".notes.tmp", article]
    keep[0].write_text("db")
    keep[1].write_text("not ours")
    assert sorted(remove_stale_temp_files(tmp_path)) == sorted(stale)
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in keep)
    assert remove_stale_temp_files(tmp_path / "missing") == []


def test_a_layout_change_moves_the_article_and_an_identical_file_is_left_alone(tmp_path: Path) -> None:
    from conftest import page

    from crawler import extract
    from pipelines.markdown_writer import OutputOptions, write_article

    saved = page("rain-20250214A05WPR00")
    article = extract(saved.url, saved.html.read_bytes())
    flat = write_article(article, OutputOptions(root=tmp_path))
    assert flat.outcome == "written" and flat.path == tmp_path / "qq" / "20250214A05WPR00.md"
    mtime = flat.path.stat().st_mtime_ns
    again = write_article(article, OutputOptions(root=tmp_path))  # what --force's refetch writes
    assert again.outcome == "unchanged" and flat.path.stat().st_mtime_ns == mtime  # identical is left alone
    bundle = write_article(article, OutputOptions(root=tmp_path, layout="bundle"))
    assert bundle.outcome == "written" and bundle.path == tmp_path / "qq" / "20250214A05WPR00" / "index.md"
    assert not flat.path.exists()  # moved, not copied: Hugo would publish one of the two
    back = write_article(article, OutputOptions(root=tmp_path))
    assert back.outcome == "written" and not bundle.path.exists() and back.path.is_file()


def test_a_temp_file_another_live_writer_is_writing_is_left_alone(tmp_path: Path) -> None:
    """Two workers writing to one folder: the second one's start must not delete the first's temp files."""
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = tmp_path / "qq" / f".20250214A05WPR00.md.{other.pid}-abc123.tmp"
        dead = tmp_path / "qq" / f".20190907A081B000.md.{2**22 + 12345}-q1w2e3.tmp"  # above pid_max: no such process
        for path in (live, dead):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("half an article")
        assert remove_stale_temp_files(tmp_path) == [dead]
        assert live.exists()
    finally:
        other.kill()
        other.wait()
    written = write_atomic(tmp_path / "qq" / "X.md", "text\n")
    assert written.outcome == "written" and not list((tmp_path / "qq").glob(".X.md.*"))
