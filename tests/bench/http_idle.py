"""Holds N idle keep-alive TLS (or plain) connections to a server, each
after one request, and reports how many were answered, how many the server
still holds open a second later (it may close idle ones past a cap) and
its RSS before and after (summed over PIDS, comma-separated).
Usage: http_idle.py PORT N PIDS [plain] [PATH]"""
import asyncio, ssl, sys

port, n, pids = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
plain = len(sys.argv) > 4 and sys.argv[4] == "plain"
path = sys.argv[5] if len(sys.argv) > 5 else "/healthz"

def rss_kb():
    total = 0
    for pid in pids:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total

async def one(ctx, held):
    r, w = await asyncio.open_connection("127.0.0.1", port, ssl=None if plain else ctx)
    w.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    await r.readexactly(length)
    held.append((r, w))

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
    still = sum(1 for r, _ in held if not r.at_eof())
    print(len(held), still, before, after)
    for _, w in held:
        w.close()

asyncio.run(main())
