#!/usr/bin/env bash
# Exports: both catalogues as XLSX and CSV read back by fairmatch's own
# importer (into a fresh data directory, and into the same one, where every
# row must come back unchanged); CSV begins with the UTF-8 BOM; a fair's
# candidates; an upload's report with its problem rows.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3 unzip
q() { sqlite3 "$db" "$1"; }
# field FILE KEY: a number from an import report.
field() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1"; }
# sheet FILE.xlsx N: the XML of sheet N.
sheet() { unzip -p "$1" "xl/worksheets/sheet$2.xml"; }

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null || { echo "FAIL loading"; exit 1; }
np=$(q "SELECT count(*) FROM products")
nd=$(q "SELECT count(*) FROM demands")

for kind in supply demand; do
  n=$([ $kind = supply ] && echo "$np" || echo "$nd")
  # XLSX: the importer's own headers; every row back, unchanged.
  check "export $kind xlsx" 0 "$fm" export $kind --format xlsx --out "$WORK/$kind.xlsx" --json
  has "export $kind rows" "$WORK/out" "\"rows\":$n"
  unzip -tq "$WORK/$kind.xlsx" >/dev/null && ok || bad "$kind.xlsx is not a zip"
  check "re-import $kind.xlsx, same store" 0 "$fm" import $kind "$WORK/$kind.xlsx" --json --no-index
  [ "$(field "$WORK/out" unchanged)" = "$n" ] && ok ||
    bad "$kind.xlsx into the same store: $n unchanged expected: $(head -c 300 "$WORK/out")"
  # Into a fresh store: every row inserted; then the original file finds them all unchanged.
  fresh="$WORK/fresh-$kind"
  "$fm" init --data "$fresh" >/dev/null
  check "import $kind.xlsx, fresh store" 0 "$fm" import $kind "$WORK/$kind.xlsx" --json --no-index --data "$fresh"
  [ "$(field "$WORK/out" inserted)" = "$n" ] && ok || bad "$kind.xlsx into a fresh store: $n inserted expected"
  check "original $kind after the export" 0 "$fm" import $kind "$FIXTURES/catalog/$kind.csv" --json --no-index --data "$fresh"
  [ "$(field "$WORK/out" unchanged)" = "$n" ] && ok ||
    bad "the original $kind.csv over the exported one: $n unchanged expected: $(head -c 300 "$WORK/out")"

  # CSV: the BOM, then a file the importer reads.  Cells that would run as a
  # formula in Excel are written after an apostrophe, which the importer takes off again.
  check "export $kind csv" 0 "$fm" export $kind --out "$WORK/$kind.csv"
  [ "$(head -c 3 "$WORK/$kind.csv" | xxd -p)" = efbbbf ] && ok || bad "$kind.csv does not begin with the BOM"
  head -1 "$WORK/$kind.csv" | grep -q $'\r$' && ok || bad "$kind.csv lines should end in CRLF"
  check "re-import $kind.csv" 0 "$fm" import $kind "$WORK/$kind.csv" --json --no-index
  has "$kind.csv charset" "$WORK/out" '"charset":"UTF-8"'
  [ "$(field "$WORK/out" unchanged)" = "$n" ] && [ "$(field "$WORK/out" updated)" = 0 ] && ok ||
    bad "$kind.csv: $n unchanged expected: $(head -c 300 "$WORK/out")"
  # Put the originals back for what follows.
  "$fm" import $kind "$FIXTURES/catalog/$kind.csv" --no-index >/dev/null
done
# The fixture's description "=特级=手工炒制…" is inert in the CSV, and plain text in the XLSX.
grep -q "'=特级=手工炒制" "$WORK/supply.csv" && ok || bad "a formula-looking cell is not made inert in CSV"
sheet "$WORK/supply.xlsx" 1 | grep -q '<is><t>=特级=手工炒制' && ok || bad "XLSX: the cell should be the text itself"

# --- formula-looking cells, both formats --------------------------------------
# Text beginning with each character Excel would start a formula with (and one that already
# begins with an apostrophe) goes out inert and comes back exactly: the CSV with one
# apostrophe before it, the XLSX as a string cell; re-imported, every row is unchanged.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
$py - "$FIXTURES/catalog/supply.csv" "$WORK/formulas.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
texts = ["=HYPERLINK(\"http://x.invalid\",\"点我\")", "+86 571 8888 0000", "-40℃ 低温保存",
         "@SUM(A1:A9)", "''=已带撇号的文字", "'''+两个撇号"]   # one apostrophe comes off these two
for i, t in enumerate(texts):
    rows[1 + i][14] = t          # 产品简介
rows[7][8] = "=品牌"             # 品牌
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""), lineterminator="\r\n").writerows(rows)
PY
check "import formula-looking text" 0 "$fm" import supply "$WORK/formulas.csv" --json --no-index
for fmt in csv xlsx; do
  check "export formulas $fmt" 0 "$fm" export supply --format $fmt --out "$WORK/formulas-out.$fmt"
  check "re-import formulas $fmt" 0 "$fm" import supply "$WORK/formulas-out.$fmt" --json --no-index
  [ "$(field "$WORK/out" unchanged)" = "$np" ] && [ "$(field "$WORK/out" updated)" = 0 ] && ok ||
    bad "formula-looking cells through $fmt: $np unchanged expected: $(head -c 300 "$WORK/out")"
