"""``--images download``: images stored in the page bundle, links rewritten, failures kept remote."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, LocalSite, page

from pipelines.images import raster_extension
from pipelines.markdown_writer import content_url_path, replace_image_target

ARTICLE = page("omn-20190907A081B000")
IMAGES = FIXTURES / "images"
IMAGE = "https://inews.gtimg.com/newsapp_bt/0/{}/1000"


def serve_article_and_images(site: LocalSite) -> None:
    """The 2019 omn page and its images: JPEG, PNG without Content-Type, a 404, a slow WebP behind a Referer check."""
    site.serve("/omn/20190907/20190907A081B000.html", ARTICLE.html.read_bytes())
    site.serve("/newsapp_bt/0/10211616160/1000", (IMAGES / "python.jpg").read_bytes(), content_type="image/jpeg")
    site.serve("/newsapp_bt/0/10211616161/1000", (IMAGES / "python.png").read_bytes(), content_type="")
    site.serve("/newsapp_bt/0/10211616165/1000", (IMAGES / "python.webp").read_bytes(), content_type="image/webp",
               referer=ARTICLE.url, delay=1.0)
    # 10211616164 is not served: a 404


def get_with_images(site: LocalSite, out: Path | str, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """`newsmd get` of that page with `--images download`, its hosts served by `site`."""
    mirror = {host: site.base for host in ("new.qq.com", "inews.gtimg.com")}
    return subprocess.run(
        ["newsmd", "get", ARTICLE.url, "-o", str(out), "--images", "download", "-s", "MIRROR=" + json.dumps(mirror), *extra],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_images_land_in_the_bundle_byte_for_byte_and_links_follow(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    serve_article_and_images(local_site)
    out = tmp_path / "site" / "content" / "posts"
    result = get_with_images(local_site, out, cli_env)
    assert result.returncode == 0, result.stderr
    bundle = out / "qq" / "20190907A081B000"
    text = (bundle / "index.md").read_text(encoding="utf-8")

    expected = {
        "10211616160": ("python.jpg", ".jpg"),  # Content-Type image/jpeg
        "10211616161": ("python.png", ".png"),  # no Content-Type: sniffed from the bytes
        "10211616165": ("python.webp", ".webp"),  # needs the article as Referer, answers slowly
    }
    stored = {}
    for image_id, (fixture, extension) in expected.items():
        data = (IMAGES / fixture).read_bytes()
        name = hashlib.sha256(data).hexdigest()[:20] + extension
        assert (bundle / name).read_bytes() == data
        assert f"]({name})" in text
        assert IMAGE.format(image_id) not in text
        stored[image_id] = name
    assert f"]({IMAGE.format('10211616164')})" in text  # the 404 keeps its remote URL
    assert sorted(path.name for path in bundle.iterdir()) == sorted([*stored.values(), "index.md"])
    # Mainroad passes thumbnail through relURL: a site-root path, lower case like Hugo's URLs.
    assert f'thumbnail: "posts/qq/20190907a081b000/{stored["10211616160"]}"' in text
    assert "newsmd: warning:" in result.stderr and "10211616164/1000" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "1 discovered / 1 written / 0 updated / 0 unchanged / 0 skipped / 0 failed"

    remote_render = text
    for image_id, name in stored.items():
        remote_render = remote_render.replace(f"]({name})", f"]({IMAGE.format(image_id)})")
    golden = ARTICLE.golden.read_text(encoding="utf-8").replace(
        f'thumbnail: "{IMAGE.format("10211616160")}"', f'thumbnail: "posts/qq/20190907a081b000/{stored["10211616160"]}"')
    assert re.sub(r"[ \xa0]+$", "", remote_render, flags=re.M) == re.sub(r"[ \xa0]+$", "", golden, flags=re.M)

    before = [hit for hit in local_site.hits if hit.startswith("GET /newsapp_bt/")]
    again = get_with_images(local_site, out, cli_env)
    assert again.returncode == 0, again.stderr
    after = [hit for hit in local_site.hits if hit.startswith("GET /newsapp_bt/")]
    fetched_again = after[len(before):]
    assert fetched_again == ["GET /newsapp_bt/0/10211616164/1000"]  # only the one that failed is retried
    assert again.stdout.startswith("unchanged ")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


@pytest.mark.parametrize(("content_type", "fixture", "extension"), [
    ("image/jpeg", "python.png", ".png"),  # the bytes decide the file's type
    ("", "python.jpg", ".jpg"), ("", "python.png", ".png"), ("", "python.gif", ".gif"), ("", "python.webp", ".webp"),
    ("application/octet-stream", "python.png", ".png"), ("image/webp; q=1", "python.webp", ".webp"),
    ("", None, None), ("image/svg+xml", "svg", None), ("image/jpeg", "svg", None), ("", "svg", None),
    ("image/svg+xml", "python.png", None), ("text/html", "python.png", None), ("image/bmp", "bmp", None),
])
def test_only_raster_images_have_an_extension(content_type: str, fixture: str | None, extension: str | None) -> None:
    body = {None: b"\x00\x01 not an image", "svg": SVG, "bmp": b"BM" + b"\x00" * 60}.get(fixture) or (IMAGES / str(fixture)).read_bytes()
    assert raster_extension(content_type, body) == extension


def test_svg_and_other_non_raster_answers_are_not_stored(local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]) -> None:
    local_site.serve("/omn/20190907/20190907A081B000.html", ARTICLE.html.read_bytes())
    local_site.serve("/newsapp_bt/0/10211616160/1000", SVG, content_type="image/svg+xml")
    local_site.serve("/newsapp_bt/0/10211616161/1000", b"<html><script>alert(1)</script></html>", content_type="text/html")
    local_site.serve("/newsapp_bt/0/10211616164/1000", SVG, content_type="image/jpeg")  # lies about its type
    local_site.serve("/newsapp_bt/0/10211616165/1000", (IMAGES / "python.png").read_bytes(), content_type="image/png")
    out = tmp_path / "content" / "posts"
    result = get_with_images(local_site, out, cli_env)
    assert result.returncode == 0, result.stderr
    bundle = out / "qq" / "20190907A081B000"
    stored = sorted(path.name for path in bundle.iterdir())
    assert stored == sorted(["index.md", hashlib.sha256((IMAGES / "python.png").read_bytes()).hexdigest()[:20] + ".png"])
    text = (bundle / "index.md").read_text(encoding="utf-8")
    warnings = [line for line in result.stderr.splitlines() if "[image_failed]" in line]
    for image_id in ("10211616160", "10211616161", "10211616164"):
        assert f"]({IMAGE.format(image_id)})" in text  # the remote URL is kept
        assert any(image_id in line and "not a JPEG, PNG, GIF, WebP or AVIF image" in line for line in warnings), result.stderr
    assert len(warnings) == 3
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr  # one line per image, nothing more


def test_content_url_path_follows_the_hugo_content_folder(tmp_path: Path) -> None:
    assert content_url_path(tmp_path / "site" / "content" / "posts") == "posts/"
    assert content_url_path(tmp_path / "site" / "content") == ""
    assert content_url_path(tmp_path / "out") == ""
    assert content_url_path(tmp_path / "out", "/news/") == "news/"


def test_only_image_targets_are_rewritten() -> None:
    url = "https://inews.gtimg.com/a/1000"
    markdown = f"![x \\] y]({url}) and [link]({url}) and [![poster]({url})](https://v.qq.com/x)"
    assert replace_image_target(markdown, url, "f.jpg") == "![x \\] y](f.jpg) and [link](https://inews.gtimg.com/a/1000) and [![poster](f.jpg)](https://v.qq.com/x)"
