#!/usr/bin/env bash
# Templates, and a clerk's own entries: `fairmatch template` for each
# catalogue, opened with openpyxl (a tool outside fairmatch, as Excel or
# WPS would open it): the header row, the notes sheet, the drop-downs for
# city, province, buyer type and category, text columns for codes and
# phones; filled in by picking from the drop-downs, saved and imported:
# accepted.  The CSV template: the BOM and the header, filled, accepted.
# Then one city's entries exported, edited and uploaded again: the edit
# lands, nothing else changes, and another city's entries stay out.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3
# Debian's python3 with python3-openpyxl (script/setup), whatever python3 is first on the PATH.
py=/usr/bin/python3
"$py" -c 'import openpyxl' 2>/dev/null || { bad "python3-openpyxl is not installed (script/setup installs it)"; finish; exit 1; }
q() { sqlite3 "$db" "$1"; }
field() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$1"; }
load_catalogues

# fill KIND IN OUT: opens the template, checks what a clerk sees in it
# (printed as lines "ok …" or "bad …"), fills three rows picking values
# from its drop-downs and saves it as OUT.
fill() {
  "$py" - "$@" <<'EOF'
import sys, openpyxl
from openpyxl.utils import range_boundaries, get_column_letter
kind, src, out = sys.argv[1:4]
wb = openpyxl.load_workbook(src)
ws = wb.worksheets[0]
head = [c.value for c in ws[1]]
col = {h: i + 1 for i, h in enumerate(head)}
def say(ok, what): print(("ok " if ok else "bad ") + what)
say(ws.title == {"supply": "名优特新产品目录", "demand": "浙江产品需求目录"}[kind], "first sheet named for the catalogue: " + ws.title)
say(ws.max_row == 1, "no rows under the header: %d rows" % ws.max_row)
notes = [s for s in wb.worksheets if s.title.startswith("填写说明")]
say(len(notes) == 1 and notes[0].sheet_state == "visible", "a visible notes sheet")
if notes:
    explained = {r[0].value: r[3].value for r in notes[0].iter_rows(min_row=2)}
    say(set(explained) == set(head), "the notes explain every column")
    say(all(explained.values()), "every column has an explanation")
# Each column's drop-down: the values its formula points at, on the hidden sheet.
lists, hints = {}, {}
for dv in ws.data_validations.dataValidation:
    c = range_boundaries(str(dv.sqref))[0]
    hints[head[c - 1]] = dv.prompt
    if dv.type == "list":
        sheet, ref = dv.formula1.split("!")
        src_ws = wb[sheet.strip("'")]
        say(src_ws.sheet_state == "hidden", "the lists' sheet is hidden")
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        lists[head[c - 1]] = [src_ws.cell(r1, x).value for x in range(c1, c2 + 1)]
say(all(hints.get(h) for h in head), "every column shows a hint")
for h, n in {"supply": [("所在城市", 11)], "demand": [("所在省份", 34), ("单位类型", 4)]}[kind]:
    say(len(lists.get(h, [])) == n, "%s offers %d values: %s" % (h, n, lists.get(h)))
say("茶叶" in lists.get("产品类别", []), "产品类别 offers the categories in use")
for h in ("统一社会信用代码", "联系电话") if kind == "supply" else ("需求编号", "联系电话"):
    if h in col:
        fmt = ws.column_dimensions[get_column_letter(col[h])].number_format
        say(fmt == "@", "%s is a text column: %s" % (h, fmt))
if kind == "supply":
    rows = [
        {"产品编号": "HZ-T001", "产品名称": "径山茶（明前特级）", "企业名称": "杭州径山茶业有限公司",
         "所在城市": lists["所在城市"][0], "区县": "余杭区", "产品类别": "茶叶", "参考价格": "680",
         "计价单位": "盒", "联系人": "俞晓燕", "联系电话": "0571-88561234"},
        {"产品编号": "HZ-T002", "产品名称": "天目山笋干", "企业名称": "临安天目山食品有限公司",
         "所在城市": lists["所在城市"][0], "区县": "临安区", "产品类别": "食品", "参考价格": "面议",
         "联系电话": "13905712468"},
        {"产品编号": "HZ-T003", "产品名称": "王星记黑纸扇", "企业名称": "杭州王星记扇业有限公司",
         "统一社会信用代码": "913301006FWW5K28CT", "所在城市": lists["所在城市"][0],
         "产品类别": "工艺礼品", "规格型号": "10寸 24档", "参考价格": "120-380"},
    ]
else:
    rows = [
        {"需求编号": "XQ-T-001", "需求产品": "安吉白茶", "采购单位": "沈阳浙江商会",
         "单位类型": lists["单位类型"][2], "所在省份": "辽宁省", "所在城市": "沈阳市",
         "产品类别": "茶叶", "采购数量": "800", "计量单位": "盒", "截止日期": "2027-03-31",
         "联系人": "陈建国", "联系电话": "024-23456789"},
        {"需求编号": "XQ-T-002", "需求产品": "宁波汤圆", "采购单位": "哈尔滨浙江产品营销中心",
         "单位类型": lists["单位类型"][0], "所在省份": "黑龙江省", "产品类别": "食品",
         "采购数量": "1.5万", "计量单位": "袋"},
    ]
for r, row in enumerate(rows, start=2):
    for h, v in row.items():
        ws.cell(r, col[h], v)
wb.save(out)
EOF
}

