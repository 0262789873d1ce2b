#!/usr/bin/env bash
# tests/bench/reliability.sh [SECONDS [HARNESS ...]] — the long fuzz runs, then
# the server under load and abuse (tests/bench/abuse.sh), then testssl.sh.
# Builds build-fuzz/ with clang and libFuzzer (FM_FUZZ=ON: ASan + UBSan),
# then runs every harness in tests/fuzz (or those named) for SECONDS each
# (default $FUZZ_SECONDS or 300), $FUZZ_JOBS at a time (default: the cores).
# Each starts from the committed corpus and the seeds (tests/fuzz/seeds.py)
# and uses its .dict and .options.  After a crash the harness is started
# again on the time left, so one bug does not end its run.
#
# Prints a table (harness, executions, exec/s, corpus, new inputs, crashes)
# and one JSON line.  Crashing inputs are kept in build-fuzz/artifacts/NAME/.
# With FUZZ_UPDATE_CORPUS=1 each corpus/NAME is replaced by the run's corpus
# minimised with -merge=1 -use_counters=0 (one input per new edge); files with names of their own (regressions, such
# as crash-csv-unterminated-quote) are kept.  It reports; it never fails on
# a finding.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-${FUZZ_SECONDS:-300}}
[ $# -gt 0 ] && shift
jobs=${FUZZ_JOBS:-$(nproc)}
build=${FUZZ_BUILD:-$here/build-fuzz}
fuzz=$here/tests/fuzz
work=$build/reliability

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in "$fuzz"/fuzz_*.c; do
    n=$(basename "$f" .c)
    names+=("${n#fuzz_}")
  done
fi

# clang and its libFuzzer runtime (Debian 12: clang 14, libclang-rt-14-dev), if missing.
if ! command -v clang >/dev/null || [ ! -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  echo "installing clang and libFuzzer" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
echo "building $build (clang, libFuzzer, ASan, UBSan)" >&2
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFM_FUZZ=ON >/dev/null
targets=()
for n in "${names[@]}"; do targets+=(--target "fuzz_$n"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}" >/dev/null

rm -rf "$work"
mkdir -p "$work"
python3 "$fuzz/seeds.py" "$work/seeds"
# The harnesses write their inputs to files (the readers take a path): keep them in memory.
tmp=$(mktemp -d "${FUZZ_TMP:-/dev/shm}/fmfuzz.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The -flag=value options of a harness's .options file, its dict made absolute.
options() {
  local opts=$fuzz/fuzz_$1.options
  [ -f "$opts" ] || return 0
  awk -F' *= *' -v dir="$fuzz" '/^\[/ { on = ($0 == "[libfuzzer]"); next }
    on && NF == 2 { v = $2; if ($1 == "dict") v = dir "/" v; printf "-%s=%s\n", $1, v }' "$opts"
}

# Fuzzes one harness for the budget; writes its figures to $work/NAME.result.
run() {
  local n=$1 bin=$build/tests/fuzz/fuzz_$1 dir=$work/corpus/$1 art=$build/artifacts/$1/
  local left=$seconds start runs=0 execs=0 newunits=0 crashes=0 log
  local -a opts
  mapfile -t opts < <(options "$n")
  rm -rf "$art"
  mkdir -p "$dir" "$art"
  cp "$fuzz/corpus/$n"/* "$work/seeds/$n"/* "$dir"/ 2>/dev/null || true
  start=$(date +%s)
  while [ "$left" -gt 0 ]; do
    log=$work/$n.log.$runs
    "$bin" "${opts[@]}" -max_total_time="$left" -print_final_stats=1 \
      -artifact_prefix="$art" "$dir" >"$log" 2>&1 || crashes=$((crashes + 1))
    execs=$((execs + $(awk '/^stat::number_of_executed_units/ { s += $2 } END { print s + 0 }' "$log")))
    newunits=$((newunits + $(awk '/^stat::new_units_added/ { s += $2 } END { print s + 0 }' "$log")))
    runs=$((runs + 1))
    left=$((seconds - ($(date +%s) - start)))
    # A harness that cannot even start would loop: stop after 20 runs.
    [ "$runs" -ge 20 ] && break
  done
  local secs=$(( $(date +%s) - start ))
  [ "$secs" -gt 0 ] || secs=1
  printf '%s %d %d %d %d %d %d\n' "$n" "$execs" "$((execs / secs))" \
    "$(find "$dir" -type f | wc -l)" "$(du -sb "$dir" | cut -f1)" "$newunits" "$crashes" \
    >"$work/$n.result"
}

running=0
for n in "${names[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  echo "fuzzing $n for ${seconds}s" >&2
  run "$n" &
  running=$((running + 1))
done
wait

printf '%-10s %14s %9s %16s %6s %8s\n' harness executions exec/s corpus new crashes
json='{"seconds_each":'$seconds',"harnesses":['
sep=
for n in "${names[@]}"; do
  read -r _ execs rate files bytes newunits crashes <"$work/$n.result"
  printf '%-10s %14s %9s %9s files %6s %8s\n' "$n" "$execs" "$rate" "$files" "$newunits" "$crashes"
  for a in "$build/artifacts/$n"/*; do
    [ -f "$a" ] && echo "    crash input: $a"
  done
  json+="$sep{\"name\":\"$n\",\"executions\":$execs,\"exec_per_s\":$rate,\"corpus_files\":$files,\"corpus_bytes\":$bytes,\"new_units\":$newunits,\"crashes\":$crashes}"
  sep=,
  if [ "${FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
    min=$work/min/$n
    mkdir -p "$min"
    # Every edge reached, not every hit count: a corpus small enough for ctest.
    "$build/tests/fuzz/fuzz_$n" -merge=1 -use_counters=0 $(options "$n" | grep -e -max_len) "$min" \
      "$work/corpus/$n" >"$work/$n.merge.log" 2>&1
    # Keep the regressions (named files), not twice; replace the hashed ones.
    mkdir -p "$fuzz/corpus/$n"
    find "$fuzz/corpus/$n" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
    for f in "$fuzz/corpus/$n"/*; do
      [ -f "$f" ] && rm -f "$min/$(sha1sum <"$f" | cut -d' ' -f1)"
    done
    cp "$min"/* "$fuzz/corpus/$n"/ 2>/dev/null || true
  fi
done
echo "$json]}"

# The server under load and abuse (tests/bench/abuse.sh, about 2 minutes): the kiosk's
# search latencies (p50, p99, max) under slowhttptest, churn and malformed requests, and
# when the slow clients were cut off; tests/cli/abuse.sh checks the behaviour, untimed.
# ABUSE=0 skips it.
if [ "${ABUSE:-1}" != 0 ]; then
  bash "$here/tests/bench/abuse.sh"
fi

# TLS: testssl.sh against the server (tests/bench/testssl.sh, about 2.5 minutes); its
# verdict is the exit status: a MEDIUM or worse finding, or a weak protocol or cipher
# suite offered, fails. TESTSSL=0 skips it.
if [ "${TESTSSL:-1}" != 0 ]; then
  bash "$here/tests/bench/testssl.sh"
fi
