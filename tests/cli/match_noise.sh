#!/usr/bin/env bash
# No nonsense matches on the fixture catalogues: the buyers of 光学眼镜
# (款式不少于50款) were offered the suit maker NB-0001 (羊毛50%) because both
# texts hold 50; reasons named 要求, 90 or split words (学眼, 兴加饭酒).  A
# match needs a shared word or category; reasons are whole words.
set -u
source "$(dirname "$0")/lib.bash"
fresh_work
need sqlite3

load_catalogues

# The generic words are derived from the catalogues at indexing time.
generic=$(sqlite3 "$FAIRMATCH_DATA/fairmatch.db" "SELECT group_concat(word, ' ') FROM generic_words")
for w in 要求 产品 认证 用于; do
  case " $generic " in *" $w "*) ok ;; *) bad "generic words lack $w: $generic" ;; esac
done
for w in 茶叶 眼镜 龙井 轴承; do
  case " $generic " in *" $w "*) bad "$w derived as a generic word" ;; *) ok ;; esac
done

# The regression: a shared number is no match.
for d in XQ-JL-007 XQ-SC-001; do
  check "match $d" 0 "$fm" match demand "$d" --limit 100 --json
  grep -q '"code":"NB-0001"' "$WORK/out" && bad "$d (光学眼镜) matched the suit NB-0001" || ok
  has "$d finds the TR90 frames" "$WORK/out" '"code":"WZ-0004"'
done
check "match NB-0001" 0 "$fm" match supply NB-0001 --limit 100 --json
grep -q '"code":"XQ-JL-007"\|"code":"XQ-SC-001"' "$WORK/out" && bad "the suit matched the glasses demands" || ok

# Reasons: no numbers, no generic words, no split words, over a spread of demands.
for d in XQ-JL-007 XQ-BJ-002 XQ-CQ-005 XQ-BJ-009 XQ-HB-008 XQ-SX-003 XQ-TJ-002 XQ-SC-005; do
  "$fm" match demand "$d" --limit 20 --json > "$WORK/$d.json" || bad "match $d failed"
done
cat "$WORK"/XQ-*.json | grep -o '"word":"[^"]*"' | sort -u > "$WORK/words"
[ -s "$WORK/words" ] && ok || bad "no reasons at all"
noise=$(grep -E '"word":"[^"]*[0-9][^"]*"|"word":"(要求|单位|产品|优质|批发|学眼|光学眼|兴加饭酒)"' "$WORK/words")
[ -z "$noise" ] && ok || bad "noise words as reasons: $noise"
grep -q '"word":"加饭酒"\|"word":"绍兴加饭酒"' "$WORK/XQ-BJ-002.json" && ok ||
  bad "绍兴加饭酒 gives no whole-word reason: $(head -c 400 "$WORK/XQ-BJ-002.json")"

finish
