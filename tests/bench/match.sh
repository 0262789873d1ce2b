#!/usr/bin/env bash
# Benchmark: every demand against every product, the best 20 each, at
# DEMANDS generated demands × PRODUCTS generated products (default 20,000 ×
# 1,000,000): fairmatch's batch (`match fair` on a fair that pairs everyone:
# the serving layer built, then every demand matched on two threads and
# stored as candidates) beside Xapian's stock QueryParser with FLAG_CJK_NGRAM
# (default OR) on the same text, in the same run.  Then the two stages
# against exhaustive scoring (--check-exact on 200 demands), and the judged
# set: nDCG@10 of both.  index_build_s counts FTS5, Xapian and the layer.
#
# PEER=0 leaves the peer out (fairmatch alone, e.g. to profile it).
# PEER_SAMPLE=N has the peer rank every k-th demand, N in all (its index is
# still of every product), and its demands/s are over those N: a shorter run
# at a million products.
# MATCH_WORK=DIR keeps the generated store in DIR, and a later run with the
# same PRODUCTS and DEMANDS reuses it (reporting the index build it timed then).
set -euo pipefail
products=${1:-1000000}
demands=${2:-20000}
peer_on=${PEER:-1}
peer_sample=${PEER_SAMPLE:-0}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../../fixtures" && pwd)
if [ -n "${MATCH_WORK:-}" ]; then
  work=$MATCH_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
export FAIRMATCH_DATA="$work/data"

timed() {	# timed NAME COMMAND...: "seconds peak_kb" into $work/t.NAME
  local name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/t.$name" "$@"
}

if [ "$(cat "$work/made" 2>/dev/null)" != "$products $demands" ]; then
  rm -rf "$work/data" "$work/made"
  "$FMGEN" supply --count "$products" --seed 1 -o "$work/supply.csv"
  "$FMGEN" demand --count "$demands" --seed 2 -o "$work/demand.csv"
  "$FAIRMATCH" init >/dev/null
  "$FAIRMATCH" import supply "$work/supply.csv" --no-index >/dev/null
  "$FAIRMATCH" import demand "$work/demand.csv" --no-index >/dev/null
  printf '展会编号,展会名称\nBENCH,基准测试（所有需求 × 所有产品）\n' > "$work/fairs.csv"
  "$FAIRMATCH" import fairs "$work/fairs.csv" >/dev/null
  timed index "$FAIRMATCH" reindex >/dev/null
  echo "$products $demands" > "$work/made"
fi
rm -rf "$work/peer" "$work/judged" "$work/judged-peer"
timed batch sh -c "'$FAIRMATCH' match fair BENCH --limit 20 --json > '$work/batch.json'"
"$FAIRMATCH" match fair BENCH --check-exact 200 --json > "$work/exact.json"
if [ "$peer_on" != 0 ]; then
  timed peer_index "$MATCH_PEER" "$work/data/fairmatch.db" "$work/peer" build
  peer_codes=
  peer_n=$demands
  if [ "$peer_sample" -gt 0 ] && [ "$peer_sample" -lt "$demands" ]; then
    sqlite3 -readonly "$work/data/fairmatch.db" "SELECT code FROM demands ORDER BY id" |
      awk -v k=$((demands / peer_sample)) -v n="$peer_sample" 'NR % k == 1 && c < n { print; c++ }' \
      > "$work/peer.codes"
    peer_codes="$work/peer.codes"
    peer_n=$(wc -l < "$peer_codes")
  fi
  timed peer_batch sh -c "'$MATCH_PEER' '$work/data/fairmatch.db' '$work/peer' rank 20 $peer_codes > '$work/peer.rank' 2>/dev/null"
else
  echo "0 0" > "$work/t.peer_index"
  echo "0 0" > "$work/t.peer_batch"
  peer_n=0
fi
read -r ix_s ix_kb < "$work/t.index"
read -r b_s b_kb < "$work/t.batch"
read -r pi_s pi_kb < "$work/t.peer_index"
read -r pb_s pb_kb < "$work/t.peer_batch"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$2"; }
layer_s=$(field layer_s "$work/batch.json")
match_s=$(field batch_s "$work/batch.json")
recall=$(field recall "$work/exact.json")
one_p50=$(field one_ms_p50 "$work/batch.json")
one_p95=$(field one_ms_p95 "$work/batch.json")
cpu_p50=$(field one_cpu_ms_p50 "$work/batch.json")
cpu_p95=$(field one_cpu_ms_p95 "$work/batch.json")

