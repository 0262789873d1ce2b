#!/usr/bin/env bash
# Benchmark: print the supply–demand guide of PRODUCTS generated products
# (and a fifth as many demands), then every document of a 2,000-participant
# fair (1,000 buyers, 1,000 suppliers, 2 days of 8 slots, 250 tables, 4,000
# meetings) from the store.  Seconds and pages per second for each.  The
# peer: headless Chromium printing the same products as one HTML table to
# PDF (no contents, no grouping), when Chromium is installed.
set -euo pipefail
products=${1:-10000}
demands=$((products / 5))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FAIRMATCH_DATA="$work/data"
fm=$FAIRMATCH
db="$work/data/fairmatch.db"

"$FMGEN" supply --count "$products" --seed 1 -o "$work/supply.csv"
"$FMGEN" demand --count "$demands" --seed 1 -o "$work/demand.csv"
"$fm" init >/dev/null
"$fm" import supply "$work/supply.csv" --no-index >/dev/null
"$fm" import demand "$work/demand.csv" --no-index >/dev/null
printf '展会编号,展会名称,举办城市,开始日期,结束日期\nBENCH-2026,中国义乌国际小商品博览会（义博会）,义乌市,2026-10-21,2026-10-22\n' > "$work/fairs.csv"
"$fm" import fairs "$work/fairs.csv" >/dev/null

# The fair: slot s, table t seats buyer t + 250·(s div 4) with supplier t + 250·(s mod 4).
sqlite3 "$db" "
INSERT INTO fair_days SELECT id, 1, '2026-10-21' FROM fairs;
INSERT INTO fair_days SELECT id, 2, '2026-10-22' FROM fairs;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO fair_slots SELECT (SELECT id FROM fairs), i + 1, i / 8 + 1,
  printf('%02d:%02d', 9 + (i % 8) / 2 + (i % 8 >= 4) * 4, (i % 2) * 30),
  printf('%02d:%02d', 9 + (i % 8) / 2 + (i % 8 >= 4) * 4, (i % 2) * 30 + 25),
  CASE WHEN i % 8 < 4 THEN 'am' ELSE 'pm' END FROM n WHERE i < 16;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO fair_tables (fair_id, number, name) SELECT (SELECT id FROM fairs), i + 1,
  printf('%s%02d', char(65 + i / 25), i % 25 + 1) FROM n WHERE i < 250;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO participants (fair_id, side, buyer_id, badge, name)
  SELECT (SELECT id FROM fairs), 'buyer', b.id, printf('B%04d', n.i),
    coalesce(b.name, printf('采购商 %d', n.i))
  FROM n LEFT JOIN (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS k FROM buyers) b
    ON b.k = n.i ORDER BY n.i;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO participants (fair_id, side, supplier_id, badge, name)
  SELECT (SELECT id FROM fairs), 'supplier', s.id, printf('S%04d', n.i),
    coalesce(s.name, printf('供应商 %d', n.i))
  FROM n LEFT JOIN (SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS k FROM suppliers) s
    ON s.k = n.i ORDER BY n.i;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 3999)
INSERT INTO meetings (fair_id, buyer_pid, supplier_pid, product_id, slot, table_no)
  SELECT b.fair_id, b.id, s.id, (SELECT min(id) FROM products WHERE supplier_id = s.supplier_id),
    n.i / 250 + 1, n.i % 250 + 1
  FROM n JOIN participants b ON b.badge = printf('B%04d', n.i % 250 + 250 * ((n.i / 250) / 4))
         JOIN participants s ON s.badge = printf('S%04d', n.i % 250 + 250 * ((n.i / 250) % 4));
"
[ "$(sqlite3 "$db" "SELECT count(*) FROM meetings")" = 4000 ] || { echo "schedule fixture failed"; exit 1; }

# measure NAME COMMAND...: runs it under GNU time; prints "NAME seconds pages rss_mb".
measure() {
  local name=$1 out=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  read -r s kb < "$work/time"
  echo "$name $s $(pdfinfo "$out" | sed -n 's/^Pages: *//p') $((kb / 1024)) $(stat -c %s "$out")"
}

results=()
results+=("$(measure guide "$work/guide.pdf" "$fm" print guide --out "$work/guide.pdf")")
for doc in agendas tables grid signin; do
  results+=("$(measure "$doc" "$work/$doc.pdf" "$fm" print $doc BENCH-2026 --out "$work/$doc.pdf" \
    --base-url https://fair.local:8443)")
done
if command -v chromium >/dev/null; then
  { echo '<!doctype html><meta charset="utf-8"><style>body{font:9pt "Noto Sans CJK SC"}'
    echo 'table{border-collapse:collapse;width:100%}td,th{border:.5pt solid #777;padding:2pt}'
    echo '@page{size:A4;margin:18mm}</style><table><tr><th>编号<th>产品名称<th>规格<th>价格<th>企业<th>联系</tr>'
    sqlite3 -html "$db" "SELECT p.code, p.name || coalesce('【' || p.honours || '】', ''),
      coalesce(p.spec, '') || ' / ' || coalesce(p.brand, ''), p.price, s.name, p.contact || ' ' || p.phone
      FROM products p JOIN suppliers s ON s.id = p.supplier_id ORDER BY s.city, p.category, s.name, p.code"
    echo '</table>'; } > "$work/peer.html"
  results+=("$(measure "peer:chromium" "$work/peer.pdf" chromium --headless --no-sandbox --disable-gpu \
    --no-pdf-header-footer --print-to-pdf="$work/peer.pdf" "file://$work/peer.html")")
fi

printf '\nprint benchmark: %d products, %d demands; a fair of 2,000 participants, 4,000 meetings\n\n' \
  "$products" "$demands"
printf '%-16s %9s %7s %10s %9s %9s\n' document seconds pages pages/s "RSS MB" "PDF MB"
json='{"bench":"print","products":'$products',"demands":'$demands
for r in "${results[@]}"; do
  read -r name s p mb bytes <<< "$r"
  rate=$(awk -v p="$p" -v s="$s" 'BEGIN { printf "%.0f", (s > 0 ? p / s : 0) }')
  printf '%-16s %9s %7s %10s %9s %9.1f\n' "$name" "$s" "$p" "$rate" "$mb" "$(awk -v b="$bytes" 'BEGIN{print b/1048576}')"
  json+=',"'${name#peer:}'_s":'$s',"'${name#peer:}'_pages":'$p
done
echo; echo "$json}"
