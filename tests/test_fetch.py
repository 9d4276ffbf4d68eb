"""``newsmd get`` and ``scrapy crawl url`` against a local server standing in for the site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, LocalSite, page
from services import free_port

from crawler import extract, render

REFERENCE = page("rain-20250214A05WPR00")
CHANNEL = page("channel-finance-20190923000843")


def _mirror(site: LocalSite) -> str:
    hosts = ["news.qq.com", "new.qq.com", "view.inews.qq.com", "finance.qq.com"]
    return "MIRROR=" + json.dumps({host: site.base for host in hosts})


def _serve_articles(site: LocalSite) -> None:
    site.serve("/rain/a/20250214A05WPR00", REFERENCE.html.read_bytes())
    site.serve("/a/20250214A05WPR00", REFERENCE.html.read_bytes())  # view.inews.qq.com form
    site.serve("/a/20190923/000843.htm", CHANNEL.html.read_bytes(), content_type="text/html; charset=gb2312")


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_newsmd_get_writes_the_same_files_as_parse(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    out = tmp_path / "content"
    urls = ["https://view.inews.qq.com/a/20250214A05WPR00?from=share", CHANNEL.url]
    result = _run(["newsmd", "get", *urls, "-o", str(out), "-s", _mirror(local_site)], cli_env)
    assert result.returncode == 0, result.stderr
    written = sorted(line.split(" ", 1)[1] for line in result.stdout.splitlines())
    assert written == [str(out / "qq" / "20190923000843.md"), str(out / "qq" / "20250214A05WPR00.md")]
    assert (out / "qq" / "20250214A05WPR00.md").read_text() == render_golden(REFERENCE.html.read_bytes())
    assert (out / "qq" / "20190923000843.md").read_text() == CHANNEL.golden.read_text()
    assert "GET /a/20250214A05WPR00?from=share" in local_site.hits  # fetched from the mirror, path kept
    report = [line for line in result.stderr.splitlines() if not line.startswith("progress: ")]
    assert report == ["2 discovered / 2 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"]

    again = _run(["newsmd", "get", *urls, "-o", str(out), "-s", _mirror(local_site)], cli_env)
    assert again.returncode == 0
    assert sorted(line.split(" ", 1)[0] for line in again.stdout.splitlines()) == ["unchanged", "unchanged"]


def render_golden(body: bytes) -> str:
    from crawler import extract, render

    return render(extract(REFERENCE.url, body))


def test_newsmd_get_reports_each_failure_and_exits_non_zero(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    _serve_articles(local_site)
    local_site.serve("/rain/a/20240101A0AAAA00", b"<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1></body></html>")
    out = tmp_path / "out"
    missing = "https://news.qq.com/rain/a/20240101A0MISS00"
    denied = "https://news.qq.com/rain/a/20240101A0AAAA00"
    unknown = "ftp://example.com/a.html"
    refused = _run(["newsmd", "get", REFERENCE.url, unknown, "-o", str(out), "-s", _mirror(local_site)], cli_env)
    assert refused.returncode == 2 and refused.stderr == f"newsmd: error: {unknown}: not an absolute http(s) URL [bad_url]\n"
    assert not out.exists() or not list(out.rglob("*.md"))  # bad usage: nothing fetched
    result = _run(["newsmd", "get", REFERENCE.url, missing, denied, "-o", str(out), "-s", _mirror(local_site)], cli_env)
    assert result.returncode == 1
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("newsmd: error:"))
    assert errors == sorted([
        f"newsmd: error: {missing}: HTTP 404 [http_error]",
        f"newsmd: error: {denied}: no article body: the answer is empty, thin or 'access denied' [thin_page]",
    ])
    assert "Traceback" not in result.stderr
    assert sorted(path.name for path in out.rglob("*.md")) == ["20250214A05WPR00.md"]
    assert "GET /a.html" not in local_site.hits  # an unsupported site is not even fetched


def test_scrapy_crawl_url_and_scrapy_list(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    listed = _run(["scrapy", "list"], cli_env)
    assert listed.returncode == 0 and "url" in listed.stdout.split()
    out = tmp_path / "out"
    crawl = _run(
        ["scrapy", "crawl", "url", "-a", f"urls={REFERENCE.url},{CHANNEL.url}", "-s", f"OUTPUT_DIR={out}",
         "-s", _mirror(local_site)],
        cli_env,
    )
    assert crawl.returncode == 0, crawl.stderr
    assert "'newsmd/written': 2" in crawl.stderr
    assert (out / "qq" / "20190923000843.md").read_text() == CHANNEL.golden.read_text()
    assert (out / "qq" / "20250214A05WPR00.md").is_file()


def test_a_site_that_is_down_is_one_line_not_a_traceback(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """Scrapy's own log of the same fault (retries given up, robots.txt, the traceback) is left out; -v shows it."""
    port = free_port()  # closed again: nothing listens there
    quick = ["-o", str(tmp_path), "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.1"]
    for command in (["get", f"http://127.0.0.1:{port}/news/1.html"], ["crawl", "--feed", f"http://127.0.0.1:{port}/rss.xml"]):
        result = _run(["newsmd", *command, *quick], cli_env)
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 2, result.stderr  # the failure, the summary (no progress lines in a log)
        assert lines[0].startswith("newsmd: error: http://127.0.0.1:") and lines[0].endswith("Connection refused. [download_error]")
        assert "Traceback" not in result.stderr
    verbose = _run(["newsmd", "get", f"http://127.0.0.1:{port}/news/1.html", "-v", *quick], cli_env)
    assert "not retried (the host cannot be reached)" in verbose.stderr  # the detail is one switch away


