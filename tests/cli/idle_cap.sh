#!/usr/bin/env bash
# Idle keep-alive HTTPS connections (each after one request, as a browser
# leaves them) past max_idle_connections: the longest idle are closed and
# counted on /metrics, the newer ones still answer their next request, and
# a new client is answered.  Then idle connections holding max_connections:
# a new client is still answered, an idle one making room, where the
# listener would otherwise stop accepting until one of them closed.  And a
# client that opens many connections pushes out its own idle ones, not a
# kiosk's from another address.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need curl python3
py=/usr/bin/python3; [ -x "$py" ] || py=python3

"$fm" init >/dev/null || { echo "FAIL init"; exit 1; }
ca="$WORK/data/tls/cert.pem"
srv=0
trap 'kill "$srv" 2>/dev/null' EXIT

# start [SETTINGS…]: a server on a free port, one loop, an hour's idle timeout; sets port.
start() {
  rm -f "$WORK/port"
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 1 \
    --access-log= --timeout-seconds 3600 "$@" 2>>"$WORK/server.err" &
  srv=$!
  for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/port" 2>/dev/null)
  [ -n "$port" ] || { bad "the server did not start: $(tail -3 "$WORK/server.err")"; finish; exit 1; }
}
stop() { kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop"; }

# The client: opens N connections one after another, one request each, and holds them; then
# prints "closed I" for each that the server closed and "answers I" for each that answers a
# second request (CLOSED_FIRST: how many of the oldest to wait for the server to close), then
# "new STATUS" for a request on a new connection.  KIOSKS (default 0): that many connections
# from 127.0.0.2 are opened first and, at the end, each prints "kiosk I STATUS" or "kiosk I lost".
cat > "$WORK/idle.py" <<'PY'
import re, socket, ssl, sys, time
port, n, closed_first, ca = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
kiosks = int(sys.argv[5]) if len(sys.argv) > 5 else 0
ctx = ssl.create_default_context(cafile=ca)

def connect(source="127.0.0.1"):
    raw = socket.create_connection(("127.0.0.1", port), timeout=120, source_address=(source, 0))
    return ctx.wrap_socket(raw, server_hostname="localhost")

def get(s, path="/healthz"):
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed")
        body += chunk
    return head.split(b" ")[1].decode(), body

def closed_by_server(s, seconds):
    """Whether the server closes s within seconds (polling, no request sent)."""
    s.settimeout(1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return s.recv(1) == b""
        except (socket.timeout, TimeoutError):
            continue
        except (ConnectionError, ssl.SSLError, OSError):
            return True
    return False

kiosk = []
for i in range(kiosks):
    s = connect("127.0.0.2")
    status, _ = get(s)
    print("kiosk opened", i, status, flush=True)
    kiosk.append(s)
conns = []
for i in range(n):
    s = connect()
    status, _ = get(s)
    print("opened", i, status, flush=True)
    conns.append(s)
for i in range(closed_first):
    if closed_by_server(conns[i], 120):
        print("closed", i, flush=True)
for i in range(closed_first, n):
    try:
        conns[i].settimeout(120)
        status, _ = get(conns[i])
        print("answers", i, status, flush=True)
    except Exception as e:
        print("lost", i, e, flush=True)
for i, s in enumerate(kiosk):
    try:
        s.settimeout(120)
        print("kiosk", i, get(s)[0], flush=True)
    except Exception as e:
        print("kiosk", i, "lost", e, flush=True)
s = connect()
status, body = get(s, "/metrics")
print("new", status, flush=True)
m = re.search(rb"(?m)^fairmatch_idle_closed_total (\d+)", body)
print("idle_closed", m.group(1).decode() if m else "none", flush=True)
PY

# Past the idle cap: 7 connections, 4 kept idle, the 3 oldest closed.
start --max-idle-connections 4
"$py" "$WORK/idle.py" "$port" 7 3 "$ca" > "$WORK/idle.out" 2>&1 || bad "the client failed: $(tail -3 "$WORK/idle.out")"
[ "$(grep -c '^opened .* 200$' "$WORK/idle.out")" = 7 ] && ok || bad "not every connection was answered: $(cat "$WORK/idle.out")"
[ "$(grep '^closed' "$WORK/idle.out" | tr '\n' ' ')" = "closed 0 closed 1 closed 2 " ] && ok ||
  bad "the three longest idle were not closed: $(grep -v '^opened' "$WORK/idle.out")"
[ "$(grep '^answers' "$WORK/idle.out" | tr '\n' ' ')" = "answers 3 200 answers 4 200 answers 5 200 answers 6 200 " ] && ok ||
  bad "the four newest idle connections do not all answer: $(grep -v '^opened' "$WORK/idle.out")"
has "a new client is answered" "$WORK/idle.out" "new 200"
has "the closed idle connections counted" "$WORK/idle.out" "idle_closed 3"
stop

# Idle connections holding the connection cap: the fifth and sixth clients are answered.
start --max-connections 4 --max-idle-connections 100
"$py" "$WORK/idle.py" "$port" 5 1 "$ca" > "$WORK/cap.out" 2>&1 || bad "the client failed at the cap: $(tail -3 "$WORK/cap.out")"
[ "$(grep -c '^opened .* 200$' "$WORK/cap.out")" = 5 ] && ok ||
  bad "a client was not answered with the cap held by idle connections: $(cat "$WORK/cap.out")"
has "an idle connection made room" "$WORK/cap.out" "closed 0"
has "a new client is answered at the cap" "$WORK/cap.out" "new 200"
stop

# A kiosk's idle connection (127.0.0.2) among six of one other client's (127.0.0.1) past a cap
# of 4: that client's three oldest go, the kiosk's stays, though it has been idle longest.
start --max-idle-connections 4
"$py" "$WORK/idle.py" "$port" 6 3 "$ca" 1 > "$WORK/many.out" 2>&1 || bad "the client failed: $(tail -3 "$WORK/many.out")"
[ "$(grep '^closed' "$WORK/many.out" | tr '\n' ' ')" = "closed 0 closed 1 closed 2 " ] && ok ||
  bad "the client with many idle connections did not lose its three oldest: $(grep -v 'opened' "$WORK/many.out")"
has "the kiosk's idle connection still answers" "$WORK/many.out" "kiosk 0 200"
stop
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" && bad "a sanitizer report" || ok
finish
