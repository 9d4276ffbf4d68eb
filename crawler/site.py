"""``newsmd site init DIR``: a minimal Hugo site that renders newsmd's articles.

The config sets ``timeZone = "Asia/Shanghai"`` (front-matter dates carry no zone and are Beijing
time, so a fresh article is not taken for a future one), ``hasCJKLanguage`` (summaries and word
counts for Chinese), and ignores newsmd's state and temp files. With Mainroad in
``DIR/themes/mainroad`` the site uses it; otherwise small layouts render the Mainroad fields
(thumbnail through ``relURL`` as Mainroad does, categories, tags, lead, table of contents, pager).
"""

from __future__ import annotations

from pathlib import Path

from crawler.hugo_site import IGNORE_FILES_LINE, TIME_ZONE_LINE

CONFIG = """\
baseURL = "{base_url}"
title = "{title}"
defaultContentLanguage = "zh-cn"
{time_zone}
hasCJKLanguage = true
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
    <time class="post__date" datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02 15:04" }}</time>
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


class SiteExistsError(FileExistsError):
    """The folder already holds a Hugo site configuration."""


def init_site(directory: str | Path, title: str = "News", base_url: str = "/") -> list[Path]:
    """Create a Hugo site in ``directory`` for newsmd's output; return the files written."""
    root = Path(directory)
    for name in ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml", "config.json"):
        if (root / name).exists():
            raise SiteExistsError(f"{root / name} exists: {root} is already a Hugo site")
    uses_mainroad = (root / "themes" / "mainroad").is_dir()
    quoted_title = title.replace("\\", "\\\\").replace('"', '\\"')
    files = {"hugo.toml": CONFIG.format(base_url=base_url, title=quoted_title, time_zone=TIME_ZONE_LINE,
                                        ignore_files=IGNORE_FILES_LINE,
                                        theme='theme = "mainroad"\n' if uses_mainroad else "")}
    if not uses_mainroad:
        files.update({f"layouts/{name}": text for name, text in LAYOUTS.items()})
    written = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    return written
