"""``newsmd site init DIR``: a minimal Hugo site that renders newsmd's articles.

The config sets ``timeZone = "Asia/Shanghai"`` (front-matter dates carry no zone and are Beijing
time, so a fresh article is not taken for a future one), ``hasCJKLanguage`` (summaries and word
counts for Chinese), and ignores newsmd's state and temp files. With Mainroad in
``DIR/themes/mainroad`` the site uses it, with the smallest overrides current Hugo needs
(``MAINROAD_OVERRIDES``); otherwise small layouts render the Mainroad fields (thumbnail through
``relURL`` as Mainroad does, categories, tags, lead, table of contents, pager). Either way a term
page per source (``content/categories/qq/_index.md``) makes the site show the source's own name
(腾讯新闻) for the category and tag the articles carry (``qq``).
"""

from __future__ import annotations

from pathlib import Path

from crawler.output.hugo_site import IGNORE_FILES_LINE, TIME_ZONE_LINE

CONFIG = """\
baseURL = "{base_url}"
title = "{title}"
defaultContentLanguage = "zh-cn"
{time_zone}
hasCJKLanguage = true
capitalizeListTitles = false  # a category or tag shows as written ("qq" would be "Qq"); term pages name the sources
{theme}{ignore_files}

[taxonomies]
category = "categories"
tag = "tags"

[markup.goldmark.renderer]
unsafe = false  # raw HTML in article bodies is dropped, never published

# Mainroad's own settings (its exampleSite and docs/customization): what a post shows under its
# title, and the sidebar. The layouts written when Mainroad is absent read the same ones.
[params]
mainSections = ["posts"]
dateformat = "2006-01-02 15:04"
post_meta = ["author", "date", "categories"]

[params.sidebar]
home = "right"
list = "right"
single = "right"
widgets = ["search", "recent", "categories", "taglist"]

[params.widgets]
recent_num = 5
"""

LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<style>
body { max-width: 60rem; margin: 0 auto; padding: 1rem; font-family: sans-serif; line-height: 1.7; }
.layout { display: flex; gap: 2rem; } .main { flex: 1; min-width: 0; } .sidebar { width: 14rem; }
.sidebar--left { order: -1; } img { max-width: 100%; height: auto; } .meta { color: #666; font-size: .9rem; }
</style>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
{{ block "main" . }}{{ end }}
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<div class="layout">
<article class="main post">
  <h1 class="post__title">{{ .Title }}</h1>
  <div class="meta">
    <time class="post__date" datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format (site.Params.dateformat | default "2006-01-02 15:04") }}</time>
    {{ with .Params.author }}<span class="post__author">{{ . }}</span>{{ end }}
    {{ with .GetTerms "categories" }}<span class="post__categories">{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</span>{{ end }}
  </div>
  {{ partial "thumbnail.html" (dict "page" . "class" "post") }}
  {{ with .Params.lead }}<p class="post__lead">{{ . }}</p>{{ end }}
  {{ if .Params.toc }}{{ .TableOfContents }}{{ end }}
  <div class="content post__content">{{ .Content }}</div>
  {{ with .GetTerms "tags" }}<div class="tags">{{ range . }}<a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a> {{ end }}</div>{{ end }}
  {{ if .Params.pager }}<nav class="pager">
    {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
    {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
  </nav>{{ end }}
</article>
{{ with .Params.sidebar | default site.Params.sidebar.single }}{{ if ne . "none" }}{{ partial "sidebar.html" $ }}{{ end }}{{ end }}
</div>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<div class="layout">
<main class="main list">
  {{ with .Title }}<h1>{{ . }}</h1>{{ end }}
  {{ range (.Paginate (cond .IsHome site.RegularPages .Pages)).Pages }}
  <article class="list__item">
    {{ partial "thumbnail.html" (dict "page" . "class" "list") }}
    <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
    <div class="meta"><time>{{ .Date.Format "2006-01-02 15:04" }}</time></div>
    <p>{{ .Summary | plainify }}</p>
  </article>
  {{ end }}
</main>
</div>
{{ end }}
""",
    "_partials/thumbnail.html": """\
{{- with .page.Params.thumbnail }}
<figure class="{{ $.class }}__thumbnail thumbnail">
  {{ if eq $.class "list" }}<a href="{{ $.page.RelPermalink }}">{{ end }}<img class="thumbnail__image" src="{{ . | relURL }}" alt="{{ $.page.Title }}">{{ if eq $.class "list" }}</a>{{ end }}
</figure>
{{- end }}
""",
    "_partials/sidebar.html": """\
<aside class="sidebar sidebar--{{ .Params.sidebar | default site.Params.sidebar.single }}">
  {{ range .Params.widgets | default site.Params.sidebar.widgets }}
    {{ if eq . "recent" }}<section class="widget"><h3>最新文章</h3><ul>{{ range first 5 site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></section>{{ end }}
    {{ if eq . "taglist" }}<section class="widget"><h3>标签</h3>{{ range site.Taxonomies.tags }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</section>{{ end }}
    {{ if eq . "categories" }}<section class="widget"><h3>分类</h3>{{ range site.Taxonomies.categories }}<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ end }}</section>{{ end }}
  {{ end }}
</aside>
""",
}


MAINROAD_OVERRIDES = {
    "partials/post_meta/author.html": """\
{{- /* newsmd: Mainroad (13e04b3) reads .Site.Author, which Hugo no longer has (0.124 and later): the build
fails. This override shows the article's own author (front matter "author"), else params.author.name. */ -}}
{{- $author := .Params.author -}}
{{- with site.Params.author }}{{ if reflect.IsMap . }}{{ $author = $author | default .name }}{{ end }}{{ end -}}
{{- with $author -}}
<div class="meta__item-author meta__item">
	{{ partial "svg/author.svg" (dict "class" "meta__icon") -}}
	<span class="meta__text">{{ . }}</span>
</div>
{{- end -}}
""",
    "partials/post_tags.html": """\
{{- /* newsmd: Mainroad's tag list prints each tag as written ("qq"); this override prints the title of the
tag's term page (content/tags/qq/_index.md: "腾讯新闻") where the site has one, as its sidebar does. */ -}}
{{- if .Params.tags }}
<div class="post__tags tags clearfix">
	{{ partial "svg/tag.svg" (dict "class" "tags__badge") }}
	<ul class="tags__list">
		{{- range .Params.tags }}
		<li class="tags__item">
			<a class="tags__link btn" href="{{ "tags/" | relLangURL }}{{ . | urlize }}/" rel="tag">
				{{- with site.GetPage (printf "/tags/%s" (. | urlize)) }}{{ .Title }}{{ else }}{{ . }}{{ end -}}
			</a>
		</li>
		{{- end }}
	</ul>
</div>
{{- end }}
""",
}
"""The files a site using Mainroad 13e04b3 needs in its own ``layouts/`` on current Hugo (the theme
itself is never edited): the author line, which otherwise fails the build, and the post's tag list."""
TAXONOMIES = ("categories", "tags")


def term_pages(root: Path) -> dict[Path, str]:
    """A term page per supported source and taxonomy, titled with the source's own name."""
    from crawler.extraction.sources import source_names

    return {root / "content" / taxonomy / source / "_index.md": f'---\ntitle: "{name}"\n---\n'
            for source, name in source_names().items() for taxonomy in TAXONOMIES}


def uses_mainroad(root: Path, config: dict[str, object] | None = None) -> bool:
    """Whether the site renders with Mainroad: its ``theme`` setting, or the theme in ``themes/mainroad``."""
    theme = (config or {}).get("theme")
    themes = theme if isinstance(theme, list) else [theme]
    return "mainroad" in [str(name).lower() for name in themes if name] or (root / "themes" / "mainroad").is_dir()


def add_site_files(root: Path, mainroad: bool) -> list[Path]:
    """Write the term pages and (for Mainroad) the overrides the site lacks; never replace a file."""
    files = term_pages(root)
    if mainroad:
        files.update({root / "layouts" / name: text for name, text in MAINROAD_OVERRIDES.items()})
    written = []
    for path, text in files.items():
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


class SiteExistsError(FileExistsError):
    """The folder already holds a Hugo site configuration."""


def init_site(directory: str | Path, title: str = "News", base_url: str = "/") -> list[Path]:
    """Create a Hugo site in ``directory`` for newsmd's output; return the files written."""
    root = Path(directory)
    for name in ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml", "config.json"):
        if (root / name).exists():
            raise SiteExistsError(f"{root / name} exists: {root} is already a Hugo site")
    mainroad = uses_mainroad(root)
    quoted_title = title.replace("\\", "\\\\").replace('"', '\\"')
    files = {"hugo.toml": CONFIG.format(base_url=base_url, title=quoted_title, time_zone=TIME_ZONE_LINE,
                                        ignore_files=IGNORE_FILES_LINE,
                                        theme='theme = "mainroad"\n' if mainroad else "")}
    if not mainroad:
        files.update({f"layouts/{name}": text for name, text in LAYOUTS.items()})
    written = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    return written + add_site_files(root, mainroad)
