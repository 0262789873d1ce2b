"""abuse.py COMMAND PORT CA ... — the clients of tests/cli/abuse.sh (which checks
what the server does) and tests/bench/abuse.sh (which reports how fast).

  latency OUT           kiosk searches until OUT.stop appears, on a kept-alive connection
                        and on a new connection each time; every reply must be the very
                        reply a fresh connection got for that search before the load.
                        One line per mode to OUT: mode n errors misses p50 p99 max (ms)
                        first-error; the searches of 100 ms or more to OUT.slow.
  churn MODE N CONC     N connections, CONC at a time: tcp (FIN), rst (RST), tls (handshake,
                        close), req (handshake, GET /healthz); prints ok n seconds rate errors
  malformed [NAME...]   each malformed request; prints verdict name wanted-status/how seconds
                        and, when it failed, what the server sent
  deadline              a kept-alive connection idle past the request deadline, and half a
                        request pipelined behind a whole one; prints one line for each

Hang guards (GUARD seconds) only stop a client that would wait for ever; what is
checked is what the server sent and that it closed the connection."""
import asyncio, http.client, json, os, socket, ssl, struct, sys, threading, time, urllib.parse

port, ca = int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
GUARD = 120

# What web/kiosk.js asks as a visitor types: kind=supply&prefix=1; 100 hits when the fair
# has several cities (the page filters them), 20 with a city or category chip; 大米 and 木耳
# find nothing in these fixtures, as often at a fair.
KIOSK = [
    {"q": "茶", "limit": 100}, {"q": "茶叶", "limit": 100}, {"q": "茶叶", "region": "杭州市", "limit": 20},
    {"q": "龙井", "limit": 100}, {"q": "longjing", "limit": 100}, {"q": "黄", "limit": 100},
    {"q": "黄酒", "region": "绍兴市", "limit": 20}, {"q": "大米", "limit": 100}, {"q": "木耳", "limit": 100},
    {"q": "不锈", "limit": 100}, {"q": "不锈钢", "category": "五金工具", "limit": 20},
    {"q": "电动工具", "limit": 100}, {"q": "领带", "region": "绍兴市", "limit": 20},
    {"q": "茶叶", "region": "杭州市", "limit": 20, "offset": 20},
]
URLS = ["/api/v1/search?" + urllib.parse.urlencode(dict(q=k["q"], kind="supply", prefix=1,
        **{n: v for n, v in k.items() if n != "q"})) for k in KIOSK]