for kind in supply demand; do
  check "template $kind xlsx" 0 "$fm" template $kind --out "$WORK/$kind-template.xlsx" --json
  has "template $kind names its file" "$WORK/out" "\"template\":\"$kind\""
  fill $kind "$WORK/$kind-template.xlsx" "$WORK/$kind-filled.xlsx" >"$WORK/seen" 2>"$WORK/err" ||
    { bad "openpyxl could not read or fill the $kind template"; sed 's/^/  /' "$WORK/err" | tail -5; }
  while read -r verdict what; do
    [ "$verdict" = ok ] && ok || bad "$kind template: $what"
  done <"$WORK/seen"
  want=$([ $kind = supply ] && echo 3 || echo 2)
  check "the filled $kind template is accepted" 0 "$fm" import $kind "$WORK/$kind-filled.xlsx" --json --no-index
  [ "$(field "$WORK/out" inserted)" = "$want" ] && ok ||
    bad "filled $kind template: $want inserted expected: $(head -c 400 "$WORK/out")"

  # The CSV template: the BOM, the header a clerk fills under.
  check "template $kind csv" 0 "$fm" template $kind --out "$WORK/$kind-template.csv"
  [ "$(head -c 3 "$WORK/$kind-template.csv" | xxd -p)" = efbbbf ] && ok || bad "the $kind CSV template lacks the BOM"
  [ "$(wc -l <"$WORK/$kind-template.csv")" = 1 ] && ok || bad "the $kind CSV template should hold only its header"
done
{ cat "$WORK/supply-template.csv"
  printf 'NB-T001,宁波汤圆（黑芝麻）,宁波缸鸭狗食品有限公司,,宁波,海曙区,食品,500g/袋,缸鸭狗,18.8,袋,100袋,,汤圆；宁波特产,,周丽,0574-87301234\r\n'
} >"$WORK/supply-filled.csv"
check "the filled CSV template is accepted" 0 "$fm" import supply "$WORK/supply-filled.csv" --json --no-index
[ "$(field "$WORK/out" inserted)" = 1 ] && ok || bad "filled CSV template: 1 inserted expected: $(head -c 300 "$WORK/out")"
[ "$(q "SELECT s.city FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.code = 'NB-T001'")" = 宁波市 ] &&
  ok || bad "NB-T001 should be 宁波市's"

check "template of an unknown kind" 2 "$fm" template fairs --out "$WORK/x.xlsx"
check "template without --out" 2 "$fm" template supply
finish
