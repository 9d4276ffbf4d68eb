"""``newsmd.toml``: front-matter defaults, per-source values and layout; bad files give one clear error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import frontmatter
import pytest
from conftest import ROOT, page

from crawler.config import ConfigError, config_settings

REFERENCE = page("rain-20250214A05WPR00")
CONFIG = """
layout = "flat"

[front_matter]
sidebar = "left"
widgets = ["recent"]
comments = false

[sources.qq]
layout = "bundle"
categories = ["腾讯新闻"]
tags = ["财经", "qq"]
"""


def _parse(config: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["newsmd", "parse", str(REFERENCE.html), "--url", REFERENCE.url, "-o", str(out),
                           "--config", str(config), *extra], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def test_config_values_reach_the_front_matter_and_layout(tmp_path: Path, cli_env: dict[str, str]) -> None:
    config = tmp_path / "newsmd.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = _parse(config, tmp_path / "out", cli_env)
    assert result.returncode == 0, result.stderr
    post = frontmatter.load(tmp_path / "out" / "qq" / "20250214A05WPR00" / "index.md")
    assert post["categories"] == ["腾讯新闻"]
    assert post["tags"] == ["财经", "qq"]
    assert post["sidebar"] == "left" and post["widgets"] == ["recent"]
    assert "pager" not in post.metadata  # [front_matter] replaces the constant fields as a whole
    assert post["title"] == "6连板青云科技，因股东减持打破涨停？"

    extras = tmp_path / "extras.toml"
    extras.write_text('date_format = "offset"\nextra_fields = ["author", "tags"]\n', encoding="utf-8")
    assert _parse(extras, tmp_path / "extras", cli_env).returncode == 0
    post = frontmatter.load(tmp_path / "extras" / "qq" / "20250214A05WPR00.md")
    assert post["date"] == "2025-02-14T16:13:19+08:00" and post["author"] == "投资时间网"
    assert post["tags"] == ["青云科技", "DeepSeek", "减持", "涨停"]  # the page's own keywords

    flat = _parse(config, tmp_path / "flat", cli_env, "-s", 'SOURCE_LAYOUT={"qq": "flat"}')
    assert flat.returncode == 0, flat.stderr
    assert (tmp_path / "flat" / "qq" / "20250214A05WPR00.md").is_file()  # the command line wins


@pytest.mark.parametrize(("text", "message"), [
    ("layout = 'tree'", "layout must be one of flat, bundle"),
    ("images = 'yes'", "images must be one of remote, download"),
    ("outptu = 'x'", "unknown key(s) outptu"),
    ("[sources.qq]\nlayout = 3", "layout must be one of"),
    ("front_matter = 3", "[front_matter] must be a table"),
    ("title = ", "not valid TOML"),
    ("date_format = 'iso'", "date_format must be one of local, offset"),
    ("extra_fields = ['author', 'summary2']", "extra_fields must be a list of author, tags"),
    ("extra_fields = 'author'", "extra_fields must be a list of author, tags"),
])
def test_bad_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "newsmd.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as raised:
        config_settings(config)
    assert message in str(raised.value)


def test_the_command_reports_a_bad_or_missing_config(tmp_path: Path, cli_env: dict[str, str]) -> None:
    missing = _parse(tmp_path / "nope.toml", tmp_path / "out", cli_env)
    assert missing.returncode != 0
    assert missing.stderr.startswith("newsmd: error: cannot read")
    assert not (tmp_path / "out").exists()


def test_parse_reads_the_settings_scrapy_would_without_importing_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler import settings as project_settings
    from crawler.cli import build_parser
    from crawler.cli.common import command_settings as _settings

    config = tmp_path / "newsmd.toml"
    config.write_text(CONFIG + 'date_format = "offset"\nextra_fields = ["tags"]\n', encoding="utf-8")
    args = build_parser().parse_args(["parse", "page.html", "--config", str(config), "--layout", "flat",
                                      "-s", "EXTRACT_TIME_LIMIT=2.5", "-s", 'MIRROR={"a.example": "http://127.0.0.1:1"}',
                                      "-s", "FORCE_REWRITE=true", "-s", "EXTRA_FIELDS=author,tags"])
    monkeypatch.delenv("NEWSMD_CONFIG", raising=False)
    scrapy_settings, plain_settings = _settings(args, crawls=True), _settings(args, crawls=False)
    assert type(plain_settings).__name__ == "PlainSettings"
    for name in (name for name in dir(project_settings) if name.isupper()):
        assert plain_settings.get(name) == scrapy_settings.get(name), name
    for read in ("getbool", "getint", "getfloat", "getlist", "getdict"):
        for name in ("FORCE_REWRITE", "EXTRACT_TIME_LIMIT", "MAX_ARTICLES_PER_RUN", "EXTRA_FIELDS", "MIRROR",
                     "FRONT_MATTER_DEFAULTS", "SOURCE_LAYOUT"):
            try:
                expected = getattr(scrapy_settings, read)(name)
            except (ValueError, TypeError):
                with pytest.raises((ValueError, TypeError)):
                    getattr(plain_settings, read)(name)
                continue
            assert getattr(plain_settings, read)(name) == expected, (read, name)


def test_every_declared_setting_is_a_default_a_checked_value_and_in_the_readme() -> None:
    import re

    from crawler import settings as project_settings
    from crawler.config import ConfigError, check_settings
    from crawler.declared_settings import DECLARED, TOML_KEYS, setting
    from crawler.plain_settings import PlainSettings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Settings"):readme.index("## Supported sources")]
    plain = PlainSettings(project_settings)
    for declared in DECLARED:
        assert getattr(project_settings, declared.name) == declared.default, declared.name
        assert setting(plain, declared.name) == setting({}, declared.name), declared.name  # one default, read alike
        assert re.search(rf"`{declared.name}`", table), f"{declared.name} is not in the README's settings table"
        if declared.kind in ("int", "float", "bool", "dict") or declared.choices:
            wrong = PlainSettings(project_settings)
            wrong.set(declared.name, "not-a-value", priority="cmdline")
            with pytest.raises(ConfigError, match=declared.name):
                check_settings(wrong)
    assert set(TOML_KEYS.values()) <= {declared.name for declared in DECLARED}
