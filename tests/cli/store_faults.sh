#!/usr/bin/env bash
# The store under a full disk, a failing disk and failing syncs: each write
# path a user hits (a catalogue import, an outcome with its evidence, a
# schedule saved, a backup, a restore) runs with SQLite's writes or syncs
# failing from the Nth on (FAIRMATCH_FAULT=sqlite-full|sqlite-ioerr|
# sqlite-fsync:N, test builds only), N from 0 up until the command gets
# through.  Each time: a command that fails says so, naming the disk's
# error, and leaves the store as it was (the same dump, the same kept
# files); one that succeeds has its change whole in the store; the store
# passes integrity_check either way.  A backup that fails leaves no file; a
# restore that fails leaves a directory another restore can use.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need python3 sqlite3
py=/usr/bin/python3; [ -x "$py" ] || py=python3
grep -q sqlite-full "$fm" || { echo "FAIL: $fm was built without FM_FAULT_INJECTION"; exit 1; }

load_catalogues fairs
"$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 1 --publish >/dev/null || { echo "FAIL loading"; exit 1; }
meeting=$(sqlite3 "$db" "SELECT id FROM meetings ORDER BY id LIMIT 1")
[ -n "$meeting" ] || { echo "FAIL no meeting"; exit 1; }
"$fm" backup --out "$WORK/good.zip" >/dev/null || { echo "FAIL backup"; exit 1; }
rm -rf "$WORK/pristine" && cp -a "$WORK/data" "$WORK/pristine"
# A catalogue that changes 20 products' names; a contract's scan as evidence.
"$py" - "$FIXTURES/catalog/supply.csv" "$WORK/renamed.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
for r in rows[1:21]:
    r[1] += "（新包装）"
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
PY
printf '%%PDF-1.4\n%% 购销合同 杭州盛源茶叶有限公司\n' > "$WORK/合同.pdf"

# The store as a reader sees it, and the kept files, as one fingerprint.
state() {
  { sqlite3 "$1/fairmatch.db" .dump; (cd "$1" && find uploads -type f 2>/dev/null | sort); } |
    sha256sum | cut -c1-64
}
integrity() { [ "$(sqlite3 "$1/fairmatch.db" 'PRAGMA integrity_check')" = ok ]; }

# Whether a scenario's change is whole in the store at $1.
applied_import() { [ "$(sqlite3 "$1/fairmatch.db" "SELECT count(*) FROM products WHERE name LIKE '%（新包装）'")" = 20 ]; }
applied_outcome() {
  [ "$(sqlite3 "$1/fairmatch.db" "SELECT kind || amount_cents FROM outcomes WHERE meeting_id = $meeting")" = contract125000 ] &&
    [ "$(sqlite3 "$1/fairmatch.db" "SELECT count(*) FROM outcome_evidence WHERE meeting_id = $meeting")" = 1 ]
}
applied_schedule() { [ "$(sqlite3 "$1/fairmatch.db" "SELECT count(*) FROM schedule_versions")" -gt "$versions" ]; }
versions=$(sqlite3 "$db" "SELECT count(*) FROM schedule_versions")

run_import() { "$fm" import supply "$WORK/renamed.csv"; }
run_outcome() {
  "$fm" outcome YQH-2026 "$meeting" --held --contract --amount 1250 --products 西湖龙井 \
    --evidence "$WORK/合同.pdf"
}
run_schedule() { "$fm" schedule YQH-2026 --time-limit 1 --seed 7; }

# sanitizer NAME: the last command's stderr holds no sanitizer report.
sanitizer() {
  grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/err" &&
    bad "$1: a sanitizer report: $(grep -m1 -E "ERROR|runtime error" "$WORK/err")" || ok
}

