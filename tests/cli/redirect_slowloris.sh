#!/usr/bin/env bash
# Slowloris on the redirect port: slowhttptest holds 1,000 slow-header
# connections on the plain-HTTP redirect listener while a kiosk client
# searches over HTTPS (tests/cli/abuse.py latency).  Every search gets its
# exact reply; the server cuts every slow client off (the idle timeout is an
# hour, so only request_timeout_seconds can); the redirect still answers
# after.  Then the redirect listener's connection cap: with
# max_connections 40, 60 idle connections on it leave HTTPS answering, the
# cap counted on /metrics.  The kiosk's p99 is printed, not checked.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3 slowhttptest
py=/usr/bin/python3; [ -x "$py" ] || py=python3
[ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null ||
  { echo "FAIL loading"; exit 1; }
ca="$WORK/data/tls/cert.pem"
clients="$(dirname "$0")/abuse.py"
srv=0 lat=0 sht=0
trap 'kill "$srv" "$lat" "$sht" 2>/dev/null' EXIT

# start [SETTINGS…]: the server with a redirect listener on a free port; sets port, rport.
start() {
  rm -f "$WORK/port"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_release_to_os_interval_ms=-1:quarantine_size_mb=32" \
    "$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads 1 --access-log= --request-timeout-seconds 8 --timeout-seconds 3600 "$@" \
    2>>"$WORK/server.err" &
  srv=$!
  for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/port" 2>/dev/null)
  rport=$(sed -n 's|.*redirecting http://[^ ]*:\([0-9]*\) .*|\1|p' "$WORK/server.err" | tail -1)
}
C() { curl -sS --cacert "$ca" "$@"; }

start
[ -n "$port" ] && [ -n "$rport" ] && ok || { bad "the server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rport/kiosk")" = 301 ] && ok || bad "the redirect"

rm -f "$WORK/lat" "$WORK/lat.stop"
"$py" "$clients" latency "$port" "$ca" "$WORK/lat" 2>"$WORK/lat.err" &
lat=$!
slowhttptest -H -c 1000 -r 1000 -i 3 -l 240 -s 65536 -p 5 -g -o "$WORK/slow" \
  -u "http://127.0.0.1:$rport/kiosk" > "$WORK/slow.out" 2>&1 &
sht=$!
wait "$sht"
touch "$WORK/lat.stop"; wait "$lat"
[ -s "$WORK/lat" ] || bad "the kiosk client wrote no results: $(tail -3 "$WORK/lat.err")"
while read -r mode n errors _ p50 p99 max error; do
  [ "$n" -gt 0 ] && [ "$errors" = 0 ] && ok || bad "HTTPS $mode: $errors of $((n + errors)) searches failed: $error"
  echo "HTTPS search during the redirect-port slowloris, $mode: $n searches, p50 $p50 ms, p99 $p99 ms, max $max ms"
done < "$WORK/lat"
why=$(grep -a -o 'Exit status:.*' "$WORK/slow.out" | sed 's/\x1b\[[0-9;]*m//g; s/Exit status: *//')
[ "$why" = "No open connections left" ] && ok ||
  bad "the server did not cut off every slow client on the redirect port: slowhttptest: $why"
errors=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/slow.out" | awk '$1 == "error:" { e = $2 } END { print e == "" ? "none" : e }')
[ "$errors" = 0 ] && ok || bad "slowhttptest counted $errors failed connections: $(tail -5 "$WORK/slow.out")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rport/kiosk")" = 301 ] && ok ||
  bad "the redirect after the slowloris"
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"

# The cap: 60 idle connections on the redirect port with max_connections 40.
start --max-connections 40
"$py" - "$rport" 60 > "$WORK/held" <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    s = socket.socket(); s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port)); held.append(s)
    except OSError:
        pass
print(len(held), flush=True)
time.sleep(6)
PY
holder=$!
sleep 3
C "https://localhost:$port/healthz" | grep -q '"status":"ok"' && ok || bad "HTTPS with the redirect port full"
C "https://localhost:$port/metrics" > "$WORK/metrics"
grep -q '^fairmatch_connection_cap_reached_total [1-9]' "$WORK/metrics" && ok ||
  bad "the redirect port's cap is not counted: $(grep cap_reached "$WORK/metrics")"
wait "$holder"
sleep 1
[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rport/kiosk")" = 301 ] && ok ||
  bad "the redirect port does not accept again below its cap"
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report" || ok
finish
