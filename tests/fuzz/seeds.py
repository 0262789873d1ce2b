#!/usr/bin/env python3
"""seeds.py OUTDIR — raw seed inputs for every harness, from the fixtures, the
bad-file corpus and the B2B instances (fixtures/b2b, and the full set in $B2B
when script/bench sets it), written to OUTDIR/<name>/.  The committed
corpus (corpus/<name>/) is these seeds minimised with libFuzzer's -merge=1 and
grown by fuzzing: tests/bench/reliability.sh does both."""
import csv, io, json, os, sys, zipfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
fix = os.path.join(root, "fixtures")
b2b = [os.path.join(fix, "b2b")] + ([os.path.join(os.environ["B2B"], "instances")]
                                    if os.environ.get("B2B") else [])
out = sys.argv[1]

def put(name, fname, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)

def read(p):
    with open(p, "rb") as f:
        return f.read()

def head_lines(data, n):
    return b"".join(data.splitlines(keepends=True)[:n])

# ---- csv: the bad corpus, and the heads of every catalogue encoding
for f in sorted(os.listdir(os.path.join(fix, "bad"))):
    p = os.path.join(fix, "bad", f)
    if f.endswith(".csv"):
        put("csv", "bad-" + f, read(p))
    elif f.endswith(".json"):
        put("json", "bad-" + f, read(p))
    elif f.endswith(".xlsx") and os.path.getsize(p) < 8192:
        put("xlsx", "bad-" + f, read(p))
for f in ("supply.csv", "supply-bom.csv", "supply-gbk.csv", "demand.csv", "demand-bom.csv",
          "demand-gbk.csv", "fairs.csv", "provinces.csv"):
    put("csv", "head-" + f, head_lines(read(os.path.join(fix, "catalog", f)), 5))
sup = head_lines(read(os.path.join(fix, "catalog", "supply.csv")), 4).decode()
rows = list(csv.reader(io.StringIO(sup)))
tsv = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
put("csv", "utf16le-tab.csv", b"\xff\xfe" + tsv.encode("utf-16-le"))
put("csv", "utf16be-tab.csv", b"\xfe\xff" + tsv.encode("utf-16-be"))
put("csv", "semicolon.csv", "\n".join(";".join(r) for r in rows) + "\n")
put("csv", "title-rows.csv", "2026年杭州市名优特新产品目录,,\n\n" + sup)
put("csv", "quoted.csv", '产品编号,产品名称,产品简介\n"A1","茶""叶""","一行\r\n两行"\n')

# ---- json: the heads of both catalogues, plain and wrapped
for kind in ("supply", "demand"):
    items = json.load(open(os.path.join(fix, "catalog", kind + ".json"), encoding="utf-8"))
    if isinstance(items, dict):
        items = next(v for v in items.values() if isinstance(v, list))
    put("json", kind + "-head.json", json.dumps(items[:3], ensure_ascii=False, indent=1))
    put("json", kind + "-wrapped.json", json.dumps({"products": items[:2]}, ensure_ascii=False))
put("json", "types.json", '[{"code":"A1","name":"茶","price":12.5,"moq":1e3,"honours":["浙江名牌",'
    '"中华老字号"],"ok":true,"none":null,"phone":13812345678}]')

# ---- xlsx: workbooks zipped from parts, stored and deflated, and parts alone
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NSR = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
hdr = rows[0]
sst = hdr + [c for r in rows[1:3] for c in r]
def cell(ref, i):
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, i)
def colname(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
sheet_rows = []
k = 0
for ri, r in enumerate(rows[:3]):
    cells = "".join(cell("%s%d" % (colname(ci), ri + 1), k + ci) for ci in range(len(r)))
    k += len(r)
    sheet_rows.append('<row r="%d">%s</row>' % (ri + 1, cells))
sheet = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, "".join(sheet_rows))
sstxml = '<sst %s count="%d" uniqueCount="%d">%s</sst>' % (NS, len(sst), len(sst),
    "".join("<si><t>%s</t></si>" % s.replace("&", "&amp;").replace("<", "&lt;") for s in sst))
styles = ('<styleSheet %s><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="165" formatCode="0.00_ "/></numFmts><cellXfs count="5"><xf numFmtId="0"/>'
    '<xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="22"/><xf numFmtId="165"/></cellXfs></styleSheet>') % NS
