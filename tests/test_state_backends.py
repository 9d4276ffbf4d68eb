"""One state interface, two backends: every test here runs on the SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from services import new_database

from crawler.crawling.state import ArticleState, StateFileError, open_state

StateFactory = Callable[[], ArticleState]


@pytest.fixture(params=["sqlite", "postgresql"])
def new_state(request: pytest.FixtureRequest, tmp_path: Path) -> StateFactory:
    """Opens the same state again each call: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        settings = {"OUTPUT_DIR": str(tmp_path / "out")}
    else:
        settings = {"STATE_URL": new_database(request.getfixturevalue("postgres_url"))}
    return lambda: open_state(settings)


def test_an_article_written_is_known_after_reopening(new_state: StateFactory, tmp_path: Path) -> None:
    state = new_state()
    assert state.get("qq", "A1") is None
    (tmp_path / "a.md").write_text("x")
    state.record("qq", "A1", "v1", "hash1", str(tmp_path / "a.md"))
    state.record("qq", "A1", "v2", "hash2", str(tmp_path / "a.md"))  # updated: one row, the last version
    state.close()
    record = new_state().get("qq", "A1")
    assert record is not None and (record.feed_version, record.content_hash) == ("v2", "hash2")
    assert record.path == str((tmp_path / "a.md").resolve())


def test_images_links_and_failures_round_trip(new_state: StateFactory, tmp_path: Path) -> None:
    state = new_state()
    state.record_image("qq", "A1", "https://img.example/1.jpg", "1.jpg")
    state.record_link("https://example.com/a", "2024-05-01", str(tmp_path / "a.md"), "h")
    state.record_failure("https://example.com/b", "timeout", permanent=False, version="v1")
    state.record_failure("https://example.com/b", "http_error", permanent=True, version="v2")
    state.record_failure("https://example.com/c", "timeout", permanent=False)
    state.clear_failure("https://example.com/c")
    state.close()
    state = new_state()
    assert state.image_file("qq", "A1", "https://img.example/1.jpg") == "1.jpg"
    assert state.image_file("qq", "A2", "https://img.example/1.jpg") is None
    link = state.link("https://example.com/a")
    assert link is not None and (link.version, link.content_hash) == ("2024-05-01", "h")
    failure = state.failure("https://example.com/b")
    assert failure is not None and (failure.reason, failure.permanent, failure.attempts, failure.version) == (
        "http_error", True, 2, "v2")
    assert state.failure("https://example.com/c") is None
    state.close()


def test_many_changes_are_committed_in_batches_and_all_kept(new_state: StateFactory, tmp_path: Path) -> None:
    state = new_state()
    for number in range(ArticleState.COMMIT_EVERY * 2 + 5):
        state.record("feed", f"id{number}", "v", "h", str(tmp_path / f"{number}.md"))
    state.close()
    state = new_state()
    assert all(state.get("feed", f"id{number}") for number in range(ArticleState.COMMIT_EVERY * 2 + 5))
    state.close()


def test_a_database_that_cannot_be_reached_is_one_line_without_its_password(tmp_path: Path) -> None:
    with pytest.raises(StateFileError) as refused:
        open_state({"STATE_URL": f"postgresql://newsmd:secret@/nosuch?host={tmp_path}"})
    assert "secret" not in str(refused.value) and "\n" not in str(refused.value)
    assert str(refused.value).startswith("cannot use the state database")


def test_a_database_with_another_programs_articles_table_is_refused(postgres_url: str) -> None:
    import psycopg

    url = new_database(postgres_url)
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("CREATE TABLE articles (id INTEGER)")
    with pytest.raises(StateFileError, match="lacks"):
        open_state({"STATE_URL": url})
