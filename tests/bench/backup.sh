#!/usr/bin/env bash
# Benchmark: back up and restore a store of N generated products (default
# 100,000), loaded as FILES uploads (default 100) so that as many originals
# are kept.  fairmatch backup snapshots the database (VACUUM INTO) and zips
# it with the kept files and a manifest of SHA-256s; restore checks every
# hash, quick-checks the database, keeps the snapshot's FTS5 tables and
# builds Xapian and the serving layer; a full rebuild (fairmatch reindex of
# the restored store) is timed beside it.  BEFORE=path/to/fairmatch restores
# the same archive with another build too (a before/after in one run).  The
# peer, sqlite3's .backup and tar of uploads/ (then tar x and a copy), checks
# nothing and leaves the indexes to rebuild.  Same data, same machine, same run.
set -euo pipefail
rows=${1:-100000}
files=${2:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$FMGEN" supply --count "$rows" --seed 1 -o "$work/supply.csv"
export FAIRMATCH_DATA="$work/data"
"$FAIRMATCH" init >/dev/null
# The generated catalogue in FILES parts, each an upload of its own.
head -1 "$work/supply.csv" > "$work/header"
tail -n +2 "$work/supply.csv" > "$work/rows"
split -n "l/$files" -d -a 4 "$work/rows" "$work/part-"
for p in "$work"/part-*; do
  cat "$work/header" "$p" > "$p.csv"
  "$FAIRMATCH" import supply "$p.csv" --no-index >/dev/null
done
"$FAIRMATCH" reindex >/dev/null
kept=$(find "$work/data/uploads" -type f | wc -l)
db_mb=$(awk -v b="$(stat -c %s "$work/data/fairmatch.db")" 'BEGIN { printf "%.0f", b / 1048576 }')

# Runs a command under GNU time; prints "seconds maxrss_kb cpu_seconds" (user + system: on a
# loaded machine the wall time is mostly waiting for a core).
measure() {
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  awk '{ printf "%s %s %.1f\n", $1, $2, $3 + $4 }' "$work/time"
}

read -r b_s b_kb b_cpu < <(measure "$FAIRMATCH" backup --out "$work/fm.zip")
zip_mb=$(awk -v b="$(stat -c %s "$work/fm.zip")" 'BEGIN { printf "%.0f", b / 1048576 }')
read -r r_s r_kb r_cpu < <(measure "$FAIRMATCH" restore "$work/fm.zip" --data "$work/restored")
[ "$(sqlite3 "$work/restored/fairmatch.db" "SELECT count(*) FROM products")" = \
  "$(sqlite3 "$work/data/fairmatch.db" "SELECT count(*) FROM products")" ] ||
  { echo "the restored store differs"; exit 1; }
# A full rebuild of both indexes, which a restore spares.
read -r x_s x_kb x_cpu < <(measure "$FAIRMATCH" reindex --data "$work/restored")
o_s=null o_kb=0 o_cpu=null
[ -z "${BEFORE:-}" ] ||
  read -r o_s o_kb o_cpu < <(measure "$BEFORE" restore "$work/fm.zip" --data "$work/restored-before")

read -r pb_s _ _ < <(measure bash -c "sqlite3 '$work/data/fairmatch.db' \".backup '$work/peer.db'\" &&
  tar -C '$work/data' -cf '$work/peer.tar' uploads")
read -r pr_s _ _ < <(measure bash -c "mkdir -p '$work/peer' && tar -C '$work/peer' -xf '$work/peer.tar' &&
  cp '$work/peer.db' '$work/peer/fairmatch.db'")

load=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\nbackup benchmark: %d products in %d uploads (%d kept files), database %s MB, load %s\n\n' \
  "$rows" "$files" "$kept" "$db_mb" "$load"
printf '%-58s %10s %8s %12s\n' "run" "seconds" "CPU s" "peak RSS MB"
printf '%-58s %10s %8s %12s\n' "fairmatch backup (zip $zip_mb MB, hashes)" "$b_s" "$b_cpu" "$((b_kb / 1024))"
printf '%-58s %10s %8s %12s\n' "fairmatch restore (hashes, quick_check, indexes)" "$r_s" "$r_cpu" "$((r_kb / 1024))"
[ -z "${BEFORE:-}" ] || printf '%-58s %10s %8s %12s\n' "the same restore by $BEFORE" "$o_s" "$o_cpu" "$((o_kb / 1024))"
printf '%-58s %10s %8s %12s\n' "fairmatch reindex of the restored store (from scratch)" "$x_s" "$x_cpu" "$((x_kb / 1024))"
printf '%-58s %10s %8s %12s\n' "peer: sqlite3 .backup + tar uploads/ (no checks)" "$pb_s" "-" "-"
printf '%-58s %10s %8s %12s\n' "peer: tar x + copy (no checks, no indexes)" "$pr_s" "-" "-"
printf '\n{"bench":"backup","rows":%d,"uploads":%d,"kept_files":%d,"db_mb":%s,"zip_mb":%s,"backup_s":%s,"backup_rss_mb":%d,"restore_s":%s,"restore_cpu_s":%s,"restore_rss_mb":%d,"before_restore_s":%s,"before_restore_cpu_s":%s,"reindex_s":%s,"reindex_cpu_s":%s,"peer_backup_s":%s,"peer_restore_s":%s,"load":"%s"}\n' \
  "$rows" "$files" "$kept" "$db_mb" "$zip_mb" "$b_s" "$((b_kb / 1024))" "$r_s" "$r_cpu" "$((r_kb / 1024))" "$o_s" "$o_cpu" "$x_s" "$x_cpu" \
  "$pb_s" "$pr_s" "$load"