wb = ('<workbook %s %s><workbookPr date1904="0"/><sheets><sheet name="说明" sheetId="2" r:id="rId4"/>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>') % (NS, NSR)
rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId4" Type="%s/chartsheet" Target="/xl/chartsheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="%s/sharedStrings" Target="sharedStrings.xml"/></Relationships>') % (REL, REL, REL, REL)
ctypes = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
def workbook(method):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        z.writestr("[Content_Types].xml", ctypes)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", styles)
        z.writestr("xl/sharedStrings.xml", sstxml)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return b.getvalue()
put("xlsx", "stored.xlsx", workbook(zipfile.ZIP_STORED))
put("xlsx", "deflated.xlsx", workbook(zipfile.ZIP_DEFLATED))
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("content.xml", "<office:document-content/>")
put("xlsx", "ods-lookalike.xlsx", b.getvalue())
put("xlsx", "parts-shared.txt", "\0".join([sheet, sstxml, styles, wb, rels]))
put("xlsx", "parts-inline.txt", '<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> 产品编号 </t></is></c>'
    '<c r="B1" t="inlineStr"><is><r><t>产品</t></r><r><rPr><b/></rPr><t>名称</t></r><rPh><t>ちゃ</t></rPh></is></c></row>'
    '<row r="3"><c r="A3" t="str"><f>A1&amp;"x"</f><v>T1_x000D_</v></c><c r="C3" t="b"><v>1</v></c>'
    '<c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="d"><v>2026-03-05T00:00:00</v></c><c r="XFD3"><v>1.5E+10</v></c></row>'
    '</sheetData></worksheet>' % NS)
put("xlsx", "parts-dates.txt", '<worksheet %s><sheetData><row><c t="inlineStr"><is><t>截止日期</t></is></c><c t="inlineStr"><is><t>采购数量</t></is></c></row>'
    '<row><c s="1"><v>46000</v></c><c s="2"><v>60</v></c><c s="3"><v>46000.75</v></c><c s="4"><v>13812345678</v></c><c><v>-0.000001</v></c></row>'
    '</sheetData></worksheet>\0\0%s\0<workbook %s %s><workbookPr date1904="1"/><sheets><sheet name="Sheet1" r:id="rId1"/></sheets></workbook>' % (NS, styles, NS, NSR))
put("xlsx", "parts-doctype.txt", '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><worksheet %s><sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>' % NS)

# ---- normalise: distinct cells of both catalogues, and edge cases
seen = set()
for kind in ("supply", "demand"):
    with open(os.path.join(fix, "catalog", kind + ".csv"), encoding="utf-8") as f:
        r = list(csv.reader(f))
    for col in range(len(r[0])):
        for row in r[1:40]:
            if col < len(row) and row[col] and row[col] not in seen and len(seen) < 400:
                seen.add(row[col])
for s in ["杭州", "Hangzhou", "HANGZHOU SHI", "浙江省杭州市", "新疆", "Xinjiang", "内蒙古自治区",
          "91330100MA27XL1234", "９１３３０１００ＭＡ２７ＸＬ１２３４", "+86 138-1234-5678",
          "(86)13812345678；0571-87654321转8012", "400-123-4567", "0571 8765 4321 ext 12",
          "¥1,200.50元", "12.5～20", "12.5至20", "面议", "=1+2", "1e5", "2026年2月29日",
          "2024/2/29", "20260305", "1.5万", "3千", "-5", "0", "99999999999999",
          "ＤＺ４７\u3000\u00a0 x\r\ny", "a；b;c、d,e，f\n\ng", "\ufeff\u200b杭州\u2028"]:
    seen.add(s)
for i, s in enumerate(sorted(seen)):
    put("normalise", "v%03d" % i, s)

# ---- tokenize and search: names, models, pinyin, traditional, the benchmark's queries
qs = set()
with open(os.path.join(root, "tests", "bench", "search.queries"), encoding="utf-8") as f:
    for line in f:
        if not line.startswith("#") and "\t" in line:
            qs.add(line.rstrip("\n").split("\t", 1)[1])
qs |= {"anjibaicha", "anji baicha", "xihulongjing", "dz4", "longj", "NEAR AND OR NOT", '"龙井"',
       "龙井*", "brand:龙井", "\" * : ^ ( ) - + { } [ ]", "，。！？", "　", "500ml", "DZ47-63 C16",
       "3.5.1", "ＬＥＤ灯泡", "電動工具 龍井", "\ue000西湖龙井茶", "㍻", "𠀀𪚥", "ß", "İstanbul", "x\u0301",
       "銀行 行 长", "重庆 重慶", "a-b/c.d", "1.5.2-rc1"}
