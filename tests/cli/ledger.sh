#!/usr/bin/env bash
# The marketing network's ledger end to end: the register reproduces the
# plan's table (20 offices, 300 centres, 500 distributors, 400 + 100 亿元);
# a bad row is refused naming row and column, changing nothing; export and
# import round-trip; return lines go 初核 → 复审 → 联审 and count only
# then, an existing centre only above its 2009 base and a new one in full;
# each role takes only its own step (the finance reviewer cannot submit or
# edit, an expansion office cannot pass its own lines or another
# province's); a return to the submitter keeps its reason; a spot-check
# sample is the same from the same seed, and a failed check stops a line
# counting with its history kept; deadlines say who is late, by the local
# day; evidence racing 初核 finds the line closed; a city office sees the
# outlets docking with its city; a returns file with bad rows is refused
# with each row's cell named; over HTTPS an office reads its own province
# only (its quarters too), each role takes only its own step, and the
# province office alone edits the register, a refusal naming the field.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3 unzip curl
q() { sqlite3 "$db" "$1"; }
# field FILE KEY: a string or number field of a JSON reply.
field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$1" | head -1; }

"$fm" init >/dev/null || { echo "FAIL init"; exit 1; }

# The register and the plan's tables.
check "targets" 0 "$fm" stats targets import "$FIXTURES/catalog/provinces.csv" --year 2010
check "register import" 0 "$fm" ledger import "$FIXTURES/ledger/register.csv" --json
has "register counts" "$WORK/out" '"rows":800,"inserted":800,"updated":0,"offices":20,"centres":300,"key_centres":100,"distributors":500'
[ "$(q "SELECT count(*) FROM province_targets t WHERE year = 2010 AND (centres <> (SELECT count(*)
     FROM ledger_outlets WHERE province = t.province AND kind = 'centre') OR dealers <> (SELECT
     count(*) FROM ledger_outlets WHERE province = t.province AND kind = 'distributor'))")" = 0 ] &&
  ok || bad "a province's centres or distributors differ from the plan's table"
[ "$(q "SELECT group_concat(n, '/') FROM (SELECT tier_yi, count(*) AS n FROM ledger_outlets
     WHERE tier_yi IS NOT NULL GROUP BY tier_yi ORDER BY tier_yi DESC)")" = "10/20/30/40" ] &&
  ok || bad "key centres are not 10/20/30/40 in the tiers 10/5/3/2 亿元"
check "plan import" 0 "$fm" ledger plan import "$FIXTURES/ledger/plan-2010.csv" --year 2010
check "figures, nothing verified" 0 "$fm" ledger figures --year 2010 --by network
has "network target 400" "$WORK/out" "全国浙商营销网络	800	"
has "plan 350" "$WORK/out" "营销中心扩销：目标 350 亿元，计入 0.00 亿元"
has "plan 500" "$WORK/out" "扩销合计：目标 500 亿元"
has "plan 50" "$WORK/out" "市场外重点经销户扩销：目标 50 亿元"
has "plan 100" "$WORK/out" "三大市场扩销：目标 100 亿元"
has "plan 700" "$WORK/out" "力争：目标 700 亿元"
grep -q "全国浙商营销网络.*	400$" "$WORK/out" && ok || bad "the network's target is not 400 亿元"
check "荷花池 listed" 0 "$fm" ledger list --province 四川
has "荷花池" "$WORK/out" "SC-C01	成都荷花池市场浙江产品营销中心	四川省	成都	挂牌运行	48000.00"

# A bad row: refused with its row and column, nothing changed.
{ head -1 "$FIXTURES/ledger/register.csv"
  echo "SC-C01,营销中心,成都荷花池市场浙江产品营销中心,成都荷花池市场,四川,成都,5,1,否,50000,2009-03-10,2009-04-08,2009-05-12,省经合办 周晓明,2009-05-26,2009-06-18"
  echo "SC-C99,营销中心,成都西部鞋都浙江产品营销中心,成都西部鞋都,四川,成都,4,2,是,,2010-07-05,2010-07-12,2010-08-15,省经合办 陈立新,2010-08-25,2010-09-08"
} > "$WORK/bad-tier.csv"
check "bad tier refused" 1 "$fm" ledger import "$WORK/bad-tier.csv"
has "bad tier names row and column" "$WORK/err" "第 3 行“档次（亿元）”（G3）的值“4”无效"
printf '%s\n' "$(head -1 "$FIXTURES/ledger/register.csv")" \
  "GS-C90,营销中心,兰州西部浙江商城浙江产品营销中心,兰州西部浙江商城,甘肃,兰州,,1,是,3000,2010-05-06,2010-05-13,,,," > "$WORK/bad-base.csv"
check "a new centre with a base refused" 1 "$fm" ledger import "$WORK/bad-base.csv"
has "bad base named" "$WORK/err" "row 2, column 2009年基数（万元） (J2)"
printf '%s\n' "$(head -1 "$FIXTURES/ledger/register.csv")" \
  "SC-C01,营销中心,成都荷花池市场浙江产品营销中心,成都荷花池市场,四川,成都,5,1,否,48000,2009-03-10,2009-04-08,2009-05-12,省经合办 周晓明,2009-05-26,2009-06-18,嘉兴、成都" > "$WORK/bad-docking.csv"
check "a docking city outside Zhejiang refused" 1 "$fm" ledger import "$WORK/bad-docking.csv"
has "bad docking named" "$WORK/err" "row 2, column 对接城市 (Q2): \"嘉兴、成都\""
[ "$(q "SELECT docking FROM ledger_outlets WHERE code = 'SC-C01'")" = "嘉兴市、金华市、丽水市" ] &&
  ok || bad "SC-C01 does not dock with 嘉兴、金华、丽水"
[ "$(q "SELECT base_cents FROM ledger_outlets WHERE code = 'SC-C01'")" = 4800000 ] &&
  [ "$(q "SELECT count(*) FROM ledger_outlets")" = 800 ] && ok || bad "a refused file changed the register"

# Export, and the export read back changes nothing.
check "register export" 0 "$fm" ledger export "$WORK/register.xlsx"
unzip -p "$WORK/register.xlsx" xl/worksheets/sheet1.xml | grep -q "成都荷花池市场浙江产品营销中心" &&
  ok || bad "the XLSX lacks 荷花池"
check "export read back" 0 "$fm" ledger import "$WORK/register.xlsx" --json
has "round trip" "$WORK/out" '"rows":800,"inserted":0,"updated":800,"offices":20,"centres":300'
[ "$(q "SELECT base_cents || ':' || (SELECT count(*) FROM ledger_steps s WHERE s.outlet_id = o.id)
     FROM ledger_outlets o WHERE code = 'SC-C01'")" = "4800000:5" ] && ok || bad "round trip lost SC-C01's base or steps"

