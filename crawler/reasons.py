"""The one fixed set of reasons newsmd gives for what it did not write or follow.

Every ``[reason]`` on a ``newsmd: error:`` or ``newsmd: warning:`` line, every
``newsmd/failed/<reason>`` stat and every ``ExtractionError.reason`` is a name here; the README
lists them all (a test holds both to it). What a reason means for the crawl is declared here once:
whether the same page will fail the same way again (``permanent``: later runs skip it as a known
failure), and whether it only means "not the template the site parser knows" (``template``: the
generic parser reads the page instead).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """One reason: its name, what it means, and how a crawl treats it."""

    name: str
    meaning: str
    permanent: bool = False
    template: bool = False
    warning: bool = False


_ALL = (
    # a page that is not an article, or not one newsmd can write
    Reason("video", "a video item, not an article", permanent=True),
    Reason("not_article", "a list, channel, gallery or other page that is not an article", permanent=True),
    Reason("expired_link", "WeChat's notice page in place of an article: the link has expired", permanent=True),
    Reason("unavailable", "the site's notice in place of an article: deleted by its author, removed for a violation",
           permanent=True),
    Reason("unsupported_page", "HTML that is not the site's article template", permanent=True, template=True),
    Reason("no_title", "the page has no article title", permanent=True, template=True),
    Reason("empty_body", "no article text on the page", permanent=True),
    Reason("paywalled", "a subscriber-only article whose page shows a teaser (isAccessibleForFree: false, a paywall box)",
           permanent=True),
    Reason("thin_page", "an empty, thin or 'access denied' answer"),
    Reason("no_date", "the page has no publication time (and undated articles are skipped)"),
    Reason("not_html", "a PDF, image or other binary answer", permanent=True),
    Reason("too_large", "over DOWNLOAD_MAXSIZE, or over the generic parser's element cap", permanent=True),
    Reason("too_slow", "reading the page took over EXTRACT_TIME_LIMIT"),
    Reason("reader_died", "the process reading the page died (out of memory, a crash in a parser library)"),
    Reason("too_deep", "elements nested past the HTML parser's limit", permanent=True),
    Reason("truncated", "a document cut off before its </html>"),
    Reason("bad_url", "not an absolute http(s) URL", permanent=True),
    Reason("unsupported_source", "a URL no parser reads", permanent=True),
    # fetching
    Reason("http_error", "an HTTP error status after the retries (404 and 410 are permanent)"),
    Reason("download_error", "timeout, reset or cut-off transfer after the retries"),
    Reason("too_many_redirects", "a redirect loop"),
    Reason("offsite_redirect", "a redirect to another site", permanent=True),
    # writing
    Reason("write", "the article file could not be written"),
    # feeds and sitemaps
    Reason("bad_xml", "a feed or sitemap that is not well-formed XML"),
    Reason("bad_json", "a JSON feed that is not JSON"),
    Reason("bad_gzip", "a gzipped sitemap that does not unzip"),
    Reason("bad_feed", "a Tencent feed answer that is not the JSON Tencent serves"),
    Reason("not_a_feed", "a document that is not RSS, Atom or JSON Feed"),
    Reason("not_a_sitemap", "an XML document that is not a sitemap"),
    Reason("sitemap_too_deep", "sitemap indexes nested too deep"),
    # warnings: the run goes on, nothing failed
    Reason("offsite_link", "a feed's link to another site, not followed", warning=True),
    Reason("private_address", "a feed's link, a redirect or an image leading to a private address or localhost, "
           "not followed", warning=True),
    Reason("too_many_links", "a feed or sitemap over MAX_LINKS_PER_DOCUMENT", warning=True),
    Reason("too_many_sitemaps", "child sitemaps over MAX_CHILD_SITEMAPS", warning=True),
    Reason("empty_channel", "a Tencent channel whose first feed page is empty", warning=True),
    Reason("stopped_early", "a Tencent channel feed that brought nothing new for several pages", warning=True),
    Reason("image_failed", "an image not downloaded; its remote URL is kept", warning=True),
    Reason("undated", "an article written without a date", warning=True),
    Reason("fallback", "a page or field read by the generic parser", warning=True),
    Reason("killed_run", "a job folder left by a killed run, started again from the feeds", warning=True),
    Reason("time_zone", "the Hugo site's time zone would misread the articles' dates", warning=True),
    Reason("locked", "another run uses the same output or job folder"),
    Reason("state_file", "the state file is damaged (newsmd state rebuild makes a new one)"),
    Reason("queue", "the shared queue (REDIS_URL) cannot be reached; a worker tries again"),
    Reason("kept", "a file of the site newsmd did not write, left as it is by site sync", warning=True),
)
REASONS: dict[str, Reason] = {reason.name: reason for reason in _ALL}
PERMANENT_REASONS = frozenset(name for name, reason in REASONS.items() if reason.permanent)
"""Failures that the same page will give again: later runs skip the article (a known failure)."""
TEMPLATE_REASONS = frozenset(name for name, reason in REASONS.items() if reason.template)
"""A site parser's refusals that mean "not the template I know", not "not an article": the generic
parser reads such a page instead."""
