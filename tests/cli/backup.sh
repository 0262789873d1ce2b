#!/usr/bin/env bash
# Backup and restore: a store with catalogues, a schedule and an outcome
# with evidence, backed up while a server runs on it; the archive's
# manifest names every kept file with its SHA-256; restored into an empty
# directory it has the same rows, every kept file hashing to its name, the
# indexes rebuilt (search finds what it found before) and a certificate.
# A snapshot taken with changes not yet indexed restores to a box that
# searches and matches as the source did, and as after a fresh reindex.
# A damaged archive, a non-empty directory and a missing --out are refused
# naming what was wrong, leaving nothing behind.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3 sqlite3 unzip
py=/usr/bin/python3; [ -x "$py" ] || py=python3

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 1 --publish >/dev/null || { echo "FAIL loading"; exit 1; }
mid=$(sqlite3 "$WORK/data/fairmatch.db" "SELECT id FROM meetings ORDER BY id LIMIT 1")
printf '合同扫描件 %s\n' "$mid" > "$WORK/合同.txt"
check "outcome with evidence" 0 "$fm" outcome YQH-2026 "$mid" --held --contract --amount 88 \
  --evidence "$WORK/合同.txt"
# Printed agendas: their QR codes' personal links are derived under DATA/link.key.
check "agendas printed" 0 "$fm" print agendas YQH-2026 --out "$WORK/agendas.pdf" \
  --base-url https://192.168.1.10/
[ -s "$WORK/data/link.key" ] && ok || bad "printing the agendas made no link.key"

# Rows a restore must bring back, as one text to compare.
rows() {
  sqlite3 "$1/fairmatch.db" "SELECT (SELECT count(*) FROM products) || '/' ||
    (SELECT count(*) FROM demands) || '/' || (SELECT count(*) FROM uploads) || '/' ||
    (SELECT count(*) FROM meetings) || '/' || (SELECT group_concat(amount_cents) FROM outcomes) || '/' ||
    (SELECT group_concat(sha256) FROM outcome_evidence) || '/' || (SELECT count(*) FROM users)"
}
before=$(rows "$WORK/data")
"$fm" search 电动工具 --limit 5 > "$WORK/search-before" 2>&1

# Online: the server is running (it holds the store open) while the backup is taken.  It
# also takes its scheduled backup into sched/, where three older ones and the partial file of
# a killed backup wait to be pruned (keep 2).
mkdir -p "$WORK/sched" && for d in 20260101 20260102 20260103; do
  touch "$WORK/sched/fairmatch-${d}T000000Z.zip"; done
dead=999999; while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
touch "$WORK/sched/.fairmatch-20260104T000000Z.zip.partial.$dead"
token=$("$fm" user token admin --label backup-test)
"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 1 \
  --backup-dir "$WORK/sched" --backup-keep 2 --access-log= 2>"$WORK/server.err" &
srv=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] && ok || bad "the server did not start: $(tail -3 "$WORK/server.err")"
mkdir -p "$WORK/b"
check "backup" 0 "$fm" backup --out "$WORK/b/fm.zip" --json
has "backup names its file" "$WORK/out" '"file":'
port=$(cat "$WORK/port")
for _ in $(seq 600); do
  curl -sk "https://127.0.0.1:$port/metrics" > "$WORK/metrics"
  grep -q '^fairmatch_backup_runs_total [1-9]' "$WORK/metrics" && break; sleep 0.1
done
has "scheduled backup on /metrics" "$WORK/metrics" "fairmatch_backup_last_ok 1"
has "backup enabled on /metrics" "$WORK/metrics" "fairmatch_backup_enabled 1"
curl -sk -H "Authorization: Bearer $token" "https://127.0.0.1:$port/api/v1/backups" > "$WORK/backups.json"
$py - "$WORK/backups.json" "$WORK/sched" <<'PY' && ok || bad "/api/v1/backups: $(cat "$WORK/backups.json")"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["enabled"] and b["last_ok"] and b["runs"] == 1 and b["failures"] == 0, b
assert b["last_file"].startswith(sys.argv[2] + "/fairmatch-2") and b["last_files"] >= 3, b
PY
[ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/api/v1/backups")" = 401 ] && ok ||
  bad "/api/v1/backups answered someone not signed in"
kill -TERM "$srv"; wait "$srv"
sched=$(ls -A "$WORK/sched" | tr '\n' ' ')
case "$sched" in
  "fairmatch-20260103T000000Z.zip fairmatch-2026"*) [ "$(ls -A "$WORK/sched" | wc -l)" = 2 ] && ok || bad "kept: $sched" ;;
  *) bad "scheduled backups kept: $sched" ;;