for kind in ("supply", "demand"):
    with open(os.path.join(fix, "catalog", kind + ".csv"), encoding="utf-8") as f:
        r = list(csv.reader(f))
    for row in r[1:25]:
        qs.add(row[1])
        qs.add(row[-3] if kind == "supply" else row[7])
for i, s in enumerate(sorted(qs)):
    put("tokenize", "t%03d" % i, s)
    put("search", "q%03d" % i, bytes([i & 0xff, 20, 0]) + s.encode())
put("search", "facets-demand", b"\x01\x05\x00" + "茶".encode())
put("search", "page-2", b"\x86\x02\x01" + "茶叶 longj".encode())

# ---- dzn: the unit test's instance, and the smallest published ones
good = read(os.path.join(root, "tests", "unit", "test_sched.c")).decode()
start = good.index("good_dzn[] =")
body = good[start:good.index(";\n\n", start)]
text = "".join(l.strip()[1:-1].encode().decode("unicode_escape") for l in body.splitlines()[1:])
put("dzn", "good.dzn", text)
dzn = {}     # by name: fixtures/b2b's are copies of files in the full set
for top in b2b:
    for d, _, files in sorted(os.walk(top)):
        for f in sorted(files):
            if f.endswith(".dzn"):
                dzn[f] = os.path.join(d, f)
for sz, _, p in sorted((os.path.getsize(p), f, p) for f, p in dzn.items())[:12]:
    put("dzn", os.path.basename(p), read(p))
put("dzn", "comments.dzn", "% a comment\nnBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 1;\n"
    "nMorningSlots = 1; requested = [| 1, 2, 3 |]; meetingsxBusiness = [{1,2},{1,2}];\n"
    "nMeetingsBusiness = [1,1]; forbidden = [{0},{0}]; fixed = [1]; precedences = [{}];\n")

# ---- http: requests for every route of api.c, static files, pipelines, malformed ones.
# The accounts and their fixed tokens are fuzz_http.c's (and fuzz_http.dict's).
TOKEN = {who: ("fuzz-token-%s-" % who).ljust(43, "0") for who in ("admin", "clerk", "hlj", "org", "kiosk1")}
SESSION = {who: ("fuzz-session-%s-" % who).ljust(43, "0") for who in TOKEN}
PASSWORD = {"admin": "admin-pass-123", "clerk": "hangzhou-clerk-1", "hlj": "heilongjiang-1",
            "org": "organiser-pass-1", "kiosk1": "kiosk-pass-123"}
XRW = "X-Requested-With: fetch"
JSONCT = "Content-Type: application/json"

def bearer(who):
    return "Authorization: Bearer " + TOKEN[who]

def cookie(who):
    return "Cookie: fm_session=" + SESSION[who]

def req(method, path, headers=(), body=b"", version="1.1"):
    """One request: Host, the headers, Content-Length when there is a body."""
    if isinstance(body, str):
        body = body.encode()
    lines = ["%s %s HTTP/%s" % (method, path, version), "Host: localhost"] + list(headers)
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

def post_json(path, obj, headers=()):
    return req("POST", path, list(headers) + [JSONCT], json.dumps(obj, ensure_ascii=False))

def multipart(fields, boundary="----fuzzb0undary"):
    """A multipart/form-data body of (name, filename, type, data) parts, and its Content-Type."""
    out = b""
    for name, fname, ctype, data in fields:
        if isinstance(data, str):
            data = data.encode()
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % fname if fname else "")
        out += ("--%s\r\nContent-Disposition: %s\r\n" % (boundary, disp)).encode()
        if ctype:
            out += ("Content-Type: %s\r\n" % ctype).encode()
        out += b"\r\n" + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "Content-Type: multipart/form-data; boundary=" + boundary

def chunked(body, sizes):
    """body in chunks of the given sizes, then the last chunk."""
    out, i = b"", 0
    for n in sizes + [len(body)]:
        part = body[i:i + n]
        if part:
            out += b"%x\r\n" % len(part) + part + b"\r\n"
        i += len(part)
    return out + b"0\r\n\r\n"

def pct(s):
    return "".join(c if c.isascii() and (c.isalnum() or c in "-._~") else
                   "".join("%%%02X" % b for b in c.encode()) for c in s)

H = []      # (name, bytes)
def seed(name, *reqs):
    H.append((name, b"".join(reqs)))

with open(os.path.join(fix, "catalog", "supply.csv"), encoding="utf-8") as f:
    srows = list(csv.reader(f))