# Accounts: two clerks of 四川's expansion office, one of 北京's, the finance reviewer.
for u in "sc1 expansion 四川" "sc2 expansion 四川" "bj1 expansion 北京" "fin finance" "org organiser"; do
  set -- $u
  "$fm" user add "$1" --role "$2" ${3:+--region "$3"} >/dev/null || bad "user add $1"
done

# 四川's quarter: 荷花池 (existing, base 48,000 万元) and a new centre.
check "sc1 submits 荷花池" 0 "$fm" ledger submit SC-C01 --year 2010 --quarter 3 --amount 50000 --note 服装鞋帽 --as sc1 --json
l1=$(field "$WORK/out" line)
check "sc1 submits SC-C04" 0 "$fm" ledger submit SC-C04 --year 2010 --quarter 3 --amount 1234.5 --as sc1 --json
l2=$(field "$WORK/out" line)
check "bj1 cannot submit for 四川" 1 "$fm" ledger submit SC-C05 --year 2010 --quarter 3 --amount 10 --as bj1
has "bj1 told why" "$WORK/err" "not your province"
check "finance cannot submit" 1 "$fm" ledger submit SC-C05 --year 2010 --quarter 3 --amount 10 --as fin
check "a second line for the quarter refused" 1 "$fm" ledger submit SC-C01 --year 2010 --quarter 3 --amount 9 --as sc1
check "a bad amount refused" 1 "$fm" ledger submit SC-C06 --year 2010 --quarter 3 --amount 12,5 --as sc1
[ "$(q "SELECT count(*) FROM ledger_lines")" = 2 ] && ok || bad "refused submissions made lines"

# 初核: not by the submitter, not without evidence, not by another province or finance.
check "sc1 cannot check its own line" 1 "$fm" ledger check "$l1" --as sc1
has "own line" "$WORK/err" "may not review it"
check "no evidence, no 初核" 1 "$fm" ledger check "$l1" --as sc2
has "evidence first" "$WORK/err" "has no evidence"
printf 'contract 2010-08-02 成都荷花池 × 义乌 …\n' > "$WORK/合同.txt"
printf 'delivery note stamped by the Zhejiang supplier\n' > "$WORK/进货凭证.txt"
check "evidence: contract" 0 "$fm" ledger evidence "$l1" "$WORK/合同.txt" --kind contract --as sc1
check "evidence: delivery" 0 "$fm" ledger evidence "$l1" "$WORK/进货凭证.txt" --kind delivery --as sc1
check "evidence: l2" 0 "$fm" ledger evidence "$l2" "$WORK/合同.txt" --kind contract --as sc1
sha=$(sha256sum "$WORK/合同.txt" | cut -c1-64)
[ -f "$WORK/data/uploads/${sha:0:2}/$sha" ] && ok || bad "the evidence is not kept by its SHA-256"
check "finance cannot add evidence" 1 "$fm" ledger evidence "$l1" "$WORK/合同.txt" --kind other --as fin
check "bj1 cannot check 四川's line" 1 "$fm" ledger check "$l1" --as bj1
check "finance cannot check" 1 "$fm" ledger check "$l1" --as fin
check "复审 before 初核 refused" 1 "$fm" ledger review "$l1"
check "sc2 checks" 0 "$fm" ledger check "$l1" --as sc2 --comment 凭证齐全
has "checked" "$WORK/out" "待复审"

# 复审: the province office only.
check "sc2 cannot pass 复审" 1 "$fm" ledger review "$l1" --as sc2
check "finance cannot pass 复审" 1 "$fm" ledger review "$l1" --as fin
check "finance may comment" 0 "$fm" ledger comment "$l1" --comment "进货凭证的印章请核对原件" --as fin
check "the province reviews" 0 "$fm" ledger review "$l1"
has "reviewed" "$WORK/out" "待联审"
check "figures: pending, not counted" 0 "$fm" ledger figures --year 2010 --quarter 3 --by centre --province 四川 --json
grep -q '"key":"SC-C01".*"pending":"50,000.00".*"counted":"0.00"' "$WORK/out" && ok || bad "a line counted before 联审"

# 联审: both the province and finance sign; one is not enough.
check "the province signs 联审" 0 "$fm" ledger joint "$l1"
has "still 待联审" "$WORK/out" "待联审"
check "the province cannot sign twice" 1 "$fm" ledger joint "$l1"
check "finance signs 联审" 0 "$fm" ledger joint "$l1" --as fin
has "verified" "$WORK/out" "已核实"

# Only the increase counts: through Q3 the base is 48,000 × 3/4 = 36,000.
check "figures by centre" 0 "$fm" ledger figures --year 2010 --quarter 3 --by centre --province 四川 --json
grep -q '"key":"SC-C01".*"base":"36,000.00".*"verified":"50,000.00".*"increase":"14,000.00".*"counted":"14,000.00"' "$WORK/out" &&
  ok || bad "SC-C01 does not count only its increase over the base"
check "figures, whole year" 0 "$fm" ledger figures --year 2010 --by centre --province 四川 --json
grep -q '"key":"SC-C01".*"counted":"2,000.00"' "$WORK/out" && ok || bad "the year's base is not 48,000"

# A return to the submitter, with its reason, then submitted again.
check "finance cannot return at 初核" 1 "$fm" ledger return "$l2" --comment 不对 --as fin
check "a return needs its reason" 1 "$fm" ledger return "$l2" --as sc2
check "sc2 returns l2" 0 "$fm" ledger return "$l2" --comment "合同金额与申报不符，请核对" --as sc2
has "returned" "$WORK/out" "已退回"
check "sc1 submits l2 again" 0 "$fm" ledger submit SC-C04 --year 2010 --quarter 3 --amount 1200 --as sc1
check "sc2 checks l2" 0 "$fm" ledger check "$l2" --as sc2
check "province reviews l2" 0 "$fm" ledger review "$l2"
check "finance signs l2" 0 "$fm" ledger joint "$l2" --as fin
check "province signs l2" 0 "$fm" ledger joint "$l2"
check "l2 history" 0 "$fm" ledger line "$l2" --json
grep -q '"action":"return","state":"returned","state_zh":"已退回","amount":null,"comment":"合同金额与申报不符，请核对","by":"sc2","role":"expansion"' "$WORK/out" &&
  ok || bad "the return and its reason are not in the history"
has "resubmitted amount kept" "$WORK/out" '"action":"submit","state":"submitted","state_zh":"待初核","amount":"1,200.00"'
check "a new centre counts in full" 0 "$fm" ledger figures --year 2010 --quarter 3 --by province --province 四川 --json
grep -q '"key":"四川省".*"increase":"14,000.00","increase_cents":1400000,"new_sales":"1,200.00","new_sales_cents":120000,"counted":"15,200.00"' "$WORK/out" &&
  ok || bad "四川 does not count 14,000 increase + 1,200 new"

