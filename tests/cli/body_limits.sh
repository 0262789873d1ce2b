#!/usr/bin/env bash
# Bodies refused before they are read, on the HTTPS listener and on
# plain_listen: a request that announces a body over max_body_bytes (here
# 1 KiB) and sends none of it is answered 413 at once, naming the limit,
# and the connection closed; so is an upload announced by a client with no
# credentials; a chunked body is refused 411 except on the upload route;
# a pipelined request behind a small one is gated as well.  The upload
# route takes a body over max_body_bytes from a signed-in office, and a
# small body anywhere is read as before.  Answers that did not wait for
# the body prove it was not read: the client never sends it.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3 sqlite3
py=/usr/bin/python3; [ -x "$py" ] || py=python3

load_catalogues
printf 'hangzhou-clerk-1\n' > "$WORK/pw" &&
  "$fm" user add clerk --role city --region 杭州 --password-file "$WORK/pw" >/dev/null &&
  token=$("$fm" user token clerk --label limits) || { echo "FAIL user"; exit 1; }
"$py" - "$FIXTURES/catalog/supply.csv" "$WORK/hz.csv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8-sig").read().splitlines()
open(sys.argv[2], "w", encoding="utf-8").write(
    "\n".join([lines[0]] + [l for l in lines[1:] if ",杭州市," in l]) + "\n")
PY
[ "$(stat -c %s "$WORK/hz.csv")" -gt 1024 ] && ok || bad "the upload is not over 1 KiB"

"$fm" serve --listen 127.0.0.1:0 --plain-listen 127.0.0.1:0 --redirect-listen= \
  --max-body-bytes 1024 --port-file "$WORK/port" --threads 1 --access-log= \
  2>"$WORK/server.err" &
srv=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.05; done
port=$(cat "$WORK/port")
plain=$(sed -n 's/.*plain HTTP on port \([0-9]*\).*/\1/p' "$WORK/server.err")
[ -n "$port" ] && [ -n "$plain" ] && ok || { bad "the server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }

# send TLS|PLAIN PORT RAW: writes RAW ("|" for CRLF) and prints each reply's status line and
# body, then "closed" if the server hung up or "open" if it still waits.  The timeout is
# generous: a server reading a body never sent would answer nothing and end with "open".
send() {
  "$py" - "$@" <<'PY'
import socket, ssl, sys
tls, port, raw = sys.argv[1] == "tls", int(sys.argv[2]), sys.argv[3].replace("|", "\r\n")
s = socket.create_connection(("127.0.0.1", port), timeout=60)
if tls:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s, server_hostname="localhost")
s.sendall(raw.encode())
data = b""
def replies(data):
    out = []
    while True:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            return out, data
        lines = head.split(b"\r\n")
        n = int(next((l.split(b":")[1] for l in lines if l.lower().startswith(b"content-length:")), b"0"))
        if len(rest) < n:
            return out, data
        out.append(lines[0].decode() + "\n" + rest[:n].decode())
        data = rest[n:]
state = "open"
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            state = "closed"
            break
        data += chunk
        done, _ = replies(data)
        if len(done) == int(sys.argv[4]):
            s.settimeout(5)
except (socket.timeout, TimeoutError):
    pass
except (ConnectionResetError, ssl.SSLError):
    state = "closed"
for r in replies(data)[0]:
    print(r)
print(state)
PY
}

big=$((1024 * 1024))	# over max_body_bytes, under max_upload_bytes
for l in "tls $port" "plain $plain"; do
  set -- $l
  send "$1" "$2" "POST /api/v1/login HTTP/1.1|Host: localhost|X-Requested-With: fetch|Content-Type: application/json|Content-Length: $big||" 1 > "$WORK/out"
  has "$1: a body over max_body_bytes refused unread" "$WORK/out" "HTTP/1.1 413"
  has "$1: the limit named" "$WORK/out" "over the limit of /api/v1/login, 1024 bytes"
  has "$1: then closed" "$WORK/out" "closed"

  send "$1" "$2" "POST /api/v1/uploads?kind=supply HTTP/1.1|Host: localhost|Content-Type: text/csv|Content-Length: 4096||" 1 > "$WORK/out"
  has "$1: an upload without credentials refused unread" "$WORK/out" "HTTP/1.1 413"
  has "$1: told to sign in" "$WORK/out" "sign in before uploading"

  send "$1" "$2" "POST /api/v1/login HTTP/1.1|Host: localhost|X-Requested-With: fetch|Transfer-Encoding: chunked||" 1 > "$WORK/out"
  has "$1: a chunked body refused" "$WORK/out" "HTTP/1.1 411"
  has "$1: the reason named" "$WORK/out" "needs a body with a Content-Length"

  body='{"login":"clerk","password":"wrong"}'
  send "$1" "$2" "GET /healthz HTTP/1.1|Host: localhost||POST /api/v1/login HTTP/1.1|Host: localhost|X-Requested-With: fetch|Content-Length: $big||" 2 > "$WORK/out"
  has "$1: the first of two pipelined answered" "$WORK/out" "HTTP/1.1 200"
  has "$1: the second, too large, refused unread" "$WORK/out" "HTTP/1.1 413"

  send "$1" "$2" "POST /api/v1/login HTTP/1.1|Host: localhost|X-Requested-With: fetch|Content-Type: application/json|Content-Length: ${#body}||$body" 1 > "$WORK/out"
  has "$1: a small body read as before" "$WORK/out" "HTTP/1.1 401"
  has "$1: and the connection kept" "$WORK/out" "open"
done

# A signed-in office's upload over max_body_bytes is read and imported.
code=$(curl -sS --cacert "$WORK/data/tls/cert.pem" -o "$WORK/body" -w '%{http_code}' \
  -X POST -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
  --data-binary "@$WORK/hz.csv" \
  "https://localhost:$port/api/v1/uploads?kind=supply&wait=1&filename=杭州.csv")
case $code in 200|201|202) ok ;; *) bad "the office's upload: $code $(head -c 300 "$WORK/body")" ;; esac
grep -q '"error"' "$WORK/body" && bad "the office's upload failed: $(head -c 300 "$WORK/body")" || ok

kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report" || ok
finish