with open(os.path.join(fix, "catalog", "demand.csv"), encoding="utf-8") as f:
    drows = list(csv.reader(f))
def csv_text(rows):
    b = io.StringIO()
    csv.writer(b, lineterminator="\r\n").writerows(rows)
    return b.getvalue()
hz = [r for r in srows[1:] if r[4] == "杭州市"][:2]
hz[0] = hz[0][:1] + [hz[0][1] + "（新包装）"] + hz[0][2:]
hz_csv = csv_text([srows[0]] + hz)
hlj = [list(drows[1])]
hlj[0][0], hlj[0][4], hlj[0][5] = "XQ-HLJ-001", "黑龙江省", "哈尔滨市"
hlj_csv = csv_text([drows[0]] + hlj)
pcode, dcode, fair = srows[1][0], drows[1][0], "YQH-2026"
# A buyer's badge and a product of the fair that fuzz_http.c schedules before the first
# input (from every 4th product and 8th demand of the fixtures); meetings 1, 2, … exist too.
badge, fair_product = "B00017", "NB-0023"

# Health, metrics, sign-in and who is asking.
seed("healthz", req("GET", "/healthz"))
seed("healthz-head", req("HEAD", "/healthz"))
seed("metrics", req("GET", "/metrics", ["Accept: text/plain"]))
seed("login-org", post_json("/api/v1/login", {"login": "org", "password": PASSWORD["org"]}, [XRW]))
seed("login-wrong", post_json("/api/v1/login", {"login": "clerk", "password": "wrong-password"}, [XRW]))
seed("login-missing", post_json("/api/v1/login", {"login": "clerk"}, [XRW]))
seed("login-broken-json", req("POST", "/api/v1/login", [XRW, JSONCT], '{"login":'))
seed("login-chunked", req("POST", "/api/v1/login", [XRW, JSONCT, "Transfer-Encoding: chunked"],
     chunked(json.dumps({"login": "kiosk1", "password": PASSWORD["kiosk1"]}).encode(), [7, 20])))
seed("logout-cookie", req("POST", "/api/v1/logout", [cookie("kiosk1"), XRW]))
seed("logout-csrf", req("POST", "/api/v1/logout", [cookie("org")]))
seed("logout-foreign-origin", req("POST", "/api/v1/logout", [cookie("org"), XRW, "Origin: https://evil.example"]))
seed("me-cookie", req("GET", "/api/v1/me", ["Cookie: lang=zh; fm_session=%s; theme=dark" % SESSION["kiosk1"]]))
seed("me-bearer", req("GET", "/api/v1/me", [bearer("clerk")]))
seed("me-bad-bearer", req("GET", "/api/v1/me", ["Authorization: Bearer not-a-real-token"]))
seed("me-expired-cookie", req("GET", "/api/v1/me", ["Cookie: fm_session=" + "x" * 43]))
seed("users-list", req("GET", "/api/v1/users", [bearer("admin")]))
seed("users-forbidden", req("GET", "/api/v1/users", [cookie("clerk")]))
seed("users-add", post_json("/api/v1/users", {"login": "nbclerk", "role": "city", "region": "宁波",
     "password": "ningbo-clerk-1"}, [bearer("admin")]))
seed("users-add-bad", post_json("/api/v1/users", {"login": "x y", "role": "mayor"}, [cookie("admin"), XRW,
     "Origin: https://localhost"]))

# Search: Chinese percent-encoded and raw, pinyin, filters, pages, bad arguments.
seed("search-tea", req("GET", "/api/v1/search?q=%s&region=%s" % (pct("茶叶"), pct("杭州市"))))
seed("search-longjing", req("GET", "/api/v1/search?q=%s&limit=5&offset=5&category=%s" % (pct("龙井"), pct("茶叶"))))
seed("search-raw-utf8", req("GET", "/api/v1/search?q=龙井&kind=supply"))
seed("search-demand", req("GET", "/api/v1/search?q=%s&kind=demand&prefix=0" % pct("绍兴 黄酒")))
seed("search-pinyin", req("GET", "/api/v1/search?q=longjing+cha&limit=3"))
seed("search-plus-space", req("GET", "/api/v1/search?q=LED%20%E7%81%AF%E6%B3%A1&q=dup"))
seed("search-bad-limit", req("GET", "/api/v1/search?q=x&limit=0"))
seed("search-no-q", req("GET", "/api/v1/search?kind=offer"))
seed("search-bad-escape", req("GET", "/api/v1/search?q=%E8%8C%ZZ&region=%"))
seed("product", req("GET", "/api/v1/products/" + pcode))
seed("product-missing", req("GET", "/api/v1/products/NOPE-1/"))
seed("demand", req("GET", "/api/v1/demands/" + dcode, ["Accept: application/json"]))
seed("match-demand", req("GET", "/api/v1/match/demand/%s?limit=5" % dcode, [cookie("kiosk1")]))
seed("match-supply", req("GET", "/api/v1/match/supply/" + pcode, [bearer("clerk")]))
seed("match-public", req("GET", "/api/v1/match/demand/" + dcode))
seed("match-bad-side", req("GET", "/api/v1/match/offer/" + dcode, [bearer("kiosk1")]))

