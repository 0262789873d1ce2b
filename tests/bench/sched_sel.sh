#!/usr/bin/env bash
# tests/bench/sched_sel.sh [SECONDS [SEEDS]] — selection mode: a generated fair of
# 2,000 buyers × 2,000 suppliers, 16 slots over two days, 300 tables, 50,000
# scored candidates, everyone away in 10% of the slots; solved within SECONDS
# (default 10) for each seed (default "1 2 3"), the schedule passed through the
# independent validator.  Then the size tests/unit/test_sched_sel.c re-solves
# (60 × 60, 8 slots over two days, 20 tables, 700 candidates), whose search
# the test budgets in improvement moves, not seconds: here are its moves and
# seconds.  Peer: the maximum-weight b-matching bound.  Prints a table and one
# JSON line per run.  Then the fair day: 300 buyers × 300 suppliers, 2 days ×
# 16 slots, 100 tables, 6,000 candidates, solved, then ten late changes
# (no-shows and late accepted requests alternately), each re-solved within
# 1.5 s keeping the schedule so far: seconds, meetings moved and the bound
# ratio per re-solve, and the worst of them.  It reports; it never fails on a
# figure.
set -euo pipefail
limit=${1:-10}
seeds=${2:-1 2 3}
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$here/build-release}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The driver links the solver straight from its own libraries.
cc -O2 -std=c11 -D_GNU_SOURCE -I"$here/src/sched" -I"$here/src/base" "$here/tests/bench/sched_sel.c" \
  "$build/libfmsched.a" "$build/libfmbase.a" -lmbedcrypto -lm -o "$tmp/sched_sel"
printf '%-10s %-6s %12s %12s %9s %9s %7s %10s %8s %6s\n' size seed value bound ratio meetings gaps moves seconds valid
# run SIZE SEED [BUYERS SUPPLIERS SLOTS TABLES CANDIDATES AWAY%]
run() {
  local size=$1 s=$2
  shift 2
  "$tmp/sched_sel" "$limit" "$s" "$@" > "$tmp/out"
  python3 - "$tmp/out" "$size" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%-10s %-6s %12.1f %12.1f %9.5f %9d %7d %10d %8.2f %6s" % (sys.argv[2], d["seed"], d["value"],
      d["bound"], d["ratio"], d["meetings"], d["gaps"], d["iterations"], d["seconds"],
      "yes" if d["valid"] else "NO"))
PY
  cat "$tmp/out"
}
for s in $seeds; do run 2000x2000 "$s"; done
for s in $seeds; do run 60x60 "$s" 60 60 8 20 700 10; done

echo
echo "fair day: 300 x 300, 32 slots, 100 tables; re-solves after late changes"
printf '%-7s %-13s %9s %7s %8s %8s %6s\n' change what ratio moved dropped seconds valid
"$tmp/sched_sel" "$limit" 1 300 300 32 100 6000 10 10 1.5 > "$tmp/late"
python3 - "$tmp/late" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["bench"] == "sched_sel_resolve":
        print("%-7d %-13s %9.5f %7d %8d %8.3f %6s" % (d["change"], d["what"], d["ratio"], d["moved"],
              d["dropped"], d["seconds"], "yes" if d["valid"] else "NO"))
    elif d["bench"] == "sched_sel_late":
        print("worst: ratio %.5f, %.3f s, %d moved" % (d["worst_ratio"], d["worst_seconds"], d["most_moved"]))
PY
grep '"sched_sel_late"' "$tmp/late"
