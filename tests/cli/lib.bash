# Helpers the black-box tests source: run a command and check its exit
# status, look for text in its output, count passes and failures, fail on
# a missing tool, and print the closing "N passed, N failed" line.  $WORK
# must be set.
pass=0 fail=0

# fresh_work: the start of a test: ctest's variables present, an empty $WORK holding the
# data directory; $fm runs fairmatch and $db is the store.
fresh_work() {
  : "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
  rm -rf "$WORK" && mkdir -p "$WORK"
  export FAIRMATCH_DATA="$WORK/data"
  fm=$FAIRMATCH db="$WORK/data/fairmatch.db"
}

# ok / bad MESSAGE: count a check that held or did not.
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# check NAME EXPECTED_STATUS COMMAND... : runs it, keeps stdout/stderr in $WORK/out, $WORK/err.
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then
    ok
  else
    bad "$name: exit $got, wanted $want"
    sed 's/^/  out: /' "$WORK/out" | head -5
    sed 's/^/  err: /' "$WORK/err" | head -5
  fi
}

# has NAME FILE TEXT : FILE contains TEXT.
has() {
  if grep -qF -- "$3" "$2"; then
    ok
  else
    bad "$1: $(basename "$2") lacks: $3"
    sed 's/^/  /' "$2" | head -5
  fi
}

# load_catalogues [fairs]: a fresh store in $FAIRMATCH_DATA with the fixture
# catalogues (and the fairs); exits the test if they do not load.
load_catalogues() {
  "$FAIRMATCH" init >/dev/null &&
    "$FAIRMATCH" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
    "$FAIRMATCH" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
    { [ "${1:-}" != fairs ] || "$FAIRMATCH" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null; } ||
    { echo "FAIL loading the fixtures"; exit 1; }
}

# need TOOL... : every tool is on the PATH; else each missing one is a failure (script/setup
# installs them all) and the test ends here, failed.
need() {
  local t missing=0
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || { bad "$t is not installed (script/setup installs it)"; missing=1; }
  done
  [ "$missing" = 0 ] || { finish; exit 1; }
}

# finish: the closing line; the exit status says whether every check held.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
