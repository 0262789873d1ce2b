#!/usr/bin/env python3
"""seeds.py OUTDIR — raw seed inputs for every harness, from the fixtures, the
bad-file corpus and the B2B instances, written to OUTDIR/<name>/.  The committed
corpus (corpus/<name>/) is these seeds minimised with libFuzzer's -merge=1 and
grown by fuzzing: tests/bench/reliability.sh does both."""
import csv, io, json, os, sys, zipfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
fix = os.path.join(root, "fixtures")
b2b = os.path.join(root, "..", "shared", "bench", "b2b", "instances")
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
sizes = []
for d in sorted(os.listdir(b2b)):
    for f in sorted(os.listdir(os.path.join(b2b, d))):
        p = os.path.join(b2b, d, f)
        sizes.append((os.path.getsize(p), p))
for sz, p in sorted(sizes)[:12]:
    put("dzn", os.path.basename(p), read(p))
put("dzn", "comments.dzn", "% a comment\nnBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 1;\n"
    "nMorningSlots = 1; requested = [| 1, 2, 3 |]; meetingsxBusiness = [{1,2},{1,2}];\n"
    "nMeetingsBusiness = [1,1]; forbidden = [{0},{0}]; fixed = [1]; precedences = [{}];\n")
