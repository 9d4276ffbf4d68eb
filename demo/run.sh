#!/bin/sh
# The offline demo crawl into OUTPUT (default: output): Tencent's channel feeds from the snapshot,
# then an RSS feed of the saved pages of the other portals and of sites without a parser. Each
# crawl serves demo/mirror/ on 127.0.0.1 and fetches nothing else.
set -e
out=${1:-output}
cd "$(dirname "$0")/.."
newsmd crawl qq --channels finance --pages 2 --mirror demo/mirror -o "$out"
newsmd crawl --feed https://portals.newsmd.example/feed.xml --allow-host '*' --mirror demo/mirror -o "$out"
echo "newsmd demo: $(find "$out" -name '*.md' -not -path "$out/site/*" | wc -l | tr -d ' ') articles in $out/<source>/<ID>.md"
