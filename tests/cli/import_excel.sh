#!/usr/bin/env bash
# Black-box: one workbook saved three ways (.xlsx, .xls, Excel 2003 XML; written by SheetJS,
# fixtures/excel/make.js) and spoilt as a clerk's Excel spoils it (fixtures/damage/): each
# catalogue's three files are refused with the same report, row by row, naming the column
# as the header has it and saying what Excel did; nothing is stored.  Then the catalogues'
# .xls (BIFF8 and BIFF5) and XML files import as the same rows as their .xlsx.
source "$(dirname "$0")/lib.bash"
fresh_work
py=${PYTHON:-python3}
need "$py" sqlite3

check "init" 0 "$fm" init

# kind, row, column, words of the message: what Excel did, in English and Chinese.
expect() {
  case $1 in
    supply) printf '%s\n' \
      '3|统一社会信用代码|it keeps only 15 digits, so the last three became 000|后三位变成了 000' \
      '4|联系电话|Excel dropped the leading 0 of the area code|开头的 0 被 Excel 去掉了' \
      '5|统一社会信用代码|scientific notation (such as 9.13301E+17)|科学计数法' ;;
    demand) printf '%s\n' \
      '3|截止日期|this looks like an Excel date serial number|Excel 的日期序号' \
      '4|联系电话|Excel dropped the leading 0 of the area code|开头的 0 被 Excel 去掉了' \
      '5|需求编号|Excel dropped the leading zeros of the code 2004|编号 2004 开头的 0 被 Excel 去掉了' \
      '5|需求编号|put the zeros back (002004)|再补上开头的 0（应为 002004）' ;;
  esac
}

for kind in supply demand; do
  for ext in xlsx xls xml; do
    f="$FIXTURES/damage/$kind.$ext"
    check "$kind.$ext refused" 1 "$fm" import "$kind" "$f" --json
    cp "$WORK/out" "$WORK/$kind-$ext.json"
    has "$kind.$ext read as $ext" "$WORK/out" "\"format\":\"$ext\""
    # The report without the file's name and format: what a clerk reads about the rows.
    $py - "$WORK/$kind-$ext.json" > "$WORK/$kind-$ext.report" <<'PY' || bad "$kind.$ext: no report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is False, r
for e in r["errors"]:
    print(e["row"], e.get("cell"), e["column"], e["value"], e["message"], sep="|")
PY
    expect "$kind" | while IFS='|' read -r row col en zh; do
      grep -F "$row|" "$WORK/$kind-$ext.report" | grep -F "|$col|" | grep -F "$en" | grep -qF "$zh" ||
        { echo "FAIL $kind.$ext: no row $row, column $col saying: $en"; sed 's/^/  /' "$WORK/$kind-$ext.report"; exit 1; }
    done && ok || bad "$kind.$ext: Excel's damage not named"
  done
  for ext in xls xml; do
    cmp -s "$WORK/$kind-xlsx.report" "$WORK/$kind-$ext.report" && ok ||
      { bad "$kind.$ext reports differently from $kind.xlsx"; diff "$WORK/$kind-xlsx.report" "$WORK/$kind-$ext.report" | head -10; }
  done
done
[ "$(sqlite3 "$db" 'SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM demands)')" = 0 ] && ok ||
  bad "a refused workbook stored rows"

# The catalogues themselves: the .xls (Excel 97-2003, and Excel 5.0/95 in code page 936,
# GBK, written by Gnumeric: fixtures/excel/make-biff5.sh) and XML files hold the XLSX
# file's rows, to the last one and to the last Chinese character.
for kc in supply:448 demand:180; do
  kind=${kc%:*} n=${kc#*:}
  check "$kind.xlsx" 0 "$fm" import "$kind" "$FIXTURES/catalog/$kind.xlsx" --json
  has "$kind.xlsx: every row new" "$WORK/out" "\"inserted\":$n,"
  for f in "$kind.xls" "$kind.xml" "$kind-excel95.xls"; do
    check "$f" 0 "$fm" import "$kind" "$FIXTURES/catalog/$f" --json
    has "$f read as ${f##*.}" "$WORK/out" "\"format\":\"${f##*.}\""
    has "$f: the same rows as the .xlsx" "$WORK/out" "\"inserted\":0,\"updated\":0,\"unchanged\":$n"
  done
done

# The Excel 95 workbook alone, into a store that has not seen the XLSX: its GBK text is
# stored as Chinese, not as the bytes of another code page.
rm -rf "$WORK/data"
check "init again" 0 "$fm" init
check "supply-excel95.xls into an empty store" 0 "$fm" import supply "$FIXTURES/catalog/supply-excel95.xls" --json
has "supply-excel95.xls: every row new" "$WORK/out" "\"inserted\":448,"
[ "$(sqlite3 "$db" "SELECT p.name || '|' || s.name FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.code = 'HZ-0001'")" = "明前西湖龙井|杭州盛源茶叶有限公司" ] && ok ||
  bad "supply-excel95.xls: HZ-0001's Chinese names not stored as in the file"

finish
