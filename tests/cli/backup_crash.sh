#!/usr/bin/env bash
# Crash safety of backups: SIGKILL at a random moment of `fairmatch backup`
# while the server runs and outcomes with new evidence are being recorded,
# $BACKUP_CYCLES times (default 50).  After each kill the backup's file is
# either absent or complete: its manifest's hashes hold, its database
# passes integrity_check, and every upload and piece of evidence that
# database names is in the zip; every fifth complete one is also restored
# with `fairmatch restore`.  Only a partial file may be left beside it.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK/b"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
source "$(dirname "$0")/lib.bash"
need python3 sqlite3
py=/usr/bin/python3; [ -x "$py" ] || py=python3
cycles=${BACKUP_CYCLES:-50}

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null &&
  "$fm" match fair YQH-2026 --limit 5 >/dev/null &&
  "$fm" schedule setup YQH-2026 --days 2 --slots-per-day 4 --tables 3 >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 1 --publish >/dev/null || { echo "FAIL loading"; exit 1; }
mapfile -t meetings < <(sqlite3 "$WORK/data/fairmatch.db" "SELECT id FROM meetings ORDER BY id LIMIT 20")

"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$WORK/port" --threads 1 \
  --access-log= 2>"$WORK/server.err" &
srv=$!
for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] && ok || bad "the server did not start: $(tail -3 "$WORK/server.err")"

# The writer: an outcome with a new piece of evidence, again and again, until told to stop.
(
  i=0
  while [ ! -e "$WORK/stop" ]; do
    i=$((i + 1))
    printf 'evidence %d\n' "$i" > "$WORK/ev-$i.txt"
    "$fm" outcome YQH-2026 "${meetings[$((i % ${#meetings[@]}))]}" --held --intention \
      --amount "$i" --evidence "$WORK/ev-$i.txt" >/dev/null 2>>"$WORK/writer.err"
    rm -f "$WORK/ev-$i.txt"
  done
) &
writer=$!

# verify ZIP: complete, its database whole, every file it names inside.
verify() {
  "$py" - "$1" <<'PY'
import hashlib, json, os, sqlite3, sys, tempfile, zipfile
z = zipfile.ZipFile(sys.argv[1])
m = json.loads(z.read("manifest.json"))
names = set(z.namelist())
assert names == {f["name"] for f in m["files"]} | {"manifest.json"}, "entries differ from the manifest"
for f in m["files"]:
    b = z.read(f["name"])
    assert hashlib.sha256(b).hexdigest() == f["sha256"] and len(b) == f["size"], f["name"]
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, "fairmatch.db")
    open(p, "wb").write(z.read("fairmatch.db"))
    db = sqlite3.connect(p)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check"
    for (sha,) in db.execute("SELECT sha256 FROM uploads UNION SELECT sha256 FROM outcome_evidence"):
        assert "uploads/%s/%s" % (sha[:2], sha) in names, "missing " + sha
PY
}

# One backup left to finish, timed: the kills land anywhere in 1.5 times its length.
t0=$(date +%s%N)
check "an unkilled backup" 0 "$fm" backup --out "$WORK/b/whole.zip"
span=$(( ($(date +%s%N) - t0) / 1000000 * 3 / 2 ))
verify "$WORK/b/whole.zip" > "$WORK/verify" 2>&1 && ok || bad "the unkilled backup: $(tail -2 "$WORK/verify")"

shopt -s nullglob dotglob
complete=0 absent=0 restored=0
RANDOM=${BACKUP_SEED:-20261206}
for cycle in $(seq "$cycles"); do
  out="$WORK/b/fm-$cycle.zip"
  "$fm" backup --out "$out" >/dev/null 2>>"$WORK/backup.err" &
  pid=$!
  ms=$(( (RANDOM * 32768 + RANDOM) % span ))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -e "$out" ]; then
    complete=$((complete + 1))
    if verify "$out" > "$WORK/verify" 2>&1; then ok; else bad "cycle $cycle: $(tail -2 "$WORK/verify")"; fi
    if [ $((complete % 5)) = 1 ]; then
      rm -rf "$WORK/r"
      if "$fm" restore "$out" --data "$WORK/r" >/dev/null 2>"$WORK/restore.err"; then
        restored=$((restored + 1)); ok
      else
        bad "cycle $cycle: restore: $(cat "$WORK/restore.err")"
      fi
    fi
  else
    absent=$((absent + 1))
  fi
  # Nothing but the backup and, from a kill, its partial file.
  for f in "$WORK"/b/*"fm-$cycle.zip"*; do
    case "$(basename "$f")" in
      "fm-$cycle.zip"|".fm-$cycle.zip.partial."*) ok ;;
      *) bad "cycle $cycle: left $f" ;;
    esac
  done
done
touch "$WORK/stop"; wait "$writer"
kill -TERM "$srv"; wait "$srv" && ok || bad "clean stop of the server"
[ "$complete" -gt 0 ] && [ "$absent" -gt 0 ] && ok ||
  bad "the kills did not land both before and after the rename: $complete complete, $absent absent"
recorded=$(sqlite3 "$WORK/data/fairmatch.db" "SELECT count(*) FROM outcome_evidence")
[ "$recorded" -gt 1 ] && ok || bad "the writer recorded nothing: $(tail -3 "$WORK/writer.err")"
grep -E "AddressSanitizer|LeakSanitizer|runtime error" "$WORK/server.err" "$WORK/backup.err" &&
  bad "a sanitizer report" || ok
echo "cycles: $cycles, kill window: $span ms, complete: $complete (restored $restored), absent: $absent, evidence recorded: $recorded"
finish
