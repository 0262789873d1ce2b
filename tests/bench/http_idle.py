"""Holds N idle keep-alive TLS connections to a server, each after one
request, and reports how many were held and the server's RSS before and
after.  Usage: http_idle.py PORT N PID"""
import asyncio, ssl, sys

port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

async def one(ctx, held):
    r, w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
    w.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    await r.readexactly(length)
    held.append(w)

async def main():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    before = rss_kb()
    held, sem = [], asyncio.Semaphore(200)
    async def guarded():
        async with sem:
            try:
                await one(ctx, held)
            except Exception:
                pass
    await asyncio.gather(*(guarded() for _ in range(n)))
    await asyncio.sleep(1)
    after = rss_kb()
    print(len(held), before, after)
    for w in held:
        w.close()

asyncio.run(main())
