#!/usr/bin/env bash
# tests/bench/sched.sh [SECONDS] — solve the 20 original B2B instances
# (the full set in $B2B, which script/bench sets; JAIR 74, 2022) with fairness d = 2 and SECONDS per
# instance (default 20); beside each, the proven optimum from
# known_optima.csv.  The validator runs inside `fairmatch schedule` on every
# schedule before it is printed; this script checks the JSON's shape as well.
# Prints a table and one JSON line.  It reports; it never fails on a figure.
set -euo pipefail
: "${FAIRMATCH:?}"
limit=${1:-20}
b2b=${B2B:?set B2B to the B2B benchmark directory (script/bench does)}
optima=$b2b/known_optima.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-28s %7s %7s %8s %8s %-9s\n' instance breaks optimum seconds valid status
rows=() reached=0 total=0
for f in "$b2b"/instances/original/*.original.dzn; do
  name=$(basename "$f")
  opt=$(awk -F, -v f="$name" '$1 == f && $2 == 2 { print ($3 == "UNSAT" ? "unsat" : $4) }' "$optima")
  start=$(date +%s.%N)
  if "$FAIRMATCH" schedule --dzn "$f" --fairness 2 --time-limit "$limit" --json \
      >"$tmp/out" 2>"$tmp/err"; then rc=0; else rc=$?; fi
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  # The binary aborts rather than print a schedule that fails the validator.
  read -r status breaks valid < <(python3 - "$tmp/out" "$rc" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    ok = sys.argv[2] == "0" and d["status"] in ("optimal", "feasible") and \
        all(isinstance(m["id"], int) and isinstance(m["slot"], int) for m in d["meetings"])
    print(d["status"], d["breaks"], "yes" if ok else "no")
except Exception:
    print("error", -1, "no")
EOF
)
  total=$((total + 1))
  [ "$valid" = yes ] && [ "$breaks" = "$opt" ] && reached=$((reached + 1))
  printf '%-28s %7s %7s %8.1f %8s %-9s\n' "${name%.original.dzn}" "$breaks" "$opt" "$secs" "$valid" "$status"
  rows+=("{\"instance\":\"$name\",\"breaks\":$breaks,\"optimum\":${opt:-null},\"seconds\":$(printf '%.2f' "$secs"),\"valid\":$([ "$valid" = yes ] && echo true || echo false),\"status\":\"$status\"}")
done
echo "optimum reached on $reached of $total (d = 2, ${limit} s each)"
printf '{"bench":"sched","fairness":2,"time_limit":%s,"reached":%d,"total":%d,"instances":[%s]}\n' \
  "$limit" "$reached" "$total" "$(IFS=,; echo "${rows[*]}")"
