#!/usr/bin/env bash
# Benchmark: what an idle keep-alive connection costs in memory.  N
# connections (default 10,000), each after one small request, are held open
# over TLS and then over plain HTTP, each time against a fresh server with
# its default settings (but an hour's idle timeout, so that a slow run keeps
# the first ones), and the server's RSS growth is divided among those
# it still holds (over TLS it keeps max_idle_connections, 2,000, and closes
# the longest idle); the difference between the two is what TLS (mbedTLS's
# record buffers and state) adds.  The peer in
# the same run is nginx (Debian, one worker) with the same certificate and
# suites, its worker's RSS measured the same way.
set -euo pipefail
n=${1:-10000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cleanup() { kill "$srv" "$ngx" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
srv=0 ngx=0
trap cleanup EXIT
command -v nginx >/dev/null || { echo "installing nginx"; sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq nginx >/dev/null; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export FAIRMATCH_DATA="$work/data"
"$FAIRMATCH" init >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-6s %8s %8s %10s %10s %12s\n' who tls answered held "RSS MB" "after MB" "KB/conn"
# line WHO TRANSPORT ANSWERED HELD BEFORE AFTER: a row of the table and its JSON.
line() {
  local per=$(( $4 > 0 ? ($6 - $5) / $4 : 0 ))
  printf '%-10s %-6s %8s %8s %10s %10s %12s\n' "$1" "$2" "$3" "$4" "$(($5 / 1024))" "$(($6 / 1024))" "$per"
  echo "{\"who\":\"$1\",\"transport\":\"$2\",\"answered\":$3,\"held\":$4,\"rss_before_kb\":$5,\"rss_after_kb\":$6,\"kb_per_conn\":$per}" >> "$work/json"
}

for transport in tls plain; do
  plain_port=$(free_port)
  rm -f "$work/port"
  "$FAIRMATCH" serve --listen 127.0.0.1:0 --plain-listen "127.0.0.1:$plain_port" \
    --redirect-listen= --threads 1 --port-file "$work/port" --access-log= --timeout-seconds 3600 \
    2> "$work/server.err" &
  srv=$!
  for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
  for _ in $(seq 200); do grep -q "plain HTTP on port" "$work/server.err" && break; sleep 0.1; done
  port=$(cat "$work/port"); [ "$transport" = plain ] && port=$plain_port
  read -r answered held before after < <(python3 "$here/http_idle.py" "$port" "$n" "$srv" "$transport")
  line fairmatch "$transport" "$answered" "$held" "$before" "$after"
  kill "$srv"; wait "$srv" 2>/dev/null || true
done

ngx_tls=$(free_port) ngx_plain=$(free_port)
mkdir -p "$work/www" && echo '{"ok":true}' > "$work/www/healthz"
chmod 755 "$work" "$work/www"		# nginx's worker runs as www-data
cat > "$work/nginx.conf" <<NGX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 40000; }
http {
  access_log off;
  keepalive_timeout 300s;
  keepalive_requests 1000000;
  ssl_protocols TLSv1.2;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
  ssl_certificate $work/data/tls/cert.pem;
  ssl_certificate_key $work/data/tls/key.pem;
  server { listen 127.0.0.1:$ngx_tls ssl; root $work/www; }
  server { listen 127.0.0.1:$ngx_plain; root $work/www; }
}
NGX
for transport in tls plain; do	# a fresh nginx each time, as for fairmatch
  nginx -c "$work/nginx.conf" -g 'daemon off;' &
  ngx=$!
  worker=""
  for _ in $(seq 100); do worker=$(pgrep -P "$ngx" | head -1 || true); [ -n "$worker" ] && break; sleep 0.1; done
  port=$ngx_tls; [ "$transport" = plain ] && port=$ngx_plain
  read -r answered held before after < <(python3 "$here/http_idle.py" "$port" "$n" "$worker" "$transport")
  line nginx "$transport" "$answered" "$held" "$before" "$after"
  kill "$ngx"; wait "$ngx" 2>/dev/null || true
done
echo "{\"bench\":\"idle\",\"connections\":$n,\"runs\":[$(paste -sd, "$work/json")]}"
