"""A user's existing Hugo site: newsmd warns when its time zone would hide fresh articles, and
``newsmd site setup`` adds the time zone and ignoreFiles to its config without touching the rest."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import BIN, ROOT, page

from crawler.output.hugo_site import find_site_config, setup_site, time_zone_warning

REFERENCE = page("rain-20250214A05WPR00")
USER_CONFIG = 'baseURL = "https://example.org/"\ntitle = "Mine"\n\n[params]\nsubtitle = "kept as it is"\n'


def _site(tmp_path: Path, config: str = USER_CONFIG, name: str = "hugo.toml") -> Path:
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text(config, encoding="utf-8")
    return site


@pytest.mark.parametrize(("name", "config", "warned"), [
    ("hugo.toml", USER_CONFIG, True),
    ("hugo.toml", 'timeZone = "Asia/Shanghai"\n' + USER_CONFIG, False),
    ("hugo.toml", 'timezone = "UTC"\n' + USER_CONFIG, False),  # dates are written in the site's own zone
    ("config.yaml", "title: Mine\ntimeZone: Asia/Shanghai\n", False),
    ("config/_default/hugo.yaml", "title: Mine\n", True),
    ("hugo.json", '{"title": "Mine", "timeZone": "Asia/Shanghai"}', False),
])
def test_the_site_time_zone_is_checked(tmp_path: Path, name: str, config: str, warned: bool) -> None:
    site = _site(tmp_path, config, name)
    assert find_site_config(site / "content" / "posts") == site / name
    warning = time_zone_warning(site / "content" / "posts")
    assert (warning is not None) == warned
    if warned and name.endswith(".toml"):
        assert 'add timeZone = "Asia/Shanghai"' in warning and f"newsmd site setup {site}" in warning  # type: ignore[operator]
    elif warned:  # site setup edits TOML only: the line to add, in the file's own syntax
        assert "add timeZone: Asia/Shanghai" in warning and "site setup" not in warning  # type: ignore[operator]


def test_no_warning_outside_a_hugo_site(tmp_path: Path) -> None:
    assert time_zone_warning(tmp_path / "output") is None


def test_a_crawl_into_the_site_warns_once(tmp_path: Path, cli_env: dict[str, str]) -> None:
    site = _site(tmp_path)
    result = subprocess.run(["newsmd", "get", "http://127.0.0.1:9/x.html", "-o", str(site / "content" / "posts")],
                            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    warnings = [line for line in result.stderr.splitlines() if line.endswith("[time_zone]")]
    assert len(warnings) == 1 and warnings[0].startswith(f"newsmd: warning: {site / 'hugo.toml'}: no timeZone")


def test_site_setup_adds_the_zone_and_ignore_files_and_nothing_else(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert setup_site(site) == ['timeZone = "Asia/Shanghai"', "ignoreFiles = ['\\.newsmd-state\\.sqlite', '\\.tmp$']"]
    text = (site / "hugo.toml").read_text(encoding="utf-8")
    assert text.endswith(USER_CONFIG)
    assert setup_site(site) == []  # once only
    assert time_zone_warning(site / "content" / "posts") is None
    hugo = subprocess.run([str(BIN / "hugo"), "--source", str(site), "--logLevel", "warn"], capture_output=True, text=True,
                          timeout=120)
    assert hugo.returncode == 0, hugo.stderr  # Hugo reads the config it changed


def test_site_setup_leaves_a_chosen_zone_and_other_formats_alone(tmp_path: Path) -> None:
    site = _site(tmp_path, 'timeZone = "Europe/Paris"\n' + USER_CONFIG)
    assert setup_site(site) == ["ignoreFiles = ['\\.newsmd-state\\.sqlite', '\\.tmp$']"]
    assert (site / "hugo.toml").read_text(encoding="utf-8").count("timeZone") == 1
    other = _site(tmp_path / "yaml", "title: Mine\n", "hugo.yaml")
    with pytest.raises(ValueError, match="edits TOML configs only"):
        setup_site(other)
    assert (other / "hugo.yaml").read_text(encoding="utf-8") == "title: Mine\n"


def test_offset_dates_show_a_fresh_article_in_a_site_that_keeps_its_own_zone(tmp_path: Path,
                                                                              cli_env: dict[str, str]) -> None:
    from test_hugo import FRESH_ID, _fresh_page

    site = _site(tmp_path)  # no timeZone: Hugo reads zone-less dates as UTC
    posts = site / "content" / "posts"
    fresh = _fresh_page(tmp_path)
    runs = {}
    for date_format in ("local", "offset"):
        runs[date_format] = subprocess.run(
            ["newsmd", "parse", str(fresh), "--url", f"https://news.qq.com/rain/a/{FRESH_ID}", "-o", str(posts / date_format),
             "-s", f"DATE_FORMAT={date_format}"], capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
        assert runs[date_format].returncode == 0, runs[date_format].stderr
    assert "[time_zone]" in runs["local"].stderr and "[time_zone]" not in runs["offset"].stderr  # parse -o warns too
    build = subprocess.run([str(BIN / "hugo"), "--source", str(site), "--logLevel", "warn"],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    sitemap = (site / "public" / "sitemap.xml").read_text(encoding="utf-8")  # the site has no layouts: no HTML
    published = {folder for folder in ("local", "offset") if f"/posts/{folder}/qq/{FRESH_ID.lower()}/" in sitemap}
    assert published == {"offset"}  # the zone-less copy is hidden as future; the one with its offset is not


@pytest.mark.parametrize(("config", "setting", "written"), [
    ("", "", "2025-02-14 16:13:19"),  # no site zone: Beijing time, the reference
    ('timeZone = "Europe/Paris"\n', "", "2025-02-14 09:13:19"),  # the site's own zone
    ('timeZone = "Asia/Shanghai"\n', "UTC", "2025-02-14 08:13:19"),  # TIME_ZONE wins
    ('timeZone = "America/New_York"\n', "", "2025-02-14 03:13:19"),
])
def test_dates_are_the_wall_time_of_the_sites_zone(tmp_path: Path, config: str, setting: str, written: str,
                                                   cli_env: dict[str, str]) -> None:
    site = _site(tmp_path, config + USER_CONFIG)
    result = subprocess.run(["newsmd", "parse", str(REFERENCE.html), "--url", REFERENCE.url, "-o", str(site / "content" / "posts"),
                             *(["-s", f"TIME_ZONE={setting}"] if setting else [])],
                            capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    text = (site / "content" / "posts" / "qq" / "20250214A05WPR00.md").read_text(encoding="utf-8")
    assert f'date: "{written}"' in text
    assert ("[time_zone]" in result.stderr) == (not config or bool(setting))  # a zone Hugo would misread is named
