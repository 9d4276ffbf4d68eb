"""The user's own Hugo site around an output folder: its config, its time zone, and setting it up.

Front-matter dates are wall times without a zone (the reference format), written in the site's
own ``timeZone`` when it has one (``TIME_ZONE`` may name another), else in Beijing time. A Hugo
site without a ``timeZone`` reads them as UTC: every time is 8 hours off and the newest 8 hours
of articles are skipped as "future". newsmd finds the site's config above the output folder and
says so, once per run; ``newsmd site setup SITE`` adds what is missing to a TOML config.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from crawler.output.front_matter import DEFAULT_TIME_ZONE

ARTICLE_TIME_ZONE = DEFAULT_TIME_ZONE
TIME_ZONE_LINE = f'timeZone = "{ARTICLE_TIME_ZONE}"'
IGNORE_FILES_LINE = "ignoreFiles = ['\\.newsmd-state\\.sqlite', '\\.tmp$']"
"""The config lines a site needs for newsmd's files: its dates read in Beijing time, its state and temp files unpublished."""
_CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                 "config.json")


def find_site_config(output_dir: str | Path) -> Path | None:
    """The config of the Hugo site ``output_dir`` is in, looking upwards: ``hugo.*``, a
    ``config/_default/`` folder, or ``config.*`` beside a ``content/`` folder."""
    for folder in [Path(output_dir).resolve(), *Path(output_dir).resolve().parents]:
        candidates = [folder / name for name in _CONFIG_NAMES if name.startswith("hugo.") or (folder / "content").is_dir()]
        candidates += [folder / "config" / "_default" / name for name in _CONFIG_NAMES]
        found = next((path for path in candidates if path.is_file()), None)
        if found is not None:
            return found
    return None


def read_config(path: Path) -> dict[str, Any]:
    """A Hugo config file as a dict (TOML, YAML or JSON); ``{}`` when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def configured_time_zone(config: dict[str, Any]) -> str:
    """The site's ``timeZone`` (Hugo's keys are case-insensitive), or ``""``."""
    return next((str(value) for key, value in config.items() if key.lower() == "timezone"), "")


def known_time_zone(name: str) -> bool:
    """Whether ``name`` is a time zone of the IANA database (``Asia/Shanghai``, ``UTC``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def output_time_zone(setting: str, output_dir: str | Path) -> str:
    """The zone the articles' dates are written in: ``setting`` (``TIME_ZONE``) when given, else the
    ``timeZone`` of the Hugo site ``output_dir`` is in, else Beijing time."""
    if setting:
        return setting
    config = find_site_config(output_dir)
    return _chosen_zone("", configured_time_zone(read_config(config)) if config is not None else "")


def _chosen_zone(setting: str, site_zone: str) -> str:
    return setting or (site_zone if site_zone and known_time_zone(site_zone) else ARTICLE_TIME_ZONE)


def time_zone_warning(output_dir: str | Path, zone: str = "") -> str | None:
    """One line for a run writing into a Hugo site that would read the dates (wall times in ``zone``,
    see ``output_time_zone``) in another zone, else ``None``."""
    config = find_site_config(output_dir)
    if config is None:
        return None
    site_zone = configured_time_zone(read_config(config))
    zone = _chosen_zone(zone, site_zone)
    if site_zone == zone:
        return None
    now = f'timeZone is "{site_zone}"' if site_zone else "no timeZone (Hugo reads dates as UTC)"
    add = {".toml": f'timeZone = "{zone}" (newsmd site setup {_site_root(config)} adds it)',
           ".json": f'"timeZone": "{zone}"'}.get(config.suffix, f"timeZone: {zone}")
    return (f"{config}: {now}, so Hugo reads the articles' {zone} times in another zone (the newest are hidden "
            f'as future): add {add}, or set date_format = "offset" in newsmd.toml')


def _site_root(config: Path) -> Path:
    return config.parent.parent.parent if config.parent.name == "_default" else config.parent


def setup_site(site: str | Path) -> list[str]:
    """Add ``timeZone`` and newsmd's ``ignoreFiles`` to an existing site's TOML config, touching
    nothing else; returns what was added. A YAML or JSON config is left alone (``ValueError``
    says what to add)."""
    config = find_site_config(Path(site) / "content") or find_site_config(site)
    if config is None:
        raise ValueError(f"no Hugo config (hugo.toml, config.toml, ...) in {site}")
    values = read_config(config)
    missing = []
    if not configured_time_zone(values):  # a zone the site has is kept: newsmd writes its dates in it
        missing.append(TIME_ZONE_LINE)
    if not any(key.lower() == "ignorefiles" for key in values):
        missing.append(IGNORE_FILES_LINE)
    if not missing:
        return []
    if config.suffix != ".toml":
        raise ValueError(f"{config}: add {' and '.join(missing)} (in this file's syntax); newsmd edits TOML configs only")
    text = config.read_text(encoding="utf-8")
    config.write_text("\n".join(missing) + "\n" + text, encoding="utf-8")  # top-level keys go before any [table]
    return missing