# Evidence racing 初核: the adding command stops just before its write
# transaction (a fault point of test builds), 初核 passes meanwhile, and the
# evidence then finds the line closed: its state is read inside the transaction.
check "sc1 submits SC-C08" 0 "$fm" ledger submit SC-C08 --year 2010 --quarter 3 --amount 800 --as sc1 --json
l8=$(field "$WORK/out" line)
check "evidence: l8" 0 "$fm" ledger evidence "$l8" "$WORK/合同.txt" --kind contract --as sc1
if grep -q FAIRMATCH_FAULT "$fm"; then
  FAIRMATCH_FAULT=stop:ledger-evidence-before-begin "$fm" ledger evidence "$l8" "$WORK/进货凭证.txt" \
    --kind delivery --as sc1 >"$WORK/race.out" 2>"$WORK/race.err" &
  racer=$!
  # Poll (generously) until the racer has stopped at its fault point.
  for _ in $(seq 3000); do
    case $(sed 's/.*) //' "/proc/$racer/stat" 2>/dev/null | cut -d' ' -f1) in T|Z|'') break;; esac
    sleep 0.1
  done
  check "sc2 checks l8 while the evidence waits" 0 "$fm" ledger check "$l8" --as sc2
  kill -CONT "$racer"; wait "$racer"; rc=$?
  [ $rc = 1 ] && grep -q "line $l8 is checked: its evidence is closed" "$WORK/race.err" &&
    ok || bad "evidence slipped in after 初核 (exit $rc): $(cat "$WORK/race.err")"
  [ "$(q "SELECT group_concat(kind) FROM ledger_evidence WHERE line_id = $l8")" = contract ] &&
    [ "$(q "SELECT count(*) FROM ledger_history WHERE line_id = $l8 AND action = 'evidence'")" = 1 ] &&
    ok || bad "a checked line gained evidence"
else
  bad "$fm was built without FM_FAULT_INJECTION: the evidence race is not tried"
fi

# More verified lines, so that the sample has provinces to draw from.
for c in SC-C02 SC-C03 BJ-C01 BJ-C02 BJ-C06; do
  who=sc1; chk=sc2; case $c in BJ-*) who=bj1; chk=org;; esac
  "$fm" ledger submit $c --year 2010 --quarter 3 --amount 30000 --as $who --json > "$WORK/s.json" || bad "submit $c"
  l=$(field "$WORK/s.json" line)
  "$fm" ledger evidence "$l" "$WORK/进货凭证.txt" --kind delivery --as $who >/dev/null || bad "evidence $c"
  if [ $c = BJ-C01 ] || [ $c = BJ-C02 ] || [ $c = BJ-C06 ]; then
    "$fm" user add "bj-$c" --role expansion --region 北京 >/dev/null; chk="bj-$c"
  fi
  "$fm" ledger check "$l" --as $chk >/dev/null && "$fm" ledger review "$l" >/dev/null &&
    "$fm" ledger joint "$l" >/dev/null && "$fm" ledger joint "$l" --as fin >/dev/null || bad "review $c"
done
[ "$(q "SELECT count(*) FROM ledger_lines WHERE state = 'verified'")" = 7 ] && ok || bad "not 7 verified lines"

# Spot checks: the same seed draws the same lines, one per province.
check "expansion cannot draw" 1 "$fm" ledger sample draw --year 2010 --per-province 1 --seed 42 --as sc1
check "draw seed 42" 0 "$fm" ledger sample draw --year 2010 --per-province 2 --seed 42 --json
s1=$(field "$WORK/out" id); sed 's/"id":[0-9]*,//; s/"drawn_at":"[^"]*"//' "$WORK/out" > "$WORK/draw1"
check "draw seed 42 again" 0 "$fm" ledger sample draw --year 2010 --per-province 2 --seed 42 --json
sed 's/"id":[0-9]*,//; s/"drawn_at":"[^"]*"//' "$WORK/out" > "$WORK/draw2"
cmp -s "$WORK/draw1" "$WORK/draw2" && ok || bad "the same seed drew a different sample"
has "seed recorded" "$WORK/draw1" '"seed":"42"'
[ "$(q "SELECT group_concat(province || ':' || n) FROM (SELECT province, count(*) AS n FROM
     ledger_sample_lines WHERE sample_id = $s1 GROUP BY province ORDER BY province)")" = "北京市:2,四川省:2" ] &&
  ok || bad "the sample is not two lines of each province"
differs=0
for seed in 1 2 3 4 5 6 7 8; do
  "$fm" ledger sample draw --year 2010 --per-province 1 --seed $seed --json | sed 's/"id":[0-9]*,//; s/"drawn_at":"[^"]*"//; s/"seed":"[0-9]*"//' > "$WORK/d$seed"
  cmp -s "$WORK/d1" "$WORK/d$seed" || differs=1
done
[ $differs = 1 ] && ok || bad "eight seeds drew the same sample: the seed does nothing"

# A failed check reverses the line; its history stays.
sampled=$(q "SELECT line_id FROM ledger_sample_lines WHERE sample_id = $s1 AND line_id = $l1")
[ "$sampled" = "$l1" ] || sampled=$(q "SELECT line_id FROM ledger_sample_lines WHERE sample_id = $s1 AND province = '四川省' LIMIT 1")
check "expansion cannot record a check" 1 "$fm" ledger sample record "$s1" "$sampled" --fail --finding x --as sc1
check "a finding is required" 1 "$fm" ledger sample record "$s1" "$sampled" --fail
check "check fails" 0 "$fm" ledger sample record "$s1" "$sampled" --fail --finding "实地核查：进货凭证无浙江供货方印章" --as fin
[ "$(q "SELECT state FROM ledger_lines WHERE id = $sampled")" = reversed ] && ok || bad "a failed check left the line verified"
[ "$(q "SELECT group_concat(action, ',') FROM ledger_history WHERE line_id = $sampled ORDER BY id")" = \
  "$(q "SELECT group_concat(action, ',') FROM ledger_history WHERE line_id = $sampled AND action <> 'spot_fail' ORDER BY id"),spot_fail" ] &&
  [ "$(q "SELECT count(*) FROM ledger_history WHERE line_id = $sampled AND action = 'joint'")" = 2 ] &&
  ok || bad "the reversed line lost its review history"
check "recorded once" 1 "$fm" ledger sample record "$s1" "$sampled" --pass --finding again
sqlite3 "$db" "UPDATE ledger_history SET comment = 'x' WHERE line_id = $sampled" 2>/dev/null &&
  bad "the history can be edited" || ok
