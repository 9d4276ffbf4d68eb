"""``newsmd.toml``: per-site configuration that overrides ``crawler/settings.py``.

::

    output = "site/content/posts"      # OUTPUT_DIR
    layout = "bundle"                  # LAYOUT: "flat" (qq/<ID>.md) or "bundle" (qq/<ID>/index.md)
    images = "download"                # IMAGES: "remote" or "download" (stored in each bundle)
    date_format = "offset"             # DATE_FORMAT: "local" (wall time, no zone) or "offset"
    format = "jsonl"                   # OUTPUT_FORMAT: "markdown" (the default) or "jsonl"
    state = "postgresql://db/newsmd"   # STATE_URL: a shared state (several machines)
    redis = "redis://queue:6379/0"     # REDIS_URL: the shared queue (several machines)
    time_zone = "Europe/Paris"         # TIME_ZONE: the dates' zone (default: the site's timeZone, else Asia/Shanghai)
    extra_fields = ["author", "tags"]  # EXTRA_FIELDS: front-matter fields beyond the reference's

    [front_matter]                     # FRONT_MATTER_DEFAULTS: constant fields of every article
    sidebar = "left"

    [sources.qq]                       # one source: its layout, and front-matter values that
    layout = "flat"                    # override everything else (categories, tags, lang, ...)
    categories = ["腾讯新闻"]

The file is ``NEWSMD_CONFIG`` (``newsmd --config FILE``), else ``newsmd.toml`` in the working folder
when there is one. ``-s NAME=VALUE`` on the command line still wins.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.declared_settings import DECLARED, TOML_KEYS, choices, setting
from crawler.output.hugo_site import known_time_zone

if TYPE_CHECKING:  # newsmd parse reads its settings without Scrapy (crawler.plain_settings)
    from scrapy.settings import BaseSettings

DEFAULT_CONFIG = "newsmd.toml"
EXTRA_FIELDS = ("author", "tags")
_TOP_LEVEL = TOML_KEYS
"""The top-level keys of newsmd.toml and the settings they set (declared in ``crawler.declared_settings``)."""


class ConfigError(ValueError):
    """``newsmd.toml`` cannot be read or has a value newsmd does not understand."""


def _choice(where: str, key: str, value: Any) -> str:
    allowed = choices(TOML_KEYS.get(key, key.upper()))
    if value not in allowed:
        raise ConfigError(f"{where}: {key} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def config_settings(path: str | Path) -> dict[str, Any]:
    """The Scrapy settings a config file sets (raises ``ConfigError``)."""
    try:
        config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    unknown = set(config) - {*_TOP_LEVEL, "extra_fields", "front_matter", "sources"}
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    settings: dict[str, Any] = {}
    for key, name in _TOP_LEVEL.items():
        if key in config:
            settings[name] = _choice(str(path), key, config[key]) if choices(name) else str(config[key])
    if "extra_fields" in config:
        extra = config["extra_fields"]
        if not isinstance(extra, list) or not set(extra) <= set(EXTRA_FIELDS):
            raise ConfigError(f"{path}: extra_fields must be a list of {', '.join(EXTRA_FIELDS)}, not {extra!r}")
        settings["EXTRA_FIELDS"] = extra
    if "front_matter" in config:
        if not isinstance(config["front_matter"], dict):
            raise ConfigError(f"{path}: [front_matter] must be a table")
        settings["FRONT_MATTER_DEFAULTS"] = config["front_matter"]
    sources = config.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(table, dict) for table in sources.values()):
        raise ConfigError(f"{path}: [sources.<name>] must be tables")
    for name in sources:
        if (supported := misspelled_source(name)) is not None:
            raise ConfigError(f"{path}: [sources.{name}] names no source: did you mean [sources.{supported}]?")
    layouts = {name: _choice(f"{path} [sources.{name}]", "layout", table["layout"])
               for name, table in sources.items() if "layout" in table}
    front_matter = {name: {key: value for key, value in table.items() if key != "layout"} for name, table in sources.items()}
    if layouts:
        settings["SOURCE_LAYOUT"] = layouts
    if any(front_matter.values()):
        settings["SOURCE_FRONT_MATTER"] = {name: values for name, values in front_matter.items() if values}
    return settings


def apply_config(settings: BaseSettings) -> None:
    """Apply ``NEWSMD_CONFIG`` (or ``./newsmd.toml`` if present) over the project settings."""
    path = settings.get("NEWSMD_CONFIG") or os.environ.get("NEWSMD_CONFIG") or ""
    if not path:
        if not Path(DEFAULT_CONFIG).is_file():
            return
        path = DEFAULT_CONFIG
    for name, value in config_settings(path).items():
        settings.set(name, value, priority="project")


_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "dict": "a JSON object",
          "list": "a list", "str": "text"}


def check_settings(settings: BaseSettings) -> None:
    """Refuse (``ConfigError``) a setting newsmd reads whose value it would misread or ignore, so a
    typo such as ``-s IMAGES=downlaod`` stops the command before anything is fetched."""
    for declared in DECLARED:
        if declared.choices and settings.get(declared.name) not in declared.choices:
            raise ConfigError(f"setting {declared.name} must be one of {', '.join(declared.choices)}, "
                              f"not {settings.get(declared.name)!r}")
        try:
            value = setting(settings, declared.name)
        except (ValueError, TypeError):
            raise ConfigError(f"setting {declared.name} must be {_KINDS[declared.kind]}, "
                              f"not {settings.get(declared.name)!r}") from None
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"setting {declared.name} must not be negative, not {settings.get(declared.name)!r}")
    zone = str(settings.get("TIME_ZONE") or "")
    if zone and not known_time_zone(zone):
        raise ConfigError(f"setting TIME_ZONE must be a time zone such as Asia/Shanghai or UTC, not {zone!r}")
    extra = settings.getlist("EXTRA_FIELDS")
    if not set(extra) <= set(EXTRA_FIELDS):
        raise ConfigError(f"setting EXTRA_FIELDS must list some of {', '.join(EXTRA_FIELDS)}, not {extra!r}")


class ConfigAddon:
    """Scrapy add-on applying ``newsmd.toml``, so ``scrapy crawl`` reads it as ``newsmd`` does."""

    def update_settings(self, settings: BaseSettings) -> None:
        apply_config(settings)


def _known_settings() -> set[str]:
    from crawler import settings as project_settings

    return {name for name in dir(project_settings) if name.isupper()} | {"NEWSMD_CONFIG"}


def unknown_setting(name: str) -> str:
    """The one-line refusal for ``-s NAME=…`` when ``NAME`` is no setting newsmd or Scrapy reads
    (``IMAGE`` for ``IMAGES``): ``""`` for a known one."""
    known = _known_settings()
    if name in known:
        return ""
    from scrapy.settings import (
        default_settings,  # Scrapy's own settings, read only for a name not newsmd's
    )

    known |= {setting for setting in dir(default_settings) if setting.isupper()}
    if name in known:
        return ""
    close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.75)
    return f"unknown setting {name}" + (f": did you mean {close[0]}?" if close else
                                        " (crawler/settings.py and Scrapy's settings list them)")


def misspelled_source(name: str) -> str | None:
    """A ``[sources.NAME]`` section naming no supported source but close to one (``weixn``): the
    supported name. Any other name may be a site without a parser (its folder name), and is kept."""
    from crawler.extraction.sources import source_names

    names = list(source_names())
    if name in names:
        return None
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None
