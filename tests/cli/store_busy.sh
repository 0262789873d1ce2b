#!/usr/bin/env bash
# A store that another process has locked: the real server on a loopback
# port answers a write 503 (with Retry-After and a message naming what was
# busy) and every read 200, keeps serving, and writes again once the lock
# is gone.  The command line says the same and exits 1.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  printf 'hangzhou-clerk-1\n' > "$WORK/pw" &&
  "$fm" user add clerk --role city --region 湖州 --password-file "$WORK/pw" >/dev/null ||
  { echo "FAIL loading"; exit 1; }
token=$("$fm" user token clerk)
"$fm" user add org --role organiser --password-file "$WORK/pw" >/dev/null &&
  org=$("$fm" user token org | tail -1 | awk '{print $NF}') || { echo "FAIL loading"; exit 1; }
printf '产品编号,产品名称,企业名称,所在城市,产品类别\nT9,安吉白茶,安吉溪龙茶业有限公司,湖州,茶叶\n' > "$WORK/up.csv"
admin_pw=$(cat "$WORK/data/admin-password.txt")
ca="$WORK/data/tls/cert.pem"

"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 2 \
  --access-log= --busy-timeout-ms 300 2>"$WORK/server.err" &
srv=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port" 2>/dev/null)"
[ -s "$WORK/port" ] && ok || { bad "server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }

C() { curl -sS --cacert "$ca" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"; }
login() { C -H 'Content-Type: application/json' -H 'X-Requested-With: t' \
  --data "{\"login\":\"admin\",\"password\":\"$admin_pw\"}" "$base/api/v1/login"; }
message() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["message"])' < "$WORK/body"; }

# Another process takes the write lock and keeps it until told (a FIFO feeds its statements).
mkfifo "$WORK/lock.sql"
sqlite3 "$db" < "$WORK/lock.sql" > "$WORK/lock.out" 2>&1 &
locker=$!
exec 3>"$WORK/lock.sql"
echo "BEGIN EXCLUSIVE; INSERT INTO fairs (code, name) VALUES ('LOCK', '锁');" >&3
for _ in $(seq 100); do
  sqlite3 "$db" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1 || break
  sleep 0.1
done
sqlite3 "$db" 'PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1 &&
  { bad "the other process did not take the lock: $(cat "$WORK/lock.out")"; finish; exit 1; }

# The command line waits its 10 s, then says why and exits 1 (it runs while the server is asked).
"$fm" user add li --role organiser --password-file "$WORK/pw" > "$WORK/cli.out" 2> "$WORK/cli.err" &
cli=$!

# A write (a sign-in records its session): 503, Retry-After, the exact message.
[ "$(login)" = 503 ] && ok || bad "sign-in while locked: $(cat "$WORK/body")"
grep -qi '^Retry-After: [0-9]' "$WORK/headers" && ok || bad "503 without Retry-After: $(cat "$WORK/headers")"
want='数据库正忙（INSERT INTO sessions）：database is locked，请稍后再试 / the database is busy (INSERT INTO sessions): database is locked; try again shortly'
[ "$(message)" = "$want" ] && ok || bad "sign-in message: $(message)"
grep -q '"error":"busy"' "$WORK/body" && ok || bad "error code: $(cat "$WORK/body")"

# A write through the job queue (an upload, waited for): 503, and the job says busy.
[ "$(C -H "Authorization: Bearer $token" --data-binary "@$WORK/up.csv" \
  "$base/api/v1/uploads?kind=supply&wait=1&filename=s.csv")" = 503 ] && ok ||
  bad "upload while locked: $(head -c 400 "$WORK/body")"
grep -q '"error":"busy"' "$WORK/body" && grep -q 'database is locked' "$WORK/body" && ok ||
  bad "upload job: $(head -c 400 "$WORK/body")"

# Reads go on: the loops' read-only handles see the last commit.
[ "$(C "$base/api/v1/search?q=longjing")" = 200 ] && grep -q '"total":[1-9]' "$WORK/body" && ok ||
  bad "search while locked: $(head -c 300 "$WORK/body")"
[ "$(C "$base/api/v1/fairs")" = 200 ] && ok || bad "fairs while locked: $(cat "$WORK/body")"
grep -q '"LOCK"' "$WORK/body" && bad "a read saw the uncommitted fair" || ok
[ "$(C "$base/healthz")" = 200 ] && ok || bad "healthz while locked: $(cat "$WORK/body")"

# The fair day: an action that writes is 503 busy, its reads go on.
[ "$(C -H "Authorization: Bearer $org" -H 'Content-Type: application/json' --data \
  '{"side":"buyer","name":"锁时到场","region":"黑龙江省"}' \
  "$base/api/v1/fairs/HQH-2026/participants")" = 503 ] && ok ||
  bad "walk-in while locked: $(cat "$WORK/body")"
grep -q '"error":"busy"' "$WORK/body" && ok || bad "walk-in error code: $(cat "$WORK/body")"
[ "$(C -H "Authorization: Bearer $org" "$base/api/v1/fairs/HQH-2026/participants")" = 200 ] &&
  ok || bad "participants while locked: $(cat "$WORK/body")"
[ "$(C -H "Authorization: Bearer $org" "$base/api/v1/fairs/HQH-2026/versions")" = 200 ] &&
  ok || bad "versions while locked: $(cat "$WORK/body")"

wait "$cli"; [ $? -eq 1 ] && ok || bad "the command line under the lock: exit not 1"
has "the command line says why" "$WORK/cli.err" "database is locked"

# The lock goes; the server is still there and writes again.
echo "ROLLBACK;" >&3
exec 3>&-
wait "$locker"
kill -0 "$srv" 2>/dev/null && ok || bad "the server died: $(tail -5 "$WORK/server.err")"
[ "$(login)" = 200 ] && ok || bad "sign-in after the lock: $(cat "$WORK/body")"
[ "$(C -H "Authorization: Bearer $token" --data-binary "@$WORK/up.csv" \
  "$base/api/v1/uploads?kind=supply&wait=1&filename=s.csv")" = 200 ] && ok ||
  bad "upload after the lock: $(head -c 400 "$WORK/body")"

kill -TERM "$srv"; wait "$srv"; [ $? -eq 0 ] && ok || bad "server exit after SIGTERM"
finish