check "figures after the failed check" 0 "$fm" ledger figures --year 2010 --quarter 3 --by network --json
[ "$(field "$WORK/out" verified_cents)" = "$(q "SELECT sum(amount_cents) FROM ledger_lines WHERE state = 'verified'")" ] &&
  ok || bad "the reversed line still counts"

# Figures: thousands separators, 亿元, XLSX row by row.
check "figures by province" 0 "$fm" ledger figures --year 2010 --by province
grep -q "^四川	45	" "$WORK/out" && ok || bad "四川's row lacks its 45 outlets"
grep -q "^北京	45	344,000.00	" "$WORK/out" && ok || bad "北京's base is not 344,000.00 万元 with separators"
check "figures xlsx" 0 "$fm" ledger figures --year 2010 --by province --out "$WORK/figures.xlsx"
[ "$(unzip -p "$WORK/figures.xlsx" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" = 21 ] &&
  ok || bad "the XLSX does not hold 20 provinces and a header"
check "figures by city" 0 "$fm" ledger figures --year 2010 --by city --province 四川
has "成都" "$WORK/out" "成都	"
check "bad grouping" 1 "$fm" ledger figures --year 2010 --by county

# A city office's view: the outlets docking with its city (嘉兴 docks with
# 四川's, as the plan's 西博会 pairs them), each in full; no lines, no plan.
"$fm" user add jx1 --role city --region 嘉兴 >/dev/null || bad "user add jx1"
check "四川's figures" 0 "$fm" ledger figures --year 2010 --quarter 3 --by province --province 四川 --json
cp "$WORK/out" "$WORK/sichuan.json"
check "嘉兴's figures" 0 "$fm" ledger figures --year 2010 --quarter 3 --by province --as jx1 --json
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); p=json.load(open(sys.argv[2]))
sys.exit(not (c["rows"] == p["rows"] and len(c["rows"]) == 1 and c["docking"] == "嘉兴市"
              and c["plan"] == [] and c["quarters"] == p["quarters"]))' "$WORK/out" "$WORK/sichuan.json" &&
  ok || bad "嘉兴's view is not 四川's docking outlets: $(head -c 400 "$WORK/out")"
check "温州: nothing docks" 0 "$fm" ledger figures --year 2010 --by province --docking 温州 --json
grep -q '"rows":\[\]' "$WORK/out" && ok || bad "温州 sees outlets it does not dock with"
check "--docking names a Zhejiang city" 2 "$fm" ledger figures --year 2010 --docking 成都
check "a city office reads no line" 1 "$fm" ledger line "$l1" --as jx1

# Who is late: two of 新疆's and one of 甘肃's third batch sent no papers; Q3's lines were due on 15 October.
check "late" 0 "$fm" ledger late --year 2010 --today 2010-11-01 --json
grep -q '"what":"选定第三批营销中心和重点经销户，报送相关材料","due":"2010-10-31","quarter":0,"batch":3,"past":true,"late":\[{"office":"驻新疆拓展办","kind":"expansion","province":"新疆维吾尔自治区","missing":2},{"office":"驻甘肃拓展办","kind":"expansion","province":"甘肃省","missing":1}\]' "$WORK/out" &&
  ok || bad "新疆 and 甘肃 are not late with their third batch"
grep -q '"what":"选定第一批营销中心和重点经销户，报送相关材料","due":"2010-06-30","quarter":0,"batch":1,"past":true,"late":\[\]' "$WORK/out" &&
  ok || bad "the first batch shows someone late"
grep -q '"quarter":3,"batch":0,"past":true,"late":\[.*"office":"驻四川拓展办","kind":"expansion","province":"四川省","missing":4[0-9]' "$WORK/out" &&
  ok || bad "四川 is not late with most of its Q3 lines"
# The city offices report their quarter's figures too: none of the 11 had reported Q3 by 15 October.
python3 -c 'import json,sys; d=[d for d in json.load(open(sys.argv[1]))["deadlines"] if d["quarter"] == 3][0]
c=[o["office"] for o in d["late"] if o["kind"] == "city"]
sys.exit(not (len(c) == 11 and c[0] == "杭州市经济合作交流办公室" and d["late"][-1]["city"] == "丽水市"))' "$WORK/out" &&
  ok || bad "the 11 city offices are not late with Q3: $(head -c 600 "$WORK/out")"
check "late, as text" 0 "$fm" ledger late --year 2010 --today 2010-11-01
has "a city office late as text" "$WORK/out" "嘉兴市经济合作交流办公室	未报送季度数据 / no quarterly figure"
check "not yet due" 0 "$fm" ledger late --year 2010 --today 2010-06-01
has "not yet due" "$WORK/out" "未到期 / not yet due"

# A submission is stamped in UTC, a due date is a local day.  The line's
# stamp is read in a zone where its date differs from the UTC one (UTC+14
# in the UTC afternoon, UTC-12 in the morning), and the due date set so that
# only the local reading is right: the local day after it is late, the day
# itself is on time.
check "sc1 submits SC-C01 for 2011 Q1" 0 "$fm" ledger submit SC-C01 --year 2011 --quarter 1 --amount 100 --as sc1 --json
stamp=$(q "SELECT at FROM ledger_history WHERE line_id = $(field "$WORK/out" line) AND action = 'submit'")
if [ "${stamp:11:2}" -ge 12 ]; then zone=Etc/GMT-14; else zone=Etc/GMT+12; fi
local_day=$(TZ=$zone date -d "$stamp" +%F); utc_day=${stamp:0:10}
if [[ $local_day > $utc_day ]]; then due=$utc_day; late_too=1; else due=$local_day; late_too=0; fi
printf '事项,截止日期,季度,批次,亿元\n统计上报第一季度数据,%s,1,,\n' "$due" > "$WORK/plan-2011.csv"
check "plan 2011" 0 "$fm" ledger plan import "$WORK/plan-2011.csv" --year 2011
running=$(q "SELECT count(*) FROM ledger_outlets o JOIN ledger_steps s ON s.outlet_id = o.id AND
  s.step = 5 AND s.date <= '2011-03-31' WHERE o.province = '四川省'")
TZ=$zone check "late in $zone" 0 "$fm" ledger late --year 2011 --today "$(date -d "$due + 1 day" +%F)" --json
missing=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["deadlines"][0]
print(sum(o["missing"] for o in d["late"] if o.get("province") == "四川省"))' "$WORK/out")
[ "$missing" = $((running - 1 + late_too)) ] && ok ||
  bad "submitted $stamp ($local_day in $zone), due $due: 四川 misses $missing of $running, not $((running - 1 + late_too))"

# A city office's figure reported on its due day is on time; a city without one is late.
"$fm" user add hz1 --role city --region 杭州 >/dev/null || bad "user add hz1"
check "a city office reports" 0 "$fm" ledger city-report --year 2012 --quarter 2 --amount 8500.25 --note 配套市场 --as hz1 --json
has "the report" "$WORK/out" '"city":"杭州市","office":"杭州市经济合作交流办公室","quarter":2,"amount":"8,500.25"'
check "a city office reports its own city only" 0 "$fm" ledger city-report --year 2012 --quarter 2 --amount 1 --city 宁波 --as hz1 --json
has "corrected, still 杭州" "$WORK/out" '"city":"杭州市","office":"杭州市经济合作交流办公室","quarter":2,"amount":"1.00"'
python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["reports"] if x["city"] == "杭州市"][0]
sys.exit(not ([h["amount_cents"] for h in r["history"]] == [850025, 100] and r["history"][0]["note"] == "配套市场"
  and all(h["by"] == "hz1" for h in r["history"])))' "$WORK/out" &&
  ok || bad "the corrected report's first figure is not kept: $(head -c 600 "$WORK/out")"
