#!/usr/bin/env bash
# Benchmark: kiosk search over N generated products (default 1,000,000).
# Build time and size of both indexes (FTS5 inside the store, Xapian beside
# it); query latency over a mixed query set, side by side in the same run
# with SQLite's built-in trigram FTS5 and with FlexSearch (npm) on the same
# text and queries.
set -euo pipefail
rows=${1:-1000000}
rounds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"

"$FMGEN" supply --count "$rows" --seed 1 -o "$work/supply.csv"
FAIRMATCH_DATA="$data" "$FAIRMATCH" init >/dev/null
FAIRMATCH_DATA="$data" "$FAIRMATCH" import supply "$work/supply.csv" --no-index >/dev/null
db_before=$(stat -c %s "$data/fairmatch.db")

# Both indexes, built together by the indexer (the log replayed from scratch).
/usr/bin/time -f '%e %M' -o "$work/t.index" env FAIRMATCH_DATA="$data" "$FAIRMATCH" reindex >/dev/null
read -r index_s index_kb < "$work/t.index"
sqlite3 "$data/fairmatch.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fts_bytes=$(( $(stat -c %s "$data/fairmatch.db") - db_before ))
xapian_bytes=$(du -sb "$data/xapian" | cut -f1)

# Peer 1: SQLite's trigram tokenizer over the same columns.
cols="name, spec, brand, keywords, category, company, description"
concat=$(for c in ${cols//,/}; do printf "coalesce(%s, '') || ' ' || " "$c"; done; printf "''")
/usr/bin/time -f '%e %M' -o "$work/t.tri" sqlite3 "$work/tri.db" \
  "ATTACH '$data/fairmatch.db' AS s;
   CREATE VIRTUAL TABLE t USING fts5($cols, tokenize = 'trigram');
   INSERT INTO t (rowid, $cols) SELECT id, $cols FROM s.product_text;"
read -r tri_s tri_kb < "$work/t.tri"
tri_bytes=$(stat -c %s "$work/tri.db")

# Peer 2: FlexSearch, on the same text.
sqlite3 -separator $'\t' "$data/fairmatch.db" \
  "SELECT id, replace(replace($concat, char(9), ' '), char(10), ' ') FROM product_text" > "$work/docs.tsv"
(cd "$here/flexsearch" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1 || npm install --no-audit --no-fund --silent >/dev/null)

printf '\nsearch benchmark: %d products\n\n' "$rows"
printf '%-34s %10s %12s %12s\n' "index" "build s" "size MB" "peak RSS MB"
printf '%-34s %10s %12s %12s\n' "fairmatch FTS5 + Xapian (together)" "$index_s" \
  "$((fts_bytes / 1048576)) + $((xapian_bytes / 1048576))" "$((index_kb / 1024))"
printf '%-34s %10s %12s %12s\n' "peer: SQLite trigram FTS5" "$tri_s" "$((tri_bytes / 1048576))" "$((tri_kb / 1024))"
echo
echo "query latency, ms (fairmatch: top 20, then with total and facets; trigram: top 20):"
"$SEARCH_BENCH" "$data" "$work/tri.db" "$here/search.queries" "$rounds" | tee "$work/ours.out"
echo
echo "peer: FlexSearch $(node -p "require('$here/flexsearch/node_modules/flexsearch/package.json').version"):"
node --expose-gc --max-old-space-size=16000 "$here/flexsearch/bench.mjs" "$work/docs.tsv" "$here/search.queries" "$rounds" | tee "$work/flex.out"
printf '\n{"bench":"search","rows":%d,"index_build_s":%s,"fts_mb":%d,"xapian_mb":%d,"trigram_build_s":%s,"trigram_mb":%d,"ours":%s,"flexsearch":%s}\n' \
  "$rows" "$index_s" "$((fts_bytes / 1048576))" "$((xapian_bytes / 1048576))" "$tri_s" "$((tri_bytes / 1048576))" \
  "$(tail -n 1 "$work/ours.out")" "$(tail -n 1 "$work/flex.out")"
