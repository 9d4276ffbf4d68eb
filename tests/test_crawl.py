"""The scheduled ``qq`` crawl against the bundled snapshot served on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, page

from crawler.crawling.mirror import Answer, MirrorServer
from crawler.extraction.sources.qq_feed import parse_channel_feed

SNAPSHOT = ROOT / "demo" / "mirror"
ARTICLES = {
    "20250214A05WPR00": "rain-20250214A05WPR00",
    "20190907A081B000": "omn-20190907A081B000",
    "20201130A0G1JJ00": "omn-20201130A0G1JJ00",
    "20260810A0BO7100": "rain-20260810A0BO7100-excerpt",
    "TWF2021042600346900": "omn-video-TWF2021042600346900",
}
_LINE_END_SPACE = re.compile(r"[ \t\xa0]+$", re.MULTILINE)
OFFSITE_HOST = "elsewhere.example"


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    copy = tmp_path / "mirror"
    shutil.copytree(SNAPSHOT, copy)
    return copy


def _crawl(mirror: MirrorServer, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = ["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", "-o", str(out),
               "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_START_DELAY=0.1", *extra]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def _summary(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def _article_fetches(mirror: MirrorServer) -> list[str]:
    return [hit for hit in mirror.hits if hit.startswith(("GET /rain/a/", "GET /a/"))]


def test_the_real_feed_excerpt_parses() -> None:
    entries = parse_channel_feed((ROOT / "tests/fixtures/not-articles/qq-feed-news_news_fx-excerpt.json").read_bytes())
    assert [(entry.kind, entry.article_id) for entry in entries] == [("article", "20260810A0BO7100")]
    assert entries[0].update_time == "2026-08-10 20:43:10"


def test_crawl_writes_each_article_once_then_nothing(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        first = _crawl(mirror, out, cli_env)
        assert first.returncode == 0, first.stderr
        assert _summary(first) == "5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed"
        assert sorted(path.stem for path in (out / "qq").glob("*.md")) == sorted(ARTICLES)
        for article_id, fixture in ARTICLES.items():
            got = _LINE_END_SPACE.sub("", (out / "qq" / f"{article_id}.md").read_text(encoding="utf-8"))
            assert got == _LINE_END_SPACE.sub("", page(fixture).golden.read_text(encoding="utf-8"))
        assert len(_article_fetches(mirror)) == 5

        mirror.hits.clear()
        second = _crawl(mirror, out, cli_env)
        assert second.returncode == 0, second.stderr
        assert _summary(second) == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == []
        assert second.stdout == ""


def test_a_changed_article_is_the_only_one_rewritten(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, out, cli_env).returncode == 0
        before = {path.name: path.read_bytes() for path in (out / "qq").glob("*.md")}
        article = snapshot / "rain" / "a" / "20201130A0G1JJ00.html"
        article.write_text(article.read_text(encoding="utf-8").replace("热度：52.9K", "热度：99.9K"), encoding="utf-8")
        feed = snapshot / "web_feed" / "getPCList" / "news_news_finance" / "2.json"
        feed.write_text(feed.read_text(encoding="utf-8").replace('"update_time": "2020-11-30 21:48:28"', '"update_time": "2020-12-01 08:00:00"'), encoding="utf-8")
        mirror.hits.clear()
        third = _crawl(mirror, out, cli_env)
        assert third.returncode == 0, third.stderr
        assert _summary(third) == "5 discovered / 0 written / 1 updated / 4 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == ["GET /rain/a/20201130A0G1JJ00"]
        after = {path.name: path.read_bytes() for path in (out / "qq").glob("*.md")}
        assert [name for name in before if before[name] != after[name]] == ["20201130A0G1JJ00.md"]
        assert "热度：99.9K" in after["20201130A0G1JJ00.md"].decode()

        mirror.hits.clear()
        forced = _crawl(mirror, out, cli_env, "--force")
        assert _summary(forced) == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert len(_article_fetches(mirror)) == 5  # fetched again, and left alone: identical


def test_a_deleted_or_edited_file_is_written_again(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    """The state file never outranks the output folder."""
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, out, cli_env).returncode == 0
        before = _files(out / "qq")
        (out / "qq" / "20250214A05WPR00.md").unlink()
        (out / "qq" / "20190907A081B000.md").write_text("edited by hand\n", encoding="utf-8")
        mirror.hits.clear()
        again = _crawl(mirror, out, cli_env)
        assert again.returncode == 0, again.stderr
        assert _summary(again) == "5 discovered / 1 written / 1 updated / 3 unchanged / 2 skipped / 0 failed"
        assert sorted(_article_fetches(mirror)) == ["GET /rain/a/20190907A081B000", "GET /rain/a/20250214A05WPR00"]
        assert _files(out / "qq") == before
        mirror.hits.clear()
        assert _summary(_crawl(mirror, out, cli_env)) == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == []


def test_feed_faults_end_the_crawl_cleanly_and_are_counted(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    finance = snapshot / "web_feed" / "getPCList" / "news_news_finance"
    shutil.copyfile(finance / "1.json", finance / "2.json")  # a feed that loops on the same page
    (snapshot / "rain" / "a" / "20260810A0BO7100.html").write_text("<html><body>truncated", encoding="utf-8")
    (snapshot / "rain" / "a" / "TWF2021042600346900.html").unlink()  # 404, and its view.inews retry
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        result = _crawl(mirror, out, cli_env)
    assert result.returncode == 1
    assert _summary(result) == "4 discovered / 2 written / 0 updated / 0 unchanged / 2 skipped / 2 failed"
    finance_pages = [hit for hit in mirror.hits if hit.startswith("POST") and "news_news_finance" in hit]
    assert len(finance_pages) == 3  # read to --pages 3, no further
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
    assert len(errors) == 2
    assert any("20260810A0BO7100" in line and line.endswith("[truncated]") for line in errors)
    assert any("TWF2021042600346900" in line and line.endswith("HTTP 404 [http_error]") for line in errors)
    assert "GET /a/20260810A0BO7100" in mirror.hits  # the thin answer was retried as view.inews
    assert sorted(path.name for path in (out / "qq").glob("*.md")) == ["20190907A081B000.md", "20250214A05WPR00.md"]


def _resume_command(mirror: MirrorServer, out: Path, job: Path, *extra: str) -> list[str]:
    return ["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", "-o", str(out), "--resume", str(job),
            "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_ENABLED=False", *extra]


def _kill_when(command: list[str], env: dict[str, str], ready: Callable[[], bool]) -> None:
    """Start ``command``, SIGKILL it as soon as ``ready()`` (or after 60 s), and check it died of that."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def _orphans() -> set[int]:
    """Processes of newsmd's page-reading pool (its start server, its workers) whose parent is gone."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            parent = int((entry / "status").read_text().split("PPid:", 1)[1].split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if parent == 1 and b"multiprocessing" in command and b"crawler.extraction.extract" in command:
            found.add(int(entry.name))
    return found


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.glob("qq/*")}


@pytest.mark.parametrize("kill_after_files", [0, 1, 3])
def test_a_crawl_killed_with_sigkill_resumes_to_the_same_output(
    kill_after_files: int, snapshot: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    reference, resumed, job = tmp_path / "reference", tmp_path / "resumed", tmp_path / "job"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, reference, cli_env).returncode == 0
    orphans_before = _orphans()
    with MirrorServer(snapshot, article_delay=1.0) as mirror:
        # one article at a time, a second apart: the kill lands between two files, not in a burst of them
        command = _resume_command(mirror, resumed, job, "-s", "CONCURRENT_REQUESTS=1")
        _kill_when(command, cli_env, lambda: len(list(resumed.glob("qq/*.md"))) >= kill_after_files
                   and (kill_after_files > 0 or bool(_article_fetches(mirror))))
        written_before_kill = len(list(resumed.glob("qq/*.md")))
        assert written_before_kill < 5, "the crawl finished before the kill; nothing was tested"
        deadline = time.monotonic() + 10
        while _orphans() - orphans_before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _orphans() - orphans_before, "the killed crawl left its page readers running"
        restarted = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
    assert restarted.returncode == 0, restarted.stderr
    assert "0 failed" in _summary(restarted)
    assert sorted(line.split()[0] for line in restarted.stdout.splitlines()).count("written") == 5 - written_before_kill, \
        restarted.stdout + restarted.stderr
    assert _files(resumed) == _files(reference)
    assert not list(resumed.glob("qq/.*"))  # no temp file left behind


def test_a_job_folder_left_cut_off_by_a_kill_is_recovered(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A kill in the middle of writing Scrapy's disk queue leaves cut-off queue files; the next run recovers."""
    reference, resumed, job = tmp_path / "reference", tmp_path / "resumed", tmp_path / "job"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, reference, cli_env).returncode == 0
    with MirrorServer(snapshot, article_delay=2.0) as mirror:
        command = _resume_command(mirror, resumed, job, "-s", "CONCURRENT_REQUESTS=1")  # the rest wait in the queue
        _kill_when(command, cli_env, lambda: bool(_article_fetches(mirror)))
        queue_files = [path for path in (job / "requests.queue").rglob("*") if path.is_file()]
        assert queue_files, "the killed run left no request queue; nothing was tested"
        for path in queue_files:
            path.write_bytes(path.read_bytes()[:2])  # cut off inside the first record's header
        restarted = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
        after_a_clean_close = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
    assert "[killed_run]" not in after_a_clean_close.stderr
    assert _summary(after_a_clean_close).endswith("5 unchanged / 2 skipped / 0 failed")
    assert restarted.returncode == 0, restarted.stderr
    assert _summary(restarted) == "5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed"
    assert f"newsmd: warning: {job}: the last run here was killed" in restarted.stderr
    assert "Traceback" not in restarted.stderr
    assert _files(resumed) == _files(reference)


