#!/usr/bin/env bash
# Benchmark: import N generated products from one CSV file.
# fairmatch checks and normalises every field, writes with synchronous=FULL
# in one transaction, and keeps the original; the peer, sqlite3's .import,
# only copies the text into a table.  Same file, same machine, same run.
set -euo pipefail
rows=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$FMGEN" supply --count "$rows" --seed 1 -o "$work/supply.csv"
size=$(stat -c %s "$work/supply.csv")

# Runs a command under GNU time; prints "seconds maxrss_kb".
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  cat "$work/time"
}

FAIRMATCH_DATA="$work/data" "$FAIRMATCH" init >/dev/null
read -r fm_s fm_kb < <(FAIRMATCH_DATA="$work/data" measure "$FAIRMATCH" import supply "$work/supply.csv" --json --no-index)
grep -q '"ok":true' "$work/out" || { echo "import failed:"; head -c 2000 "$work/out"; exit 1; }
inserted=$(sed -n 's/.*"inserted":\([0-9]*\).*/\1/p' "$work/out")
read -r re_s re_kb < <(FAIRMATCH_DATA="$work/data" measure "$FAIRMATCH" import supply "$work/supply.csv" --json --no-index)

read -r sq_s sq_kb < <(measure sqlite3 "$work/peer.db" ".mode csv" ".import $work/supply.csv products")

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
printf '\nimport benchmark: %d products, %.1f MB CSV\n\n' "$rows" "$(awk -v b="$size" 'BEGIN{print b/1048576}')"
printf '%-42s %10s %12s %12s\n' "run" "seconds" "rows/s" "peak RSS MB"
printf '%-42s %10s %12s %12s\n' "fairmatch import (first load)" "$fm_s" "$(rate "$rows" "$fm_s")" "$((fm_kb / 1024))"
printf '%-42s %10s %12s %12s\n' "fairmatch import (same file again)" "$re_s" "$(rate "$rows" "$re_s")" "$((re_kb / 1024))"
printf '%-42s %10s %12s %12s\n' "peer: sqlite3 .import (no checks)" "$sq_s" "$(rate "$rows" "$sq_s")" "$((sq_kb / 1024))"
printf '\n{"bench":"import","rows":%d,"inserted":%s,"bytes":%d,"fairmatch_s":%s,"fairmatch_rows_per_s":%s,"fairmatch_rss_mb":%d,"reimport_s":%s,"reimport_rss_mb":%d,"sqlite3_import_s":%s,"sqlite3_rows_per_s":%s,"sqlite3_rss_mb":%d}\n' \
  "$rows" "$inserted" "$size" "$fm_s" "$(rate "$rows" "$fm_s")" "$((fm_kb / 1024))" "$re_s" "$((re_kb / 1024))" \
  "$sq_s" "$(rate "$rows" "$sq_s")" "$((sq_kb / 1024))"
