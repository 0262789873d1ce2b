#!/usr/bin/env bash
# tests/layers/check.sh — the layer rules, checked on the real tree.
#   includes BUILD_DIR PROBE:HEADER:EXPECT ...   an upward include fails to compile
#   sql SOURCE_DIR                               only src/domain (and index/'s own
#                                                FTS5 and Xapian reads) touch SQLite
set -uo pipefail
mode=$1; shift
failed=0

case $mode in
includes)
	build=$1; shift
	for probe in "$@"; do
		IFS=: read -r target header expect <<<"$probe"
		out=$(cmake --build "$build" --target "$target" 2>&1)
		rc=$?
		if [ "$expect" = ok ]; then
			if [ $rc -ne 0 ]; then
				echo "FAIL: $target: $header should compile in this layer:"; echo "$out" | tail -5
				failed=1
			else
				echo "ok: $target: $header is visible"
			fi
		else
			if [ $rc -eq 0 ]; then
				echo "FAIL: $target: $header compiled, but it is a higher layer's header"
				failed=1
			elif ! grep -q "$header: No such file or directory" <<<"$out"; then
				echo "FAIL: $target failed for another reason than the missing header:"; echo "$out" | tail -5
				failed=1
			else
				echo "ok: $target: $header is out of reach"
			fi
		fi
	done
	;;
sql)
	src=$1
	# Statements are prepared and run only in the domain layer.
	hits=$(grep -rnE 'sqlite3_(prepare|exec|step|open|bind|column)|store_(prepare|exec|scalar|db)\(' \
		"$src/src/base" "$src/src/sched" "$src/src/print" "$src/src/server" "$src/src/cli")
	if [ -n "$hits" ]; then
		echo "FAIL: SQL outside src/domain:"; echo "$hits"
		failed=1
	else
		echo "ok: no SQL in src/base, src/sched, src/print, src/server, src/cli"
	fi
	# index/ reads its own indexes; the store's tables it reads are named in one header.
	hits=$(grep -rnE '"[^"]*\b(FROM|INTO|UPDATE|JOIN|TABLE|VIEW) +(products|demands|suppliers|buyers|index_log|index_state|product_text|demand_text|products_fts|demands_fts)\b' "$src/index" | grep -v 'index/schema.h')
	if [ -n "$hits" ]; then
		echo "FAIL: index/ names store tables outside index/schema.h:"; echo "$hits"
		failed=1
	fi
	;;
*)
	echo "usage: check.sh includes|sql ..." >&2
	exit 2
	;;
esac
[ $failed -eq 0 ] && echo "layers: $mode: all rules hold"
exit $failed
