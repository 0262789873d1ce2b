#!/usr/bin/env bash
# Black-box: the real fairmatch binary, its exit codes and output contract
# (DESIGN.md, "Command line"), on a data directory of its own.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
source "$(dirname "$0")/lib.bash"
need sqlite3


export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH

check "no command is a usage error" 2 "$fm"
check "--help lists the commands" 0 "$fm" --help
has "--help lists import" "$WORK/out" "import"
check "unknown command" 2 "$fm" frobnicate
has "unknown command named" "$WORK/err" "frobnicate"
for c in init import status; do
  check "$c --help" 0 "$fm" "$c" --help
  has "$c --help shows usage" "$WORK/out" "usage: fairmatch $c"
done
check "import without arguments" 2 "$fm" import
check "import of an unknown kind" 2 "$fm" import widgets "$FIXTURES/catalog/supply.csv"
has "unknown kind named" "$WORK/err" "widgets"
check "unknown option" 2 "$fm" import supply x.csv --frobnicate

check "import before init" 1 "$fm" import supply "$FIXTURES/catalog/supply.csv"
has "before init says what to do" "$WORK/err" "fairmatch init"

check "init" 0 "$fm" init
has "init names the directory" "$WORK/out" "$WORK/data"
check "init again is harmless" 0 "$fm" init

check "import supply xlsx --json" 0 "$fm" import supply "$FIXTURES/catalog/supply.xlsx" --json
has "json ok" "$WORK/out" '"ok":true'
has "json counts" "$WORK/out" '"updated":0,"unchanged":0'
has "json errors" "$WORK/out" '"errors":[]'
check "import demand gbk csv" 0 "$fm" import demand "$FIXTURES/catalog/demand-gbk.csv"
has "human summary in Chinese" "$WORK/out" "已导入"
has "human summary in English" "$WORK/out" "inserted"

check "the same file again" 0 "$fm" import demand "$FIXTURES/catalog/demand.json" --json
has "all unchanged" "$WORK/out" '"inserted":0,"updated":0'

check "a bad file is rejected" 1 "$fm" import supply "$FIXTURES/bad/city-not-in-zhejiang.csv"
has "bad file: row in Chinese" "$WORK/err" "第 3 行"
has "bad file: row in English" "$WORK/err" "row 3"
has "bad file: nothing changed" "$WORK/err" "nothing was changed"
check "a bad file, --json" 1 "$fm" import supply "$FIXTURES/bad/city-not-in-zhejiang.csv" --json
has "json rejected" "$WORK/out" '"ok":false'
has "json row" "$WORK/out" '"row":3'
has "json column" "$WORK/out" '"column":"所在城市"'
check "a demand catalogue uploaded as supply" 1 "$fm" import supply "$FIXTURES/catalog/demand.xls" --json
has "other kind named" "$WORK/out" 'this looks like a demand catalogue (浙江产品需求目录)'
has "file-level problem has no row" "$WORK/out" '"row":null'
has "missing column named as in the header" "$WORK/out" '"column":"产品编号"'
check "a JSON syntax error" 1 "$fm" import demand "$FIXTURES/bad/json-syntax-error.json"
has "json syntax error in Chinese" "$WORK/err" "JSON 格式错误（第 2 行第 17 列），请检查"
has "json syntax error in English" "$WORK/err" "invalid JSON at line 2, column 17"
check "import supply .xls" 0 "$fm" import supply "$FIXTURES/catalog/supply.xls" --json
has "xls read as xls" "$WORK/out" '"format":"xls"'
has "xls same rows as xlsx" "$WORK/out" '"inserted":0,"updated":0,"unchanged":448'
check "import supply SpreadsheetML" 0 "$fm" import supply "$FIXTURES/catalog/supply.xml" --json
has "xml same rows as xlsx" "$WORK/out" '"inserted":0,"updated":0,"unchanged":448'
check "an .xls bomb" 1 "$fm" import supply "$FIXTURES/bad/bomb.xls"
has "bomb refused with its size" "$WORK/err" "65536 rows × 200 columns"
check "a missing file" 1 "$fm" import supply "$WORK/no-such-file.csv"
has "missing file named" "$WORK/err" "no-such-file.csv"

check "status" 0 "$fm" status --json
products=$(sqlite3 "$WORK/data/fairmatch.db" "SELECT count(*) FROM products")
has "status counts products" "$WORK/out" "\"products\":$products"
[ "$products" = 448 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL $products products, not supply.csv's 448"; }

check "--data overrides the environment" 0 "$fm" init --data "$WORK/other"
[ -f "$WORK/other/fairmatch.db" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --data ignored"; }

# Search over the fixtures, as a kiosk buyer types.
check "search traditional" 0 "$fm" search 電動工具 --json
has "電動工具 finds 电动工具" "$WORK/out" '电动工具'
check "search pinyin" 0 "$fm" search longjing --json
has "longjing finds 龙井" "$WORK/out" '龙井'
check "search as you type" 0 "$fm" search longj --prefix --json
has "longj* finds 龙井" "$WORK/out" '龙井'
check "search demands" 0 "$fm" search 龙井茶叶 --kind demand --json
has "demand search finds a buyer" "$WORK/out" '"region":"'
check "search facets" 0 "$fm" search 茶 --json
has "facets by city" "$WORK/out" '"杭州市":'
check "search nothing to search" 1 "$fm" search '，。！' --json
has "clear message" "$WORK/out" 'nothing to search for'
check "search bad limit" 2 "$fm" search 茶 --limit 0
check "search unknown kind" 2 "$fm" search 茶 --kind widgets
for c in search reindex; do
  check "$c --help" 0 "$fm" "$c" --help
done
check "reindex" 0 "$fm" reindex
has "reindex counts" "$WORK/out" "reindexed $((products + $(sqlite3 "$WORK/data/fairmatch.db" "SELECT count(*) FROM demands")))"

# The province table of seed 000, as data: its totals row says 20, 300, 500, 400, 100.
totals=$(awk -F, 'NR > 1 { a += $2; b += $3; c += $4; d += $5; e += $6 } END { print a, b, c, d, e }' \
  "$FIXTURES/catalog/provinces.csv")
[ "$totals" = "20 300 500 400 100" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL province totals: $totals"; }

finish