esac
new=$(ls "$WORK"/sched/fairmatch-*.zip | tail -1)
check "restore the scheduled backup" 0 "$fm" restore "$new" --data "$WORK/from-sched"
[ -z "$(ls -A "$WORK/b" | grep -v '^fm.zip$')" ] && ok || bad "a partial file was left: $(ls -A "$WORK/b")"

# The manifest: every file in the archive, each hashing to what it says.
rm -rf "$WORK/x" && mkdir "$WORK/x" && unzip -q "$WORK/b/fm.zip" -d "$WORK/x" && ok || bad "unzip"
$py - "$WORK/x" "$WORK/data" <<'PY' && ok || bad "manifest"
import hashlib, json, os, sys
x, data = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(x, "manifest.json")))
assert m["format"] == "fairmatch-backup" and m["version"] == 3, m
names = {f["name"] for f in m["files"]}
kept = {os.path.join("uploads", d, f) for d in os.listdir(os.path.join(data, "uploads"))
        for f in os.listdir(os.path.join(data, "uploads", d))}
want = kept | {"fairmatch.db", "link.key", "sync.key"}
assert names == want, names ^ want
for f in m["files"]:
    b = open(os.path.join(x, f["name"]), "rb").read()
    assert hashlib.sha256(b).hexdigest() == f["sha256"] and len(b) == f["size"], f["name"]
PY