def pct(v, q):
    v = sorted(v)
    return v[max(0, min(len(v) - 1, -(-int(q * len(v) * 1000) // 1000) - 1))] if v else 0.0


def get(url):
    """One GET on a new connection: status and body."""
    conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=GUARD)
    try:
        conn.request("GET", url, headers={"Accept": "application/json", "Connection": "close"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def latency(out):
    # The replies to compare with: each search once, before the load.
    want = {}
    for url in URLS:
        status, body = get(url)
        if status != 200 or not body.startswith(b'{"hits":['):
            raise SystemExit("reference search %s: status %d %r" % (url, status, body[:200]))
        want[url] = body
    start = time.monotonic()
    res = {m: {"ms": [], "errors": 0, "miss": 0, "error": "-", "slow": []} for m in ("keepalive", "newconn")}

    # Until told to stop, and at least one search each: on a loaded machine the reference
    # searches above can outlast a short phase, which then measured nothing.
    def running(r):
        return not os.path.exists(out + ".stop") or not (r["ms"] or r["errors"])

    def ask(conn, url, r):
        t0 = time.monotonic()
        conn.request("GET", url, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        body = resp.read()
        ms = (time.monotonic() - t0) * 1e3
        if resp.status != 200 or body != want[url]:
            raise RuntimeError("%s: status %d, %s" % (url, resp.status,
                               "the reply differs from the reference" if resp.status == 200 else body[:100]))
        r["miss"] += resp.getheader("X-Cache") == "miss"
        r["ms"].append(ms)
        if ms >= 100:
            r["slow"].append("%.1f %.0f" % (t0 - start, ms))

    def fail(r, e):
        r["errors"] += 1
        if r["error"] == "-":
            r["error"] = repr(e).replace(" ", "_")[:200]

    def keepalive():    # a kiosk's browser: one connection, kept (20 ms between searches)
        r, conn, i = res["keepalive"], None, 0
        while running(r):
            try:
                if conn is None:    # connected outside the timing: a kept-alive connection
                    conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=GUARD)
                    conn.connect()
                ask(conn, URLS[i % len(URLS)], r)
            except Exception as e:
                fail(r, e)
                conn = None
            i += 1
            time.sleep(0.02)

    def newconn():      # a kiosk whose connection was closed: TCP and a full handshake each time
        r, i = res["newconn"], 0
        while running(r):
            conn = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=GUARD)
            try:
                ask(conn, URLS[(i * 5) % len(URLS)], r)
            except Exception as e:
                fail(r, e)
            conn.close()
            i += 1
            time.sleep(0.1)

    threads = [threading.Thread(target=keepalive), threading.Thread(target=newconn)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(out, "w") as f:
        for mode, r in res.items():
            f.write("%s %d %d %d %.1f %.1f %.1f %s\n" % (mode, len(r["ms"]), r["errors"], r["miss"],
                    pct(r["ms"], 0.5), pct(r["ms"], 0.99), max(r["ms"], default=0), r["error"]))
    with open(out + ".slow", "w") as f:     # searches of 100 ms or more: seconds into the run, ms
        for mode, r in res.items():
            f.write("".join("%s %s\n" % (mode, x) for x in r["slow"]))


def churn(mode, n, conc):
    ok, errs = [0], {}

    async def one():
        if mode in ("tcp", "rst"):
            r, w = await asyncio.open_connection("127.0.0.1", port)
            if mode == "rst":
                w.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                      struct.pack("ii", 1, 0))
        else:
            r, w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost")
            if mode == "req":
                w.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                if not (await r.read()).startswith(b"HTTP/1.1 200 "):
                    raise RuntimeError("not 200")
        w.close()
        await w.wait_closed()
        ok[0] += 1

    async def main():
        sem = asyncio.Semaphore(conc)

        async def guarded():
            async with sem:
                try:
                    await asyncio.wait_for(one(), GUARD)
                except Exception as e:
                    errs[type(e).__name__] = errs.get(type(e).__name__, 0) + 1
        await asyncio.gather(*(guarded() for _ in range(n)))

    t0 = time.monotonic()
    asyncio.run(main())
    dt = time.monotonic() - t0
    print(ok[0], n, "%.1f" % dt, int(ok[0] / dt), ",".join("%s:%d" % e for e in errs.items()) or "-")


def read_all(s):
    """What the server sends until it closes: bytes, and how it ended (closed, reset, or
    still open when the hang guard ran out)."""
    got = b""
    s.settimeout(GUARD)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return got, "closed"
            got += d
    except socket.timeout:
        return got, "open"
    except OSError:
        return got, "reset"


def tcp_send(payload, shut=False):
    s = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
    s.sendall(payload)
    if shut:
        s.shutdown(socket.SHUT_WR)
    return read_all(s)


def tls_send(payload, shut=False):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=GUARD),
                        server_hostname="localhost")
    s.sendall(payload)
    if shut:
        s.shutdown(socket.SHUT_WR)      # EOF inside TLS, no close_notify
    return read_all(s)


def record_then(mangle):
    """A handshake over memory BIOs, then a request's record, mangled, sent raw."""
    s = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            s.sendall(out.read())
            d = s.recv(65536)
            if not d:
                return b"", "closed-in-handshake"
            inc.write(d)
    s.sendall(out.read())
    obj.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    s.sendall(mangle(out.read()))
    s.shutdown(socket.SHUT_WR)
    return read_all(s)


H = b"Host: localhost\r\nConnection: close\r\n"
GET = b"GET /healthz HTTP/1.1\r\n" + H
LOGIN = b"POST /api/v1/login HTTP/1.1\r\n" + H + b"X-Requested-With: x\r\n"
# A chunked body goes through only to an upload route from a client with credentials (any
# cookie: the head is judged before the session is looked up); elsewhere it is refused 411.
CHUNKED = (b"POST /api/v1/uploads?kind=supply HTTP/1.1\r\n" + H + b"X-Requested-With: x\r\n"
           b"Cookie: fm_session=x\r\nTransfer-Encoding: chunked\r\n\r\n")

# What the server must send before it closes. NOTHING: no byte at all. ALERT: one TLS alert
# record and nothing else. page(...): libevent's own error page, whole. error(...): the
# server's JSON error, whole. HEALTHZ: /healthz's reply. same(URL): byte for byte the reply
# a plain GET of URL gets.
NOTHING, ALERT, HEALTHZ = ("none", "nothing", None), ("none", "alert", None), ("200", "healthz", None)


def page(status, reason):
    return (str(status), "page", "<HTML><HEAD>\n<TITLE>%d %s</TITLE>\n</HEAD><BODY>\n<H1>%s</H1>\n"
            "</BODY></HTML>\n" % (status, reason, reason))


def error(status, code, message):
    return (str(status), "json", {"error": code, "message": message})


def same(url):
    return ("200", "same", url)


UNDECODABLE = error(400, "bad_request", "请求路径或参数无法解析（须为 UTF-8） / the path or query"
                    " cannot be decoded (it must be UTF-8)")
BAD_REQUEST = page(400, "Bad Request")
TOO_LARGE = page(413, "Request Entity Too Large")


def over(path, length, limit=1048576):
    """The refusal of a body over its route's limit, sent from the head: the body is never read."""
    return error(413, "too_large", "请求体 %d 字节，超过 %s 的上限 %d 字节，未读取 / the body of %d"
                 " bytes is over the limit of %s, %d bytes; it was not read"
                 % (length, path, limit, length, path, limit))


def length_required(path):
    """The refusal of a chunked body where a length is needed, sent from the head."""
    return error(411, "length_required", "%s 需要带 Content-Length 的请求体（不接受分块传输） / %s needs"
                 " a body with a Content-Length (no chunked transfer)" % (path, path))


TWO_LENGTHS = error(400, "bad_request", "请求的 Content-Length 重复，或与 Transfer-Encoding"
                    " 同时出现 / the request has more than one Content-Length, or one with"
                    " Transfer-Encoding")
NOT_IMPLEMENTED = page(501, "Not Implemented")

# name: (request, what the server must send before it closes)
CASES = {
    "garbage": (lambda: tcp_send(bytes(range(256)) * 16), NOTHING),
    "plain-http-on-tls-port": (lambda: tcp_send(GET + b"\r\n"), NOTHING),
    "truncated-client-hello": (lambda: tcp_send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(20), True), NOTHING),
    "truncated-record": (lambda: record_then(lambda r: r[:-10]), NOTHING),
    "corrupt-record": (lambda: record_then(lambda r: r[:-1] + bytes([r[-1] ^ 1])), ALERT),
    "header-20k": (lambda: tls_send(GET + b"X-Long: " + b"a" * 20000 + b"\r\n\r\n"), BAD_REQUEST),
    "headers-10k": (lambda: tls_send(GET + b"".join(b"X-H%d: v\r\n" % i for i in range(10000)) + b"\r\n"), BAD_REQUEST),
    "request-line-100k": (lambda: tls_send(b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n" + H + b"\r\n"), BAD_REQUEST),
    "query-100k": (lambda: tls_send(b"GET /api/v1/search?q=" + b"%E8%8C%B6" * 11000 + b" HTTP/1.1\r\n" + H + b"\r\n"), BAD_REQUEST),
    "content-length-huge-no-body": (lambda: tls_send(LOGIN + b"Content-Length: 99999999999\r\n\r\n"),
                                    over("/api/v1/login", 99999999999)),
    # A length past what a 64-bit count holds is read as the largest one.
    "content-length-overflow": (lambda: tls_send(LOGIN + b"Content-Length: 184467440737095516160\r\n\r\n"),
                                over("/api/v1/login", 9223372036854775807)),
    "content-length-negative": (lambda: tls_send(LOGIN + b"Content-Length: -1\r\n\r\n"), BAD_REQUEST),
    # Where the body ends is in doubt (RFC 9112 6.3): refused, as chunked-and-length is.
    "content-length-twice": (lambda: tls_send(LOGIN + b"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}"),
                             TWO_LENGTHS),
    "body-short-then-eof": (lambda: tls_send(LOGIN + b"Content-Length: 1000\r\n\r\n{", True), NOTHING),
    # The first 64 KiB of a 2 MiB body: refused from the head, before any of it is read.
    "body-2m": (lambda: tls_send(LOGIN + b"Content-Length: 2097152\r\n\r\n" + b"{" * 65536),
                over("/api/v1/login", 2097152)),
    "upload-100m-announced": (lambda: tls_send(b"POST /api/v1/uploads?kind=supply HTTP/1.1\r\n" + H + b"Content-Length: 104857600\r\n\r\n"),
                              error(413, "too_large", "请先登录再上传：未登录的请求体至多 1048576 字节，此请求"
                                    " 104857600 字节，未读取 / sign in before uploading: a request without"
                                    " credentials may carry at most 1048576 bytes; this one has 104857600,"
                                    " not read")),
    # libevent refuses a chunk size it cannot read as too large, whatever is wrong with it.
    "chunk-size-not-hex": (lambda: tls_send(CHUNKED + b"ZZZ\r\n"), TOO_LARGE),
    "chunk-size-overflow": (lambda: tls_send(CHUNKED + b"FFFFFFFFFFFFFFFFFFFF\r\n"), TOO_LARGE),
    "chunk-size-negative": (lambda: tls_send(CHUNKED + b"-5\r\nabc\r\n"), TOO_LARGE),
    "chunk-short-then-eof": (lambda: tls_send(CHUNKED + b"10\r\nabc\r\n0\r\n\r\n", True), NOTHING),
    "chunked-and-length": (lambda: tls_send(LOGIN + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), TWO_LENGTHS),
    "chunked-on-login": (lambda: tls_send(LOGIN + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
                         length_required("/api/v1/login")),
    # A % not followed by two hex digits stays as it is: the search for the literal text.
    "percent-not-hex": (lambda: tls_send(b"GET /api/v1/search?q=%ZZ%G HTTP/1.1\r\n" + H + b"\r\n"),
                        same("/api/v1/search?q=%25ZZ%25G")),
    "percent-cut-utf8": (lambda: tls_send(b"GET /api/v1/search?q=%E8%8C HTTP/1.1\r\n" + H + b"\r\n"), UNDECODABLE),
    "percent-nul-path": (lambda: tls_send(b"GET /healthz%00.html HTTP/1.1\r\n" + H + b"\r\n"), UNDECODABLE),
    "percent-nul-query": (lambda: tls_send(b"GET /api/v1/search?q=%00 HTTP/1.1\r\n" + H + b"\r\n"), UNDECODABLE),
    "percent-overlong-dots": (lambda: tls_send(b"GET /%C0%AE%C0%AE/%C0%AE%C0%AE/etc/passwd HTTP/1.1\r\n" + H + b"\r\n"), UNDECODABLE),
    "nul-in-request-line": (lambda: tls_send(b"GET /healthz\x00 HTTP/1.1\r\n" + H + b"\r\n"), BAD_REQUEST),
    "nul-in-header": (lambda: tls_send(GET + b"X-A: a\x00b\r\n\r\n"), HEALTHZ),
    # Each way around the head's judgement is closed: a chunked upload with no credentials,
    # "chunked" in another case, a head ended by LF CR LF, a NUL before the length.
    "chunked-upload-no-credentials": (lambda: tls_send(b"POST /api/v1/uploads?kind=supply HTTP/1.1\r\n" + H +
                                                       b"Transfer-Encoding: chunked\r\n\r\n"), length_required("/api/v1/uploads")),
    "chunked-mixed-case": (lambda: tls_send(LOGIN + b"Transfer-Encoding: cHunKed\r\n\r\n"), length_required("/api/v1/login")),
    "head-ends-lf-crlf": (lambda: tls_send(b"POST /api/v1/login HTTP/1.1\nHost: localhost\nConnection: close\n"
                                           b"Content-Length: 60000000\n\r\n" + b"{" * 30000), over("/api/v1/login", 60000000)),
    "nul-before-length": (lambda: tls_send(LOGIN + b"X-A: \x00\r\nContent-Length: 60000000\r\n\r\n"),
                          over("/api/v1/login", 60000000)),
    # No head ever ends: nothing is answered (HTTP/0.9 has no status line to answer with).
    "http-0.9": (lambda: tls_send(b"GET /\r\n"), NOTHING),
    "http-9.9": (lambda: tls_send(b"GET / HTTP/9.9\r\n" + H + b"\r\n"), BAD_REQUEST),
    "absolute-uri": (lambda: tls_send(b"GET https://localhost/healthz HTTP/1.1\r\n" + H + b"\r\n"), HEALTHZ),
    # The host of an absolute URI is not looked at: the path is served as ours.
    "absolute-uri-other-host": (lambda: tls_send(b"GET http://evil.example/api/v1/search?q=x HTTP/1.1\r\n" + H + b"\r\n"),
                                same("/api/v1/search?q=x")),
    # Answered at once, but closed only at the request deadline.
    "authority-form": (lambda: tls_send(b"CONNECT evil.example:443 HTTP/1.1\r\n" + H + b"\r\n"), NOT_IMPLEMENTED),
    "asterisk-form": (lambda: tls_send(b"OPTIONS * HTTP/1.1\r\n" + H + b"\r\n"), NOT_IMPLEMENTED),
    "no-leading-slash": (lambda: tls_send(b"GET evil.example HTTP/1.1\r\n" + H + b"\r\n"),
                         error(404, "not_found", "没有这个文件 / no such file: evil.example")),
    "unknown-method": (lambda: tls_send(b"BREW /healthz HTTP/1.1\r\n" + H + b"\r\n"), NOT_IMPLEMENTED),
    "obs-fold": (lambda: tls_send(GET + b"X-A: a\r\n b\r\n\r\n"), HEALTHZ),
    "header-without-colon": (lambda: tls_send(GET + b"NoColonHere\r\n\r\n"), BAD_REQUEST),
    "bare-lf": (lambda: tls_send(GET.replace(b"\r\n", b"\n") + b"\n"), HEALTHZ),
    "pipelined-500": (lambda: tls_send((b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n") * 499 + GET + b"\r\n"), HEALTHZ),
}


def verdict(name, want, got, how):
    """Whether the server sent exactly what it must, then closed; and what it sent."""
    status, kind, arg = want
    head, _, body = got.partition(b"\r\n\r\n")
    first = head.split(b"\r\n", 1)[0].decode("latin-1")
    got_status = first.split(" ")[1] if first.startswith("HTTP/1.1 ") else "none"
    if how not in ("closed", "reset"):
        return False, "%s/%s: not closed by the server" % (got_status, how)
    if got_status != status:
        return False, "status %s, wanted %s: %r" % (got_status, status, got[:120])
    if kind == "nothing":
        return got == b"", "%d bytes" % len(got)
    if kind == "alert":     # one record: type 21, version, length, and that many bytes
        return len(got) >= 5 and got[0] == 0x15 and len(got) == 5 + int.from_bytes(got[3:5], "big"), \
            "%d bytes: %r" % (len(got), got[:8])
    if name.startswith("pipelined-"):
        n = int(name.split("-")[1])
        return got.count(b"HTTP/1.1 200 OK\r\n") == n and got.count(b"HTTP/1.1 ") == n, \
            "%d of %d answered 200" % (got.count(b"HTTP/1.1 200 OK\r\n"), n)
    if kind == "page":
        return body.decode("latin-1") == arg, repr(body[:120])
    if kind == "json":
        try:
            return json.loads(body) == arg, body.decode("utf-8", "replace")[:200]
        except ValueError:
            return False, "not JSON: %r" % body[:120]
    if kind == "healthz":
        try:
            return json.loads(body)["status"] == "ok", body.decode()[:120]
        except (ValueError, KeyError):
            return False, "not /healthz: %r" % body[:120]
    if kind == "same":
        ref_status, ref = get(arg)
        return ref_status == 200 and body == ref, "%r, wanted %r" % (body[:80], ref[:80])
    raise ValueError(kind)


def malformed(names):
    for name in names or CASES:
        send, want = CASES[name]
        t0 = time.monotonic()
        try:
            got, how = send()
        except Exception as e:
            got, how = b"", "error:" + type(e).__name__
        good, detail = verdict(name, want, got, how)
        print("%s %s %s/%s %.2f %s" % ("ok" if good else "FAIL", name, want[0], how,
              time.monotonic() - t0, "-" if good else detail.replace("\n", "\\n")))


def deadline():
    """A kept-alive connection idle for longer than the request deadline (IDLE seconds)
    is still answered; half a request pipelined behind a whole one is answered for the
    whole one, then closed by the server (the test's idle timeout is far longer)."""
    req = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
    idle_for = float(os.environ.get("IDLE", "10"))
    out = {}

    def idle():
        t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=GUARD),
                            server_hostname="localhost")
        t.sendall(req)
        first = t.recv(65536)
        time.sleep(idle_for)
        t.sendall(req)
        second = t.recv(65536)
        out["idle"] = "%s %s" % (first.startswith(b"HTTP/1.1 200 OK\r\n"), second.startswith(b"HTTP/1.1 200 OK\r\n"))

    def partial():
        t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=GUARD),
                            server_hostname="localhost")
        start = time.monotonic()
        t.sendall(req + b"GET /hea")
        got, how = read_all(t)
        out["partial"] = "%s %d %s %.1f" % (got.startswith(b"HTTP/1.1 200 OK\r\n"),
                                            got.count(b"HTTP/1.1 "), how, time.monotonic() - start)
    ts = [threading.Thread(target=f) for f in (idle, partial)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    print("idle", out.get("idle", "error"))
    print("partial", out.get("partial", "error"))


cmd = sys.argv[1]
if cmd == "latency":
    latency(sys.argv[4])
elif cmd == "churn":
    churn(sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
elif cmd == "malformed":
    malformed(sys.argv[4:])
elif cmd == "deadline":
    deadline()