[ "$(q "UPDATE ledger_city_history SET amount_cents = 0" 2>&1 | grep -c 'never changed')" = 1 ] &&
  ok || bad "the report history can be changed"
check "a bad amount refused" 1 "$fm" ledger city-report --year 2012 --quarter 2 --amount 1,5 --city 宁波
check "an expansion office cannot report a city's figure" 1 "$fm" ledger city-report --year 2012 --quarter 2 --amount 1 --city 宁波 --as sc1
check "the province reports for 宁波" 0 "$fm" ledger city-report --year 2012 --quarter 2 --amount 700 --city 宁波
check "a city outside Zhejiang refused" 1 "$fm" ledger city-report --year 2012 --quarter 2 --amount 1 --city 成都
has "city named" "$WORK/err" 'city "成都" is not one of Zhejiang'
[ "$(q "SELECT count(*) FROM ledger_city_reports")" = 2 ] && ok || bad "refused reports were kept"
# The day by the clock fairmatch reads it with: $TZ, else Asia/Shanghai (sqlite3 uses $TZ, else UTC).
rday=$(TZ=${TZ:-Asia/Shanghai} q "SELECT date(submitted_at, 'localtime') FROM ledger_city_reports WHERE city = '杭州市'")
printf '事项,截止日期,季度,批次,亿元\n统计上报第二季度数据,%s,2,,\n三大市场扩销,,,,100\n' "$rday" > "$WORK/plan-2012.csv"
check "plan 2012" 0 "$fm" ledger plan import "$WORK/plan-2012.csv" --year 2012
check "late 2012" 0 "$fm" ledger late --year 2012 --today "$(date -d "$rday + 1 day" +%F)" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["deadlines"][0]
c=[o["city"] for o in d["late"] if o["kind"] == "city"]
sys.exit(not (len(c) == 9 and "杭州市" not in c and "宁波市" not in c and "温州市" in c))' "$WORK/out" &&
  ok || bad "杭州 and 宁波 reported on the due day but are late, or the others are not: $(head -c 600 "$WORK/out")"
check "figures 2012: the 三大市场 reported" 0 "$fm" ledger figures --year 2012 --by network
has "markets counted" "$WORK/out" "三大市场扩销：目标"
check "figures 2012 json" 0 "$fm" ledger figures --year 2012 --by network --json
python3 -c 'import json,sys; p={i["item"]: i for i in json.load(open(sys.argv[1]))["plan"]}
sys.exit(not (p["markets"]["counted_yi"] == "0.07"))' "$WORK/out" &&
  ok || bad "the city offices' reports do not count for the 三大市场: $(head -c 600 "$WORK/out")"

# Sales from a fair meeting or not: each line says which, and the figures split the verified amount.
check "a line from a fair meeting" 0 "$fm" ledger submit SC-C13 --year 2010 --quarter 3 --amount 640 --fair --as sc1 --json
lf=$(field "$WORK/out" line)
check "its evidence" 0 "$fm" ledger evidence "$lf" "$WORK/合同.txt" --kind contract --as sc1
for step in "check --as sc2" review joint "joint --as fin"; do
  "$fm" ledger $step "$lf" >/dev/null || bad "review $lf: $step"
done
check "lines show the marker" 0 "$fm" ledger lines --year 2010 --quarter 3
grep -q "^$lf	SC-C13	.*	640.00	来自洽谈会	已核实$" "$WORK/out" && grep -q "^$l1	SC-C01	.*	非洽谈会	" "$WORK/out" &&
  ok || bad "the lines do not say which came from a fair meeting: $(head -5 "$WORK/out")"
check "line json marker" 0 "$fm" ledger line "$lf" --json
has "from_fair" "$WORK/out" '"from_fair":true'
check "figures split fair and not" 0 "$fm" ledger figures --year 2010 --quarter 3 --by province --province 四川 --json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"][0]
sys.exit(not (r["verified_fair_cents"] == 64000 and r["verified_fair_cents"] + r["verified_other_cents"] == r["verified_cents"]))' "$WORK/out" &&
  ok || bad "四川's verified sales are not split 640 from fairs and the rest: $(head -c 600 "$WORK/out")"
check "figures xlsx with the split" 0 "$fm" ledger figures --year 2010 --quarter 3 --by province --province 四川 --out "$WORK/fair.xlsx"
unzip -p "$WORK/fair.xlsx" xl/worksheets/sheet1.xml | grep -q "其中洽谈会成交（万元）" &&
  unzip -p "$WORK/fair.xlsx" xl/worksheets/sheet1.xml | grep -q "<v>640</v>" && ok || bad "the XLSX lacks the fair-meeting column or 640"

# A returns file: every bad row named by row and column, and nothing imported.
printf '编号,金额（万元）,说明\nSC-C09,3200.5,服装\nSC-C10,12.345,\nSC-X99,100,\nBJ-C03,50,\n' > "$WORK/returns-bad.csv"
check "a bad returns file refused" 1 "$fm" ledger returns import "$WORK/returns-bad.csv" --year 2010 --quarter 3 --as sc1
has "bad amount named" "$WORK/err" "B3："
has "unknown outlet named" "$WORK/err" "A4：名录里没有编号“SC-X99”"
has "another province's outlet named" "$WORK/err" "A5："
has "the count" "$WORK/err" "the returns file has 3 errors; no line was imported"
[ "$(q "SELECT count(*) FROM ledger_lines l JOIN ledger_outlets o ON o.id = l.outlet_id WHERE o.code = 'SC-C09'")" = 0 ] &&
  ok || bad "a refused returns file left a line"