@pytest.mark.parametrize("host", ["no-such-host.invalid", "127.0.0.1:{closed}"])
def test_a_host_that_cannot_be_reached_is_tried_once_per_run_not_retried(host: str) -> None:
    """No such name, or nothing listening: unlike a timeout or a 503, waiting and retrying changes nothing."""
    from scrapy.settings import Settings

    from crawler import settings as project_settings
    from crawler.crawling.fetch import FetchFailed, FetchOptions, PlainFetcher

    site = "http://" + host.format(closed=free_port())
    waits: list[float] = []
    fetcher = PlainFetcher(FetchOptions.from_settings(Settings(vars(project_settings))), sleep=waits.append)
    tried: list[str] = []
    download = fetcher._download
    fetcher._download = lambda url: (tried.append(url), download(url))[1]  # type: ignore[method-assign]
    for path in ("/news/1.html", "/news/2.html", "/news/3.html"):
        with pytest.raises(FetchFailed) as failed:
            fetcher.fetch(site + path)
        assert failed.value.reason == "download_error"
    assert waits == [] and tried == [site + "/robots.txt"]  # robots.txt once; its pages not tried again


def _both_ways(command: list[str], env: dict[str, str]) -> dict[bool, subprocess.CompletedProcess[str]]:
    return {with_scrapy: _run([*command, "-s", f"GET_WITH_SCRAPY={with_scrapy}"], env) for with_scrapy in (False, True)}


