"""``--images download`` on untrusted pages: no image fetched from a private address, an image two
articles share stored in both bundles (and healed when one goes missing), images written
atomically and never through a planted symlink. Local servers stand in for the sites."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, LocalSite
from test_images import ARTICLE, IMAGES, serve_article_and_images

from crawler.crawling.address_guard import normalized_host, private_address
from crawler.crawling.link_scope import literal_address

SECOND_ID = "20190907A081B999"


def _get(site: LocalSite, urls: list[str], out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    mirror = {host: site.base for host in ("new.qq.com", "inews.gtimg.com")}
    return subprocess.run(["newsmd", "get", *urls, "-o", str(out), "--images", "download",
                           "-s", "MIRROR=" + json.dumps(mirror), *extra],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "127.1", "0x7f.0.0.1", "localhost", "①②⑦.⓪.⓪.①", "127。0。0。1",
                                  "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ"])
def test_an_image_on_a_private_address_is_never_fetched(host: str, local_site: LocalSite, tmp_path: Path,
                                                        cli_env: dict[str, str]) -> None:
    with LocalSite() as internal:  # a service on the crawling machine that a page points at
        internal.serve("/secret.png", (IMAGES / "python.png").read_bytes(), content_type="image/png")
        private = f"http://{host}:{internal.base_url.rsplit(':', 1)[1]}/secret.png"
        html = ARTICLE.html.read_text(encoding="utf-8").replace("//inews.gtimg.com/newsapp_bt/0/10211616160/1000", private)
        html = html.replace('<meta property="og:image"', f'<meta property="og:image" content="{private}"><meta name="x"', 1)
        serve_article_and_images(local_site)
        local_site.serve("/omn/20190907/20190907A081B000.html", html.encode())
        result = _get(local_site, [ARTICLE.url], tmp_path / "out", cli_env)
        assert internal.hits == []  # not even asked
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "qq" / "20190907A081B000" / "index.md").read_text(encoding="utf-8")
    if host.isascii():
        assert private in text  # its remote URL kept, nothing stored from it
        assert "[private_address]" in result.stderr and "[image_failed]" in result.stderr
    else:  # other Unicode digits and dots: no URL a browser would take for the page's own; dropped, never fetched
        assert private not in text


def test_hosts_written_with_other_unicode_digits_and_dots_are_the_addresses_they_stand_for() -> None:
    for written in ("①②⑦.⓪.⓪.①", "127。0。0。1", "１２７．０．０．１"):
        assert literal_address(normalized_host(written)) == "127.0.0.1"
    assert private_address("10.0.0.5") and private_address("169.254.169.254") and private_address("::1")
    assert private_address("::ffff:127.0.0.1") and private_address("100.64.0.1")
    assert not private_address("93.184.216.34")


def test_two_articles_sharing_an_image_both_hold_it_and_a_missing_one_is_healed(
    local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    serve_article_and_images(local_site)
    second = ARTICLE.html.read_text(encoding="utf-8").replace("20190907A081B000", SECOND_ID)
    local_site.serve(f"/omn/20190907/{SECOND_ID}.html", second.encode())
    out = tmp_path / "out"
    urls = [ARTICLE.url, ARTICLE.url.replace("20190907A081B000", SECOND_ID)]
    first = _get(local_site, urls, out, cli_env)
    assert first.returncode == 0, first.stderr

    def linked_files(article_id: str) -> list[Path]:
        bundle = out / "qq" / article_id
        names = [line.split("](", 1)[1].rstrip(")") for line in (bundle / "index.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("![") and "](http" not in line]
        return [bundle / name for name in names]

    for article_id in ("20190907A081B000", SECOND_ID):
        files = linked_files(article_id)
        assert len(files) == 3 and all(path.is_file() for path in files), article_id  # none dangling
    shared = linked_files(SECOND_ID)[0]
    shared.unlink()
    again = _get(local_site, urls, out, cli_env)
    assert again.returncode == 0, again.stderr
    assert shared.is_file() and shared.read_bytes() == linked_files("20190907A081B000")[0].read_bytes()


def test_an_image_is_never_written_through_a_planted_symlink(local_site: LocalSite, tmp_path: Path,
                                                            cli_env: dict[str, str]) -> None:
    serve_article_and_images(local_site)
    out = tmp_path / "out"
    first = _get(local_site, [ARTICLE.url], out, cli_env)
    assert first.returncode == 0, first.stderr
    bundle = out / "qq" / "20190907A081B000"
    victim = next(path for path in bundle.iterdir() if path.suffix == ".jpg")
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"not yours")
    victim.unlink()
    os.symlink(outside, victim)  # planted where the next run will write the image
    again = _get(local_site, [ARTICLE.url], out, cli_env)
    assert again.returncode == 0, again.stderr
    assert outside.read_bytes() == b"not yours"
    assert not victim.is_symlink() and victim.read_bytes() == (IMAGES / "python.jpg").read_bytes()
    assert not list(bundle.glob(".*.tmp"))


@pytest.mark.parametrize(("setting", "stored"), [
    ("IMAGE_MAX_BYTES=500", {1}),  # the pictures served are 543, 1,020 and 432 bytes: the WebP alone fits
    ("IMAGES_MAX_BYTES_PER_ARTICLE=1000", {1, 2}),  # whichever come first, not all three
    ("IMAGES_MAX_BYTES_PER_RUN=1000", {1, 2}),
])
def test_image_budgets_cap_what_one_image_one_article_and_one_run_store(
    setting: str, stored: set[int], local_site: LocalSite, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    serve_article_and_images(local_site)
    result = _get(local_site, [ARTICLE.url], tmp_path / "out", cli_env, "-s", setting, "-s", "CONCURRENT_REQUESTS=1")
    assert result.returncode == 0, result.stderr
    bundle = tmp_path / "out" / "qq" / "20190907A081B000"
    assert len([path for path in bundle.iterdir() if path.suffix != ".md"]) in stored
    warned = [line for line in result.stderr.splitlines() if line.endswith("[image_failed]")]
    name = setting.split("=", 1)[0]
    assert any(name in line or "max size" in line for line in warned), result.stderr
