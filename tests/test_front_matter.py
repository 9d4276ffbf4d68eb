"""The front matter: reference order and style, settings-driven defaults, hostile values."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import frontmatter
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import Article, render
from crawler.extraction.inert import defuse_shortcodes, inert_summary
from crawler.output.front_matter import DEFAULT_FRONT_MATTER

BEIJING = ZoneInfo("Asia/Shanghai")
REFERENCE_FIELDS = ["title", "date", "summary", "categories", "lang", "translations", "tags", "menu", "thumbnail",
                    "lead", "comments", "authorbox", "pager", "toc", "mathjax", "sidebar", "widgets"]
"""The fields of ../shared/reference/seed-article.md, in its order."""
ARTICLE = Article(
    source="qq",
    article_id="20250214A05WPR00",
    canonical_url="https://new.qq.com/rain/a/20250214A05WPR00",
    title="标题",
    published=datetime(2025, 2, 14, 16, 13, 19, tzinfo=BEIJING),
    body_markdown="正文",
    summary="正文...",
    thumbnail="https://inews.gtimg.com/om_ls/x_640360/0",
)
HOSTILE = [
    'say "hi"', "back\\slash", "key: value", "# not a comment", "line\nbreak", "---",
    "a\n---\nb", "emoji 😀🚀", "'single'", "{{< shortcode >}}", "!!python/object:os.system",
    "&anchor *alias", "trailing space ", " leading", "tab\there", "\u2028sep", "\ufeffbom",
    "null", "true", "123", "", "[list]", "%percent", "@at", "`tick`", "\x00nul\x1b",
]


def _reload(text: str) -> frontmatter.Post:
    return frontmatter.loads(text)


def test_fields_come_in_reference_order() -> None:
    post = _reload(render(ARTICLE))
    assert list(post.metadata) == REFERENCE_FIELDS
    assert post.content == "正文\n\n[qq](https://new.qq.com/rain/a/20250214A05WPR00)"


def test_author_tags_and_offset_dates_are_opt_in() -> None:
    article = replace(ARTICLE, author="投资时间网", tags=["青云科技", "DeepSeek"])
    assert render(article) == render(ARTICLE)  # the reference format by default
    post = _reload(render(article, date_format="offset", extra_fields=("author", "tags")))
    assert list(post.metadata) == [*REFERENCE_FIELDS, "author"]  # fields beyond the reference's come last
    assert post["date"] == "2025-02-14T16:13:19+08:00" and post["author"] == "投资时间网"
    assert post["tags"] == ["青云科技", "DeepSeek"] and post["categories"] == ["qq"]
    bare = _reload(render(ARTICLE, extra_fields=("author", "tags")))
    assert "author" not in bare.metadata and bare["tags"] == ["qq"]  # nothing the page did not give


def test_a_generic_site_goes_by_its_own_name() -> None:
    article = replace(ARTICLE, source="example", site_name="Example [News]")
    post = _reload(render(article))
    assert post["categories"] == ["Example [News]"] and post["tags"] == ["Example [News]"]
    assert post.content.endswith("\n\n[Example \\[News\\]](https://new.qq.com/rain/a/20250214A05WPR00)")


def test_style_quotes_strings_and_indents_lists() -> None:
    text = render(ARTICLE)
    assert text.startswith('---\ntitle: "标题"\ndate: "2025-02-14 16:13:19"\n')
    assert '\ncategories:\n  - "qq"\n' in text
    assert "\ncomments: false\n" in text and "\npager: true\n" in text
    assert '\nwidgets:\n  - "search"\n  - "recent"\n  - "taglist"\n---\n\n正文\n' in text


def test_defaults_can_be_changed() -> None:
    defaults = {**DEFAULT_FRONT_MATTER, "comments": True, "sidebar": "left", "widgets": ["search"], "author": "Me"}
    post = _reload(render(ARTICLE, defaults))
    assert post["comments"] is True and post["sidebar"] == "left" and post["widgets"] == ["search"]
    assert list(post.metadata)[-1] == "author"


def _assert_round_trip(title: str, summary: str) -> None:
    article = replace(ARTICLE, title=title, summary=summary)
    text = render(article)
    post = _reload(text)
    # unchanged, but for a zero-width space that keeps a Hugo shortcode opening from running
    assert post["title"] == defuse_shortcodes(title)
    assert post["summary"] == defuse_shortcodes(inert_summary(summary))  # Markdown-escaped: Hugo renders it
    assert post.content.endswith("[qq](https://new.qq.com/rain/a/20250214A05WPR00)")
    header = text.split("\n---\n", 1)[0]
    assert yaml.safe_load(header.removeprefix("---\n"))["title"] == defuse_shortcodes(title)
    list_items = 4 + len(DEFAULT_FRONT_MATTER["widgets"])  # categories, lang, translations, tags
    assert header.count("\n") == len(REFERENCE_FIELDS) + list_items  # no value spills onto more lines


def test_hostile_titles_and_summaries_read_back_unchanged() -> None:
    for value in HOSTILE:
        _assert_round_trip(value, value)


def test_no_shortcode_opening_is_left_in_any_front_matter_value() -> None:
    hostile = '{{< param "title" >}} {{%nosuch%}}'
    text = render(replace(ARTICLE, title=hostile, summary=hostile, source="qq"),
                  {**DEFAULT_FRONT_MATTER, "lead": hostile, "widgets": [hostile]}, {"tags": [hostile]})
    assert "{{<" not in text and "{{%" not in text
    assert text.replace("\u200b", "").count(hostile.replace('"', '\\"')) == 4  # the summary is escaped besides
    assert "{{" not in _reload(text)["summary"]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_any_text_reads_back_unchanged(title: str, summary: str) -> None:
    _assert_round_trip(title, summary)


def test_a_date_is_the_wall_time_of_the_sites_zone_whatever_zone_the_page_wrote() -> None:
    utc = replace(ARTICLE, published=datetime(2024, 9, 3, 4, 3, 19, tzinfo=ZoneInfo("UTC")))
    assert _reload(render(utc))["date"] == "2024-09-03 12:03:19"  # Beijing by default, not 04:03:19
    assert _reload(render(utc, time_zone="Europe/Paris"))["date"] == "2024-09-03 06:03:19"
    assert _reload(render(utc, date_format="offset"))["date"] == "2024-09-03T12:03:19+08:00"
