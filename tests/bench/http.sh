#!/usr/bin/env bash
# Benchmark: kiosk search over HTTP.  wrk against /api/v1/search with the
# mixed query set over N generated products (default 100,000), over TLS and
# plain loopback, keep-alive and not, at 64 connections; the peer in the same
# run is nginx (Debian) serving a static file the size of a search reply,
# with the same certificate and TLS suites.  Then 10,000 idle keep-alive TLS
# connections held, with the server's RSS growth.
#
# The store is built once per size and kept (HTTP_DATA, by default
# build-release/bench-http-ROWS): generating, importing and indexing a
# million products takes many minutes, and the server only reads it.  Each
# server start builds its serving layer from it, as in production.
set -euo pipefail
rows=${1:-100000}
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
data=${HTTP_DATA:-$PWD/build-release/bench-http-$rows}
cleanup() { kill "$srv" "$ngx" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
srv=0 ngx=0
trap cleanup EXIT
for p in wrk nginx; do command -v "$p" >/dev/null || { echo "installing $p"; sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq "$p" >/dev/null; }; done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

export FAIRMATCH_DATA="$data"
if [ ! -f "$data/.bench-complete" ]; then
  echo "building the store of $rows products in $data (once)"
  rm -rf "$data"
  t0=$(date +%s)
  "$FMGEN" supply --count "$rows" --seed 1 -o "$work/supply.csv"
  "$FAIRMATCH" init >/dev/null
  "$FAIRMATCH" import supply "$work/supply.csv" >/dev/null
  rm -f "$work/supply.csv"
  touch "$data/.bench-complete"
  echo "store built in $(($(date +%s) - t0)) s"
fi
# wait_port FILE: until the server wrote its port (it builds the serving layer first).
wait_port() { for _ in $(seq 6000); do [ -s "$1" ] && return 0; kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
  echo "fairmatch did not start:"; tail -5 "$work/server.err"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"$FAIRMATCH" serve --listen 127.0.0.1:0 --plain-listen "127.0.0.1:$(free_port)" --redirect-listen '127.0.0.1:0' \
  --port-file "$work/port" --access-log "$work/access.log" 2> "$work/server.err" &
srv=$!
t0=$(date +%s%N)
wait_port "$work/port"
for _ in $(seq 200); do grep -q "plain HTTP on port" "$work/server.err" && break; sleep 0.1; done
ready=$((($(date +%s%N) - t0) / 100000000))
echo "server ready in $((ready / 10)).$((ready % 10)) s (it builds the serving layer from the store);" \
  "RSS $(($(awk '/VmRSS/ {print $2}' "/proc/$srv/status") / 1024)) MB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
tls_port=$(cat "$work/port")
plain_port=$(grep -o 'plain HTTP on port [0-9]*' "$work/server.err" | grep -o '[0-9]*$')

# A static file the size of a typical search reply, for nginx.
mkdir -p "$work/www"
chmod 755 "$work" "$work/www"		# nginx's workers run as www-data
curl -sk "https://127.0.0.1:$tls_port/api/v1/search?limit=20&q=%E4%B8%8D%E9%94%88%E9%92%A2" > "$work/www/search.json"
size=$(stat -c %s "$work/www/search.json")
ngx_tls=$(free_port) ngx_plain=$(free_port)
cat > "$work/nginx.conf" <<NGX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 20000; }
http {
  access_log $work/nginx.access;
  default_type application/json;
  keepalive_requests 1000000;
  ssl_protocols TLSv1.2;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
  ssl_certificate $data/tls/cert.pem;
  ssl_certificate_key $data/tls/key.pem;
  server { listen 127.0.0.1:$ngx_tls ssl; root $work/www; }
  server { listen 127.0.0.1:$ngx_plain; root $work/www; }
}
NGX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
ngx=$!
sleep 0.5

export QUERIES="$here/search.queries"
# run NAME URL CONN: one wrk run; prints "requests/s p50 p99" (ms).
run() {
  local fixed=""
  [ "$1" = nginx ] && fixed=/search.json
  FIXED=$fixed CONN=$3 wrk -t2 -c64 -d"${secs}s" --latency -s "$here/http.lua" "$2" > "$work/wrk.out" 2>&1 || true
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1 == "50.000%" || $1 == "50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99.000%" || $1 == "99%" {print $2}' "$work/wrk.out")
  errs=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$work/wrk.out" | grep -o '[0-9]*$' || true)
  printf '%-16s %-6s %-10s %10s %10s %10s %6s\n' "$1" "$4" "$3" "$rps" "$p50" "$p99" "${errs:-0}"
  echo "{\"who\":\"$1\",\"transport\":\"$4\",\"conn\":\"$3\",\"rps\":$rps,\"p50\":\"$p50\",\"p99\":\"$p99\"}" >> "$work/json"
}
echo "search reply size: $size bytes; $rows products; wrk -t2 -c64 -d${secs}s (client and servers share the 2 cores)"
printf '%-16s %-6s %-10s %10s %10s %10s %6s\n' who tls connection req/s p50 p99 non-2xx
# Warm-up: every query once on every loop, so that the runs measure serving, not the
# first (uncached) search; the uncached run below measures that.
CONN=keep-alive wrk -t2 -c8 -d2s -s "$here/http.lua" "https://127.0.0.1:$tls_port/" >/dev/null 2>&1 || true
for conn in keep-alive close; do
  run fairmatch "https://127.0.0.1:$tls_port/" "$conn" tls
  run nginx "https://127.0.0.1:$ngx_tls/search.json" "$conn" tls
  run fairmatch "http://127.0.0.1:$plain_port/" "$conn" plain
  run nginx "http://127.0.0.1:$ngx_plain/search.json" "$conn" plain
done

# The same server with its search cache off: every request runs the search.
kill "$srv"; wait "$srv" 2>/dev/null || true
rm -f "$work/port"
"$FAIRMATCH" serve --listen 127.0.0.1:0 --redirect-listen= --search-cache 0 \
  --port-file "$work/port" --access-log "$work/access.log" 2>> "$work/server.err" &
srv=$!
wait_port "$work/port"
tls_port=$(cat "$work/port")
run fairmatch-nocache "https://127.0.0.1:$tls_port/" keep-alive tls

# 10,000 idle keep-alive TLS connections: held, and what they cost in memory.
read -r answered held before after < <(python3 "$here/http_idle.py" "$tls_port" 10000 "$srv")
echo "idle keep-alive TLS connections: $answered of 10000 answered, $held still held (max_idle_connections); server RSS $((before / 1024)) MB → $((after / 1024)) MB (+$(((after - before) / 1024)) MB)"
kill -0 "$srv" 2>/dev/null || { echo "fairmatch died:"; tail -5 "$work/server.err"; }
echo "{\"bench\":\"http\",\"rows\":$rows,\"reply_bytes\":$size,\"runs\":[$(paste -sd, "$work/json")],\"idle_held\":$held,\"idle_rss_growth_mb\":$(((after - before) / 1024))}"
