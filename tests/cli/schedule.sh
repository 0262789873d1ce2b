#!/usr/bin/env bash
# Black-box: `fairmatch schedule --dzn` on a published B2B instance and on bad
# files — exit codes (0 solved or proven infeasible, 1 input rejected, 2 usage)
# and the JSON contract (DESIGN.md, "Command line").
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
# The published instance the tests use (fixtures/b2b/README.md).
b2b=$FIXTURES/b2b
[ -f "$b2b/tic-12.original.dzn" ] || { echo "FAIL no $b2b/tic-12.original.dzn"; exit 1; }
source "$(dirname "$0")/lib.bash"
need python3

# json NAME PYTHON-EXPRESSION : the expression holds for d = the JSON in $WORK/out.
json() {
  if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
      "$WORK/out" 2>/dev/null; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $1: not true of the JSON: $2"
    head -c 300 "$WORK/out" | sed 's/^/  /'
  fi
}

fm=$FAIRMATCH
tic12=$b2b/tic-12.original.dzn

check "schedule --help" 0 "$fm" schedule --help
has "help shows usage" "$WORK/out" "usage: fairmatch schedule"
check "schedule without --dzn" 2 "$fm" schedule
has "no fair or --dzn is named" "$WORK/err" "give a fair code or --dzn FILE"
check "schedule FAIR without a data directory" 1 "$fm" schedule harbin-2011 --data "$WORK/none"
has "says to run init" "$WORK/err" "fairmatch init"
check "--dzn and a fair" 2 "$fm" schedule harbin-2011 --dzn "$tic12"
check "bad --fairness" 2 "$fm" schedule --dzn "$tic12" --fairness -1
check "bad --time-limit" 2 "$fm" schedule --dzn "$tic12" --time-limit soon
check "bad --seed" 2 "$fm" schedule --dzn "$tic12" --seed x
check "unknown option" 2 "$fm" schedule --dzn "$tic12" --frobnicate

# The time limit is a cap that only stops a hang: the search stops at the bound (0 breaks)
# long before; tests/unit/test_sched.c checks it within a step budget.
check "tic-12 --json" 0 "$fm" schedule --dzn "$tic12" --fairness 2 --time-limit 600 --seed 7 --json
json "status optimal" 'd["status"] == "optimal" and d["breaks"] == 0 and d["bound"] == 0'
json "every meeting once, 1-based" \
  'sorted(m["id"] for m in d["meetings"]) == list(range(1, 126)) and all(1 <= m["slot"] <= 8 for m in d["meetings"])'
json "no clash in the printed schedule" '
  (lambda req, sl: all(len({sl[i] for i in range(len(req)) if p in req[i]}) ==
      sum(1 for r in req if p in r) for p in range(1, 43)))(
  [tuple(map(int, r.split(",")[:2])) for r in
   open("'"$tic12"'").read().split("[|")[1].split("|]")[0].split("|") if r.strip()],
  {m["id"] - 1: m["slot"] for m in d["meetings"]})'
check "tic-12 text" 0 "$fm" schedule --dzn "$tic12" --time-limit 600
has "text shows the status" "$WORK/out" "status: optimal"
has "text shows slot 8" "$WORK/out" "slot 8:"

# Bad files: each refused with exit 1 and a message naming what is wrong.
check "missing file" 1 "$fm" schedule --dzn "$WORK/nope.dzn" --json
has "missing file named" "$WORK/err" "nope.dzn"
head -c 2000 "$tic12" >"$WORK/cut.dzn"
check "file cut short" 1 "$fm" schedule --dzn "$WORK/cut.dzn" --json
has "cut short said" "$WORK/err" "cut short"
[ ! -s "$WORK/out" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL cut file printed output"; }
sed 's/^|1, 10,3, $/|1, 99,3, /' "$tic12" >"$WORK/unknown.dzn"
check "unknown participant" 1 "$fm" schedule --dzn "$WORK/unknown.dzn"
has "unknown participant named" "$WORK/err" "meeting 2 has an unknown participant 99"
has "its line" "$WORK/err" "unknown.dzn:8:"
sed 's/^nTotalSlots = 8;/nTotalSlots = 7;\nnRooms = 3;/' "$tic12" >"$WORK/key.dzn"
check "unknown key" 1 "$fm" schedule --dzn "$WORK/key.dzn"
has "unknown key named" "$WORK/err" "unknown key “nRooms”"
sed 's/^nTotalSlots = 8;/nTotalSlots = 7;/; s/^nMorningSlots = 8;/nMorningSlots = 7;/' "$tic12" >"$WORK/slots.dzn"
check "more meetings than slots" 1 "$fm" schedule --dzn "$WORK/slots.dzn"
has "too many meetings said" "$WORK/err" "meetings but there are only 7 slots"

# Proven infeasible: participant 1 forbidden every slot but one; exit 0, status says so.
awk 'BEGIN { n = 0 } /^forbidden = \[\{0\},$/ { print "forbidden = [{1,2,3,4,5,6,7},"; next } { print }' \
  "$tic12" >"$WORK/infeasible.dzn"
check "infeasible" 0 "$fm" schedule --dzn "$WORK/infeasible.dzn" --json
json "status infeasible" 'd["status"] == "infeasible" and d["meetings"] == [] and "participant 1" in d["reason"]'

finish