# Restore into an empty directory: the same rows, the files, the indexes, a certificate.
check "restore" 0 "$fm" restore "$WORK/b/fm.zip" --data "$WORK/new"
has "restore says what" "$WORK/out" "restored $WORK/b/fm.zip"
[ "$(rows "$WORK/new")" = "$before" ] && ok || bad "restored rows: $(rows "$WORK/new") != $before"
for f in "$WORK"/new/uploads/*/*; do
  [ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$f")" ] && ok || bad "restored $f does not hash to its name"
done
[ "$(ls "$WORK"/new/uploads/*/* | wc -l)" = "$(ls "$WORK"/data/uploads/*/* | wc -l)" ] && ok ||
  bad "kept files: $(ls "$WORK"/new/uploads/*/* | wc -l) restored of $(ls "$WORK"/data/uploads/*/* | wc -l)"
[ -s "$WORK/new/tls/cert.pem" ] && ok || bad "no certificate made"
# The personal links' key comes back, so the agendas already printed still open their pages.
cmp -s "$WORK/data/link.key" "$WORK/new/link.key" && ok || bad "link.key not restored as it was"
[ "$(stat -c %a "$WORK/new/link.key")" = 600 ] && ok || bad "restored link.key is $(stat -c %a "$WORK/new/link.key"), not 600"
[ -d "$WORK/new/xapian" ] && ok || bad "no Xapian index rebuilt"
"$fm" search 电动工具 --limit 5 --data "$WORK/new" > "$WORK/search-after" 2>&1
cmp -s "$WORK/search-before" "$WORK/search-after" && ok || bad "search after restore differs"
check "status after restore" 0 "$fm" status --json --data "$WORK/new"
has "indexes caught up" "$WORK/out" '"index_pending":0'

# Refusals: a directory with a database, a damaged file, a zip that is no backup.
check "restore over a store" 1 "$fm" restore "$WORK/b/fm.zip" --data "$WORK/new"
has "over a store named" "$WORK/err" "already holds a database"
# A directory that already holds a links key keeps it: the restore is refused and removes nothing.
mkdir -p "$WORK/haskey" && printf 'an older key\n' > "$WORK/haskey/link.key"
check "restore over a link.key" 1 "$fm" restore "$WORK/b/fm.zip" --data "$WORK/haskey"
has "over a link.key named" "$WORK/err" "already holds a link.key"
[ "$(cat "$WORK/haskey/link.key")" = "an older key" ] && [ ! -e "$WORK/haskey/fairmatch.db" ] && ok ||
  bad "a refused restore changed $WORK/haskey: $(ls -A "$WORK/haskey")"
# The archive holds the whole store and the links' key: readable by its owner only.
[ "$(stat -c %a "$WORK/b/fm.zip")" = 600 ] && ok || bad "the backup is mode $(stat -c %a "$WORK/b/fm.zip"), not 600"
cp "$WORK/b/fm.zip" "$WORK/bad.zip"
$py - "$WORK/bad.zip" "$WORK/x" <<'PY'
import os, sys, zipfile
z, x = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(z).namelist()
victim = next(n for n in names if n.startswith("uploads/"))
src = zipfile.ZipFile(z)
out = zipfile.ZipFile(z + ".new", "w")
for n in names:
    data = src.read(n)
    out.writestr(n, data + b"tampered" if n == victim else data)
out.close()
os.replace(z + ".new", z)
PY
check "restore a tampered file" 1 "$fm" restore "$WORK/bad.zip" --data "$WORK/tampered"
has "tampered named" "$WORK/err" "does not hash to its SHA-256"
[ ! -e "$WORK/tampered/fairmatch.db" ] && [ -z "$(find "$WORK/tampered" -type f 2>/dev/null)" ] && ok ||
  bad "a refused restore left files: $(find "$WORK/tampered" -type f)"
$py -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").write(sys.argv[2], "合同.txt")' \
  "$WORK/notabackup.zip" "$WORK/合同.txt"
check "restore a zip without a manifest" 1 "$fm" restore "$WORK/notabackup.zip" --data "$WORK/nb"
has "no manifest named" "$WORK/err" "not a fairmatch backup"

# A snapshot whose FTS5 tables are behind the store (an import with --no-index): the restore
# keeps the snapshot's FTS5, builds Xapian and the serving layer, and applies what FTS5 had not
# seen.  Search (FTS5), matching a product to demands (Xapian) and a demand to products (the
# serving layer) answer as the box did before the backup, and as after a fresh reindex.
head -1 "$FIXTURES/catalog/supply.csv" > "$WORK/late.csv"
cat >> "$WORK/late.csv" <<'CSV'
HU-0901,高山云雾绿茶,湖州恒信白茶有限公司,91330500PMCT5UXP5H,湖州市,安吉县,茶叶,50g/袋,明远,168,袋,100袋,,绿茶；高山茶；云雾茶,海拔800米茶园，一芽二叶，独立小包装，每袋50克。,毛雪芬,15157605324
HU-0902,安吉白茶（特级散装）,湖州恒信白茶有限公司,91330500PMCT5UXP5H,湖州市,安吉县,茶叶,500g/包,明远,1280,包,20包,浙江省名牌农产品,白茶；安吉白茶；绿茶,明前采摘，凤形工艺，真空包装，可按需分装。,毛雪芬,15157605324
CSV
check "import not indexed" 0 "$fm" import supply "$WORK/late.csv" --no-index
check "backup with changes not indexed" 0 "$fm" backup --out "$WORK/b/pending.zip"
# answers DIR NAME: what search and both matchings answer on DIR, into $WORK/NAME.
answers() {
  { "$fm" search 绿茶 --limit 10 --data "$1" && "$fm" search 绿茶 --kind demand --limit 10 --data "$1" &&
    "$fm" match supply HU-0901 --limit 5 --data "$1" && "$fm" match demand XQ-BJ-008 --limit 8 --data "$1"
  } > "$WORK/$2" 2>&1 || bad "answers on $1: $(tail -3 "$WORK/$2")"
}
answers "$WORK/data" answers-source
grep -q 高山云雾绿茶 "$WORK/answers-source" && ok || bad "the late products are not found on the source"
check "restore the backup with changes not indexed" 0 "$fm" restore "$WORK/b/pending.zip" --data "$WORK/pend"
answers "$WORK/pend" answers-restored
cmp -s "$WORK/answers-source" "$WORK/answers-restored" && ok ||
  bad "the restored box answers otherwise: $(diff "$WORK/answers-source" "$WORK/answers-restored" | head -5)"
check "status of the restored box" 0 "$fm" status --json --data "$WORK/pend"
has "restored indexes caught up" "$WORK/out" '"index_pending":0'
check "reindex the restored box" 0 "$fm" reindex --data "$WORK/pend"
answers "$WORK/pend" answers-reindexed
cmp -s "$WORK/answers-restored" "$WORK/answers-reindexed" && ok ||
  bad "a reindex changes the restored box's answers: $(diff "$WORK/answers-restored" "$WORK/answers-reindexed" | head -5)"
check "backup without --out" 2 "$fm" backup
check "backup into a missing directory" 1 "$fm" backup --out "$WORK/no/such/dir/fm.zip"
has "missing directory named" "$WORK/err" "$WORK/no/such/dir/fm.zip"
finish
