#!/usr/bin/env bash
# Benchmark: kiosk search over N generated products (default 1,000,000).
# Every index the product needs is built from scratch and timed: `fairmatch
# reindex` builds FTS5, Xapian and the serving layer (index/serve.c) from
# one tokenizer pass and saves the layer; search_bench then loads it as a
# server does at start (time, peak RSS, memory); index_build_s is their sum.
# reindex_cpu_s is the CPU time (user + system) of reindex, which says more
# than its wall time on a loaded machine.  Query latency over a mixed query
# set, side by side in the same run with SQLite's built-in trigram FTS5 and
# with FlexSearch (npm) on the same text and queries.  FTS5_QUERIES=1 (the default up to 200,000 rows)
# also times today's FTS5 path and counts the queries whose top 20 agree.
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

# Every index from scratch by the indexer: FTS5, Xapian and the saved serving layer.
fts_queries=${FTS5_QUERIES:-$([ "$rows" -le 200000 ] && echo 1 || echo 0)}
/usr/bin/time -f '%e %M %U %S' -o "$work/t.index" env FAIRMATCH_DATA="$data" "$FAIRMATCH" reindex >/dev/null
read -r index_s index_kb index_user index_sys < "$work/t.index"
index_cpu=$(awk -v u="$index_user" -v s="$index_sys" 'BEGIN { printf "%.1f", u + s }')
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
printf '%-34s %10s %12s %12s\n' "fairmatch reindex (CPU $index_cpu s)" "$index_s" \
  "$((fts_bytes / 1048576)) + $((xapian_bytes / 1048576))" "$((index_kb / 1024))"
printf '%-34s %10s %12s %12s\n' "peer: SQLite trigram FTS5" "$tri_s" "$((tri_bytes / 1048576))" "$((tri_kb / 1024))"
echo
echo "query latency, ms, each query as the kiosk sends it, a last Latin word a prefix (fairmatch: the"
echo "serving layer's top 20, then the kiosk's whole request: exact total, both facets, forgiving"
echo "a query that finds fewer than three; every: the same scoring every hit, unpruned; scored: the"
echo "share of hits the pruned walk scored; trigram: top 20; fts5: today's FTS5 path with total and"
echo "facets, FTS5_QUERIES=1):"
FTS5=$fts_queries "$SEARCH_BENCH" "$data" "$work/tri.db" "$here/search.queries" "$rounds" | tee "$work/ours.out"
ours=$(tail -n 1 "$work/ours.out")
jnum() { sed -n "s/.*\"$1\":\([-0-9.]*\).*/\1/p" <<<"$ours"; }
serve_s=$(jnum serve_build_s) serving_mb=$(jnum serving_mb) serve_peak=$(jnum serve_peak_rss_mb)
printf '%-34s %10s %12s %12s\n' "fairmatch serving layer, loaded" "$serve_s" "$serving_mb" "$serve_peak"
# Every index the product needs: the sum of the two builds, the larger peak.
build_s=$(awk -v a="$index_s" -v b="$serve_s" 'BEGIN { printf "%.1f", a + b }')
peak_mb=$(( index_kb / 1024 > ${serve_peak%.*} ? index_kb / 1024 : ${serve_peak%.*} ))
printf '%-34s %10s %12s %12s\n' "fairmatch, every index" "$build_s" "" "$peak_mb"
echo
echo "peer: FlexSearch $(node -p "require('$here/flexsearch/node_modules/flexsearch/package.json').version"):"
node --expose-gc --max-old-space-size=16000 "$here/flexsearch/bench.mjs" "$work/docs.tsv" "$here/search.queries" "$rounds" | tee "$work/flex.out"
# index_build_s: every index the product needs (FTS5, Xapian, the serving layer), from scratch.
printf '\n{"bench":"search","rows":%d,"date":"%s","machine":"%s cores, %s GiB","ours_p50_ms":%s,"ours_p99_ms":%s,"ours_facets_p50_ms":%s,"ours_facets_p99_ms":%s,"index_build_s":%s,"index_peak_rss_mb":%s,"serving_mb":%s,"durable_build_s":%s,"reindex_cpu_s":%s,"serve_build_s":%s,"fts_mb":%d,"xapian_mb":%d,"trigram_build_s":%s,"trigram_mb":%d,"flexsearch_p50_ms":%s,"flexsearch_p99_ms":%s,"ours":%s,"flexsearch":%s}\n' \
  "$rows" "$(date -u +%Y-%m-%d)" "$(nproc)" "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
  "$(jnum ours_p50_ms)" "$(jnum ours_p99_ms)" "$(jnum ours_facets_p50_ms)" "$(jnum ours_facets_p99_ms)" \
  "$build_s" "$peak_mb" "$serving_mb" "$index_s" "$index_cpu" "$serve_s" "$((fts_bytes / 1048576))" "$((xapian_bytes / 1048576))" \
  "$tri_s" "$((tri_bytes / 1048576))" \
  "$(sed -n 's/.*"p50_ms":\([0-9.]*\).*/\1/p' "$work/flex.out" | tail -n 1)" \
  "$(sed -n 's/.*"p99_ms":\([0-9.]*\).*/\1/p' "$work/flex.out" | tail -n 1)" \
  "$ours" "$(tail -n 1 "$work/flex.out")"
