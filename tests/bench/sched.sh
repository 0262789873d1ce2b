#!/usr/bin/env bash
# tests/bench/sched.sh [--all] [SECONDS] — the fixed-mode scheduler on the
# published B2B instances (../shared/bench/b2b, JAIR 74, 2022), SECONDS per
# instance (default 23, the slowest MaxSAT time on an original in the paper),
# two threads.  By default the 20 originals with fairness d = 2; with --all
# also the 120 variants (d = 2) and the originals with d = 0, 1 and 3: every
# row of known_optima.csv.  Beside each, the published optimum or UNSAT.  The
# validator runs inside `fairmatch schedule` on every schedule before it is
# printed.  "correct" means proven: status optimal with the published value,
# or infeasible where the paper proved UNSAT; "wrong" means a contradiction
# (a proof against the published result, or a value below the optimum).
# Prints a table (wall and CPU seconds: the machine is shared) and one JSON
# line.  It reports; it never fails on a figure.
set -euo pipefail
: "${FAIRMATCH:?}"
all=0 limit=23
for a in "$@"; do
  case $a in
    --all) all=1 ;;
    *) limit=$a ;;
  esac
done
here=$(cd "$(dirname "$0")/../.." && pwd)
b2b=${B2B:-$here/../shared/bench/b2b}
optima=$b2b/known_optima.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The cases: file, d, published status and optimum, MaxSAT seconds in the paper.
python3 - "$optima" "$all" >"$tmp/cases" <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    original = r["file"].endswith(".original.dzn")
    if sys.argv[2] == "1" or (original and r["fairness_d"] == "2"):
        print(r["file"], r["fairness_d"], r["status"], r["min_total_breaks"] or "-",
              r["maxsat_seconds"] or "-")
EOF2

read -r load_start _ </proc/loadavg
printf '%-34s %2s %7s %6s %6s %-10s %7s %7s %8s %-7s\n' instance d optimum breaks bound status wall_s cpu_s paper_s verdict
rows=()
while read -r file d pstatus popt psecs; do
  path=$(find "$b2b/instances" -name "$file" | head -1)
  if /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$FAIRMATCH" schedule --dzn "$path" \
      --fairness "$d" --time-limit "$limit" --json >"$tmp/out" 2>"$tmp/err"; then rc=0; else rc=$?; fi
  read -r wall user sys <"$tmp/time"
  cpu=$(printf '%.2f' "$(echo "$user + $sys" | bc)")
  read -r status breaks bound verdict < <(python3 - "$tmp/out" "$rc" "$pstatus" "$popt" <<'EOF2'
import json, sys
out, rc, pstatus, popt = sys.argv[1:]
try:
    d = json.load(open(out))
    st, br, bd = d["status"], d["breaks"], d["bound"]
    if rc != "0":
        raise ValueError
except Exception:
    print("error", -1, -1, "wrong"); sys.exit()
if pstatus == "UNSAT":
    verdict = "correct" if st == "infeasible" else "wrong" if st in ("optimal", "feasible") else "open"
else:
    o = int(popt)
    if st == "infeasible" or (st in ("optimal", "feasible") and br < o) or bd > o:
        verdict = "wrong"
    elif st == "optimal":
        verdict = "correct" if br == o else "wrong"
    else:
        verdict = "open"
if st not in ("optimal", "feasible"):
    br = "-"
print(st, br, bd, verdict)
EOF2
)
  opt=$([ "$pstatus" = UNSAT ] && echo unsat || echo "$popt")
  printf '%-34s %2s %7s %6s %6s %-10s %7.1f %7.1f %8s %-7s\n' "${file%.dzn}" "$d" "$opt" "$breaks" \
    "$bound" "$status" "$wall" "$cpu" "$psecs" "$verdict"
  rows+=("{\"instance\":\"$file\",\"d\":$d,\"published\":\"$opt\",\"breaks\":\"$breaks\",\"bound\":$bound,\"status\":\"$status\",\"wall_s\":$wall,\"cpu_s\":$cpu,\"verdict\":\"$verdict\"}")
done <"$tmp/cases"

printf '%s\n' "${rows[@]}" >"$tmp/rows"
read -r load_end _ </proc/loadavg
python3 - "$tmp/rows" "$limit" "$all" "$load_start" "$load_end" "$(nproc)" <<'EOF2'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
limit, everything = float(sys.argv[2]), sys.argv[3] == "1"
def group(pred):
    g = [r for r in rows if pred(r)]
    return g, sum(r["verdict"] == "correct" for r in g)
orig, orig_ok = group(lambda r: r["instance"].endswith(".original.dzn") and r["d"] == 2)
var, var_ok = group(lambda r: not r["instance"].endswith(".original.dzn"))
fair, fair_ok = group(lambda r: r["instance"].endswith(".original.dzn") and r["d"] != 2)
wrong = sum(r["verdict"] == "wrong" for r in rows)
worst = max(r["wall_s"] for r in rows)
print(f"originals d = 2: {orig_ok}/{len(orig)} proven optimal"
      + (f"; variants: {var_ok}/{len(var)} correct; originals d = 0, 1, 3: {fair_ok}/{len(fair)}"
         if everything else "")
      + f"; contradictions {wrong}; worst {worst:.1f} s wall ({limit:g} s limit, 2 threads)")
print(f"load average {sys.argv[4]} at the start, {sys.argv[5]} at the end, on {sys.argv[6]} cores")
summary = {"bench": "sched", "time_limit": limit, "threads": 2,
           "load_start": float(sys.argv[4]), "load_end": float(sys.argv[5]),
           "originals_optimal": orig_ok, "originals": len(orig),
           "worst_s": worst, "worst_cpu_s": max(r["cpu_s"] for r in rows),
           "contradictions": wrong}
if everything:
    summary.update({"variants_correct": var_ok, "variants": len(var),
                    "fairness_correct": fair_ok, "fairness_cases": len(fair)})
summary["instances"] = rows
print(json.dumps(summary, separators=(",", ":")))
EOF2