before=$(state "$WORK/pristine")
# scenario NAME MODE: N = 0, 1, 4, 16, … until the command succeeds under the fault.
scenario() {
  local name=$1 mode=$2 n=0 rc tries=0
  while :; do
    rm -rf "$WORK/data" && cp -a "$WORK/pristine" "$WORK/data"
    FAIRMATCH_FAULT="$mode:$n" "run_$name" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    tries=$((tries + 1))
    integrity "$WORK/data" && ok || bad "$name $mode:$n: integrity_check fails"
    if [ $rc -eq 0 ]; then
      "applied_$name" "$WORK/data" && ok || bad "$name $mode:$n: succeeded, but its change is not whole"
      break
    fi
    [ "$(state "$WORK/data")" = "$before" ] && ok ||
      bad "$name $mode:$n: failed (exit $rc) but changed the store: $(head -c 300 "$WORK/err")"
    grep -qE "database or disk is full|disk I/O error|磁盘" "$WORK/err" && ok ||
      bad "$name $mode:$n: the message does not name the disk: $(head -c 300 "$WORK/err")"
    sanitizer "$name $mode:$n"
    if [ $n -ge 65536 ]; then bad "$name $mode: still failing at $n"; break; fi
    n=$(( n == 0 ? 1 : n * 4 ))
  done
  [ $tries -ge 2 ] && ok || bad "$name $mode: never failed (the fault is not reached)"
}

for mode in sqlite-full sqlite-ioerr sqlite-fsync; do
  for name in import outcome schedule; do
    scenario "$name" "$mode"
  done
done

# A backup under the fault: fails with the disk's error and leaves no file, or is whole.
for mode in sqlite-full sqlite-ioerr; do
  rm -rf "$WORK/data" && cp -a "$WORK/pristine" "$WORK/data"
  for n in 0 8 64; do
    rm -f "$WORK/b.zip"
    if FAIRMATCH_FAULT="$mode:$n" "$fm" backup --out "$WORK/b.zip" >"$WORK/out" 2>"$WORK/err"; then
      rm -rf "$WORK/check" && "$fm" restore "$WORK/b.zip" --data "$WORK/check" >/dev/null 2>&1 &&
        ok || bad "backup $mode:$n: succeeded, but does not restore"
    else
      [ ! -e "$WORK/b.zip" ] && ok || bad "backup $mode:$n: failed, yet left $WORK/b.zip"
      ls -a "$WORK" | grep -q '\.partial\.' && bad "backup $mode:$n: a partial file left" || ok
      grep -qE "database or disk is full|disk I/O error" "$WORK/err" && ok ||
        bad "backup $mode:$n: the message does not name the disk: $(head -c 300 "$WORK/err")"
    fi
    [ "$(state "$WORK/data")" = "$before" ] && ok || bad "backup $mode:$n: changed the store"
    sanitizer "backup $mode:$n"
  done
done

# A restore under the fault: fails with the disk's error, and the directory takes a restore again.
for mode in sqlite-full sqlite-ioerr sqlite-fsync; do
  for n in 0 4 64; do
    rm -rf "$WORK/r"
    FAIRMATCH_FAULT="$mode:$n" "$fm" restore "$WORK/good.zip" --data "$WORK/r" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    sanitizer "restore $mode:$n"
    if [ $rc -eq 0 ]; then
      integrity "$WORK/r" && ok || bad "restore $mode:$n: succeeded, but integrity_check fails"
    else
      grep -qE "database or disk is full|disk I/O error" "$WORK/err" && ok ||
        bad "restore $mode:$n: the message does not name the disk: $(head -c 300 "$WORK/err")"
      [ ! -e "$WORK/r/fairmatch.db" ] && ok || bad "restore $mode:$n: failed, yet left a database"
      "$fm" restore "$WORK/good.zip" --data "$WORK/r" >"$WORK/out" 2>"$WORK/err" && ok ||
        bad "restore $mode:$n: a second restore into the same directory: $(head -c 300 "$WORK/err")"
    fi
    [ "$(sqlite3 "$WORK/r/fairmatch.db" "SELECT count(*) FROM products")" = \
      "$(sqlite3 "$WORK/pristine/fairmatch.db" "SELECT count(*) FROM products")" ] && ok ||
      bad "restore $mode:$n: the restored store differs from the backup's"
  done
done
finish