class PagelessMirror(MirrorServer):
    """The snapshot, from a feed that ignores which page is asked for and answers its first page."""

    def answer_post(self, path: str, body: bytes) -> Answer:
        request = json.loads(body)
        return super().answer_post(path, json.dumps({**request, "flush_num": 1}).encode())


def test_the_channel_feed_is_paged_as_current_clients_page_it(snapshot: Path, tmp_path: Path,
                                                               cli_env: dict[str, str]) -> None:
    with PagelessMirror(snapshot) as mirror:
        result = _crawl(mirror, tmp_path / "content", cli_env, "--channels", "finance", "--pages", "10")
    assert result.returncode == 0, result.stderr
    pages = [json.loads(hit.split(" ", 2)[2]) for hit in mirror.hits if hit.startswith("POST /web_feed/getPCList")]
    assert [page["flush_num"] for page in pages] == [1, 2, 3, 4]  # 3 pages in a row with nothing new: stop
    assert {page["forward"] for page in pages} == {"2"} and {page["item_count"] for page in pages} == {20}
    assert len({page["device_id"] for page in pages}) == 1 and re.fullmatch(r"[0-9a-f]{36}", pages[0]["device_id"])
    assert all("page" not in page and page["qimei36"] == page["device_id"] for page in pages)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("newsmd: warning:")]
    assert len(warnings) == 1 and "channel finance: stopped at page 4 of 10" in warnings[0]
    assert warnings[0].endswith("[stopped_early]")
    assert _summary(result).startswith("2 discovered / 2 written")