# Fairs, jobs, uploads.
seed("fairs", req("GET", "/api/v1/fairs"))
seed("fair-match", req("POST", "/api/v1/fairs/%s/match?top=3&wait=1" % fair, [bearer("org")]))
seed("fair-match-missing", req("POST", "/api/v1/fairs/NO-SUCH/match", [bearer("org")]))
seed("fair-match-forbidden", req("POST", "/api/v1/fairs/%s/match" % fair, [cookie("clerk"), XRW]))
seed("job", req("GET", "/api/v1/jobs/1", [bearer("admin")]))
seed("job-bad-id", req("GET", "/api/v1/jobs/-1", [bearer("org")]))
body, ct = multipart([("file", "杭州目录.csv", "text/csv", hz_csv)])
seed("upload-multipart", req("POST", "/api/v1/uploads?kind=supply&wait=1", [bearer("clerk"), ct], body))
seed("upload-csv-cookie", req("POST", "/api/v1/uploads?kind=demand&filename=hlj.csv", [cookie("hlj"), XRW,
     "Content-Type: text/csv"], hlj_csv))
seed("upload-wrong-kind", req("POST", "/api/v1/uploads?kind=demand", [bearer("clerk"), "Content-Type: text/csv"], hz_csv))
seed("upload-no-kind", req("POST", "/api/v1/uploads", [bearer("admin")], "a,b\r\n"))
seed("upload-chunked", req("POST", "/api/v1/uploads?kind=supply&wait=1&filename=x.csv", [bearer("admin"),
     "Transfer-Encoding: chunked", "Content-Type: text/csv"], chunked(hz_csv.encode(), [100, 3, 250])))
seed("uploads-list", req("GET", "/api/v1/uploads", [cookie("clerk")]))
seed("upload-get", req("GET", "/api/v1/uploads/1", [bearer("admin")]))
seed("reindex", req("POST", "/api/v1/reindex?wait=1", [bearer("admin")]))

# Printing, exports, files.
seed("print-guide", req("POST", "/api/v1/print/guide?wait=1", [bearer("org")]))
seed("print-grid", req("POST", "/api/v1/fairs/%s/print/grid" % fair, [bearer("org")]))
seed("print-unknown", req("POST", "/api/v1/fairs/%s/print/nonsense" % fair, [bearer("org")]))
seed("export-supply", req("POST", "/api/v1/export/supply?format=csv&wait=1", [bearer("org")]))
seed("export-bad-format", req("POST", "/api/v1/export/demand?format=pdf", [cookie("org"), XRW]))
seed("export-candidates", req("POST", "/api/v1/fairs/%s/export/candidates?format=xlsx" % fair, [bearer("admin")]))
seed("file-missing", req("GET", "/api/v1/files/0123456789abcdef-grid-%s.pdf" % fair, [bearer("org")]))
seed("file-traversal", req("GET", "/api/v1/files/..%2Ffairmatch.db", [bearer("org")]))

# Scheduling, meeting requests, outcomes, statistics.
seed("schedule-get", req("GET", "/api/v1/fairs/%s/schedule" % fair))
seed("schedule-setup", post_json("/api/v1/fairs/%s/schedule/setup" % fair, {"days": 1, "slots_per_day": 6,
     "tables": 8, "start": "09:00", "lunch": None, "slot_minutes": 20}, [bearer("org")]))
seed("schedule-setup-bad", post_json("/api/v1/fairs/%s/schedule/setup" % fair, {"tables": "many",
     "lunch": "12:00-13:30"}, [cookie("org"), XRW]))
