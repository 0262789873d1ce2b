#!/usr/bin/env bash
# Crash safety of the two indexes: the indexer is killed (SIGKILL) right
# after the FTS5 commit and before the Xapian commit.  The import itself is
# committed; the next command that opens the indexer must finish the job,
# and search must then find what was imported.
set -u
: "${FAIRMATCH:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
source "$(dirname "$0")/lib.bash"
need sqlite3

cat > "$WORK/a.csv" <<'CSV'
产品编号,产品名称,企业名称,所在城市,产品类别
T1,西湖龙井茶,杭州狮峰茶业有限公司,杭州,茶叶
E1,锂电冲击电钻,永康市恒锐工具有限公司,金华,五金工具
CSV

# The hook is compiled only into test builds (FM_FAULT_INJECTION); this test needs it.
grep -q FAIRMATCH_FAULT "$fm" || { echo "FAIL: $fm was built without FM_FAULT_INJECTION"; exit 1; }

"$fm" init >/dev/null || bad "init"
FAIRMATCH_FAULT=index-between-commits "$fm" import supply "$WORK/a.csv" >/dev/null 2>&1
status=$?
[ "$status" -eq 137 ] && ok || bad "import was not killed (exit $status)"
products=$(sqlite3 "$WORK/data/fairmatch.db" "SELECT count(*) FROM products")
[ "$products" = 2 ] && ok || bad "the committed import is not there ($products products)"
fts=$(sqlite3 "$WORK/data/fairmatch.db" "SELECT seq FROM index_state WHERE name = 'fts'")
[ "$fts" = 2 ] && ok || bad "the FTS commit (both rows) did not happen before the kill: seq ${fts:-none}"
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":2' "$WORK/status" && ok ||
  bad "Xapian should be behind by 2: $(cat "$WORK/status")"

# The next command catches up.
"$fm" search longjing --json > "$WORK/out" 2>"$WORK/err" && grep -q '"code":"T1"' "$WORK/out" && ok ||
  bad "search after the crash: $(cat "$WORK/out" "$WORK/err")"
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":0' "$WORK/status" && ok ||
  bad "Xapian did not catch up: $(cat "$WORK/status")"
sqlite3 "$WORK/data/fairmatch.db" "PRAGMA integrity_check" | grep -qx ok && ok || bad "integrity_check"

# A rebuild killed once FTS5 is committed and before the new Xapian
# databases are in place: every item is pending, and the next command
# rebuilds again.
FAIRMATCH_FAULT=index-between-commits "$fm" reindex >/dev/null 2>&1
status=$?
[ "$status" -eq 137 ] && ok || bad "reindex was not killed (exit $status)"
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":2' "$WORK/status" && ok ||
  bad "after a rebuild cut short both items should be pending: $(cat "$WORK/status")"
"$fm" search 电钻 --json > "$WORK/out" 2>"$WORK/err" && grep -q '"code":"E1"' "$WORK/out" && ok ||
  bad "search after the cut-short rebuild: $(cat "$WORK/out" "$WORK/err")"
"$fm" status --json > "$WORK/status" && grep -q '"index_pending":0' "$WORK/status" && ok ||
  bad "the rebuild was not finished: $(cat "$WORK/status")"
[ "$(ls "$WORK/data/xapian" | tr '\n' ' ')" = "demand supply supply.serve " ] && ok ||
  bad "the rebuild left other directories: $(ls "$WORK/data/xapian")"
sqlite3 "$WORK/data/fairmatch.db" "PRAGMA integrity_check" | grep -qx ok && ok || bad "integrity_check"

finish