printf '编号,金额（万元）,说明,洽谈会成交\nSC-C09,3200.5,服装,是\nSC-C10,1250,鞋帽,也许\n' > "$WORK/returns-fair.csv"
check "a bad 洽谈会成交 cell refused" 1 "$fm" ledger returns import "$WORK/returns-fair.csv" --year 2010 --quarter 3 --as sc1
has "bad fair cell named" "$WORK/err" "D3：应为“是”或“否”"
printf '编号,金额（万元）,说明,洽谈会成交\nSC-C09,3200.5,服装,是\nSC-C10,1250,鞋帽,\n' > "$WORK/returns.csv"
check "fin cannot import returns" 1 "$fm" ledger returns import "$WORK/returns.csv" --year 2010 --quarter 3 --as fin
check "returns imported" 0 "$fm" ledger returns import "$WORK/returns.csv" --year 2010 --quarter 3 --as sc1 --json
has "two lines" "$WORK/out" '"ok":true,"rows":2'
[ "$(q "SELECT group_concat(o.code || ':' || l.from_fair) FROM ledger_lines l JOIN ledger_outlets o ON o.id = l.outlet_id
     WHERE o.code IN ('SC-C09', 'SC-C10') ORDER BY o.code")" = "SC-C09:1,SC-C10:0" ] && ok || bad "the returns file's 洽谈会成交 was not kept"

# Over HTTPS: each office reads its own province; each role only its own step.
pw() { printf '%s\n' "$2" > "$WORK/pw-$1"; echo "$WORK/pw-$1"; }
"$fm" user add hsc --role expansion --region 四川 --password-file "$(pw hsc sichuan-ledger-1)" >/dev/null &&
  "$fm" user add hbj --role expansion --region 北京 --password-file "$(pw hbj beijing-ledger-1)" >/dev/null &&
  "$fm" user add hfin --role finance --password-file "$(pw hfin finance-ledger-1)" >/dev/null &&
  "$fm" user add hjx --role city --region 嘉兴 --password-file "$(pw hjx jiaxing-ledger-1)" >/dev/null && ok || bad "user add over HTTPS"
rm -f "$WORK/port"
"$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" --threads 2 \
  --access-log "$WORK/access.log" 2>>"$WORK/server.err" &
