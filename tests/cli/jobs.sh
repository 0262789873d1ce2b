#!/usr/bin/env bash
# Stored jobs: an upload accepted and one rejected (another city's rows)
# over HTTPS, each answered with a job id; after a restart of the server
# both ids still answer with their state and report, to their owner only.
# The rejected file changed no catalogue row and no upload record, and its
# attempt is in the office's upload history with its report; another
# office's history does not show it.  An upload killed just after its
# acknowledgement answers under its id once the server is back.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3 sqlite3
py=/usr/bin/python3; [ -x "$py" ] || py=python3
q() { sqlite3 "$db" "$1"; }
jq_() { "$py" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

load_catalogues
printf 'hangzhou-clerk-1\n' > "$WORK/pw-clerk" && printf 'heilongjiang-1\n' > "$WORK/pw-hlj"
"$fm" user add clerk --role city --region 杭州 --password-file "$WORK/pw-clerk" >/dev/null &&
  "$fm" user add hlj --role expansion --region 黑龙江 --password-file "$WORK/pw-hlj" >/dev/null ||
  { echo "FAIL users"; exit 1; }
clerk=$("$fm" user token clerk --label jobs) && hlj=$("$fm" user token hlj --label jobs) ||
  { echo "FAIL tokens"; exit 1; }
ca="$WORK/data/tls/cert.pem"
# Hangzhou's rows, and the same with two Ningbo rows (not the clerk's to upload).
"$py" - "$FIXTURES/catalog/supply.csv" "$WORK/hz.csv" "$WORK/nb-hz.csv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8-sig").read().splitlines()
hz = [l for l in lines[1:] if ",杭州市," in l]
nb = [l for l in lines[1:] if ",宁波市," in l][:2]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join([lines[0]] + hz) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join([lines[0]] + hz + nb) + "\n")
PY

start() {
  rm -f "$WORK/port"
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 1 \
    --access-log= 2>>"$WORK/server.err" &
  srv=$!
  for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.05; done
  base="https://localhost:$(cat "$WORK/port")"
}
# as TOKEN METHOD PATH [curl args…]: the status; the body in $WORK/body.
as() { local t=$1 m=$2 p=$3; shift 3
  curl -sS --cacert "$ca" -o "$WORK/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t" "$@" "$base$p"; }

start
[ -n "$(cat "$WORK/port" 2>/dev/null)" ] && ok || { bad "the server did not start"; finish; exit 1; }
code=$(as "$clerk" POST '/api/v1/uploads?kind=supply&wait=1&filename=杭州.csv' --data-binary "@$WORK/hz.csv" -H 'Content-Type: text/csv')
[ "$code" = 200 ] && ok || bad "the good upload: $code $(head -c 300 "$WORK/body")"
good=$(jq_ 'd["id"]' < "$WORK/body")
products=$(q "SELECT group_concat(code || name || coalesce(description, ''), '|') FROM products")
uploads=$(q "SELECT count(*) FROM uploads")
code=$(as "$clerk" POST '/api/v1/uploads?kind=supply&wait=1&filename=宁波混入.csv' --data-binary "@$WORK/nb-hz.csv" -H 'Content-Type: text/csv')
[ "$code" = 422 ] && ok || bad "the rejected upload: $code $(head -c 300 "$WORK/body")"
rejected=$(jq_ 'd["id"]' < "$WORK/body")
[ "$(q "SELECT group_concat(code || name || coalesce(description, ''), '|') FROM products")" = "$products" ] &&
  [ "$(q "SELECT count(*) FROM uploads")" = "$uploads" ] && ok || bad "the rejected upload changed the catalogue"
[ "$(q "SELECT count(*) FROM jobs WHERE id IN ($good, $rejected) AND state = 'done'")" = 2 ] && ok ||
  bad "jobs in the store: $(q "SELECT id, state FROM jobs")"

# A restart: the memory of jobs is gone, the store's is not.
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"
start
code=$(as "$clerk" GET "/api/v1/jobs/$good")
[ "$code" = 200 ] && [ "$(jq_ 'd["state"], d["kind"], d["result"]["ok"], d["result"]["upload_id"] > 0' < "$WORK/body" | tr '\n' ' ')" = "done import True True " ] &&
  ok || bad "the good upload's job after a restart: $code $(head -c 300 "$WORK/body")"
code=$(as "$clerk" GET "/api/v1/jobs/$rejected")
[ "$code" = 200 ] && [ "$(jq_ 'd["state"], d["result"]["ok"], len([e for e in d["result"]["errors"] if "宁波市" in e["message"]])' < "$WORK/body" | tr '\n' ' ')" = "done False 2 " ] &&
  ok || bad "the rejected upload's job after a restart: $code $(head -c 400 "$WORK/body")"
[ "$(as "$hlj" GET "/api/v1/jobs/$good")" = 404 ] && ok || bad "another office read the clerk's job"
[ "$(as "$clerk" GET "/api/v1/jobs/1")" = 404 ] && ok || bad "an unknown job id"

# The office's history: the accepted upload and the rejected attempt with its report.
code=$(as "$clerk" GET /api/v1/uploads)
[ "$code" = 200 ] && ok || bad "upload history: $code"
"$py" - "$WORK/body" <<'PY' && ok || bad "the history: $(head -c 600 "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
names = [(u["filename"], u.get("rejected", False)) for u in d["uploads"]]
assert ("杭州.csv", False) in names and ("宁波混入.csv", True) in names, names
r = next(u for u in d["uploads"] if u.get("rejected"))
assert r["error_count"] == 2 and r["job"] > 0, r
PY
code=$(as "$hlj" GET /api/v1/uploads)
grep -q '宁波混入' "$WORK/body" && bad "another office's history shows the clerk's attempt" || ok

# SIGKILL just after the acknowledgement: whether the import finished before the kill or is
# resumed from the spool at the next start, the id given answers with the finished job.
for round in 1 2 3; do
  code=$(as "$clerk" POST "/api/v1/uploads?kind=supply&filename=kill-$round.csv" --data-binary "@$WORK/hz.csv" -H 'Content-Type: text/csv')
  id=$(jq_ 'd["job"]["id"]' < "$WORK/body")
  kill -9 "$srv"; wait "$srv" 2>/dev/null
  [ "$code" = 202 ] && ok || bad "round $round: upload $code"
  start
  state=
  for _ in $(seq 300); do
    as "$clerk" GET "/api/v1/jobs/$id" > "$WORK/code"
    state=$(jq_ 'd.get("state")' < "$WORK/body" 2>/dev/null)
    [ "$state" = done ] && break; sleep 0.1
  done
  [ "$(cat "$WORK/code")" = 200 ] && [ "$state" = done ] && ok ||
    bad "round $round: job $id after a kill: $(cat "$WORK/code") $(head -c 300 "$WORK/body")"
done
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report" || ok
finish
