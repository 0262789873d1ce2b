#!/usr/bin/env bash
# Incremental indexing: after an office uploads 500 changed products to a
# store of 2,000, the next command applies only those 500 logged changes to
# FTS5 and Xapian (no rebuild: the Xapian databases stay where they were and
# the log is not replayed from the start), and search finds the new text and
# no longer the old.  `reindex` then rebuilds both from scratch (FTS5 in one
# statement, Xapian in shards merged in id order) and finds the same.
set -u
: "${FAIRMATCH:?}" "${FMGEN:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
source "$(dirname "$0")/lib.bash"
need sqlite3
need python3
db="$WORK/data/fairmatch.db"

"$FMGEN" supply --count 2000 --seed 7 -o "$WORK/a.csv" || bad "fmgen"
"$FMGEN" demand --count 20 --seed 3 -o "$WORK/d.csv" || bad "fmgen"
"$fm" init >/dev/null || bad "init"
check "first upload" 0 "$fm" import supply "$WORK/a.csv"
check "demands" 0 "$fm" import demand "$WORK/d.csv"
inode=$(stat -c %i "$WORK/data/xapian/supply")

# The same office sends its first 500 products again, each renamed.
python3 - "$WORK/a.csv" "$WORK/b.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
name = rows[0].index("产品名称")
for r in rows[1:501]:
    r[name] = "鲲鹏牌" + r[name]
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows[:501])
PY
old_name=$(sqlite3 "$db" "SELECT name FROM products WHERE code = 'P0000001'")
before=$(sqlite3 "$db" "SELECT seq FROM index_state WHERE name = 'fts'")
check "changed upload" 0 "$fm" import supply "$WORK/b.csv" --no-index
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":500' "$WORK/status" && ok ||
  bad "500 changes should be pending: $(cat "$WORK/status")"
logged=$(sqlite3 "$db" "SELECT max(seq) FROM index_log")

# The next search catches up on the log alone.
check "search after the upload" 0 "$fm" search 鲲鹏 --json --limit 5
has "the renamed products are found" "$WORK/out" '"total":500'
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":0' "$WORK/status" && ok ||
  bad "both indexes should have caught up: $(cat "$WORK/status")"
after=$(sqlite3 "$db" "SELECT seq FROM index_state WHERE name = 'fts'")
[ "$after" = "$logged" ] && [ $((after - before)) -le 1000 ] && ok ||
  bad "FTS5 should have applied the log up to $logged (from $before), not a rebuild: at $after"
[ "$(stat -c %i "$WORK/data/xapian/supply")" = "$inode" ] && ok ||
  bad "the Xapian database was rebuilt, not updated"
check "search by the new name" 0 "$fm" search "鲲鹏牌$old_name" --json --limit 3
has "P0000001 is found by its new name" "$WORK/out" '"code":"P0000001","name":"鲲鹏牌'

# A rebuild from scratch finds the same, Xapian included: the matcher's
# top 10 (Xapian) are the same products with the same scores.
top10() {	# top10 FILE: "code score" lines of a match --json, ties in code order
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["matches"]
for code, score in sorted(((h["code"], round(h["score"], 6)) for h in m), key=lambda p: (-p[1], p[0])):
    print(code, score)' "$1"
}
for d in D0000001 D0000002 D0000003; do
  "$fm" match demand $d --json --limit 10 > "$WORK/match.$d" || bad "match demand $d"
done
check "reindex" 0 "$fm" reindex
has "reindex counts" "$WORK/out" "reindexed 2020 items"
for d in D0000001 D0000002 D0000003; do
  "$fm" match demand $d --json --limit 10 > "$WORK/rematch" || bad "match demand $d after reindex"
  [ -n "$(top10 "$WORK/rematch")" ] && [ "$(top10 "$WORK/rematch")" = "$(top10 "$WORK/match.$d")" ] && ok ||
    bad "demand $d matches otherwise after reindex: $(top10 "$WORK/rematch" | head -3) vs $(top10 "$WORK/match.$d" | head -3)"
done
check "search after reindex" 0 "$fm" search 鲲鹏 --json --limit 5
has "the rebuilt FTS5 finds them" "$WORK/out" '"total":500'
[ "$(stat -c %i "$WORK/data/xapian/supply")" != "$inode" ] && ok || bad "reindex kept the old Xapian database"
ls "$WORK/data/xapian" > "$WORK/dirs"
[ "$(cat "$WORK/dirs" | tr '\n' ' ')" = "demand supply supply.serve " ] && ok ||
  bad "reindex left other directories: $(cat "$WORK/dirs")"
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":0' "$WORK/status" && ok ||
  bad "nothing should be pending after reindex: $(cat "$WORK/status")"
sqlite3 "$db" "SELECT count(*) FROM products_fts_docsize" > "$WORK/n" && [ "$(cat "$WORK/n")" = 2000 ] && ok ||
  bad "products_fts should hold 2000 rows: $(cat "$WORK/n")"

finish
