#!/usr/bin/env bash
# Crash safety of the server: SIGKILL at a random moment while a
# client uploads catalogues, records outcomes, re-solves the schedule and
# locks meetings, $CRASH_CYCLES times (default 50).  After each kill the
# server is started again on the same data; once it has imported what was
# left in the spool, tests/cli/crash.py checks every request acknowledged
# so far: each acknowledged upload there whole (every row, one upload
# record, its original kept and hashing to what was sent), the one request
# in doubt whole or absent, outcomes and locks as last acknowledged, no
# meeting clashes, PRAGMA integrity_check, the spool empty, and Xapian
# caught up with the store.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK/logs"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
source "$(dirname "$0")/lib.bash"
need python3
py=/usr/bin/python3; [ -x "$py" ] || py=python3
driver="$(dirname "$0")/crash.py"
cycles=${CRASH_CYCLES:-50}

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 1 --publish >/dev/null || { echo "FAIL loading"; exit 1; }
printf 'hangzhou-clerk-1\n' > "$WORK/pw-clerk" && printf 'organiser-pass-1\n' > "$WORK/pw-org"
"$fm" user add clerk --role city --region 杭州 --password-file "$WORK/pw-clerk" >/dev/null &&
  "$fm" user add org --role organiser --password-file "$WORK/pw-org" >/dev/null ||
  { echo "FAIL users"; exit 1; }
clerk=$("$fm" user token clerk --label crash) && org=$("$fm" user token org --label crash) ||
  { echo "FAIL tokens"; exit 1; }
ca="$WORK/data/tls/cert.pem"

start() {
  rm -f "$WORK/port"
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 2 \
    --access-log= 2>>"$WORK/server.err" &
  srv=$!
  # Up to a minute: a kill mid-index leaves Xapian to catch up before the port is written.
  for _ in $(seq 1200); do [ -s "$WORK/port" ] || ! kill -0 "$srv" 2>/dev/null && break; sleep 0.05; done
  port=$(cat "$WORK/port" 2>/dev/null)
}

# Waits for the spool to empty (the resumed imports done) and Xapian to catch up.
settle() {
  local pending
  for _ in $(seq 600); do
    if [ -z "$(ls -A "$WORK/data/spool" 2>/dev/null)" ]; then
      pending=$("$fm" status --json 2>/dev/null | "$py" -c 'import json,sys; print(json.load(sys.stdin)["index_pending"])')
      [ "$pending" = 0 ] && return 0
    fi
    sleep 0.1
  done
  return 1
}

kills=0 survived=0
RANDOM=${CRASH_SEED:-20261123}
for cycle in $(seq "$cycles"); do
  start
  if [ -z "$port" ]; then
    bad "cycle $cycle: the server did not start again: $(tail -3 "$WORK/server.err")"
    break
  fi
  if ! settle; then
    bad "cycle $cycle: the spool was not imported or Xapian did not catch up: $(ls "$WORK/data/spool")"
    kill -9 "$srv"; break
  fi
  if [ "$cycle" -gt 1 ]; then
    if "$py" "$driver" verify "$WORK/data" "$WORK"/logs/* > "$WORK/verify" 2>"$WORK/verify.err"; then
      survived=$((survived + 1)); ok
    else
      bad "after kill $((cycle - 1)):"; head -20 "$WORK/verify"
    fi
  fi
  "$py" "$driver" drive "$port" "$ca" "$clerk" "$org" "$cycle" "$WORK/logs/$(printf %03d "$cycle")" \
    "$FIXTURES/catalog/supply.csv" &
  client=$!
  # Somewhere in the first 2 s of traffic: mid-upload, mid-import, mid-solve or between.
  sleep "$(printf '0.%03d' $((RANDOM % 1000)))"
  sleep $((RANDOM % 2))
  # It must still be running: a server that died by itself is a failure, not a kill.
  if kill -0 "$srv" 2>/dev/null; then
    kill -9 "$srv" && kills=$((kills + 1))
  else
    bad "cycle $cycle: the server had stopped before the kill: $(tail -5 "$WORK/server.err")"
  fi
  wait "$srv" 2>/dev/null
  wait "$client"
done

# The last kill, checked the same way; then a clean stop.
start
if [ -n "$port" ] && settle; then
  "$py" "$driver" verify "$WORK/data" "$WORK"/logs/* > "$WORK/verify" 2>"$WORK/verify.err" &&
    { survived=$((survived + 1)); ok; } || { bad "after the last kill:"; head -20 "$WORK/verify"; }
  kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop after the kills"
else
  bad "the server did not come back after the last kill"
  kill -9 "$srv" 2>/dev/null
fi
tr -d '\n' < "$WORK/verify.err"
grep -h '"event": "ack"' "$WORK"/logs/* | "$py" -c '
import collections, json, sys
c = collections.Counter(json.loads(l)["kind"] for l in sys.stdin)
print("; acknowledged:", ", ".join("%s %d" % kv for kv in sorted(c.items())))'
[ "$kills" = "$cycles" ] && ok || bad "$kills kills of $cycles"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report in the server's log" || ok
echo "kills: $kills, survived: $survived"
finish