done
texts=$(q "SELECT group_concat(description, '|') FROM products WHERE code IN ('HZ-0003', 'HZ-0005', 'HZ-0006')")
[ "$texts" = "-40℃ 低温保存|'=已带撇号的文字|''+两个撇号" ] && ok || bad "the store's text: $texts"
for cell in "'=HYPERLINK(" "'+86 571" "'-40℃" "'@SUM(" "''=已带撇号" "'''+两个撇号" "'=品牌"; do
  has "inert in CSV: $cell" "$WORK/formulas-out.csv" "$cell"
done
for cell in "<t>=HYPERLINK(" "<t>+86 571" "<t>-40℃" "<t>@SUM(" "<t>'=已带撇号" "<t>=品牌"; do
  sheet "$WORK/formulas-out.xlsx" 1 | grep -qF "$cell" && ok || bad "XLSX: $cell should be a string cell"
done
sheet "$WORK/formulas-out.xlsx" 1 | grep -q '<f>' && bad "XLSX: a formula cell was written" || ok
"$fm" import supply "$FIXTURES/catalog/supply.csv" --no-index >/dev/null

# --- candidates of a fair -------------------------------------------------
"$fm" match fair YQH-2026 --limit 3 >/dev/null 2>&1 || bad "match fair"
nc=$(q "SELECT count(*) FROM candidates")
check "export candidates" 0 "$fm" export candidates YQH-2026 --out "$WORK/cand.csv" --json
has "candidates rows" "$WORK/out" "\"rows\":$nc"
[ "$(wc -l < "$WORK/cand.csv")" = $((nc + 1)) ] && ok || bad "cand.csv: a header and $nc rows expected"
has "candidates header" "$WORK/cand.csv" "需求编号,需求产品,排名"
first=$(q "SELECT d.code || ',' || d.product || ',1,' FROM candidates c JOIN demands d ON d.id = c.demand_id
           JOIN buyers b ON b.id = d.buyer_id WHERE c.rank = 1 ORDER BY b.province, b.name, d.code LIMIT 1")
has "candidates first row" "$WORK/cand.csv" "$first"
check "export candidates xlsx" 0 "$fm" export candidates YQH-2026 --out "$WORK/cand.xlsx"
sheet "$WORK/cand.xlsx" 1 | grep -q '<c r="E2"[^>]*><v>1</v>' && ok || bad "cand.xlsx: the rank should be a number"
check "export candidates, unknown fair" 1 "$fm" export candidates NO-SUCH --out "$WORK/x.csv"
has "unknown fair named" "$WORK/err" "NO-SUCH"
[ ! -e "$WORK/x.csv" ] && [ ! -e "$WORK/x.csv.part" ] && ok || bad "a failed export left a file"

# --- an upload's report ------------------------------------------------------
# A rejected file's report, as the server keeps it, stored as upload 99.
"$fm" import supply "$FIXTURES/bad/gbk-bad-city-row4.csv" --json > "$WORK/rep.json" 2>/dev/null
ne=$(field "$WORK/rep.json" error_count)
[ "${ne:-0}" = 1 ] && ok || bad "the bad file has one problem (row 4's city), not ${ne:-none}"
q "INSERT INTO uploads (id, kind, sha256, filename, size, format, uploaded_by, report)
   VALUES (99, 'supply', 'x', 'gbk-bad-city-row4.csv', 1, 'csv', 'cli:test', readfile('$WORK/rep.json'))"
check "export upload csv" 0 "$fm" export upload 99 --format csv --out "$WORK/report.csv" --json
has "report rows" "$WORK/out" "\"rows\":$ne"
[ "$(head -c 3 "$WORK/report.csv" | xxd -p)" = efbbbf ] && ok || bad "report.csv does not begin with the BOM"
has "report header" "$WORK/report.csv" "行,列,单元格,字段,值,问题"
has "report row 4" "$WORK/report.csv" "4,所在城市,E4,city,"
check "export upload xlsx" 0 "$fm" export upload 99 --out "$WORK/report.xlsx"
sheet "$WORK/report.xlsx" 2 | grep -q "gbk-bad-city-row4.csv" && ok || bad "report.xlsx: the summary sheet names the file"
# An accepted upload: the header alone.
check "export upload 1" 0 "$fm" export upload 1 --out "$WORK/report1.csv" --json
has "upload 1 rows" "$WORK/out" '"rows":0'
check "export unknown upload" 1 "$fm" export upload 12345 --out "$WORK/x.csv"
has "unknown upload named" "$WORK/err" "12345"

# --- usage ---------------------------------------------------------------
check "export without --out" 2 "$fm" export supply
check "export, unknown format" 2 "$fm" export supply --format ods --out "$WORK/x.ods"
check "export, no format from the name" 2 "$fm" export supply --out "$WORK/x.dat"
check "export candidates without a fair" 2 "$fm" export candidates --out "$WORK/x.csv"
check "export, unknown kind" 2 "$fm" export buyers --out "$WORK/x.csv"

finish