srv=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="https://localhost:$(cat "$WORK/port" 2>/dev/null)"
C() { curl -sS --max-time 120 --cacert "$WORK/data/tls/cert.pem" "$@"; }
login() { C -c "$WORK/jar-$1" -o /dev/null -w '%{http_code}' -H 'X-Requested-With: fetch' \
  -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/login"; }
[ "$(login hsc sichuan-ledger-1)" = 200 ] && [ "$(login hbj beijing-ledger-1)" = 200 ] &&
  [ "$(login hfin finance-ledger-1)" = 200 ] && [ "$(login hjx jiaxing-ledger-1)" = 200 ] && ok || bad "sign-in: $(cat "$WORK/server.err")"
as() { local who=$1 m=$2 p=$3; shift 3
  C -o "$WORK/body" -w '%{http_code}' -X "$m" -b "$WORK/jar-$who" -H 'X-Requested-With: fetch' "$@" "$base$p"; }
j='Content-Type: application/json'
[ "$(as hbj GET '/api/v1/ledger/lines?year=2010')" = 200 ] && grep -q '"outlet":"BJ-C01"' "$WORK/body" &&
  ! grep -q '"outlet":"SC-' "$WORK/body" && ok || bad "北京 reads 四川's lines: $(head -c 300 "$WORK/body")"
[ "$(as hbj GET "/api/v1/ledger/lines/$l1")" = 403 ] && ok || bad "北京 opens 四川's line"
[ "$(as hbj GET '/api/v1/ledger/register')" = 200 ] && grep -q '"centres":15,"key_centres":[0-9]*,"distributors":30' "$WORK/body" &&
  ! grep -q '"code":"SC-' "$WORK/body" && ok || bad "北京's register is not its own"
[ "$(as hbj GET '/api/v1/ledger/figures?year=2010&by=province')" = 200 ] && grep -q '"key":"北京市"' "$WORK/body" &&
  ! grep -q '"key":"四川省"' "$WORK/body" && ok || bad "北京 reads 四川's figures"
[ "$(as hjx GET '/api/v1/ledger/figures?year=2010&by=province')" = 200 ] &&
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(not ([r["key"] for r in d["rows"]] == ["四川省"] and d["docking"] == "嘉兴市"))' "$WORK/body" &&
  ok || bad "嘉兴's clerk does not see 四川's docking outlets: $(head -c 300 "$WORK/body")"
[ "$(as hjx GET '/api/v1/ledger/lines?year=2010')" = 403 ] && ok || bad "a city office reads the lines"
# Its quarters are 北京's own too, and the network's plan totals are not shown to it.
[ "$(as hbj GET '/api/v1/ledger/figures?year=2010&quarter=3&by=network')" = 200 ] &&
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(not (d["rows"][0]["counted"] == d["quarters"][2]["counted"] != "0.00" and d["plan"] == []))' "$WORK/body" &&
  ok || bad "北京 reads the network's quarters: $(head -c 600 "$WORK/body")"
# A returns file uploaded: the report names each bad row's cell; a good file submits its lines.
up() { as "$1" POST "/api/v1/ledger/returns?year=2010&quarter=3&filename=$2" -H 'Content-Type: text/csv' --data-binary @"$WORK/$2"; }
printf '编号,金额（万元）\nSC-C11,abc\nSC-C12,900\n' > "$WORK/http-bad.csv"
printf '编号,金额（万元）\nSC-C11,1100\nSC-C12,900\n' > "$WORK/http-good.csv"
[ "$(up hsc http-bad.csv)" = 400 ] && grep -q '"error_count":1' "$WORK/body" &&
  grep -q '"row":2,"column":"金额（万元）","cell":"B2","value":"abc"' "$WORK/body" &&
  [ "$(q "SELECT count(*) FROM ledger_lines l JOIN ledger_outlets o ON o.id = l.outlet_id WHERE o.code = 'SC-C12'")" = 0 ] &&
  ok || bad "a bad returns upload: $(cat "$WORK/body")"
[ "$(up hfin http-good.csv)" = 403 ] && ok || bad "finance uploads returns"
[ "$(up hsc http-good.csv)" = 200 ] && grep -q '"ok":true,"rows":2' "$WORK/body" && ok || bad "a returns upload: $(cat "$WORK/body")"
[ "$(as hfin POST /api/v1/ledger/lines -H "$j" -d '{"outlet":"SC-C07","year":2010,"quarter":3,"amount":"10"}')" = 403 ] &&
  ok || bad "finance submits over HTTPS: $(cat "$WORK/body")"
[ "$(as hsc POST /api/v1/ledger/lines -H "$j" -d '{"outlet":"SC-C07","year":2010,"quarter":3,"amount":"2,500.5"}')" = 400 ] &&
  grep -q 'amount' "$WORK/body" && ok || bad "a bad amount over HTTPS: $(cat "$WORK/body")"
[ "$(as hsc POST /api/v1/ledger/lines -H "$j" -d '{"outlet":"SC-C07","year":2010,"quarter":3,"amount":"2500.5","from_fair":"是"}')" = 400 ] &&
  grep -q 'from_fair' "$WORK/body" && ok || bad "from_fair as text over HTTPS: $(cat "$WORK/body")"
[ "$(as hsc POST /api/v1/ledger/lines -H "$j" -d '{"outlet":"SC-C07","year":2010,"quarter":3,"amount":"2500.5","from_fair":true}')" = 200 ] &&
  grep -q '"state":"submitted"' "$WORK/body" && grep -q '"from_fair":true' "$WORK/body" && ok || bad "四川 submits over HTTPS: $(cat "$WORK/body")"
l7=$(field "$WORK/body" id)
[ "$(as hsc POST "/api/v1/ledger/lines/$l7/evidence?filename=%E5%90%88%E5%90%8C.txt&kind=contract" \
  -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/合同.txt")" = 200 ] &&
  grep -q '"filename":"合同.txt"' "$WORK/body" && ok || bad "evidence over HTTPS: $(cat "$WORK/body")"
[ "$(as hsc POST "/api/v1/ledger/lines/$l7/review" -H "$j" -d '{"action":"check"}')" = 403 ] &&
  ok || bad "四川 passes its own line over HTTPS"
[ "$(as hbj POST "/api/v1/ledger/lines/$l7/review" -H "$j" -d '{"action":"check"}')" = 403 ] &&
  ok || bad "北京 passes 四川's line over HTTPS"
[ "$(as hfin POST "/api/v1/ledger/lines/$l7/review" -H "$j" -d '{"action":"check"}')" = 403 ] &&
  ok || bad "finance passes 初核 over HTTPS"
[ "$(as hfin POST "/api/v1/ledger/lines/$l7/review" -H "$j" -d '{"action":"comment","comment":"请补充进货凭证"}')" = 200 ] &&
  ok || bad "finance comments over HTTPS: $(cat "$WORK/body")"
[ "$(q "SELECT state FROM ledger_lines WHERE id = $l7")" = submitted ] && ok || bad "a refused step changed the line"
[ "$(as hsc POST /api/v1/ledger/samples -H "$j" -d '{"year":2010,"per_province":1,"seed":42}')" = 403 ] &&
  ok || bad "an expansion office draws a sample over HTTPS"
[ "$(as hfin POST /api/v1/ledger/samples -H "$j" -d '{"year":2010,"per_province":1,"seed":42}')" = 200 ] &&
  grep -q '"seed":"42"' "$WORK/body" && ok || bad "finance draws a sample: $(cat "$WORK/body")"
sh1=$(field "$WORK/body" id); sed 's/.*"lines"://' "$WORK/body" > "$WORK/http-draw1"
[ "$(as hfin POST /api/v1/ledger/samples -H "$j" -d '{"year":2010,"per_province":1,"seed":42}')" = 200 ] &&
  sed 's/.*"lines"://' "$WORK/body" | cmp -s - "$WORK/http-draw1" && ok || bad "the same seed over HTTPS drew another sample"
hl=$(q "SELECT line_id FROM ledger_sample_lines WHERE sample_id = $sh1 LIMIT 1")
[ "$(as hfin POST "/api/v1/ledger/samples/$sh1/findings" -H "$j" -d "{\"line\":$hl,\"passed\":true,\"finding\":\"实地核查相符\"}")" = 200 ] &&
  grep -q '"result":"passed","finding":"实地核查相符","checked_by":"hfin"' "$WORK/body" && ok ||
  bad "a finding over HTTPS: $(cat "$WORK/body")"
[ "$(as hfin GET "/api/v1/ledger/samples/$sh1")" = 200 ] && ok || bad "the sample reads back"
# The province office edits the register, field by field; nobody else may.
[ "$(login admin "$(cat "$WORK/data/admin-password.txt")")" = 200 ] && ok || bad "the admin signs in"
d031='"code":"SC-D031","kind":"重点经销户","name":"成都鸿运五金机电商贸有限公司","province":"四川","city":"成都","batch":"2","step1":"2010-07-05","step2":"2010-07-12","step3":"2010-08-15","docking":"嘉兴、金华"'
[ "$(as hsc POST /api/v1/ledger/register -H "$j" -d "{$d031,\"new\":\"是\",\"approver\":\"省经合办 陈立新\"}")" = 403 ] &&
  ok || bad "an expansion office edits the register: $(cat "$WORK/body")"
[ "$(as admin POST /api/v1/ledger/register -H "$j" -d "{$d031,\"new\":\"是\"}")" = 400 ] &&
  grep -q '核准人 (approver): \\"\\" is empty: an approval names who approved' "$WORK/body" &&
  ok || bad "an approval without its approver: $(cat "$WORK/body")"
[ "$(as admin POST /api/v1/ledger/register -H "$j" -d "{$d031,\"new\":\"是\",\"approver\":\"省经合办 陈立新\",\"tier\":\"5\"}")" = 400 ] &&
  grep -q '档次（亿元） (tier): \\"5\\" only a marketing centre has a tier' "$WORK/body" &&
  [ "$(q "SELECT count(*) FROM ledger_outlets WHERE code = 'SC-D031'")" = 0 ] &&
  ok || bad "a distributor with a tier: $(cat "$WORK/body")"
[ "$(as admin POST /api/v1/ledger/register -H "$j" -d "{$d031,\"new\":\"是\",\"approver\":\"省经合办 陈立新\"}")" = 200 ] &&
  grep -q '"code":"SC-D031","inserted":true' "$WORK/body" &&
  [ "$(q "SELECT o.docking || '/' || o.updated_by || '/' || group_concat(s.date || ' ' || s.approver, ';')
       FROM ledger_outlets o JOIN ledger_steps s ON s.outlet_id = o.id WHERE o.code = 'SC-D031'")" = \
    "嘉兴市、金华市/admin/2010-07-05 ;2010-07-12 ;2010-08-15 省经合办 陈立新" ] &&
  ok || bad "the province office adds SC-D031: $(cat "$WORK/body")"
[ "$(as admin POST /api/v1/ledger/register -H "$j" -d "{$d031,\"approver\":\"省经合办 陈立新\",\"new\":\"否\",\"base\":\"1200.5\"}")" = 200 ] &&
  grep -q '"inserted":false' "$WORK/body" && [ "$(q "SELECT base_cents FROM ledger_outlets WHERE code = 'SC-D031'")" = 120050 ] &&
  ok || bad "the province office edits SC-D031's base: $(cat "$WORK/body")"
# The register over HTTPS: exported as the CLI exports it (an office its own province), and
# imported by the province office alone, all or nothing, a bad cell named.
[ "$(as admin GET '/api/v1/ledger/register/export')" = 200 ] &&
  unzip -p "$WORK/body" xl/worksheets/sheet1.xml | grep -q "成都荷花池市场浙江产品营销中心" &&
  [ "$(unzip -p "$WORK/body" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" = "$(( $(q "SELECT count(*) FROM ledger_outlets") + 1 ))" ] &&
  ok || bad "the register's XLSX over HTTPS: $(head -c 200 "$WORK/body")"
cp "$WORK/body" "$WORK/http-register.xlsx"
[ "$(as hbj GET '/api/v1/ledger/register/export?format=csv')" = 200 ] && grep -q "^BJ-C01," "$WORK/body" &&
  ! grep -q "^SC-" "$WORK/body" && ok || bad "北京's register export is not its own: $(head -c 300 "$WORK/body")"
[ "$(as hjx GET '/api/v1/ledger/register/export')" = 403 ] && ok || bad "a city office exports the register"
[ "$(as admin GET '/api/v1/ledger/register/export?province=火星')" = 400 ] && grep -q '火星' "$WORK/body" &&
  ok || bad "an unknown province exported as an empty register: $(head -c 300 "$WORK/body")"
[ "$(as admin GET '/api/v1/ledger/register/export?format=pdf')" = 400 ] && grep -q 'format' "$WORK/body" &&
  ok || bad "a bad export format: $(cat "$WORK/body")"
regup() { as "$1" POST "/api/v1/ledger/register/import?filename=$2" -H 'Content-Type: application/octet-stream' --data-binary @"$WORK/$2"; }
[ "$(regup hsc bad-tier.csv)" = 403 ] && [ "$(regup hfin bad-tier.csv)" = 403 ] && ok || bad "an expansion office or finance imports the register"
[ "$(as hfin POST /api/v1/ledger/register -H "$j" -d "{$d031,\"new\":\"是\",\"approver\":\"省经合办 陈立新\"}")" = 403 ] &&
  ok || bad "the finance reviewer edits the register: $(cat "$WORK/body")"
head -1 "$FIXTURES/ledger/register.csv" > "$WORK/header-only.csv"
[ "$(regup admin header-only.csv)" = 400 ] && grep -q 'header-only.csv 没有数据行.*the register was not changed' "$WORK/body" &&
  ok || bad "a register upload without rows: $(cat "$WORK/body")"
[ "$(regup admin bad-tier.csv)" = 400 ] && grep -q '第 3 行“档次（亿元）”（G3）的值“4”无效' "$WORK/body" &&
  [ "$(q "SELECT count(*) FROM ledger_outlets WHERE code = 'SC-C99'")" = 0 ] &&
  ok || bad "a bad register upload: $(cat "$WORK/body")"
printf '%s\n' "$(head -1 "$FIXTURES/ledger/register.csv")" \
  "SC-C95,营销中心,成都国际商贸城浙江产品营销中心,成都国际商贸城,四川,成都,,3,是,,2010-09-06,2010-09-20,,,," > "$WORK/one-more.csv"
[ "$(regup admin one-more.csv)" = 200 ] && grep -q '"rows":1,"inserted":1,"updated":0' "$WORK/body" &&
  [ "$(q "SELECT name FROM ledger_outlets WHERE code = 'SC-C95'")" = 成都国际商贸城浙江产品营销中心 ] &&
  ok || bad "a register upload: $(cat "$WORK/body")"
[ "$(regup admin http-register.xlsx)" = 200 ] && grep -q '"inserted":0' "$WORK/body" && ok || bad "the exported register read back: $(cat "$WORK/body")"
# The figures as XLSX, row by row, with the fair-meeting split; a city office its docking outlets.
[ "$(as hfin GET '/api/v1/ledger/figures/export?by=province&year=2010')" = 200 ] &&
  [ "$(unzip -p "$WORK/body" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" = 21 ] &&
  unzip -p "$WORK/body" xl/worksheets/sheet1.xml | grep -q "其中洽谈会成交（万元）" &&
  ok || bad "the figures' XLSX over HTTPS: $(head -c 200 "$WORK/body")"
[ "$(as hjx GET '/api/v1/ledger/figures/export?by=province&year=2010')" = 200 ] &&
  [ "$(unzip -p "$WORK/body" xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l)" = 2 ] &&
  ok || bad "嘉兴's figures export is not its one docking province"
[ "$(as hfin GET '/api/v1/ledger/figures/export?by=county&year=2010')" = 400 ] && grep -q 'county' "$WORK/body" &&
  ok || bad "a bad grouping exported: $(cat "$WORK/body")"
# A city office reports its quarter over HTTPS, its own city only; an expansion office may not.
[ "$(as hjx POST /api/v1/ledger/city-reports -H "$j" -d '{"year":2010,"quarter":3,"amount":"4200","city":"宁波"}')" = 200 ] &&
  grep -q '"reports":\[{"city":"嘉兴市","office":"嘉兴市经济合作交流办公室","quarter":3,"amount":"4,200.00"' "$WORK/body" &&
  ! grep -q '宁波' "$WORK/body" && ok || bad "嘉兴 reports over HTTPS: $(cat "$WORK/body")"
[ "$(as hsc POST /api/v1/ledger/city-reports -H "$j" -d '{"year":2010,"quarter":3,"amount":"1"}')" = 403 ] &&
  ok || bad "an expansion office reports a city's figure"
[ "$(as hjx POST /api/v1/ledger/city-reports -H "$j" -d '{"year":2010,"quarter":3,"amount":"1,0"}')" = 400 ] &&
  [ "$(q "SELECT amount_cents FROM ledger_city_reports WHERE city = '嘉兴市' AND year = 2010")" = 420000 ] &&
  ok || bad "a bad amount over HTTPS changed the report: $(cat "$WORK/body")"
[ "$(as hfin GET '/api/v1/ledger/late?year=2010')" = 200 ] &&
  python3 -c 'import json,sys; d=[d for d in json.load(open(sys.argv[1]))["deadlines"] if d["quarter"] == 3][0]
c=[o["city"] for o in d["late"] if o["kind"] == "city"]
sys.exit(not (len(c) == 11 and "嘉兴市" in c))' "$WORK/body" && ok || bad "嘉兴's report after the due day is on time: $(head -c 400 "$WORK/body")"
[ "$(C -o /dev/null -w '%{http_code}' "$base/api/v1/ledger/lines?year=2010")" = 401 ] && ok || bad "nobody reads the lines"
kill -TERM "$srv"; wait "$srv"
grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$WORK/server.err" &&
  bad "the server reported a sanitizer error: $(grep -m3 'Sanitizer\|runtime error' "$WORK/server.err")" || ok

finish