def test_an_aggregate_card_is_unwrapped_and_its_undated_teasers_skipped() -> None:
    real = json.loads((ROOT / "tests/fixtures/not-articles/qq-feed-news_news_fx-excerpt.json").read_text(encoding="utf-8"))
    card = real["data"][0]
    teaser = {**card["sub_item"][0], "id": "20260810A0TEAS00", "publish_time": ""}
    lone = {**card["sub_item"][0], "id": "20260810A0LONE00", "publish_time": ""}
    answer = {"code": 0, "data": [{**card, "sub_item": [*card["sub_item"], teaser]}, lone]}
    entries = parse_channel_feed(json.dumps(answer))
    assert [(entry.kind, entry.article_id) for entry in entries] == [
        ("article", "20260810A0BO7100"), ("other", "20260810A0TEAS00"), ("article", "20260810A0LONE00")]


class FaultyMirror(MirrorServer):
    """The snapshot, with scripted faults per article ID, one per request, then normal answers.

    Faults: ``500``, ``567`` (Tencent's "slow down"), ``429`` (with ``Retry-After: 1``), ``slow`` (answers after 3 s), ``truncate``
    (announces the full length, sends half, closes), ``reset`` (closes the connection with a TCP
    reset, nothing sent), ``loop`` (redirects to itself), ``moved`` (redirects to the same path on
    new.qq.com), ``offsite`` (redirects to another site, which the mirror also serves).
    """

    def __init__(self, root: Path, faults: dict[str, list[str]]) -> None:
        super().__init__(root)
        self.faults = faults

    def mirror_setting(self) -> dict[str, str]:
        return {**super().mirror_setting(), OFFSITE_HOST: self.base_url}

    @staticmethod
    def _redirect(handler: http.server.BaseHTTPRequestHandler, location: str) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def send(self, handler: http.server.BaseHTTPRequestHandler, answer: Answer) -> None:
        article_id = handler.path.rstrip("/").rsplit("/", 1)[-1]
        pending = self.faults.get(article_id) if handler.command == "GET" else None
        fault = pending.pop(0) if pending else None
        status, content_type, body = answer
        if fault == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            handler.close_connection = True
            return
        if fault in ("loop", "moved", "offsite"):
            host = {"loop": "news.qq.com", "moved": "new.qq.com", "offsite": OFFSITE_HOST}[fault]
            self._redirect(handler, f"https://{host}{handler.path}")
            return
        if fault in ("500", "429", "567"):
            handler.send_response(int(fault))
            if fault == "429":
                handler.send_header("Retry-After", "1")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if fault == "slow":
            time.sleep(3)
        if fault == "truncate":
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        try:
            super().send(handler, answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should


def test_server_faults_are_retried_with_backoff_then_counted(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    faults = {
        "20250214A05WPR00": ["567"],
        "20190907A081B000": ["500"] * 10,
        "20201130A0G1JJ00": ["slow"],
        "20260810A0BO7100": ["truncate"] * 10,
        "TWF2021042600346900": ["429"],
    }
    out = tmp_path / "content"
    with FaultyMirror(snapshot, faults) as mirror:
        result = _crawl(mirror, out, cli_env, "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.2",
                        "-s", "RETRY_BACKOFF_MAX=1", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "PROGRESS_INTERVAL=0.5")
    assert result.returncode == 1
    assert _summary(result) == "5 discovered / 3 written / 0 updated / 0 unchanged / 2 skipped / 2 failed"
    fetches = _article_fetches(mirror)
    assert fetches.count("GET /rain/a/20190907A081B000") == 3  # bounded: the first try and 2 retries
    assert fetches.count("GET /rain/a/20260810A0BO7100") == 3
    for recovered in ("20250214A05WPR00", "20201130A0G1JJ00", "TWF2021042600346900"):
        assert fetches.count(f"GET /rain/a/{recovered}") == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
    assert any("20190907A081B000" in line and line.endswith("HTTP 500 [http_error]") for line in errors)
    assert any("20260810A0BO7100" in line and line.endswith("[download_error]") for line in errors)
    assert sorted(path.stem for path in (out / "qq").iterdir()) == ["20201130A0G1JJ00", "20250214A05WPR00", "TWF2021042600346900"]
    for article_id in ("20201130A0G1JJ00", "20250214A05WPR00", "TWF2021042600346900"):
        got = _LINE_END_SPACE.sub("", (out / "qq" / f"{article_id}.md").read_text(encoding="utf-8"))
        assert got == _LINE_END_SPACE.sub("", page(ARTICLES[article_id]).golden.read_text(encoding="utf-8"))
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert progress, "a run of several seconds printed no progress line"
    assert re.fullmatch(r"progress: \d+ discovered / .* failed \(\d+ pages fetched, \d+s\)", progress[-1])


def test_redirect_loops_offsite_redirects_and_resets_are_bounded_and_counted(
    snapshot: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    faults = {
        "20250214A05WPR00": ["loop"] * 50,
        "20190907A081B000": ["offsite"],
        "20201130A0G1JJ00": ["reset"],
        "20260810A0BO7100": ["reset"] * 10,
        "TWF2021042600346900": ["moved"],
    }
    out = tmp_path / "content"
    with FaultyMirror(snapshot, faults) as mirror:
        result = _crawl(mirror, out, cli_env, "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.2",
                        "-s", "REDIRECT_MAX_TIMES=4")
    assert result.returncode == 1
    assert _summary(result) == "5 discovered / 2 written / 0 updated / 0 unchanged / 2 skipped / 3 failed"
    fetches = _article_fetches(mirror)
    assert fetches.count("GET /rain/a/20250214A05WPR00") == 5  # the first request and 4 redirects, then refused
    assert fetches.count("GET /rain/a/20190907A081B000") == 1  # the other site is never asked
    assert fetches.count("GET /rain/a/20201130A0G1JJ00") == 2  # reset once, retried
    # reset every time: the first try and 2 retries; Twisted re-sends a GET once by itself when the
    # connection it reused from its pool dies, so each try may reach the server twice
    assert 3 <= fetches.count("GET /rain/a/20260810A0BO7100") <= 6
    assert fetches.count("GET /rain/a/TWF2021042600346900") == 2  # moved within the site: followed
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("newsmd: error:"))
    assert len(errors) == 3, result.stderr
    assert errors[0].startswith("newsmd: error: https://news.qq.com/rain/a/20190907A081B000: redirected to another site: "
                                f"https://{OFFSITE_HOST}/rain/a/20190907A081B000") and errors[0].endswith("[offsite_redirect]")
    assert errors[1].startswith("newsmd: error: https://news.qq.com/rain/a/20250214A05WPR00: more than 4 redirects")
    assert errors[1].endswith("[too_many_redirects]")
    assert "20260810A0BO7100" in errors[2] and errors[2].endswith("[download_error]")
    assert sorted(path.stem for path in (out / "qq").iterdir()) == ["20201130A0G1JJ00", "TWF2021042600346900"]
    for article_id in ("20201130A0G1JJ00", "TWF2021042600346900"):
        got = _LINE_END_SPACE.sub("", (out / "qq" / f"{article_id}.md").read_text(encoding="utf-8"))
        assert got == _LINE_END_SPACE.sub("", page(ARTICLES[article_id]).golden.read_text(encoding="utf-8"))


def test_offsite_redirects_are_followed_when_allowed(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    with FaultyMirror(snapshot, {"20190907A081B000": ["offsite"]}) as mirror:
        result = _crawl(mirror, tmp_path / "content", cli_env, "-s", "FOLLOW_OFFSITE_REDIRECTS=True")
    assert "[offsite_redirect]" not in result.stderr
    assert _article_fetches(mirror).count("GET /rain/a/20190907A081B000") == 2  # the link, then the other site


def test_a_server_that_never_answers_ends_the_crawl_within_its_timeouts(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A host that accepts connections and never answers: the crawl gives up after its bounded tries."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        base = f"http://127.0.0.1:{silent.getsockname()[1]}"
        mirror = json.dumps({host: base for host in ("news.qq.com", "new.qq.com", "i.news.qq.com")})
        limits = ["-s", f"MIRROR={mirror}", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1",
                  "-s", "RETRY_BACKOFF_BASE=0.1", "-s", "AUTOTHROTTLE_START_DELAY=0.1"]
        started = time.monotonic()
        crawl = subprocess.run(["newsmd", "crawl", "qq", "--channels", "finance", "-o", str(tmp_path / "a"), *limits],
                               capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
        crawl_seconds = time.monotonic() - started
        started = time.monotonic()
        get = subprocess.run(["newsmd", "get", "https://news.qq.com/rain/a/20250214A05WPR00", "-o", str(tmp_path / "b"),
                              *limits], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
        get_seconds = time.monotonic() - started
    for result, seconds in ((crawl, crawl_seconds), (get, get_seconds)):
        assert result.returncode == 1, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
        assert len(errors) == 1 and "took longer than 2.0 seconds" in errors[0] and errors[0].endswith("[download_error]")
        # robots.txt and the page, each tried twice for 2 s: far below this bound unless something hangs
        assert seconds < 60, f"{seconds:.0f} s"
    assert _summary(crawl).endswith("/ 0 failed / 1 feed failed")  # the channel's feed page, not an article
    assert _summary(get).endswith("/ 1 failed")
    assert not list(tmp_path.rglob("*.md"))


def test_the_hot_list_is_another_start_point_deduplicated_with_the_channels(
    snapshot: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        first = subprocess.run(
            ["newsmd", "crawl", "qq", "--channels", "tech", "--hot", "-o", str(out),
             "-s", "MIRROR=" + json.dumps(mirror.mirror_setting())],
            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
        assert first.returncode == 0, first.stderr
        assert _summary(first) == "4 discovered / 4 written / 0 updated / 0 unchanged / 2 skipped / 0 failed"
        assert "GET /gw/event/hot_ranking_list?page_size=50" in mirror.hits
        mirror.hits.clear()
        second = _crawl(mirror, out, cli_env, "--hot")
    assert second.returncode == 0, second.stderr
    assert _summary(second) == "5 discovered / 1 written / 0 updated / 4 unchanged / 2 skipped / 0 failed"  # one video in two lists
    assert _article_fetches(mirror) == ["GET /rain/a/20190907A081B000"]


def test_scrapy_crawl_exits_non_zero_when_an_article_failed(snapshot: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    missing = snapshot / "rain" / "a" / "20190907A081B000.html"
    saved = missing.read_bytes()
    missing.unlink()
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        command = ["scrapy", "crawl", "qq", "-a", "channels=finance,tech", "-a", "pages=3", "-s", f"OUTPUT_DIR={out}",
                   "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "LOG_LEVEL=WARNING"]
        failed = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
        missing.write_bytes(saved)  # a 404 is a known failure: only asked for again on request
        healed = subprocess.run([*command, "-s", "RETRY_FAILED=true"], capture_output=True, text=True, env=cli_env,
                                cwd=ROOT, timeout=180)
    assert failed.returncode == 1, failed.stderr
    assert "summary: 5 discovered / 4 written / 0 updated / 0 unchanged / 2 skipped / 1 failed" in failed.stderr
    assert healed.returncode == 0, healed.stderr
    assert "summary: 5 discovered / 1 written / 0 updated / 4 unchanged / 2 skipped / 0 failed" in healed.stderr


@pytest.mark.parametrize("damage", ["cut-in-half", "not-sqlite", "zero-bytes"])
def test_a_broken_state_file_is_one_line_and_can_be_rebuilt_from_the_files(
    snapshot: Path, tmp_path: Path, cli_env: dict[str, str], damage: str
) -> None:
    out = tmp_path / "content"
    state = out / ".newsmd-state.sqlite"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, out, cli_env).returncode == 0
        before = _files(out / "qq")
        data = state.read_bytes()
        state.write_bytes({"cut-in-half": data[:len(data) // 2], "not-sqlite": b"PK\x03\x04" + b"x" * 5000,
                           "zero-bytes": b""}[damage])
        for suffix in ("-wal", "-shm"):
            state.with_name(state.name + suffix).unlink(missing_ok=True)
        broken = _crawl(mirror, out, cli_env)
        if damage == "zero-bytes":  # an empty file is an empty state: every article is checked again, none lost
            assert broken.returncode == 0, broken.stderr
            assert _summary(broken) == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
            return
        assert broken.returncode == 1
        assert broken.stderr.strip().splitlines() == [
            f"newsmd: error: {state}: the state file is damaged "
            f"({'database disk image is malformed' if damage == 'cut-in-half' else 'file is not a database'}); "
            f"rebuild it from the article files with: newsmd state rebuild {out} [state_file]"]
        scrapy = subprocess.run(["scrapy", "crawl", "qq", "-s", f"OUTPUT_DIR={out}"], capture_output=True, text=True,
                                env=cli_env, cwd=ROOT, timeout=60)
        assert scrapy.returncode == 1 and "Traceback" not in scrapy.stderr and "[state_file]" in scrapy.stderr

        rebuilt = subprocess.run(["newsmd", "state", "rebuild", str(out)], capture_output=True, text=True,
                                 env=cli_env, cwd=ROOT, timeout=60)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert rebuilt.stdout.startswith(f"rebuilt {state} from 5 article files; the old one is kept as {state}.damaged-")
        mirror.hits.clear()
        after = _crawl(mirror, out, cli_env)
        assert after.returncode == 0, after.stderr
        assert _summary(after) == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
        assert _files(out / "qq") == before
        mirror.hits.clear()
        assert _summary(_crawl(mirror, out, cli_env)).endswith("0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed")
        assert _article_fetches(mirror) == []  # the versions are known again


def test_a_second_run_on_the_same_folders_stops_at_once_or_waits(
    snapshot: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    import threading

    from crawler.crawling.run_lock import EXIT_LOCKED, run_lock

    out, job = tmp_path / "content", tmp_path / "job"
    with MirrorServer(snapshot) as mirror:
        for settings in ({"OUTPUT_DIR": str(out)}, {"OUTPUT_DIR": str(tmp_path / "other"), "JOBDIR": str(job)}):
            with run_lock(settings):  # another run holds the state file, or the job folder
                started = time.monotonic()
                refused = _crawl(mirror, out, cli_env, "--resume", str(job))
                assert time.monotonic() - started < 30
            assert refused.returncode == EXIT_LOCKED
            assert len(refused.stderr.strip().splitlines()) == 1 and refused.stderr.endswith(
                "another newsmd run is using this output or job folder; this run stops (use --wait to wait for it) [locked]\n")
            assert not (out / "qq").exists() and not (job / "requests.queue").exists()

        released = threading.Event()

        def hold_for_two_seconds() -> None:
            with run_lock({"OUTPUT_DIR": str(out)}):
                released.wait(2)

        holder = threading.Thread(target=hold_for_two_seconds)
        holder.start()
        time.sleep(0.2)
        started = time.monotonic()
        waited = _crawl(mirror, out, cli_env, "--wait")
        holder.join()
        assert waited.returncode == 0, waited.stderr
        assert time.monotonic() - started >= 1.5
        assert _summary(waited) == "5 discovered / 5 written / 0 updated / 0 unchanged / 2 skipped / 0 failed"


def test_a_permanent_failure_fails_one_run_then_is_a_known_failure(snapshot: Path, tmp_path: Path,
                                                                      cli_env: dict[str, str]) -> None:
    """A cron job is not failed forever by one bad feed item; a new failure still fails its run."""
    (snapshot / "rain" / "a" / "20201130A0G1JJ00.html").unlink()  # deleted at the source: 404 (and view.inews 404)
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        first = _crawl(mirror, out, cli_env)
        assert first.returncode == 1
        assert _summary(first) == "5 discovered / 4 written / 0 updated / 0 unchanged / 2 skipped / 1 failed"
        mirror.hits.clear()
        second = _crawl(mirror, out, cli_env)
        assert second.returncode == 0, second.stderr
        assert _summary(second) == ("5 discovered / 0 written / 0 updated / 4 unchanged / 2 skipped / 0 failed"
                                    " / 1 known failures")
        assert _article_fetches(mirror) == []  # not fetched again
        assert "newsmd: error:" not in second.stderr

        finance = snapshot / "web_feed" / "getPCList" / "news_news_finance" / "2.json"
        finance.write_text(finance.read_text(encoding="utf-8").replace('"update_time": "2020-11-30 21:48:28"',
                                                                       '"update_time": "2020-12-01 08:00:00"'), encoding="utf-8")
        mirror.hits.clear()
        updated = _crawl(mirror, out, cli_env)  # the feed says the entry changed: tried again
        assert "GET /rain/a/20201130A0G1JJ00" in mirror.hits
        assert updated.returncode == 0 and _summary(updated).endswith(" / 1 failed")  # failed before: not new

        (snapshot / "rain" / "a" / "20190907A081B000.html").write_text("<html><body>gone</body></html>")
        feed = snapshot / "web_feed" / "getPCList" / "news_news_finance" / "1.json"
        feed.write_text(feed.read_text(encoding="utf-8").replace("2019-09-07 19:02:26", "2019-09-08 19:02:26"), encoding="utf-8")
        third = _crawl(mirror, out, cli_env)
        assert third.returncode == 1  # a new failure
        assert _summary(third).endswith(" / 1 failed / 1 known failures")

        mirror.hits.clear()
        retried = _crawl(mirror, out, cli_env, "--retry-failed")
        assert "GET /rain/a/20201130A0G1JJ00" in mirror.hits
        assert retried.returncode == 0 and _summary(retried).endswith(" / 2 failed")  # failed before: not new


def test_a_passing_fault_is_tried_again_in_later_runs_then_given_up(snapshot: Path, tmp_path: Path,
                                                                     cli_env: dict[str, str]) -> None:
    out = tmp_path / "content"
    with FaultyMirror(snapshot, {"20250214A05WPR00": ["500"] * 100}) as mirror:
        runs = [_crawl(mirror, out, cli_env, "-s", "RETRY_TIMES=0", "-s", "FAILED_RETRY_RUNS=2") for _ in range(3)]
        fetches = [hit for hit in mirror.hits if hit == "GET /rain/a/20250214A05WPR00"]
    assert [run.returncode for run in runs] == [1, 0, 0]
    assert _summary(runs[1]).endswith(" / 1 failed")  # tried again: a 500 may pass
    assert _summary(runs[2]).endswith(" / 0 failed / 1 known failures")  # given up after 2 runs
    assert len(fetches) == 2


def _sitemap_crawl(mirror: MirrorServer, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = ["newsmd", "crawl", "qq", "--sitemap", "-o", str(out), "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()),
               "-s", "AUTOTHROTTLE_START_DELAY=0.1", *extra]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


def test_tencents_sitemap_backfills_into_the_channel_crawls_state(snapshot: Path, tmp_path: Path,
                                                                  cli_env: dict[str, str]) -> None:
    out = tmp_path / "content"
    with MirrorServer(snapshot) as mirror:
        backfill = _sitemap_crawl(mirror, out, cli_env, "--since", "2020-01-01")
        assert backfill.returncode == 0, backfill.stderr
        assert "GET /sitemap/index.xml" in mirror.hits and "GET /sitemap/sitemap_3.xml" in mirror.hits
        assert _summary(backfill) == "5 discovered / 4 written / 0 updated / 0 unchanged / 1 skipped / 0 failed"
        assert "20190907A081B000.md" not in {path.name for path in (out / "qq").iterdir()}  # lastmod 2019

        mirror.hits.clear()
        channels = _crawl(mirror, out, cli_env)  # the feeds know the sitemap's articles: only the 2019 one is new
        assert _summary(channels) == "5 discovered / 1 written / 0 updated / 4 unchanged / 2 skipped / 0 failed"
        assert _article_fetches(mirror) == ["GET /rain/a/20190907A081B000"]

        mirror.hits.clear()
        again = _sitemap_crawl(mirror, out, cli_env)  # and the sitemap knows what the feeds wrote
        assert _summary(again) == "5 discovered / 0 written / 0 updated / 5 unchanged / 0 skipped / 0 failed"
        assert _article_fetches(mirror) == []

        child = snapshot / "sitemap" / "sitemap_1.xml"
        child.write_text(child.read_text(encoding="utf-8").replace("2019-09-07T19:02:26", "2019-09-09T08:00:00"),
                         encoding="utf-8")
        mirror.hits.clear()
        changed = _sitemap_crawl(mirror, out, cli_env)
        assert _article_fetches(mirror) == ["GET /rain/a/20190907A081B000"]  # its lastmod changed
        assert _summary(changed) == "5 discovered / 0 written / 0 updated / 5 unchanged / 0 skipped / 0 failed"
    written = {path.name: path.read_bytes() for path in (out / "qq").glob("*.md")}
    assert len(written) == 5
    for article_id, fixture in ARTICLES.items():
        got = _LINE_END_SPACE.sub("", written[f"{article_id}.md"].decode())
        assert got == _LINE_END_SPACE.sub("", page(fixture).golden.read_text(encoding="utf-8"))


def test_the_demo_writes_every_source_from_the_snapshot(tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = tmp_path / "demo"
    result = subprocess.run(["sh", "demo/run.sh", str(out)], capture_output=True, text=True, env=cli_env, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    written = sorted(out.rglob("*.md"))
    assert result.stdout.splitlines()[-1] == f"newsmd demo: {len(written)} articles in {out}/<source>/<ID>.md"
    assert len(written) >= 15
    assert {path.parent.name for path in written} >= {"qq", "163", "sina", "toutiao", "weixin", "ifeng"}
    goldens = {_LINE_END_SPACE.sub("", golden.read_text(encoding="utf-8"))
               for golden in (ROOT / "tests" / "fixtures").glob("*/*.md") if golden.name != "README.md"}
    for path in written:  # each one is a reviewed golden file, and none is an excerpt page
        assert _LINE_END_SPACE.sub("", path.read_text(encoding="utf-8")) in goldens, path
    assert not any("excerpt" in golden.name for golden in (ROOT / "tests" / "fixtures").glob("*/*.md")
                   if _LINE_END_SPACE.sub("", golden.read_text(encoding="utf-8")) in
                   {_LINE_END_SPACE.sub("", path.read_text(encoding="utf-8")) for path in written})


GET_FAULTS = [
    {"20250214A05WPR00": ["567", "429"], "20190907A081B000": ["offsite"], "20201130A0G1JJ00": ["reset"],
     "20260810A0BO7100": ["500"] * 10, "TWF2021042600346900": ["moved"]},
    {"20250214A05WPR00": ["loop"] * 50, "20190907A081B000": ["slow"], "20201130A0G1JJ00": ["truncate"] * 10},
]
GET_OUTCOMES = [
    ({"20250214A05WPR00", "20201130A0G1JJ00", "TWF2021042600346900"},
     {"20190907A081B000": "offsite_redirect", "20260810A0BO7100": "http_error"},
     {"20250214A05WPR00": 3, "20190907A081B000": 1, "20201130A0G1JJ00": 2, "20260810A0BO7100": 3,
      "TWF2021042600346900": 2}),
    ({"20190907A081B000"},
     {"20250214A05WPR00": "too_many_redirects", "20201130A0G1JJ00": "download_error"},
     {"20250214A05WPR00": 5, "20190907A081B000": 2, "20201130A0G1JJ00": 3}),
]


@pytest.mark.parametrize("with_scrapy", [False, True], ids=["plain", "scrapy"])
@pytest.mark.parametrize("case", [0, 1])
def test_newsmd_get_meets_faults_as_a_crawl_does(snapshot: Path, tmp_path: Path, cli_env: dict[str, str],
                                                 case: int, with_scrapy: bool) -> None:
    """A handful of URLs is fetched without Scrapy; both ways retry, give up and refuse alike."""
    faults = {article_id: list(script) for article_id, script in GET_FAULTS[case].items()}
    written, failed, fetched = GET_OUTCOMES[case]
    urls = [f"https://news.qq.com/rain/a/{article_id}" for article_id in sorted({*written, *failed})]
    out = tmp_path / "content"
    with FaultyMirror(snapshot, faults) as mirror:
        result = subprocess.run(
            ["newsmd", "get", *urls, "-o", str(out), "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()),
             "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "RETRY_BACKOFF_MAX=1",
             "-s", "DOWNLOAD_TIMEOUT=1", "-s", "REDIRECT_MAX_TIMES=4", "-s", f"GET_WITH_SCRAPY={with_scrapy}"],
            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
    assert result.returncode == 1
    assert _summary(result) == (f"{len(urls)} discovered / {len(written)} written / 0 updated / 0 unchanged / "
                                f"0 skipped / {len(failed)} failed")
    errors = {line.split("/rain/a/", 1)[1].split(":", 1)[0]: line.rsplit("[", 1)[1].rstrip("]")
              for line in result.stderr.splitlines() if line.startswith("newsmd: error:")}
    assert errors == failed, result.stderr
    assert sorted(path.stem for path in out.rglob("*.md")) == sorted(written)
    fetches = _article_fetches(mirror)
    assert {article_id: fetches.count(f"GET /rain/a/{article_id}") for article_id in fetched} == fetched
    assert "Traceback" not in result.stderr


def test_a_resumed_crawl_reaches_this_runs_mirror_not_the_last_ones(snapshot: Path, tmp_path: Path,
                                                                      cli_env: dict[str, str]) -> None:
    """The saved queue holds requests rewritten to the previous run's mirror port; they must reach this run's."""
    reference, resumed, job = tmp_path / "reference", tmp_path / "resumed", tmp_path / "job"
    with MirrorServer(snapshot) as mirror:
        assert _crawl(mirror, reference, cli_env).returncode == 0
    with MirrorServer(snapshot, article_delay=2.0) as first:
        command = _resume_command(first, resumed, job, "-s", "CONCURRENT_REQUESTS=1")
        stopped = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=cli_env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while not _article_fetches(first) and time.monotonic() < deadline:
            time.sleep(0.05)
        stopped.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy saves the queue in the job folder
        stopped.communicate(timeout=60)
    assert stopped.returncode == 130
    with MirrorServer(snapshot) as second:  # another port: the first mirror is gone
        restarted = subprocess.run(_resume_command(second, resumed, job), capture_output=True, text=True, env=cli_env,
                                   cwd=ROOT, timeout=180)
    assert restarted.returncode == 0, (first.base_url, second.base_url, restarted.stderr)
    assert "Connection refused" not in restarted.stderr and "0 failed" in _summary(restarted)
    assert _files(resumed) == _files(reference)
