#!/usr/bin/env python3
"""Crash safety, the two halves of tests/cli/crash.sh.

  crash.py drive PORT CA CLERK_TOKEN ORG_TOKEN CYCLE LOG TEMPLATE.csv
      Talks to the server until it is killed: uploads of Hangzhou's
      catalogue (10 to 500 rows, each upload's codes its own), outcomes
      recorded for meetings, the schedule re-solved and meetings locked and
      unlocked, one request at a time.  Every request is written to LOG as
      "sent" before it goes and as "ack" once the server acknowledged it,
      so at most one request per cycle is in doubt.

  crash.py verify DATA LOG...
      After a restart, once the spool is empty: every acknowledged change is
      in the store whole; the one in doubt is there whole or not at all;
      no meeting clashes; the kept originals hash to what was sent; nothing
      is left in the spool.  Prints the failures, one a line; exits 1 if any.
"""
import csv
import hashlib
import http.client
import io
import json
import os
import random
import sqlite3
import ssl
import sys

FAIR = "YQH-2026"


def drive(port, ca, clerk, org, cycle, log_path, template):
    rows = list(csv.reader(open(template, encoding="utf-8")))
    header, body = rows[0], [r for r in rows[1:] if r[4].startswith("杭州")]
    ctx = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("localhost", int(port), context=ctx, timeout=60)
    log = open(log_path, "a", encoding="utf-8")
    rng = random.Random(int(cycle) * 7919)

    def note(kind, op):
        log.write(json.dumps(dict(op, event=kind), ensure_ascii=False) + "\n")
        log.flush()

    def call(method, path, token, data=None, ctype="application/json"):
        headers = {"Authorization": "Bearer " + token}
        if data is not None:
            headers["Content-Type"] = ctype
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    def meetings():
        status, b = call("GET", "/api/v1/fairs/%s/schedule" % FAIR, org)
        if status != 200:
            return []
        return [m["id"] for m in json.loads(b)["meetings"]]

    n = 0
    try:
        ids = meetings()
        while True:
            n += 1
            pick = rng.random()
            op = {"cycle": int(cycle), "n": n}
            if pick < 0.4:
                count = rng.choice([10, 40, 150, 500])
                tag = "K%02d%03d" % (int(cycle), n)
                out = io.StringIO()
                w = csv.writer(out)
                w.writerow(header)
                for i in range(count):
                    r = list(body[i % len(body)])
                    r[0] = "%s-%04d" % (tag, i)
                    r[1] = "%s（第%d-%d批）" % (r[1], int(cycle), n)
                    w.writerow(r)
                data = out.getvalue().encode("utf-8")
                op.update(kind="upload", tag=tag, rows=count, filename=tag + ".csv",
                          sha256=hashlib.sha256(data).hexdigest())
                note("sent", op)
                status, b = call("POST", "/api/v1/uploads?kind=supply&filename=%s.csv" % tag,
                                 clerk, data, "text/csv")
                if status == 202:
                    note("ack", op)
            elif pick < 0.7 and ids:
                mid = rng.choice(ids)
                cents = rng.randrange(1, 10 ** 7)
                op.update(kind="outcome", meeting=mid, cents=cents)
                note("sent", op)
                status, b = call("POST", "/api/v1/fairs/%s/meetings/%d/outcome" % (FAIR, mid), org,
                                 json.dumps({"held": True, "kind": "contract",
                                             "amount": "%d.%02d" % divmod(cents, 100)}))
                if status == 200:
                    note("ack", op)
            elif pick < 0.85 and ids:
                mid = rng.choice(ids)
                locked = rng.random() < 0.5
                op.update(kind="lock", meeting=mid, locked=locked)
                note("sent", op)
                status, b = call("POST", "/api/v1/fairs/%s/meetings/%d/lock" % (FAIR, mid), org,
                                 json.dumps({"locked": locked}))
                if status == 200:
                    note("ack", op)
            else:
                op.update(kind="schedule")
                note("sent", op)
                status, b = call("POST", "/api/v1/fairs/%s/schedule?wait=1&time_limit=1&publish=1" % FAIR,
                                 org, b"")
                if status == 200:
                    note("ack", op)
                    ids = meetings()
    except (OSError, http.client.HTTPException):
        pass            # the server was killed