# Quality on the judged set: the fixtures, both engines.
export FAIRMATCH_DATA="$work/judged"
"$FAIRMATCH" init >/dev/null
"$FAIRMATCH" import supply "$fixtures/catalog/supply.csv" >/dev/null
"$FAIRMATCH" import demand "$fixtures/catalog/demand.csv" >/dev/null
ours=$("$FAIRMATCH" evaluate "$fixtures/judged/judgments.tsv" --json)
peer=null
if [ "$peer_on" != 0 ]; then
  "$MATCH_PEER" "$work/judged/fairmatch.db" "$work/judged-peer" build
  "$MATCH_PEER" "$work/judged/fairmatch.db" "$work/judged-peer" rank 10 "$fixtures/judged/judgments.tsv" \
    > "$work/judged.rank" 2>/dev/null
  peer=$("$FAIRMATCH" evaluate "$fixtures/judged/judgments.tsv" --ranking "$work/judged.rank" --json)
fi

printf '\nmatch benchmark: %d demands × %d products, best 20 each\n\n' "$demands" "$products"
printf '%-44s %10s %12s %12s\n' "run" "seconds" "demands/s" "peak RSS MB"
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
printf '%-44s %10s %12s %12s\n' "fairmatch: index from scratch (FTS5 + Xapian)" "$ix_s" "" "$((ix_kb / 1024))"
printf '%-44s %10.1f %12s %12s\n' "fairmatch: serving layer (2 threads)" "$layer_s" "" ""
printf '%-44s %10.1f %12s %12s\n' "fairmatch: batch, stored as candidates" "$match_s" "$(rate "$demands" "$match_s")" "$((b_kb / 1024))"
printf '%-44s %10s %12s %12s\n' "fairmatch: the process (layer + batch)" "$b_s" "" ""
printf '%-44s %10s %12s %12s\n' "peer: TermGenerator index (CJK n-grams)" "$pi_s" "" "$((pi_kb / 1024))"
printf '%-44s %10s %12s %12s\n' "peer: QueryParser batch ($peer_n demands)" "$pb_s" "$(rate "$peer_n" "$pb_s")" "$((pb_kb / 1024))"
printf '\none demand matched (the single match path, timed within the batch): median %.1f ms, p95 %.1f ms\n' \
  "$one_p50" "$one_p95"
printf '  in its thread'"'"'s CPU time (what other load on the box does not stretch): median %.2f ms, p95 %.2f ms\n' \
  "$cpu_p50" "$cpu_p95"
printf '\nexactness (200 sampled demands, top 20): recall %s\n' "$recall"
printf '\njudged set: fairmatch %s\n            peer      %s\n' "$ours" "$peer"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
ndcg=$(echo "$ours" | sed -n 's/.*"ndcg10":\([0-9.]*\).*/\1/p')
awk -v d="$demands" -v p="$products" -v ix="$ix_s" -v ls="$layer_s" -v ms="$match_s" \
    -v pi="$pi_s" -v pb="$pb_s" -v pn="$peer_n" -v kb="$b_kb" -v ikb="$ix_kb" -v r="$recall" -v n="$ndcg" \
    -v ours="$ours" -v peer="$peer" -v o50="$one_p50" -v o95="$one_p95" \
    -v c50="$cpu_p50" -v c95="$cpu_p95" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
  printf "\n{\"bench\":\"match\",\"demands\":%d,\"products\":%d,\"index_s\":%s,\"layer_s\":%.1f,", d, p, ix, ls
  printf "\"peer_index_s\":%s,\"peer_batch_s\":%s,\"peer_demands\":%d,", pi, pb, pn
  printf "\"recall_top20\":%s,\"ours\":%s,\"peer\":%s,", r, ours, peer
  printf "\"load1\":%s,\"batch_s\":%.1f,\"demands_per_s\":%.0f,\"peer_demands_per_s\":%.0f,", load, ms, d / ms, (pb > 0 ? pn / pb : 0)
  printf "\"one_ms_p50\":%.1f,\"one_ms_p95\":%.1f,\"one_cpu_ms_p50\":%.2f,\"one_cpu_ms_p95\":%.2f,", o50, o95, c50, c95
  printf "\"index_build_s\":%.1f,\"index_peak_rss_mb\":%d,\"peak_rss_mb\":%d,\"ndcg10\":%s}\n", ix + ls, ikb / 1024, kb / 1024, n
}'
