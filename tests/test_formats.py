"""The output formats: Markdown for Hugo (the reference, tested byte for byte in test_golden) and
JSON Lines of the article record, chosen alike by parse, get and crawl (``--format``)."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT, page, saved_pages

from crawler import extract
from pipelines.formats import FORMATS, article_record
from pipelines.markdown_writer import OutputOptions, write_article


@pytest.mark.parametrize("saved", saved_pages(), ids=lambda saved: saved.id)
def test_every_fixture_is_one_json_line_holding_the_article(saved: object, tmp_path: Path) -> None:
    article = extract(saved.url, saved.html.read_bytes(), saved.headers or None)  # type: ignore[attr-defined]
    line = FORMATS["jsonl"].render(article, OutputOptions(tmp_path, format="jsonl"))
    assert line.endswith("\n") and line.count("\n") == 1
    record = json.loads(line)
    assert record == article_record(article)
    assert record["title"] == article.title and record["body_markdown"] == article.body_markdown
    assert (datetime.fromisoformat(record["published"]) == article.published) if article.published else (
        record["published"] is None)


def test_a_format_names_the_file_and_an_identical_one_is_left_alone(tmp_path: Path) -> None:
    saved = page("rain-20250214A05WPR00")
    article = extract(saved.url, saved.html.read_bytes())
    for name, output in FORMATS.items():
        options = OutputOptions(tmp_path, format=name)
        first, again = write_article(article, options), write_article(article, options)
        assert first.path == tmp_path / "qq" / f"20250214A05WPR00{output.suffix}"
        assert (first.outcome, again.outcome) == ("written", "unchanged")
    bundle = write_article(article, OutputOptions(tmp_path, format="jsonl", layout="bundle"))
    assert bundle.path == tmp_path / "qq" / "20250214A05WPR00" / "index.jsonl"
    assert not (tmp_path / "qq" / "20250214A05WPR00.jsonl").exists(), "a layout change moves the article"


def test_parse_of_a_folder_in_jsonl_is_a_json_lines_stream(tmp_path: Path, cli_env: dict[str, str]) -> None:
    for name in ("rain-20250214A05WPR00", "omn-20190907A081B000"):
        (tmp_path / f"{name}.html").write_bytes(page(name).html.read_bytes())
    result = subprocess.run(["newsmd", "parse", str(tmp_path), "--format", "jsonl"], capture_output=True, text=True,
                            env=cli_env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2 and "20250214A05WPR00" in {record["article_id"] for record in records}


def test_a_crawl_writes_jsonl_files_and_the_next_run_leaves_them(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from crawler.crawling.mirror import MirrorServer

    out = tmp_path / "records"
    with MirrorServer(ROOT / "demo" / "mirror") as mirror:
        command = ["newsmd", "crawl", "qq", "--channels", "finance,tech", "--pages", "3", "-o", str(out), "--format", "jsonl",
                   "-s", "MIRROR=" + json.dumps(mirror.mirror_setting()), "-s", "AUTOTHROTTLE_START_DELAY=0.1"]
        first = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
        second = subprocess.run(command, capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=180)
    assert first.returncode == 0, first.stderr
    files = sorted(out.glob("qq/*.jsonl"))
    assert len(files) == 5 and not list(out.glob("qq/*.md"))
    assert all(json.loads(path.read_text(encoding="utf-8"))["source"] == "qq" for path in files)
    assert second.stderr.splitlines()[-1] == "5 discovered / 0 written / 0 updated / 5 unchanged / 2 skipped / 0 failed"
