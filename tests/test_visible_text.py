"""What a reader of the built site sees is the article's text, character for character.

Every fixture and corpus page is extracted, written into a ``site init`` site and built with the
real (pinned) Hugo; the visible text of each built article body is compared with the text of the
article body the parser picked on the source page: nothing added (no backslash, no typographic
quote, no entity), nothing lost, same order. Whitespace is not compared (Markdown reflows it);
blocks of bare layout punctuation (carousel arrows, separators) are the only text the converter
may drop (taken out of the source text too), besides a first block that repeats the title.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, page
from lxml import html as lxml_html
from test_invariants import PAGES

from crawler import ExtractionError, extract
from crawler.article import Article
from crawler.extraction.markdown import BLOCK_TAGS, html_to_markdown
from crawler.output.site import init_site
from pipelines.markdown_writer import OutputOptions, write_article

HUGO = BIN / "hugo"
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_EXTRACT_MODULE = importlib.import_module("crawler.extraction.extract")  # ``crawler.extraction.extract`` is also the function


@dataclasses.dataclass
class Written:
    """An article written into the site, with the text of the body it was converted from."""

    name: str
    article: Article
    source_text: str


def _squeezed(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _extract_keeping_source_text(url: str, body: bytes) -> tuple[Article, str]:
    """``extract``, and the text of the cleaned body element it converted (read after conversion:
    the converter removes scripts and controls in place)."""
    seen: list[Any] = []
    convert = _EXTRACT_MODULE.html_to_markdown

    def recording(fragment: Any, base_url: str = "") -> Any:
        converted = convert(fragment, base_url)
        seen.append(fragment)
        return converted

    _EXTRACT_MODULE.html_to_markdown = recording  # type: ignore[assignment]
    try:
        article = extract(url, body, undated="write")
    finally:
        _EXTRACT_MODULE.html_to_markdown = convert  # type: ignore[assignment]
    return article, _text_without_debris(seen[-1])


def _text_without_debris(root: Any) -> str:
    """The text of ``root`` less what the converter drops by design: blocks of bare layout
    punctuation (no word, no image: carousel arrows, separators), and headings with nothing after
    them (a related-links title whose links are gone)."""
    for block in list(root.iter(*BLOCK_TAGS)):
        if next(block.iterdescendants(*BLOCK_TAGS, "img"), None) is None and not _WORD.search(block.text_content()):
            block.drop_tree()
    blocks = [block for block in root.iter(*BLOCK_TAGS, "img") if next(block.iterdescendants(*BLOCK_TAGS), None) is None]
    while blocks and blocks[-1].tag in _HEADINGS and not (blocks[-1].tail or "").strip():
        blocks.pop().drop_tree()
    return " ".join(root.itertext())


def _built_page(site: Path, article: Article) -> str:
    """The built HTML of ``article``'s page."""
    built = site / "public" / "posts" / article.source_label / article.article_id.lower() / "index.html"
    if not built.is_file():  # Hugo slugs some paths; find the page by its source link
        built = next(path for path in (site / "public" / "posts").rglob("index.html")
                     if 'class="content post__content"' in (text := path.read_text(encoding="utf-8"))
                     and article.canonical_url in text)
    return built.read_text(encoding="utf-8")


def _built_body_text(site: Path, article: Article) -> str:
    """The visible text of the built article's body, without its closing source link."""
    content = lxml_html.fromstring(_built_page(site, article)).find_class("post__content")[0]
    blocks = [block for block in content if isinstance(block.tag, str)]
    if blocks and blocks[-1].tag == "p" and blocks[-1].find("a") is not None:
        content.remove(blocks[-1])
    return " ".join(content.itertext())


def text_differences(source: str, shown: str, title: str = "") -> list[str]:
    """How the text ``shown`` differs from ``source`` beyond whitespace: each added, changed or
    dropped run (a dropped first block repeating ``title`` excepted)."""
    source, shown = _squeezed(source), _squeezed(shown)
    title = _squeezed(title)
    if title and source.startswith(title) and not shown.startswith(title):
        source = source[len(title):]
    problems = []
    matcher = difflib.SequenceMatcher(None, source, shown, autojunk=False)
    for operation, start, end, shown_start, shown_end in matcher.get_opcodes():
        if operation in ("insert", "replace"):
            problems.append(f"shown {shown[shown_start:shown_end]!r} where the page has {source[start:end]!r}"
                            f" (after {source[max(0, start - 15):start]!r})")
        elif operation == "delete":
            problems.append(f"lost {source[start:end]!r} (after {source[max(0, start - 15):start]!r})")
    return problems


