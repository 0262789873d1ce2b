#!/usr/bin/env bash
# Two boxes in step through 20 random steps (seeded, so a failure replays),
# edits and carries in turn:
# edits at the province (products and demands withdrawn and restored), edits
# at the fair box (outcomes recorded and changed, evidence added), files
# carried both ways, some lost on the way, some applies killed with SIGKILL
# before or after their commit.  Then a few clean exchanges, and both boxes
# hold the same rows, table by table, nothing acknowledged is lost (every
# outcome the fair box recorded and every withdrawal the province made is on
# both), no conflict is left, and the fair box's search agrees with its store.
set -u
: "${FAIRMATCH:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
fm=$FAIRMATCH
P=$WORK/province F=$WORK/fair
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/sync_lib.bash"
need sqlite3
seed=${SYNC_SEED:-20260521}
RANDOM=$seed
echo "seed $seed (SYNC_SEED=$seed replays this run)"

two_boxes &&
  "$fm" sync export --to "$WORK/first.sync" --data "$P" >/dev/null &&
  "$fm" sync import "$WORK/first.sync" --data "$F" >/dev/null &&
  "$fm" schedule YQH-2026 --time-limit 5 --publish --data "$F" >/dev/null || { echo "FAIL setting up"; exit 1; }
mapfile -t meetings < <(q "$F" "SELECT id FROM meetings ORDER BY id")
mapfile -t products < <(q "$P" "SELECT code FROM products ORDER BY id LIMIT 40")
mapfile -t demands < <(q "$P" "SELECT code FROM demands ORDER BY id LIMIT 40")
[ "${#meetings[@]}" -gt 0 ] && ok || bad "no meetings scheduled at the fair box"

# carry FROM TO SITE NAME: FROM exports for TO (the site SITE).  In turn, the file is carried,
# lost, or its apply killed by SIGKILL before or after the commit (then imported again, as an
# operator would); which step and direction meets which fate is the random part.
carries=0 kills=0
carry() {
  local from=$1 to=$2 site=$3 file="$WORK/$4.sync" fate=$((carries++ % 4)) got
  shift 3
  "$fm" sync export --to "$file" --for "$site" --data "$from" >/dev/null ||
    { bad "$1: export failed"; return; }
  case $fate in
  1) echo "  $1: lost"; return ;;
  2|3)
    local point=sync-before-commit
    [ "$fate" = 3 ] && point=sync-after-commit
    kills=$((kills + 1))
    FAIRMATCH_FAULT=$point "$fm" sync import "$file" --data "$to" >/dev/null 2>&1
    got=$?
    [ "$got" = 137 ] && ok || bad "$1: the import was to be killed at $point, exit $got"
    "$fm" sync import "$file" --data "$to" >"$WORK/out" 2>"$WORK/err"
    got=$?
    # Killed before the commit: nothing was applied, so it applies now; after: a replay.
    if { [ "$fate" = 2 ] && [ "$got" = 0 ]; } ||
      { [ "$fate" = 3 ] && [ "$got" = 1 ] && grep -q "was already applied" "$WORK/err"; }; then ok
    else bad "$1: import after a kill at $point: exit $got: $(head -c 200 "$WORK/err")"; fi
    echo "  $1: killed at $point" ;;
  *)
    "$fm" sync import "$file" --data "$to" >/dev/null 2>"$WORK/err" && ok ||
      bad "$1: import failed: $(head -c 200 "$WORK/err")"
    echo "  $1: carried" ;;
  esac
}

