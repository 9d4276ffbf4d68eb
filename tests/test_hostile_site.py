"""Page text that reaches the built site only as the text it is: the summary Hugo renders as
Markdown (home page, RSS) on a site with ``unsafe = true``, and page-given names that would be
Hugo's own files. Built with real Hugo; the hostile pages are real saved pages with the attack put in."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

from conftest import BIN, page

from crawler import extract
from crawler.output.site import init_site
from pipelines.markdown_writer import OutputOptions, write_article

REFERENCE = page("rain-20250214A05WPR00")
GENERIC = page("cjddsb-532601")
ATTACK = '点此领奖 [点此领奖](https://evil.example/prize) <img src=x onerror="alert(1)"> **粗体** {{< param title >}}'


def _unsafe_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    init_site(site)
    config = site / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("unsafe = false", "unsafe = true"), encoding="utf-8")
    return site


def _build(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "hugo"), "--source", str(site), "--logLevel", "warn"], capture_output=True,
                          text=True, timeout=120)


def test_the_summary_shows_as_text_on_the_home_page_and_in_rss_even_with_raw_html_on(tmp_path: Path) -> None:
    site = _unsafe_site(tmp_path)
    article = extract(REFERENCE.url, REFERENCE.html.read_bytes())
    write_article(dataclasses.replace(article, summary=ATTACK + "..."), OutputOptions(root=site / "content" / "posts"))
    build = _build(site)
    assert build.returncode == 0, build.stdout + build.stderr
    for built in (site / "public" / "index.html", site / "public" / "index.xml", site / "public" / "posts" / "index.xml"):
        text = built.read_text(encoding="utf-8")
        assert "evil.example/prize" not in text.replace("[点此领奖](https://evil.example/prize)", ""), built
        for active in ('href="https://evil', "<img src=x", "<strong>", "&lt;a href=", "&lt;strong&gt;"):
            assert active not in text, (built, active)  # RSS escapes the HTML it carries: &lt;a href= is a live link there
    home = (site / "public" / "index.html").read_text(encoding="utf-8")
    assert "点此领奖 [点此领奖](https://evil.example/prize)" in home  # shown as the text it is


def test_a_site_name_that_is_a_hugo_file_name_does_not_break_the_build(tmp_path: Path) -> None:
    site = _unsafe_site(tmp_path)
    options = OutputOptions(root=site / "content" / "posts", extra_fields=("author", "tags"))
    html = GENERIC.html.read_text(encoding="utf-8")
    for name in ("index.xml", "index.html", "page", "_index"):
        hostile = html.replace("532601", f"5326{len(name)}").replace("</head>", f'<meta property="og:site_name" content="{name}"><meta name="keywords" '
                                          f'content="{name},sitemap.xml"><meta name="author" content="{name}"></head>', 1)
        article = extract(GENERIC.url.replace("532601", f"5326{len(name)}"), hostile.encode())
        written = write_article(article, options)
        text = written.path.read_text(encoding="utf-8")
        assert f'"{name}"' not in text and '"sitemap.xml"' not in text, text[:600]
    build = _build(site)
    assert build.returncode == 0, build.stdout + build.stderr
    assert len(list((site / "public" / "posts" / "cjddsb").rglob("index.html"))) == 4  # one page each