def verify(data, logs):
    fails = []
    db = sqlite3.connect("file:%s/fairmatch.db?mode=ro" % data, uri=True)
    q = lambda sql, *a: db.execute(sql, a).fetchall()

    # Each log: its requests in order, each acknowledged or not (the last one may be in doubt).
    ops = []
    for path in logs:
        seen = {}
        for line in open(path, encoding="utf-8"):
            e = json.loads(line)
            key = (e["cycle"], e["n"])
            if e["event"] == "sent":
                seen[key] = dict(e, acked=False)
                ops.append(seen[key])
            else:
                seen[key]["acked"] = True
    for op in ops:
        if op["kind"] != "upload":
            continue
        n = q("SELECT count(*) FROM products WHERE code LIKE ?", op["tag"] + "-%")[0][0]
        ups = q("SELECT rows, sha256 FROM uploads WHERE filename = ?", op["filename"])
        if op["acked"] and (n != op["rows"] or len(ups) != 1):
            fails.append("acknowledged upload %s: %d of %d rows, %d upload records"
                         % (op["filename"], n, op["rows"], len(ups)))
        elif n not in (0, op["rows"]) or len(ups) > 1:
            fails.append("upload in doubt %s half there: %d of %d rows, %d upload records"
                         % (op["filename"], n, op["rows"], len(ups)))
        for rows, sha in ups:
            if rows != op["rows"] or sha != op["sha256"]:
                fails.append("upload %s recorded as %d rows, sha %s" % (op["filename"], rows, sha))
            blob = os.path.join(data, "uploads", sha[:2], sha)
            try:
                got = hashlib.sha256(open(blob, "rb").read()).hexdigest()
            except OSError as e:
                got = str(e)
            if got != op["sha256"]:
                fails.append("kept original of %s: %s" % (op["filename"], got))

    # Outcomes and locks: the last acknowledged value, or one sent after it in doubt.
    def allowed(kind, field, absent):
        want = {}
        for op in ops:
            if op["kind"] != kind:
                continue
            m = op["meeting"]
            if op["acked"]:
                want[m] = {op[field]}
            else:
                want.setdefault(m, {absent}).add(op[field])
        return want
    for m, ok in allowed("outcome", "cents", None).items():
        got = q("SELECT amount_cents FROM outcomes WHERE meeting_id = ?", m)
        got = got[0][0] if got else None
        if got not in ok:
            fails.append("meeting %d: outcome %s, wanted one of %s" % (m, got, sorted(ok, key=str)))
    recorded = {r[0] for r in q("SELECT meeting_id FROM outcomes")}
    for m, ok in allowed("lock", "locked", False).items():
        got = q("SELECT locked FROM meetings WHERE id = ?", m)
        if not got and True in ok and False not in ok:
            fails.append("meeting %d locked and acknowledged, now gone" % m)
        elif got and bool(got[0][0]) not in ok:
            fails.append("meeting %d: locked=%d, wanted %s" % (m, got[0][0], ok))
    for m in recorded:
        if not q("SELECT 1 FROM meetings WHERE id = ?", m):
            fails.append("meeting %d has an outcome but is gone" % m)

    # The schedule on the floor: nobody in two places, no table twice, in any slot.
    fair = q("SELECT id FROM fairs WHERE code = ?", FAIR)[0][0]
    for what, col in (("table", "table_no"), ("buyer", "buyer_pid"), ("supplier", "supplier_pid")):
        for slot, x, c in q("SELECT slot, %s, count(*) FROM meetings WHERE fair_id = ?"
                            " GROUP BY slot, %s HAVING count(*) > 1" % (col, col), fair):
            fails.append("slot %d: %s %d in %d meetings" % (slot, what, x, c))
    if not q("SELECT count(*) FROM meetings WHERE fair_id = ?", fair)[0][0]:
        fails.append("the schedule is empty")

    check = q("PRAGMA integrity_check")
    if check != [("ok",)]:
        fails.append("integrity_check: %s" % check[:5])
    spool = os.path.join(data, "spool")
    left = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    if left:
        fails.append("spool not empty: %s" % left[:5])
    for f in fails:
        print(f)
    print("checked %d requests, %d acknowledged" % (len(ops), sum(o["acked"] for o in ops)),
          file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1] == "drive":
        drive(*sys.argv[2:9])
    else:
        sys.exit(verify(sys.argv[2], sys.argv[3:]))