def test_robots_txt_is_obeyed_either_way(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    local_site.serve("/robots.txt", b"User-agent: *\nDisallow: /rain/\n", content_type="text/plain")
    results = _both_ways(["newsmd", "get", REFERENCE.url, CHANNEL.url, "-o", str(tmp_path), "-s", _mirror(local_site)],
                         cli_env)
    for result in results.values():
        assert result.returncode == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
        assert errors == [f"newsmd: error: {REFERENCE.url}: Forbidden by robots.txt [download_error]"]
    assert "GET /rain/a/20250214A05WPR00" not in local_site.hits
    assert local_site.hits.count("GET /a/20190923/000843.htm") == 2  # allowed: fetched once each way
    allowed = _run(["newsmd", "get", REFERENCE.url, "-o", str(tmp_path), "-s", _mirror(local_site),
                    "-s", "ROBOTSTXT_OBEY=False"], cli_env)
    assert allowed.returncode == 0 and "GET /rain/a/20250214A05WPR00" in local_site.hits


def test_an_answer_over_the_size_cap_is_refused_either_way(local_site: LocalSite, tmp_path: Path,
                                                          cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    results = _both_ways(["newsmd", "get", REFERENCE.url, "-o", str(tmp_path), "-s", _mirror(local_site),
                          "-s", "DOWNLOAD_MAXSIZE=10000"], cli_env)
    for result in results.values():
        assert result.returncode == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
        assert len(errors) == 1 and errors[0].endswith("[too_large]"), result.stderr
    assert not list(tmp_path.rglob("*.md"))


def test_a_decompression_bomb_is_too_large_either_way(local_site: LocalSite, tmp_path: Path,
                                                      cli_env: dict[str, str]) -> None:
    """A 20 MB page sent as 20 kB of gzip: past the cap as it inflates, one reason (permanent) either way."""
    import gzip

    bomb = gzip.compress(b"<html><body><p>" + b"a" * 20_000_000 + b"</p></body></html>")
    local_site.serve("/rain/a/20250214A05WPR00", bomb, headers={"Content-Encoding": "gzip"})
    results = _both_ways(["newsmd", "get", REFERENCE.url, "-o", str(tmp_path), "-s", _mirror(local_site),
                          "-s", "DOWNLOAD_MAXSIZE=1000000"], cli_env)
    assert len(bomb) < 100_000
    for with_scrapy, result in results.items():
        assert result.returncode == 1, (with_scrapy, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("newsmd: error:")]
        assert len(errors) == 1 and errors[0].endswith("[too_large]"), (with_scrapy, result.stderr)
    assert not list(tmp_path.rglob("*.md"))


def test_a_handful_of_urls_is_fetched_without_starting_scrapy(local_site: LocalSite, tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    """Scrapy's start costs several times one page; ``GET_WITH_SCRAPY`` or downloaded images bring it back."""
    _serve_articles(local_site)
    probe = ("import sys; from crawler.cli import main; status = main(sys.argv[1:]); "
             "print('scrapy' in sys.modules, status)")
    command = [sys.executable, "-c", probe, "get", REFERENCE.url, "-o", str(tmp_path), "-s", _mirror(local_site)]
    assert _run(command, cli_env).stdout.splitlines()[-1] == "False 0"
    assert _run([*command, "-s", "GET_WITH_SCRAPY=True"], cli_env).stdout.splitlines()[-1] == "True 0"


def test_download_timeout_bounds_the_whole_answer_of_a_server_that_drips(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """A server sending a byte at a time never lets a read time out; DOWNLOAD_TIMEOUT still ends the answer."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def drip() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                for _ in range(600):
                    if stop.is_set():
                        break
                    try:
                        connection.sendall(b"<")
                    except OSError:
                        break
                    time.sleep(0.1)

    threading.Thread(target=drip, daemon=True).start()
    port = listener.getsockname()[1]
    started = time.monotonic()
    try:
        result = _run(["newsmd", "get", f"http://127.0.0.1:{port}/news/1.html", "-o", str(tmp_path), "-s", "DOWNLOAD_TIMEOUT=2",
                       "-s", "RETRY_TIMES=0", "-s", "ROBOTSTXT_OBEY=False"], cli_env)
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 15
    assert result.returncode == 1 and "took longer than 2" in result.stderr and "[download_error]" in result.stderr


def test_get_to_dash_prints_the_article_and_leaves_no_folder(local_site: LocalSite, tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    _serve_articles(local_site)
    printed = subprocess.run(["newsmd", "get", REFERENCE.url, "-o", "-", "-s", _mirror(local_site)],
                             capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == render(extract(REFERENCE.url, REFERENCE.html.read_bytes()))
    assert not (tmp_path / "-").exists()
    misplaced = _run(["newsmd", "get", REFERENCE.url, "--bogus"], cli_env)
    assert misplaced.returncode == 2 and misplaced.stderr.startswith("usage: newsmd get")
    assert "newsmd get: error: unrecognized arguments: --bogus" in misplaced.stderr
