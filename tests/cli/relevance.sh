#!/usr/bin/env bash
# Relevance of the matcher on the judged set (fixtures/judged): the fixture
# catalogues loaded into a fresh store, every judged demand matched, and
# nDCG@10 compared with the figure committed beside the judgments.  Raise
# that figure when the matcher improves; this fails when it drops.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work

load_catalogues

"$fm" evaluate "$FIXTURES/judged/judgments.tsv" --json > "$WORK/eval" 2>"$WORK/err" || {
  echo "FAIL evaluate: $(cat "$WORK/err")"; exit 1; }
cat "$WORK/eval"
ndcg=$(sed -n 's/.*"ndcg10":\([0-9.]*\).*/\1/p' "$WORK/eval")
demands=$(sed -n 's/.*"demands":\([0-9]*\).*/\1/p' "$WORK/eval")
floor=$(cat "$FIXTURES/judged/ndcg10.floor")
if awk -v a="$ndcg" -v b="$floor" 'BEGIN { exit !(a + 0 >= b + 0) }'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1)); echo "FAIL nDCG@10 $ndcg is below the committed floor $floor"
fi
# Every demand the judgments name is scored.
judged=$(awk -F'\t' 'NR > 1 { print $1 }' "$FIXTURES/judged/judgments.tsv" | sort -u | wc -l)
[ "${demands:-0}" = "$judged" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL $demands of the $judged judged demands scored"; }

# Bad input to the matcher: clear messages, not empty successes.
"$fm" match demand NO-SUCH-CODE > "$WORK/out" 2>&1; st=$?
[ "$st" -eq 1 ] && [ "$(cat "$WORK/out")" = "fairmatch match: 没有编号为 NO-SUCH-CODE 的需求 / no demand has the code NO-SUCH-CODE" ] &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL unknown code: exit $st $(cat "$WORK/out")"; }
"$fm" match widgets X > "$WORK/out" 2>&1; st=$?
[ "$st" -eq 2 ] && [ "$(head -1 "$WORK/out")" = "fairmatch match: 类型应为 demand、supply 或 fair / the kind must be demand, supply or fair, not “widgets”" ] &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bad kind: exit $st $(cat "$WORK/out")"; }
code=$(awk -F'\t' 'NR == 2 { print $1 }' "$FIXTURES/judged/judgments.tsv")
"$fm" match demand "$code" --limit 3 --json > "$WORK/out" 2>&1 &&
  grep -q '"matches":\[{"code":' "$WORK/out" && grep -q '"why":\[{"word":' "$WORK/out" && pass=$((pass + 1)) ||
  { fail=$((fail + 1)); echo "FAIL match --json shape: $(head -c 300 "$WORK/out")"; }

finish