seed("schedule-run", req("POST", "/api/v1/fairs/%s/schedule?wait=1&time_limit=1&seed=3" % fair, [bearer("org")]))
seed("meeting-lock", post_json("/api/v1/fairs/%s/meetings/1/lock" % fair, {"locked": True}, [bearer("org")]))
seed("meeting-move", post_json("/api/v1/fairs/%s/meetings/1/move" % fair, {"slot": 2, "table": 3}, [bearer("org")]))
seed("meeting-request", post_json("/api/v1/fairs/%s/requests" % fair, {"badge": badge, "product": fair_product}, [XRW]))
seed("meeting-request-unknown", post_json("/api/v1/fairs/%s/requests" % fair, {"badge": "B99999", "product": pcode},
     [cookie("kiosk1"), XRW]))
seed("outcome-get", req("GET", "/api/v1/fairs/%s/meetings/1/outcome" % fair, [bearer("clerk")]))
seed("outcome-post", post_json("/api/v1/fairs/%s/meetings/1/outcome" % fair, {"held": True, "kind": "contract",
     "amount": "120.5", "products": "龙井", "date": "2026-05-20"}, [bearer("org")]))
seed("stats", req("GET", "/api/v1/stats?by=city&year=2026&quarter=2&fair=" + fair, [bearer("admin")]))
seed("stats-office", req("GET", "/api/v1/stats?by=province", [cookie("hlj")]))
seed("stats-bad-year", req("GET", "/api/v1/stats?year=1999", [bearer("org")]))

# Static files and paths that must not leave the web root.
seed("static-index", req("GET", "/"))
seed("static-js-etag", req("GET", "/kiosk.js", ['If-None-Match: "0-0"', "Accept-Encoding: gzip"]))
seed("static-css", req("GET", "/css/base.css"))
seed("static-dir-redirect", req("GET", "/console"))
seed("static-traversal", req("GET", "/%2e%2e/%2e%2e/etc/passwd"))
seed("static-double-slash", req("GET", "//console"))
seed("static-hidden", req("GET", "/.git/config"))
seed("static-nul", req("GET", "/kiosk.js%00.html"))

# Methods, versions and framing.
seed("method-not-allowed", req("DELETE", "/api/v1/fairs", [bearer("admin")]))
seed("put-login", req("PUT", "/api/v1/login", [JSONCT], "{}"))
seed("options", req("OPTIONS", "/api/v1/search?q=x"))
seed("no-endpoint", req("GET", "/api/v1/nothing-here"))
seed("absolute-uri", b"GET http://localhost/api/v1/fairs HTTP/1.1\r\nHost: localhost\r\n\r\n")
seed("http10", req("GET", "/api/v1/fairs", [], b"", "1.0"))
seed("http10-keepalive", req("GET", "/healthz", ["Connection: keep-alive"], b"", "1.0"),
     req("GET", "/api/v1/me", [cookie("org")], b"", "1.0"))
seed("expect-continue", req("POST", "/api/v1/login", [XRW, JSONCT, "Expect: 100-continue"], '{"login":"a","password":"b"}'))
seed("garbage", b"GARBAGE\r\n\r\n")
seed("bad-version", b"GET / HTTP/9.9\r\n\r\n")
seed("negative-length", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
seed("bad-chunk", b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n")
seed("folded-header", b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n " + TOKEN["org"].encode() + b"\r\n\r\n")
seed("lf-only", b"GET /api/v1/search?q=%E8%8C%B6 HTTP/1.1\nHost: x\n\n")

# Keep-alive pipelines.
seed("pipeline-3", req("GET", "/healthz"), req("GET", "/api/v1/search?q=" + pct("龙井茶")),
     req("GET", "/api/v1/fairs", ["Connection: close"]))
seed("pipeline-login-me", post_json("/api/v1/login", {"login": "clerk", "password": PASSWORD["clerk"]}, [XRW]),
     req("GET", "/api/v1/me", [cookie("clerk")]))
seed("pipeline-search-cache", req("GET", "/api/v1/search?q=" + pct("茶")), req("GET", "/api/v1/search?q=" + pct("茶")))
seed("pipeline-setup-schedule", post_json("/api/v1/fairs/%s/schedule/setup" % fair, {"days": 1, "slots_per_day": 4,
     "tables": 4}, [bearer("org")]), req("GET", "/api/v1/fairs/%s/schedule" % fair))
seed("pipeline-meeting", post_json("/api/v1/fairs/%s/meetings/2/lock" % fair, {"locked": False}, [bearer("org")]),
     req("GET", "/api/v1/fairs/%s/meetings/2/outcome" % fair, [cookie("org")]),
     req("POST", "/api/v1/fairs/%s/print/agendas?wait=1" % fair, [bearer("org")]))
for name, data in H:
    put("http", name, data)
