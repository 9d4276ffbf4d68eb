"""``newsmd state rebuild``."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.cli.common import EXIT_OK, EXIT_USAGE, print_error


def state_rebuild_command(args: argparse.Namespace) -> int:
    from crawler.crawling.run_lock import EXIT_LOCKED, RunLocked, run_lock
    from crawler.crawling.state_rebuild import rebuild_state

    if not Path(args.directory).is_dir():
        print_error(f"no output folder {args.directory}")
        return EXIT_USAGE
    settings = {"OUTPUT_DIR": args.directory, "STATE_FILE": args.state or ""}
    try:
        with run_lock(settings):
            result = rebuild_state(args.directory, args.state)
    except RunLocked as error:
        print_error(f"{error} [locked]")
        return EXIT_LOCKED
    aside = f"; the old one is kept as {result.kept_aside}" if result.kept_aside else ""
    print(f"rebuilt {result.state_file} from {result.articles} article files{aside}")
    return EXIT_OK