def _build(site: Path) -> None:
    result = subprocess.run([str(HUGO), "--source", str(site), "--logLevel", "warn"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _site_with(articles: Iterator[tuple[str, Article, str]], site: Path) -> list[Written]:
    init_site(site)
    options = OutputOptions(root=site / "content" / "posts")
    written = []
    for name, article, source_text in articles:
        write_article(article, options)
        written.append(Written(name, article, source_text))
    _build(site)
    return written


def _corpus_articles() -> Iterator[tuple[str, Article, str]]:
    seen: set[tuple[str, str]] = set()
    for name, url, path in PAGES:
        try:
            article, source_text = _extract_keeping_source_text(url, path.read_bytes())
        except ExtractionError:
            continue
        if (article.source_label, article.article_id) in seen:
            continue  # the same article saved twice (a fixture and its corpus original)
        seen.add((article.source_label, article.article_id))
        yield name, article, source_text


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Written]]:
    site = tmp_path_factory.mktemp("visible") / "site"
    return site, {written.name: written for written in _site_with(_corpus_articles(), site)}


_NAMES = [name for name, _, _ in PAGES]


@pytest.mark.parametrize("name", _NAMES)
def test_the_built_page_shows_the_articles_text_exactly(name: str, corpus_site: tuple[Path, dict[str, Written]]) -> None:
    site, written = corpus_site
    if name not in written:
        pytest.skip("refused, or the same article as another page (its reason is tested elsewhere)")
    page = written[name]
    assert text_differences(page.source_text, _built_body_text(site, page.article), page.article.title) == []


MARKUP_IN_TEXT = (
    "<p>snake_case 和 __init__ 与 _开头 以及 688316_SH *注* 与 2*3*4</p>"
    "<p>网址 https://www.example.com/zt_d/apple2019/ 和 a|b 和 [方括号] 与 \\反斜杠\\ 与 C# 与 结尾 #</p>"
    "<p># 不是标题</p><p>1. 不是列表</p><p>- 不是列表</p><p>&gt; 不是引用</p><p>: 不是定义</p>"
    "<p>===</p><p>&lt;b&gt;不是粗体&lt;/b&gt; 与 &amp;lt;b&amp;gt; 与 AT&amp;T 与 &amp;copy;</p>"
    "<p>\"引号\" 与 'it's' 与 ... 与 -- 与 --- 与 &lt;&lt;书名&gt;&gt; 与 250~350 与 ~~删除~~ 与 `代码`</p>"
    "<h2>标题 {style=\"position:fixed\" #id .class}</h2>"
    "<p>{{&lt; param \"title\" &gt;}} 与 {{% nosuch %}} 与 {{&lt;/* raw */&gt;}}</p>"
    "<p><a href=\"https://example.com/a_b\">链接 *里* 的 _字_ 与 [括号] 与 a|b</a></p>"
    "<figure><img src=\"https://example.com/p.jpg\" alt=\"图 [1] *注* a|b\"><figcaption>图注 _x_ *y* [z] a|b #</figcaption></figure>"
    "<table><tr><th>列 a|b</th><th>*注*</th></tr><tr><td>snake_case | x</td><td>[1] &lt;b&gt; \\</td></tr></table>"
)


def test_markdown_and_hugo_syntax_in_page_text_show_as_written(tmp_path: Path) -> None:
    """Text, links, captions and tables full of Markdown, Goldmark-extension and Hugo syntax."""
    root = lxml_html.fragment_fromstring(MARKUP_IN_TEXT, create_parent="div")
    converted = html_to_markdown(root, "https://example.com/")
    reference = page("rain-20250214A05WPR00")
    article = dataclasses.replace(extract(reference.url, reference.html.read_bytes()), body_markdown=converted.markdown)
    site = tmp_path / "site"
    (written,) = _site_with(iter([("markup", article, _text_without_debris(root))]), site)
    shown = _built_body_text(site, written.article)
    assert text_differences(written.source_text, shown) == []
    assert "链接" in shown and "图注" in shown and "snake_case|x" in _squeezed(shown)
    built = _built_page(site, written.article)
    assert 'style="position:fixed' not in built and "<del>" not in built and "<em>" not in built
    assert "<table>" in built and built.count("<td>") == 2


@pytest.mark.parametrize(("source", "shown", "problem"), [
    ("snake_case", "snake\\_case", "shown '\\\\'"),
    ("a|b", "ab", "lost"),
    ("标题 正文", "正文", None),
    ("“引号”", "“引号”", None),
])
def test_the_text_comparison_can_fail(source: str, shown: str, problem: str | None) -> None:
    problems = text_differences(source, shown, "标题")
    assert (problems == []) if problem is None else any(problem in line for line in problems), problems
