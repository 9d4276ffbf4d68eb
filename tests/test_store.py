"""An S3-compatible store as the output (moto's S3 server, started here), and ``newsmd site sync``
bringing its articles into a site's content folder."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, LocalSite, page
from services import s3_client

from crawler.crawling.mirror import MirrorServer

SNAPSHOT = ROOT / "demo" / "mirror"
ARTICLES = {"20250214A05WPR00": "rain-20250214A05WPR00", "20190907A081B000": "omn-20190907A081B000",
            "20201130A0G1JJ00": "omn-20201130A0G1JJ00", "20260810A0BO7100": "rain-20260810A0BO7100-excerpt",
            "TWF2021042600346900": "omn-video-TWF2021042600346900"}
_LINE_END_SPACE = re.compile(r"[ \t\xa0]+$", re.MULTILINE)


@pytest.fixture
def env(s3_env: dict[str, str], cli_env: dict[str, str]) -> dict[str, str]:
    client = s3_client(s3_env)
    for entry in client.list_objects_v2(Bucket="news").get("Contents", []):
        client.delete_object(Bucket="news", Key=entry["Key"])
    return {**cli_env, **s3_env}


def _crawl(mirror: MirrorServer, env: dict[str, str], cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", "-o", "s3://news/posts",
                           "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_START_DELAY=0.1",
                           "-s", f"OUTPUT_CACHE={cache}", *extra], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=180)


def _objects(env: dict[str, str]) -> dict[str, bytes]:
    client = s3_client(env)
    listed = client.list_objects_v2(Bucket="news").get("Contents", [])
    return {entry["Key"]: client.get_object(Bucket="news", Key=entry["Key"])["Body"].read() for entry in listed}


def _article_fetches(mirror: MirrorServer) -> list[str]:
    return [hit for hit in mirror.hits if hit.startswith("GET /rain/a/")]


def test_a_crawl_puts_each_article_in_the_store_and_another_machine_fetches_nothing_again(
        env: dict[str, str], tmp_path: Path) -> None:
    state = tmp_path / "shared-state.sqlite"  # as a shared state would be; each run stages in its own folder
    with MirrorServer(SNAPSHOT) as mirror:
        first = _crawl(mirror, env, tmp_path / "machine-a", "-s", f"STATE_FILE={state}")
        assert first.returncode == 0, first.stderr
        assert sorted(first.stdout.split()) == sorted(["written"] * 5 + [f"s3://news/posts/qq/{name}.md" for name in ARTICLES])
        objects = _objects(env)
        assert set(objects) == {f"posts/qq/{name}.md" for name in ARTICLES}
        for name, fixture in ARTICLES.items():
            assert _LINE_END_SPACE.sub("", objects[f"posts/qq/{name}.md"].decode()) == _LINE_END_SPACE.sub(
                "", page(fixture).golden.read_text(encoding="utf-8"))
        mirror.hits.clear()
        second = _crawl(mirror, env, tmp_path / "machine-b", "-s", f"STATE_FILE={state}")
        assert second.stderr.splitlines()[-1] == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == [], "the store, not the staging folder, says the articles are there"


def test_site_sync_brings_new_and_changed_articles_and_removes_only_what_it_wrote(env: dict[str, str],
                                                                                   tmp_path: Path) -> None:
    posts = tmp_path / "site" / "content" / "posts"
    sync = ["newsmd", "site", "sync", "s3://news/posts", str(posts)]
    with MirrorServer(SNAPSHOT) as mirror:
        assert _crawl(mirror, env, tmp_path / "cache").returncode == 0
        first = subprocess.run(sync, capture_output=True, text=True, env=env, timeout=60)
        assert first.returncode == 0, first.stderr
        assert first.stderr.strip() == "5 new / 0 updated / 0 unchanged / 0 removed"
        objects = _objects(env)
        assert {f"posts/{path.relative_to(posts).as_posix()}": path.read_bytes()
                for path in posts.rglob("*.md")} == objects
        assert subprocess.run(sync, capture_output=True, text=True, env=env, timeout=60).stderr.strip() == \
            "0 new / 0 updated / 5 unchanged / 0 removed"

        edited = posts / "qq" / "20190907A081B000.md"
        edited.write_text("edited by the site's owner\n", encoding="utf-8")
        (posts / "qq" / "about.md").write_text("the owner's own page\n", encoding="utf-8")
        moved = _crawl(mirror, env, tmp_path / "cache", "--layout", "bundle", "--force")  # each moves: qq/ID/index.md
        assert moved.returncode == 0, moved.stderr
        second = subprocess.run(sync, capture_output=True, text=True, env=env, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stderr.strip() == "5 new / 0 updated / 0 unchanged / 4 removed"
    assert sorted(path.relative_to(posts).as_posix() for path in posts.rglob("*.md")) == sorted(
        ["qq/20190907A081B000.md", "qq/about.md", *(f"qq/{name}/index.md" for name in ARTICLES)])
    assert edited.read_text(encoding="utf-8") == "edited by the site's owner\n", "an edited file is not removed"


def test_a_store_that_cannot_be_used_is_one_line_and_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run(["newsmd", "get", "https://news.qq.com/rain/a/20250214A05WPR00", "-o", "s3://nosuch/posts"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "newsmd: error: cannot use s3://nosuch/posts as the output: no such bucket"


def test_downloaded_images_go_to_the_store_with_their_article(env: dict[str, str], local_site: LocalSite,
                                                              tmp_path: Path) -> None:
    from test_images import get_with_images, serve_article_and_images

    serve_article_and_images(local_site)
    env = {**env, "NEWSMD_LOG_TIME": "never"}
    result = get_with_images(local_site, "s3://news/posts", env, "-s", f"OUTPUT_CACHE={tmp_path / 'cache'}",
                             "-s", "CONTENT_URL_PATH=/posts/")
    assert result.returncode == 0, result.stderr
    objects = _objects(env)
    bundle = "posts/qq/20190907A081B000/"
    images = sorted(key for key in objects if key.startswith(bundle) and not key.endswith("index.md"))
    assert len(images) == 3  # the JPEG, PNG and WebP the page shows (its 404 keeps its remote URL)
    text = objects[bundle + "index.md"].decode()
    assert all(f"]({key.rsplit('/', 1)[1]})" in text for key in images)
    assert 'thumbnail: "posts/qq/20190907a081b000/' in text  # where site sync puts it (CONTENT_URL_PATH)
    posts = tmp_path / "site" / "content" / "posts"
    synced = subprocess.run(["newsmd", "site", "sync", "s3://news/posts", str(posts)], capture_output=True, text=True,
                            env=env, timeout=60)
    assert synced.stderr.strip() == "4 new / 0 updated / 0 unchanged / 0 removed"
    assert sorted(path.name for path in (posts / "qq" / "20190907A081B000").iterdir()) == sorted(
        ["index.md", *(key.rsplit("/", 1)[1] for key in images)])


def test_an_object_the_store_refuses_is_a_failed_write_of_one_line_and_the_run_goes_on(
        env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The bucket gone in the middle of a run: each article is a logged, counted failed write."""
    from scrapy.settings import Settings

    from crawler import extract
    from crawler.crawling.plain_get import PlainRun
    from pipelines.markdown_writer import MarkdownWriterPipeline

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = PlainRun(Settings({"OUTPUT_DIR": "s3://vanished/posts", "OUTPUT_CACHE": str(tmp_path / "cache")}))
    writer = MarkdownWriterPipeline(run)
    saved = page("rain-20250214A05WPR00")
    writer.write(extract(saved.url, saved.html.read_bytes()))
    writer.write(extract(saved.url, saved.html.read_bytes()))
    assert run.stats.get_value("newsmd/failed/write") == 2
    failures = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    assert failures == [f"{saved.url}: could not write the article: could not put "
                        f"s3://vanished/posts/qq/20250214A05WPR00.md: no such bucket [write]"] * 2