declare -A amount withdrawn_p withdrawn_d
for i in $(seq 20); do
  # Odd steps edit, even steps carry: what is edited, and which way it goes, is random.
  step=$((RANDOM % 3)); [ $((i % 2)) = 0 ] && step=$((3 + RANDOM % 2))
  case $step in
  0) code=${products[$((RANDOM % ${#products[@]}))]}
     if [ -n "${withdrawn_p[$code]:-}" ]; then
       "$fm" withdraw supply "$code" --restore --data "$P" >/dev/null && unset "withdrawn_p[$code]"
     else
       "$fm" withdraw supply "$code" --data "$P" >/dev/null && withdrawn_p[$code]=1
     fi
     echo "step $i: the province toggles product $code" ;;
  1) code=${demands[$((RANDOM % ${#demands[@]}))]}
     if [ -n "${withdrawn_d[$code]:-}" ]; then
       "$fm" withdraw demand "$code" --restore --data "$P" >/dev/null && unset "withdrawn_d[$code]"
     else
       "$fm" withdraw demand "$code" --data "$P" >/dev/null && withdrawn_d[$code]=1
     fi
     echo "step $i: the province toggles demand $code" ;;
  2) mid=${meetings[$((RANDOM % ${#meetings[@]}))]}
     amt=$((RANDOM % 500 + 1))
     ev=()
     if [ $((RANDOM % 2)) = 0 ]; then
       printf '意向书 第%s步 洽谈%s\n' "$i" "$mid" >"$WORK/ev$i.txt"
       ev=(--evidence "$WORK/ev$i.txt")
     fi
     "$fm" outcome YQH-2026 "$mid" --held --intention --amount "$amt" "${ev[@]}" --data "$F" \
       >/dev/null && amount[$mid]=$((amt * 100)) || bad "step $i: outcome at the fair box"
     echo "step $i: the fair box records meeting $mid at $amt 万元" ;;
  3) echo "step $i: province → fair"; carry "$P" "$F" 渝洽会 "p$i" ;;
  4) echo "step $i: fair → province"; carry "$F" "$P" province "f$i" ;;
  esac
done

[ "$kills" -ge 2 ] && ok || bad "only $kills applies were killed in $carries carries"

# Clean exchanges until each side has acknowledged the other's last file.
for r in 1 2 3; do
  "$fm" sync export --to "$WORK/pend$r.sync" --data "$P" >/dev/null &&
    "$fm" sync import "$WORK/pend$r.sync" --data "$F" >/dev/null &&
    "$fm" sync export --to "$WORK/fend$r.sync" --data "$F" >/dev/null &&
    "$fm" sync import "$WORK/fend$r.sync" --data "$P" >/dev/null || bad "final exchange $r"
done

for t in $tables; do
  a=$(q "$P" "SELECT * FROM $t" | LC_ALL=C sort | md5sum)
  b=$(q "$F" "SELECT * FROM $t" | LC_ALL=C sort | md5sum)
  [ "$a" = "$b" ] && ok || bad "table $t differs between the boxes"
done
for mid in "${!amount[@]}"; do
  for box in "$P" "$F"; do
    [ "$(q "$box" "SELECT amount_cents FROM outcomes WHERE meeting_id = $mid")" = "${amount[$mid]}" ] &&
      ok || bad "meeting $mid's outcome lost at $(basename "$box")"
  done
done
for code in "${products[@]}"; do
  want=0; [ -n "${withdrawn_p[$code]:-}" ] && want=1
  [ "$(q "$F" "SELECT withdrawn_at IS NOT NULL FROM products WHERE code = '$code'")" = "$want" ] &&
    ok || bad "product $code's withdrawal lost at the fair box"
done
for box in "$P" "$F"; do
  [ "$(q "$box" "SELECT count(*) FROM sync_conflicts")" = 0 ] && ok ||
    bad "conflicts at $(basename "$box"): $(q "$box" "SELECT tbl, row_key, reason FROM sync_conflicts LIMIT 3")"
done
# The fair box's indexes were replayed after every apply: nothing is pending, and search
# leaves out exactly the products withdrawn.
[ "$("$fm" status --json --data "$F" | grep -o '"index_pending":[0-9]*')" = '"index_pending":0' ] && ok ||
  bad "the fair box's index is behind"
for code in "${!withdrawn_p[@]}"; do
  name=$(q "$F" "SELECT name FROM products WHERE code = '$code'")
  "$fm" search "$name" --json --limit 50 --data "$F" | grep -q "\"$code\"" &&
    bad "withdrawn $code still found at the fair box" || ok
done

finish
