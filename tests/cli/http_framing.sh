#!/usr/bin/env bash
# Request framing: a request whose body length is in doubt — two
# Content-Length headers (equal or not), or Content-Length beside
# Transfer-Encoding — is answered 400 naming the reason, and the
# connection is closed, on the HTTPS listener and on plain_listen; a
# well-framed request on the same listeners is answered as usual.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need python3
py=/usr/bin/python3; [ -x "$py" ] || py=python3

"$fm" init >/dev/null || { echo "FAIL init"; exit 1; }
"$fm" serve --listen 127.0.0.1:0 --plain-listen 127.0.0.1:0 --redirect-listen= \
  --port-file "$WORK/port" --threads 1 --access-log= 2>"$WORK/server.err" &
srv=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.05; done
port=$(cat "$WORK/port")
plain=$(sed -n 's/.*plain HTTP on port \([0-9]*\).*/\1/p' "$WORK/server.err")
[ -n "$port" ] && [ -n "$plain" ] && ok || { bad "the server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }

# send TLS|PLAIN PORT HEADERS BODY: the status line, then "closed" if the server hung up.
send() {
  "$py" - "$@" <<'PY'
import socket, ssl, sys
tls, port, headers, body = sys.argv[1] == "tls", int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
if tls:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s, server_hostname="localhost")
req = "POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nX-Requested-With: fetch\r\n" \
      "Content-Type: application/json\r\n" + headers.replace("|", "\r\n") + "\r\n\r\n" + body
s.sendall(req.encode())
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            print(data.split(b"\r\n")[0].decode()); print("closed"); break
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep and b"content-length:" in head.lower():
            n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
            if len(rest) >= n:
                print(head.split(b"\r\n")[0].decode()); print(rest[:n].decode())
                s.settimeout(2)
                try:
                    print("closed" if not s.recv(1) else "open")
                except (socket.timeout, ssl.SSLError):
                    print("open")
                break
except (ConnectionResetError, socket.timeout) as e:
    print(data.split(b"\r\n")[0].decode()); print("closed")
PY
}

body='{"login":"x","password":"y"}'
n=${#body}
for l in "tls $port" "plain $plain"; do
  set -- $l
  send "$1" "$2" "Content-Length: $n|Content-Length: $((n + 10))" "$body" > "$WORK/out"
  has "$1: two lengths refused" "$WORK/out" "HTTP/1.1 400"
  has "$1: the reason named" "$WORK/out" "more than one Content-Length"
  has "$1: then closed" "$WORK/out" "closed"
  send "$1" "$2" "Content-Length: $n|Content-Length: $n" "$body" > "$WORK/out"
  has "$1: two equal lengths refused" "$WORK/out" "HTTP/1.1 400"
  send "$1" "$2" "Content-Length: $n|Transfer-Encoding: chunked" \
    "$(printf '%x\r\n%s\r\n0\r\n\r\n' "$n" "$body")" > "$WORK/out"
  has "$1: length and chunked refused" "$WORK/out" "HTTP/1.1 400"
  send "$1" "$2" "Content-Length: $n" "$body" > "$WORK/out"
  has "$1: one length answered" "$WORK/out" "HTTP/1.1 401"
done
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report" || ok
finish