def test_the_store_is_asked_only_what_the_state_does_not_know(env: dict[str, str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A new article (the state has no record) is one PUT; one the state has in this layout is not
    looked for in the other; one moved from the other layout removes its old object."""
    from scrapy.settings import Settings

    from crawler import extract
    from pipelines.markdown_writer import OutputOptions, write_article

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    saved = page("rain-20250214A05WPR00")
    article = extract(saved.url, saved.html.read_bytes())
    flat, bundle = (OutputOptions.from_settings(Settings({"OUTPUT_CACHE": str(tmp_path / "cache"), "LAYOUT": layout}),
                                                "s3://news/posts") for layout in ("flat", "bundle"))
    calls: list[str] = []
    for options in (flat, bundle):
        options.store.client.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))

    def requests(options: OutputOptions, recorded: str | None) -> tuple[str, list[str]]:
        calls.clear()
        return write_article(article, options, recorded=recorded).outcome, list(calls)

    flat_location = "s3://news/posts/qq/20250214A05WPR00.md"
    assert requests(flat, "") == ("written", ["PutObject"])
    assert requests(flat, flat_location) == ("unchanged", ["HeadObject"])
    assert requests(bundle, flat_location) == ("written", ["HeadObject", "PutObject", "DeleteObject"])
    assert set(_objects(env)) == {"posts/qq/20250214A05WPR00/index.md"}
    assert requests(flat, None) == ("written", ["HeadObject", "PutObject", "DeleteObject"])  # no state: ask the store
    assert set(_objects(env)) == {"posts/qq/20250214A05WPR00.md"}
