#!/usr/bin/env bash
# The HTTPS server, black-box: the real binary on a loopback port, reached
# with curl and openssl s_client trusting the certificate `init` made.
# TLS, keep-alive and close, small and multi-megabyte bodies, every role
# against every endpoint, each bad fixture uploaded over HTTP, limits,
# CSRF, path traversal, malformed requests, the redirect port, SIGHUP, SIGTERM.
set -u
: "${FAIRMATCH:?}" "${FMGEN:?}" "${FIXTURES:?}" "${WORK:?}"
rm -rf "$WORK" && mkdir -p "$WORK"
export FAIRMATCH_DATA="$WORK/data"
fm=$FAIRMATCH
db="$WORK/data/fairmatch.db"
source "$(dirname "$0")/lib.bash"
need curl openssl pdftotext python3 sqlite3 timeout
q() { sqlite3 "$db" "$1"; }
# Debian's python3 (script/setup installs it) starts in 0.1 s; a pyenv shim takes a second.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
jq_() { "$py" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# says NAME FILE TEXT: FILE holds TEXT and nothing else (a trailing newline aside).
says() {
  if [ "$(cat "$2")" = "$3" ]; then ok
  else bad "$1: $(basename "$2") is “$(head -c 300 "$2")”, wanted “$3”"; fi
}
# refused NAME GOT WANT ERROR MESSAGE: the reply had the status WANT (GOT is what it had)
# and its body ($WORK/body) is the JSON error {"error": ERROR, "message": MESSAGE}, whole.
refused() {
  if [ "$2" = "$3" ] && "$py" -c 'import json, sys
sys.exit(json.load(open(sys.argv[1])) != {"error": sys.argv[2], "message": sys.argv[3]})' \
      "$WORK/body" "$4" "$5" 2>/dev/null; then ok
  else bad "$1: $2 $(head -c 300 "$WORK/body"), wanted $3 {\"error\":\"$4\",\"message\":\"$5\"}"; fi
}
# page NAME GOT WANT REASON: the status WANT and libevent's own error page for it, whole.
page() {
  if [ "$2" = "$3" ] && [ "$(cat "$WORK/body")" = "$(printf '<HTML><HEAD>\n<TITLE>%s %s</TITLE>\n</HEAD><BODY>\n<H1>%s</H1>\n</BODY></HTML>' "$3" "$4" "$4")" ]; then ok
  else bad "$1: $2 $(head -c 200 "$WORK/body"), wanted libevent's $3 $4 page"; fi
}

"$fm" init >/dev/null && "$fm" import supply "$FIXTURES/catalog/supply.csv" >/dev/null &&
  "$fm" import demand "$FIXTURES/catalog/demand.csv" >/dev/null &&
  "$fm" import fairs "$FIXTURES/catalog/fairs.csv" >/dev/null || { echo "FAIL loading"; exit 1; }
ca="$WORK/data/tls/cert.pem"
[ -f "$ca" ] && [ "$(stat -c %a "$WORK/data/tls/key.pem")" = 600 ] && ok || bad "init makes the certificate, key 0600"
[ "$(stat -c %a "$WORK/data/admin-password.txt")" = 600 ] && ok || bad "admin password file 0600"
openssl x509 -in "$ca" -noout -text > "$WORK/cert.txt"
has "certificate SANs" "$WORK/cert.txt" "DNS:localhost"
has "certificate SANs" "$WORK/cert.txt" "IP Address:127.0.0.1"
has "certificate key" "$WORK/cert.txt" "prime256v1"

# Accounts: one of each role; passwords from files, as a script would.
pw() { printf '%s\n' "$2" > "$WORK/pw-$1"; echo "$WORK/pw-$1"; }
"$fm" user add clerk --role city --region 杭州 --password-file "$(pw clerk hangzhou-clerk-1)" >/dev/null &&
  "$fm" user add hlj --role expansion --region 黑龙江 --password-file "$(pw hlj heilongjiang-1)" >/dev/null &&
  "$fm" user add org --role organiser --password-file "$(pw org organiser-pass-1)" >/dev/null &&
  "$fm" user add kiosk1 --role kiosk --password-file "$(pw kiosk1 kiosk-pass-123)" >/dev/null && ok ||
  bad "user add"
check "duplicate user" 1 "$fm" user add clerk --role city --region 杭州
says "duplicate user says so" "$WORK/err" "fairmatch user: 用户 clerk 已存在 / the user clerk exists"
check "city without region" 1 "$fm" user add nb --role city
says "city without region says so" "$WORK/err" "fairmatch user: 市经合办账号要指定城市（--region 宁波） / a city office account needs its city (--region 宁波)"
check "unknown city" 1 "$fm" user add nb --role city --region 上海
says "unknown city named" "$WORK/err" "fairmatch user: “上海”不是浙江省的地级市 / \"上海\" is not one of Zhejiang's 11 cities"
check "short password" 1 "$fm" user add shorty --role organiser --password-file "$(pw shorty short)"
says "short password says so" "$WORK/err" "fairmatch user: 密码至少 10 个字符 / a password needs at least 10 characters"
admin_pw=$(cat "$WORK/data/admin-password.txt")

# The server, on free loopback ports, with small limits to test against; a test that ends
# early stops it, or ctest would wait for it.
srv=""
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null' EXIT
start() {
  rm -f "$WORK/port"
  "$fm" serve --listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0 --port-file "$WORK/port" \
    --threads 2 --access-log "$WORK/access.log" --max-upload-bytes 8m --max-body-bytes 64k \
    --login-per-minute 5 --web-root "$WORK/web" "$@" 2>>"$WORK/server.err" &
  srv=$!
  for _ in $(seq 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/port" 2>/dev/null)
  base="https://localhost:$port"
}
mkdir -p "$WORK/web/app" && echo '<!doctype html><title>展会</title>' > "$WORK/web/index.html"
echo 'export const x = 1;' > "$WORK/web/app/main.js"
echo 'TOPSECRET-42' > "$WORK/secret.txt"
start
[ -n "$port" ] && ok || { bad "server did not start: $(cat "$WORK/server.err")"; finish; exit 1; }

C() { curl -sS --cacert "$ca" "$@"; }
# status METHOD PATH [curl args…]: prints the HTTP status.
status() { local m=$1 p=$2; shift 2; C -o "$WORK/body" -w '%{http_code}' -X "$m" "$@" "$base$p"; }

# TLS: a verified handshake, TLS 1.2, ECDHE with an AEAD cipher; nothing older, nothing else.
C "$base/healthz" > "$WORK/out" && has "healthz over verified TLS" "$WORK/out" '"status":"ok"' || bad "healthz"
openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$ca" </dev/null > "$WORK/s_client" 2>&1
has "s_client verifies" "$WORK/s_client" "Verify return code: 0 (ok)"
grep -Eq "Cipher is ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)" "$WORK/s_client" && ok ||
  bad "cipher is not ECDHE + AEAD: $(grep -m1 Cipher "$WORK/s_client")"
has "TLS 1.2" "$WORK/s_client" "TLSv1.2"
# TLS 1.1 refused with a protocol_version alert (curl: 35, SSL connect error).
C --tls-max 1.1 "$base/healthz" >/dev/null 2>"$WORK/err"; st=$?
[ "$st" = 35 ] && grep -q 'alert protocol version' "$WORK/err" && ok || bad "TLS 1.1: curl exit $st: $(cat "$WORK/err")"
# A non-ECDHE CBC suite refused with a handshake_failure alert (40); no cipher agreed.
openssl s_client -connect "127.0.0.1:$port" -cipher AES128-SHA -tls1_2 </dev/null >"$WORK/s_client" 2>&1; st=$?
[ "$st" = 1 ] && grep -q 'alert handshake failure' "$WORK/s_client" && grep -q 'SSL alert number 40' "$WORK/s_client" &&
  grep -q 'Cipher is (NONE)' "$WORK/s_client" && ok || bad "a non-ECDHE CBC suite: s_client exit $st: $(grep -m3 -i 'alert\|cipher' "$WORK/s_client")"

# A resumed session whose client sends its Finished, a request and its FIN in one go: each
# request is answered (the cheap handshake step runs at once, not after the close).
"$py" - "$port" "$ca" > "$WORK/out" <<'PY'
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
req = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
def ask(session):
    t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                        server_hostname="localhost", session=session)
    t.sendall(req)
    half = socket.fromfd(t.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    half.shutdown(socket.SHUT_WR)
    half.close()
    data = b""
    try:
        while d := t.recv(4096):
            data += d
    except (ssl.SSLError, OSError):
        pass
    reused, session = t.session_reused, t.session
    t.close()
    return data.startswith(b"HTTP/1.1 200"), reused, session
_, _, session = ask(None)
results = [ask(session) for _ in range(100)]
# Each loop keeps its own session cache: about half land on the loop that knows it.
print("answered %d" % sum(r[0] for r in results), "resumed", sum(r[1] for r in results) >= 20)
PY
has "resumed sessions with request and FIN at once all answered" "$WORK/out" "answered 100 resumed True"

# Keep-alive: two requests on one connection; Connection: close and HTTP/1.0 answered whole.
C -w '%{num_connects}\n' -o /dev/null "$base/healthz" -o /dev/null "$base/api/v1/fairs" > "$WORK/out"
[ "$(awk '{n += $1} END {print n}' "$WORK/out")" = 1 ] && ok || bad "keep-alive used $(tr '\n' + < "$WORK/out") connections"
C -H 'Connection: close' "$base/api/v1/fairs" | grep -q YQH-2026 && ok || bad "Connection: close reply"
C --http1.0 "$base/api/v1/fairs" | grep -q YQH-2026 && ok || bad "HTTP/1.0 reply"

# The plain port only redirects, to the same path over HTTPS.
plain=$(grep -o 'redirecting http://[0-9.:]*' "$WORK/server.err" | tail -1 | sed 's|redirecting http://||')
if [ -n "$plain" ]; then
  curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://$plain/api/v1/fairs?x=1" > "$WORK/out"
  has "plain HTTP redirects" "$WORK/out" "301 https://127.0.0.1:$port/api/v1/fairs?x=1"
else
  bad "the redirect port is not listening"
fi

# Kiosk search: the same hits as the CLI, with facets and snippets; pinyin too.
C "$base/api/v1/search?q=%E9%BE%99%E4%BA%95&limit=5" > "$WORK/api.json"
"$fm" search 龙井 --limit 5 --json > "$WORK/cli.json"
[ "$(jq_ '[h["code"] for h in d["hits"]]' < "$WORK/api.json")" = "$(jq_ '[h["code"] for h in d["hits"]]' < "$WORK/cli.json")" ] &&
  ok || bad "API search differs from the CLI"
jq_ 'd["hits"][0]["code"], "\x01" in d["hits"][0]["highlight"], d["facets"]["region"]' < "$WORK/api.json" > "$WORK/out"
has "search marks and facets" "$WORK/out" "True"
C "$base/api/v1/search?q=longjing&limit=3" | jq_ 'd["hits"][0]["name"]' > "$WORK/out"
has "pinyin search" "$WORK/out" "龙井"
# Browsing from the empty search box, and a fair's filter, as the kiosk asks for them:
# an empty q with a category, a city or a fair lists every product they let through
# (counted against the store), the facets count those products, a fair's total and
# facets are the fair's, and pages of 20 reach every hit once.
"$py" - "$base" "$ca" "$db" > "$WORK/out" 2>&1 <<'PY'
import json, sqlite3, ssl, sys, urllib.parse, urllib.request
base, ca, db = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=ca)
def get(**a):
    with urllib.request.urlopen(base + '/api/v1/search?' + urllib.parse.urlencode(a), context=ctx) as r:
        return json.load(r)
def every(**a):		# every page of 20, concatenated
    codes, offset = [], 0
    while True:
        r = get(limit=20, offset=offset, **a)
        codes += [h['code'] for h in r['hits']]
        if not r['hits']:
            return codes, r
        offset += 20
con = sqlite3.connect(db)
store = lambda sql, *a: {r[0] for r in con.execute(sql, a)}
fair = 'HQH-2026'
cities = store("SELECT c.city FROM fair_cities c JOIN fairs f ON f.id = c.fair_id WHERE f.code = ?", fair)
at_fair = store("SELECT code FROM product_text WHERE city IN (%s)" % ','.join('?' * len(cities)), *cities)
tea = store("SELECT code FROM product_text WHERE category = '茶叶'")
hz = store("SELECT code FROM product_text WHERE city = '杭州市'")
checks = []
def check(what, cond, detail=''):
    checks.append(what)
    if not cond:
        print(f'FAIL {what}: {detail}')
r = get(q='', category='茶叶', limit=100)
check('browse a category', {h['code'] for h in r['hits']} == tea and r['total'] == len(tea), f"{r['total']} vs {len(tea)}")
check('its city facet adds up', sum(r['facets']['region'].values()) == len(tea), r['facets']['region'])
r = get(q='', region='杭州市', limit=100)
check('browse a city', {h['code'] for h in r['hits']} == hz and r['total'] == len(hz), f"{r['total']} vs {len(hz)}")
codes, last = every(q='', fair=fair)
check('browse a fair: every page', sorted(codes) == sorted(at_fair) and len(set(codes)) == len(codes),
      f'{len(codes)} hits, {len(set(codes))} distinct, {len(at_fair)} at the fair')
check('a fair\'s total', last['total'] == len(at_fair), f"{last['total']} vs {len(at_fair)}")
first = get(q='', fair=fair, limit=1)
check('a fair\'s city facet is its cities', set(first['facets']['region']) == cities, first['facets']['region'])
check('a fair\'s category facet counts its products', sum(first['facets']['category'].values()) == len(at_fair))
# A word at the fair: the engine's filter, pages to the end, facets of the fair's hits.
word = max(first['facets']['category'], key=first['facets']['category'].get)
codes, last = every(q=word, fair=fair)
everywhere = get(q=word, limit=1)
check('a word at a fair: pages reach every hit', len(codes) == last['total'] == len(set(codes)) > 20,
      f"{len(codes)} of {last['total']}")
check('a word at a fair: only its cities', set(get(q=word, fair=fair, limit=1)['facets']['region']) <= cities)
check('a word at a fair counts fewer than everywhere', last['total'] < everywhere['total'],
      f"{last['total']} vs {everywhere['total']}")
r = get(q='   ', category='没有这个类别')
check('an unknown category browses nothing', r['total'] == 0 and r['hits'] == [])
# An exhibitor's products, as a kiosk lists them from one of its products: the product
# names its exhibitor, and every page (of 2 here) lists the store's products of it, once.
ex, n = con.execute("SELECT owner_id, count(*) FROM product_text GROUP BY owner_id"
                    " ORDER BY count(*) DESC, owner_id LIMIT 1").fetchone()
mine = store("SELECT code FROM product_text WHERE owner_id = ?", ex)
one = min(mine)
with urllib.request.urlopen(base + '/api/v1/products/' + one, context=ctx) as rr:
    check('a product names its exhibitor', json.load(rr)['supplier_id'] == ex)
codes, offset = [], 0
while True:
    r = get(q='', exhibitor=ex, limit=2, offset=offset)
    codes += [h['code'] for h in r['hits']]
    if not r['hits']:
        break
    offset += 2
check('an exhibitor\'s products: every page', n > 2 and sorted(codes) == sorted(mine),
      f'{codes} vs {sorted(mine)}')
first = get(q='', exhibitor=ex, limit=2)
check('an exhibitor\'s total and facets', first['total'] == n and
      sum(first['facets']['category'].values()) == n and sum(first['facets']['region'].values()) == n and
      all(h['owner_id'] == ex for h in first['hits']), first)
word = max(first['facets']['category'], key=first['facets']['category'].get)
within = get(q=word, exhibitor=ex, limit=100)
anywhere = get(q=word, limit=100)
check('a word within an exhibitor', within['total'] > 0 and anywhere['total'] <= 100 and
      [h['code'] for h in within['hits']] == [h['code'] for h in anywhere['hits'] if h['owner_id'] == ex],
      f"{within['total']} of {anywhere['total']}")
print(f'{len(checks)} checks')
PY
if grep -q FAIL "$WORK/out"; then bad "browse and fair filter over HTTP: $(grep FAIL "$WORK/out" | head -5)"
elif grep -q '^15 checks$' "$WORK/out"; then ok
else bad "browse and fair filter over HTTP did not run: $(tail -5 "$WORK/out")"; fi
# The command line lists an exhibitor's products as the API does.
ex=$(q "SELECT owner_id FROM product_text GROUP BY owner_id ORDER BY count(*) DESC, owner_id LIMIT 1")
"$fm" search "" --exhibitor "$ex" --limit 100 --json | jq_ 'sorted(h["code"] for h in d["hits"])' > "$WORK/out"
q "SELECT code FROM product_text WHERE owner_id = $ex ORDER BY code" |
  "$py" -c 'import sys; print(sorted(sys.stdin.read().split()))' > "$WORK/want"
[ -s "$WORK/want" ] && cmp -s "$WORK/out" "$WORK/want" && ok ||
  bad "fairmatch search --exhibitor $ex: $(head -c 300 "$WORK/out"), wanted $(head -c 300 "$WORK/want")"
refused "an exhibitor no supplier is" "$(status GET '/api/v1/search?q=&exhibitor=987654')" 400 bad_query \
  "没有编号为 987654 的展商 / no exhibitor has the id 987654"
refused "an exhibitor's demands" "$(status GET '/api/v1/search?q=x&kind=demand&exhibitor=1')" 400 bad_argument \
  "按展商筛选只用于产品搜索 / the exhibitor filter is for product search only"
refused "exhibitor=abc" "$(status GET '/api/v1/search?q=&exhibitor=abc')" 400 bad_argument \
  "参数 exhibitor 应为 1 到 9007199254740991 之间的整数 / exhibitor must be a whole number from 1 to 9007199254740991"
refused "an empty query for demands" "$(status GET '/api/v1/search?q=&kind=demand')" 400 bad_query \
  "查询中没有可以搜索的字词（只有空格或标点） / the query has nothing to search for (only spaces or punctuation)"
refused "limit=0" "$(status GET '/api/v1/search?q=x&limit=0')" 400 bad_argument \
  "参数 limit 应为 1 到 100 之间的整数 / limit must be a whole number from 1 to 100"
refused "search without q" "$(status GET '/api/v1/search')" 400 bad_argument "需要查询参数 q / needs the query argument q"
# A query value that is not UTF-8 once decoded is refused up front (fuzz_http found
# /api/v1/stats?by=%FF and uploads?filename=%FF.csv crashing a worker).
undecodable="请求路径或参数无法解析（须为 UTF-8） / the path or query cannot be decoded (it must be UTF-8)"
refused "a non-UTF-8 query" "$(status GET '/api/v1/search?q=%FF%FE')" 400 bad_request "$undecodable"
[ "$(status GET /api/v1/products/HZ-0001)" = 200 ] && has "product detail" "$WORK/body" "杭州盛源茶叶有限公司" || bad "product detail"
refused "unknown product" "$(status GET /api/v1/products/NOPE-1)" 404 not_found "没有编号为 NOPE-1 的产品 / no product with code NOPE-1"
dcode=$(q "SELECT code FROM demands ORDER BY id LIMIT 1")
[ "$(status GET "/api/v1/demands/$dcode")" = 200 ] && ok || bad "demand detail"

# Sign-in: wrong password refused, right one gives an HttpOnly Secure SameSite cookie.
login() { touch "$WORK/jar-$1"; C -b "$WORK/jar-$1" -c "$WORK/jar-$1" -o "$WORK/body" -w '%{http_code}' -H 'X-Requested-With: fetch' \
  -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"$2\"}" "$base/api/v1/login"; }
wrong="用户名或密码不对 / wrong login or password"
refused "wrong password" "$(login clerk wrong-password)" 401 unauthorized "$wrong"
refused "unknown login (told apart from a wrong password by nothing)" "$(login nobody wrong-password)" 401 unauthorized "$wrong"
[ "$(login clerk hangzhou-clerk-1)" = 200 ] && has "clerk signs in" "$WORK/body" '"role":"city"' || bad "clerk sign-in"
C -D - -o /dev/null -H 'X-Requested-With: fetch' -H 'Content-Type: application/json' \
  -d '{"login":"org","password":"organiser-pass-1"}' "$base/api/v1/login" > "$WORK/headers"
grep -i '^set-cookie' "$WORK/headers" > "$WORK/out"
has "cookie HttpOnly" "$WORK/out" "HttpOnly"; has "cookie Secure" "$WORK/out" "Secure"; has "cookie SameSite" "$WORK/out" "SameSite=Strict"
for h in Content-Security-Policy Strict-Transport-Security X-Content-Type-Options; do has "header $h" "$WORK/headers" "$h"; done
has "frame-ancestors" "$WORK/headers" "frame-ancestors 'none'"
login org organiser-pass-1 >/dev/null; login hlj heilongjiang-1 >/dev/null; login kiosk1 kiosk-pass-123 >/dev/null
login admin "$admin_pw" >/dev/null
[ "$(C -b "$WORK/jar-org" "$base/api/v1/me" | jq_ 'd["role"]')" = organiser ] && ok || bad "/me for the organiser"

# Every role against every endpoint: the status each must get.
as() { local who=$1 m=$2 p=$3; shift 3
  if [ "$who" = public ]; then status "$m" "$p" -H 'X-Requested-With: fetch' "$@"
  else status "$m" "$p" -b "$WORK/jar-$who" -H 'X-Requested-With: fetch' "$@"; fi; }
# matrix: lines "role method path status [error message…]": the status each must get
# and, for a refusal, its JSON error whole.
matrix() {
  while read -r who m p want code msg; do
    [ -z "$who" ] && continue
    got=$(as "$who" "$m" "$p")
    if [ -n "$code" ]; then refused "$who $m $p" "$got" "$want" "$code" "$msg"
    else [ "$got" = "$want" ] && ok || bad "$who $m $p: $got, wanted $want ($(head -c 200 "$WORK/body"))"; fi
  done
}
signin="请先登录 / sign in first"
nope() { echo "账号 $1（$2）无权这样做 / the account $1 ($2) may not do this"; }
matrix <<EOT
public GET /api/v1/search?q=茶 200
public GET /api/v1/fairs 200
public GET /api/v1/me 200
public GET /api/v1/match/demand/$dcode 401 unauthorized $signin
kiosk1 GET /api/v1/match/demand/$dcode 200
kiosk1 GET /api/v1/match/demand/NO-SUCH-CODE 404 no_match 没有编号为 NO-SUCH-CODE 的需求 / no demand has the code NO-SUCH-CODE
kiosk1 GET /api/v1/match/offer/$dcode 404 not_found 应为 /match/demand/编号 或 /match/supply/编号 / use /match/demand/CODE or /match/supply/CODE
clerk GET /api/v1/match/supply/HZ-0001 200
public GET /api/v1/users 401 unauthorized $signin
clerk GET /api/v1/users 403 forbidden $(nope clerk city)
org GET /api/v1/users 403 forbidden $(nope org organiser)
admin GET /api/v1/users 200
public GET /api/v1/uploads 401 unauthorized $signin
kiosk1 GET /api/v1/uploads 403 forbidden $(nope kiosk1 kiosk)
org GET /api/v1/uploads 403 forbidden $(nope org organiser)
clerk GET /api/v1/uploads 200
hlj GET /api/v1/uploads 200
admin GET /api/v1/uploads 200
public POST /api/v1/fairs/YQH-2026/match 401 unauthorized $signin
clerk POST /api/v1/fairs/YQH-2026/match 403 forbidden $(nope clerk city)
kiosk1 POST /api/v1/fairs/YQH-2026/match 403 forbidden $(nope kiosk1 kiosk)
org POST /api/v1/fairs/YQH-2026/match?wait=1 200
org POST /api/v1/fairs/NO-SUCH/match 404 not_found 没有展会 NO-SUCH / no fair NO-SUCH
public POST /api/v1/reindex 401 unauthorized $signin
org POST /api/v1/reindex 403 forbidden $(nope org organiser)
admin POST /api/v1/reindex?wait=1 200
public POST /api/v1/uploads?kind=supply 401 unauthorized $signin
kiosk1 POST /api/v1/uploads?kind=supply 403 forbidden $(nope kiosk1 kiosk)
org POST /api/v1/uploads?kind=supply 403 forbidden $(nope org organiser)
hlj POST /api/v1/uploads?kind=supply 403 forbidden 只有市经合办可以上传产品目录 / only a city office uploads a supply catalogue
clerk POST /api/v1/uploads?kind=demand 403 forbidden 只有拓展办可以上传需求目录 / only an expansion office uploads a demand catalogue
clerk POST /api/v1/uploads?kind=nonsense 400 bad_argument kind 应为 supply（产品目录）或 demand（需求目录） / kind must be supply or demand
public GET /api/v1/jobs/1 401 unauthorized $signin
admin GET /api/v1/jobs/1 404 not_found 没有这个任务 / no such job: 1
public DELETE /api/v1/fairs 405 method_not_allowed /api/v1/fairs 不支持 DELETE / /api/v1/fairs does not take DELETE
public GET /api/v1/nothing-here 404 not_found 没有这个接口 / no such endpoint: /api/v1/nothing-here
EOT
n=$(q "SELECT count(*) FROM candidates c JOIN fairs f ON f.id = c.fair_id WHERE f.code = 'YQH-2026'")
[ "$n" -gt 0 ] && ok || bad "batch matching over the API stored no candidates"

# Withdrawal: an office withdraws and restores its own entries only; a withdrawn
# entry leaves search and matching at once, and the kiosk cannot read it.
hljd=XQ-HLJ-901
printf '%s\n' 需求编号,需求产品,采购单位,所在省份,产品类别,需求描述,截止日期 \
  "$hljd,光学眼镜,哈尔滨秋林集团浙江产品营销中心,黑龙江省,日用小商品,需纯钛镜架，款式不少于50款。,2027-06-30" > "$WORK/hlj.csv"
"$fm" import demand "$WORK/hlj.csv" >/dev/null || bad "importing a 黑龙江 demand"
matrix <<EOT
public POST /api/v1/products/HZ-0024/withdraw 401
kiosk1 POST /api/v1/products/HZ-0024/withdraw 403
org POST /api/v1/products/HZ-0024/withdraw 403
hlj POST /api/v1/products/HZ-0024/withdraw 403
clerk POST /api/v1/products/NB-0001/withdraw 403
clerk POST /api/v1/demands/$hljd/withdraw 403
hlj POST /api/v1/demands/XQ-BJ-009/restore 403
clerk POST /api/v1/products/NO-SUCH/withdraw 404
kiosk1 GET /api/v1/withdrawn 403
EOT
as hlj POST /api/v1/products/HZ-0024/withdraw >/dev/null
has "expansion office refused products" "$WORK/body" "only a city office withdraws or restores products"
as clerk POST /api/v1/products/NB-0001/withdraw >/dev/null
has "another city's product refused" "$WORK/body" "belongs to 宁波市, not 杭州市"
as clerk POST /api/v1/products/NO-SUCH/withdraw >/dev/null
has "unknown code named" "$WORK/body" "no product has the code NO-SUCH"
[ "$(as clerk POST /api/v1/products/HZ-0024/withdraw)" = 200 ] &&
  has "withdrawn" "$WORK/body" '"code":"HZ-0024","withdrawn":true,"changed":true' || bad "clerk withdraws HZ-0024: $(cat "$WORK/body")"
[ "$(as clerk POST /api/v1/products/HZ-0024/withdraw)" = 200 ] &&
  has "withdrawing twice changes nothing" "$WORK/body" '"changed":false' || bad "second withdrawal"
[ "$(q "SELECT withdrawn_by FROM products WHERE code = 'HZ-0024'")" = clerk ] && ok || bad "withdrawn_by not recorded"
as public GET "/api/v1/search?q=%E8%A5%BF%E6%B9%96%E9%BE%99%E4%BA%95&limit=50" >/dev/null
grep -q '"code":"HZ-0024"' "$WORK/body" && bad "kiosk search shows a withdrawn product" || ok
has "kiosk search still finds the others" "$WORK/body" '"code":"HZ-0002"'
[ "$(as public GET /api/v1/products/HZ-0024)" = 404 ] && ok || bad "the kiosk reads a withdrawn product"
[ "$(as clerk GET /api/v1/products/HZ-0024)" = 200 ] && has "office sees when" "$WORK/body" '"withdrawn_at":' || bad "office reads its withdrawn product"
[ "$(as clerk GET /api/v1/withdrawn)" = 200 ] && has "office lists it" "$WORK/body" '"code":"HZ-0024"' || bad "withdrawn list"
[ "$(as hlj GET /api/v1/withdrawn)" = 200 ] && has "expansion office lists its demands" "$WORK/body" '"kind":"demand","withdrawn":[]' || bad "hlj withdrawn list"
[ "$(as kiosk1 GET "/api/v1/match/demand/XQ-BJ-009?limit=50")" = 200 ] && ! grep -q '"code":"HZ-0024"' "$WORK/body" && ok ||
  bad "a withdrawn product matched: $(head -c 300 "$WORK/body")"
[ "$(as kiosk1 GET /api/v1/match/supply/HZ-0024)" = 422 ] && has "matching from it refused" "$WORK/body" "was withdrawn on" || bad "match from a withdrawn product"
[ "$(as clerk POST /api/v1/products/HZ-0024/restore)" = 200 ] && has "restored" "$WORK/body" '"withdrawn":false,"changed":true' || bad "restore"
[ "$(as kiosk1 GET "/api/v1/match/demand/XQ-BJ-009?limit=50")" = 200 ] &&
  has "restored product matched again (the matching layer follows)" "$WORK/body" '"code":"HZ-0024"' ||
  bad "restored product not matched: $(head -c 300 "$WORK/body")"
as public GET "/api/v1/search?q=%E8%A5%BF%E6%B9%96%E9%BE%99%E4%BA%95&limit=50" >/dev/null
has "restored product searched again" "$WORK/body" '"code":"HZ-0024"'
[ "$(as hlj POST "/api/v1/demands/$hljd/withdraw")" = 200 ] && ok || bad "hlj withdraws its demand"
[ "$(as admin POST "/api/v1/demands/$hljd/restore")" = 200 ] && has "admin restores any" "$WORK/body" '"changed":true' || bad "admin restore"

# CSRF: a browser POST without X-Requested-With, or from another origin, is refused.
csrf="跨站请求被拒绝：缺少 X-Requested-With 或来源不符 / cross-site request refused: X-Requested-With missing or the origin differs"
refused "POST without X-Requested-With" "$(status POST /api/v1/logout -b "$WORK/jar-org")" 403 csrf "$csrf"
refused "POST from a foreign origin" "$(status POST /api/v1/logout -b "$WORK/jar-org" -H 'X-Requested-With: x' -H 'Origin: https://evil.example')" 403 csrf "$csrf"

# Uploads: the clerk's own city is accepted; a file with other cities' rows is refused, row by row.
"$py" - "$FIXTURES/catalog/supply.csv" "$WORK/hz.csv" "$WORK/nb-hz.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
hz = [r for r in rows[1:] if r[4] == "杭州市"]
nb = [r for r in rows[1:] if r[4] == "宁波市"][:2]
for r in hz[:3]: r[1] = r[1] + "（新包装）"
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows([rows[0]] + hz)
csv.writer(open(sys.argv[3], "w", encoding="utf-8", newline="")).writerows([rows[0]] + hz[:2] + nb)
PY
nhz=$(($(wc -l < "$WORK/hz.csv") - 1))
# Asked before the upload: not there, and the reply is cached (the second ask on the same
# connection, hence the same loop, is a hit) …
u="$base/api/v1/search?q=%E6%96%B0%E5%8C%85%E8%A3%85"
[ "$(status GET '/api/v1/search?q=%E6%96%B0%E5%8C%85%E8%A3%85')" = 200 ] &&
  jq_ '"（新包装）" in "".join(h["name"] for h in d["hits"])' < "$WORK/body" | grep -qx False && ok ||
  bad "新包装 before the upload: $(head -c 300 "$WORK/body")"
C -o /dev/null -o /dev/null -w '%header{x-cache}\n' "$u" "$u" > "$WORK/out"
[ "$(tail -1 "$WORK/out")" = hit ] && ok || bad "identical search not cached: $(cat "$WORK/out")"
before=$(q "SELECT count(*) FROM uploads")
printf -- '--b\r\nContent-Disposition: form-data; name="file"; filename="\377.csv"\r\n\r\nx\r\n--b--\r\n' > "$WORK/badname.form"
refused "a non-UTF-8 file name" \
  "$(as clerk POST '/api/v1/uploads?kind=supply' -H 'Content-Type: multipart/form-data; boundary=b' --data-binary "@$WORK/badname.form")" \
  400 bad_upload "上传的文件名不是有效的 UTF-8 / the uploaded file's name is not valid UTF-8"
refused "an empty multipart upload" \
  "$(as clerk POST '/api/v1/uploads?kind=supply' -H 'Content-Type: multipart/form-data; boundary=b' --data-binary '')" \
  400 bad_upload '表单里没有文件（字段名 file） / the form has no file part (field "file")'
code=$(as clerk POST '/api/v1/uploads?kind=supply&wait=1' -F "file=@$WORK/hz.csv;filename=杭州目录.csv")
[ "$code" = 200 ] && ok || bad "clerk uploads Hangzhou: $code $(head -c 300 "$WORK/body")"
jq_ 'd["result"]["ok"], d["result"]["updated"], d["result"]["unchanged"], d["state"]' < "$WORK/body" > "$WORK/out"
[ "$(tr '\n' ' ' < "$WORK/out")" = "True 3 $((nhz - 3)) done " ] && ok || bad "upload report: $(tr '\n' ' ' < "$WORK/out")"
[ "$(q "SELECT filename || ' ' || uploaded_by FROM uploads ORDER BY id DESC LIMIT 1")" = "杭州目录.csv clerk" ] && ok || bad "upload recorded with its name and uploader"
# … and after it, the cached reply is not served: the change is found at once.
[ "$(status GET '/api/v1/search?q=%E6%96%B0%E5%8C%85%E8%A3%85')" = 200 ] &&
  [ "$(jq_ 'sum("（新包装）" in h["name"] for h in d["hits"])' < "$WORK/body")" = 3 ] && ok ||
  bad "the 3 uploaded changes are not searchable at once (stale cache?): $(head -c 300 "$WORK/body")"
code=$(as clerk POST '/api/v1/uploads?kind=supply&wait=1' --data-binary "@$WORK/nb-hz.csv" -H 'Content-Type: text/csv')
[ "$code" = 422 ] && ok || bad "clerk uploading Ningbo rows: $code"
jq_ 'len([e for e in d["result"]["errors"] if "宁波市" in e["message"]])' < "$WORK/body" > "$WORK/out"
[ "$(cat "$WORK/out")" = 2 ] && ok || bad "each other-city row reported: $(head -c 400 "$WORK/body")"
# The office's history: the accepted upload and the rejected attempt with its error count;
# another office sees neither.
C -b "$WORK/jar-clerk" "$base/api/v1/uploads" |
  jq_ '" ".join(sorted("%s:%s" % (bool(u.get("rejected")), u.get("error_count", "-")) for u in d["uploads"]))' > "$WORK/out"
C -b "$WORK/jar-hlj" "$base/api/v1/uploads" | jq_ 'len(d["uploads"])' > "$WORK/out2"
[ "$(cat "$WORK/out")" = "False:- True:2" ] && [ "$(cat "$WORK/out2")" = 0 ] && ok ||
  bad "upload history is per office, with the rejected attempt: $(cat "$WORK/out") / $(cat "$WORK/out2")"
uid=$(q "SELECT max(id) FROM uploads")
refused "another office's upload" "$(as hlj GET "/api/v1/uploads/$uid")" 404 not_found \
  "没有这次上传，或不属于本办 / no such upload, or not this office's: $uid"
[ "$(as clerk GET "/api/v1/uploads/$uid")" = 200 ] && has "upload report" "$WORK/body" '"report"' || bad "own upload"

# Without wait: 202 and a job to poll, which ends with the report.
code=$(as clerk POST '/api/v1/uploads?kind=supply' -F "file=@$WORK/hz.csv")
[ "$code" = 202 ] && ok || bad "upload without wait: $code"
job=$(jq_ 'd["job"]["id"]' < "$WORK/body")
for _ in $(seq 50); do
  C -b "$WORK/jar-clerk" "$base/api/v1/jobs/$job" > "$WORK/job.json"
  grep -q '"state":"done"' "$WORK/job.json" && break; sleep 0.1
done
has "job done with its report" "$WORK/job.json" '"unchanged":'"$nhz"
refused "another user's job" "$(as hlj GET "/api/v1/jobs/$job")" 404 not_found "没有这个任务 / no such job: $job"

# Every bad fixture over HTTP: its report, and nothing changed.
prod=$(q "SELECT count(*) || '/' || sum(length(name)) FROM products")
ups=$(q "SELECT count(*) FROM uploads")
while IFS=$'\t' read -r file kind row words; do
  case "$file" in '#'*|'') continue;; esac
  code=$(as admin POST "/api/v1/uploads?kind=$kind&wait=1&filename=$file" --data-binary "@$FIXTURES/bad/$file")
  if [ "$code" = 422 ] && grep -qF -- "$words" "$WORK/body"; then ok
  else bad "bad fixture $file over HTTP: $code, wanted 422 with “$words”: $(head -c 300 "$WORK/body")"; fi
done < "$FIXTURES/bad/expected.tsv"
[ "$(q "SELECT count(*) || '/' || sum(length(name)) FROM products")" = "$prod" ] && [ "$(q "SELECT count(*) FROM uploads")" = "$ups" ] &&
  ok || bad "a rejected upload changed the store"
[ -z "$(ls "$WORK/data/spool" 2>/dev/null)" ] && ok || bad "spool not emptied: $(ls "$WORK/data/spool")"

# A multi-megabyte upload with an API token (scripts: no cookie, no CSRF header):
# the whole body arrives, which the report's last row proves.
token=$("$fm" user token clerk --label nightly)
"$py" - "$WORK/hz.csv" "$WORK/big.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
w = csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""))
w.writerow(rows[0])
for i in range(20000):
    r = list(rows[1 + i % (len(rows) - 1)])
    r[0] = "HZB-%05d" % i
    r[1] = r[1] + " 第%d批" % i
    if i == 19999:
        r[3] = "91330100BADCHECK00"     # a credit code whose check digit is wrong
    w.writerow(r)
PY
size=$(stat -c %s "$WORK/big.csv")
[ "$size" -gt 3000000 ] && ok || bad "big file only $size bytes"
code=$(C -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $token" --data-binary "@$WORK/big.csv" \
  "$base/api/v1/uploads?kind=supply&wait=1&filename=big.csv")
[ "$code" = 422 ] && jq_ '[e["row"] for e in d["result"]["errors"]]' < "$WORK/body" | grep -q '^\[20001\]$' && ok ||
  bad "3 MB upload with a token: $code $(head -c 300 "$WORK/body")"
refused "a bad token" "$(status GET /api/v1/me -H 'Authorization: Bearer not-a-real-token')" 401 unauthorized \
  "令牌无效或已撤销 / the token is invalid or revoked"

# Limits: an oversized upload is refused before it is read; a big JSON body too.
head -c 9000000 /dev/zero > "$WORK/huge"
code=$(C -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $token" --data-binary "@$WORK/huge" \
  "$base/api/v1/uploads?kind=supply" 2>/dev/null)  # refused from its Content-Length
refused "9 MB upload over an 8 MB limit" "$code" 413 too_large "请求体 9000000 字节，超过 /api/v1/uploads\
 的上限 8388608 字节，未读取 / the body of 9000000 bytes is over the limit of /api/v1/uploads, 8388608 bytes;\
 it was not read"
"$py" -c "print('{\"login\":\"' + 'x'*100000 + '\",\"password\":\"y\"}')" > "$WORK/bigjson"
refused "100 kB login body" "$(status POST /api/v1/login -H 'X-Requested-With: x' --data-binary "@$WORK/bigjson")" 413 \
  too_large "请求体 100028 字节，超过 /api/v1/login 的上限 65536 字节，未读取 / the body of 100028 bytes is\
 over the limit of /api/v1/login, 65536 bytes; it was not read"
refused "broken JSON" "$(status POST /api/v1/login -H 'X-Requested-With: x' -d '{"login":')" 400 bad_request \
  "请求体不是有效的 JSON（第 1 行第 9 列：unexpected token near end of file） / the body is not JSON (line 1, column 9: unexpected token near end of file)"
long=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(C -o "$WORK/body" -w '%{http_code}' -H "X-Long: $long" "$base/healthz" 2>/dev/null)
page "20 kB header" "$code" 400 "Bad Request"

# Static files: types, ETag and 304, no way out of the web root.
[ "$(status GET /)" = 200 ] && has "index" "$WORK/body" "展会" || bad "GET /"
etag=$(C -D - -o /dev/null "$base/app/main.js" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
C -D - -o /dev/null "$base/app/main.js" | grep -qi '^content-type: text/javascript' && ok || bad "JS MIME type"
[ -n "$etag" ] && [ "$(status GET /app/main.js -H "If-None-Match: $etag")" = 304 ] && ok || bad "ETag / 304"
C -D "$WORK/headers" -o /dev/null "$base/app" 2>/dev/null
[ "$(tr -d '\r' < "$WORK/headers" | awk 'NR == 1 { print $2 } tolower($1) == "location:" { print $2 }' | tr '\n' ' ')" = "301 /app/ " ] &&
  ok || bad "directory without slash: $(head -c 300 "$WORK/headers")"
# //app is not redirected at all (a Location: //app would send the browser to the host "app").
C -D "$WORK/headers" -o "$WORK/body" --path-as-is "$base//app" 2>/dev/null
[ "$(head -1 "$WORK/headers" | tr -d '\r')" = "HTTP/1.1 200 OK" ] && ! grep -qi '^location:' "$WORK/headers" &&
  cmp -s "$WORK/body" "$WORK/web/index.html" && ok || bad "//app: $(head -3 "$WORK/headers")"
# No way out of the web root: each path refused, naming the path as the server read it.
while read -r p want code msg; do
  refused "traversal $p" "$(C -o "$WORK/body" -w '%{http_code}' --path-as-is "$base$p")" "$want" "$code" "$msg"
done <<EOT
/../secret.txt 404 not_found 没有这个文件 / no such file: /../secret.txt
/%2e%2e/secret.txt 404 not_found 没有这个文件 / no such file: /../secret.txt
/app/%2e%2e/%2e%2e/secret.txt 404 not_found 没有这个文件 / no such file: /app/../../secret.txt
/..%2fsecret.txt 404 not_found 没有这个文件 / no such file: /../secret.txt
/.hidden 404 not_found 没有这个文件 / no such file: /.hidden
/app/main.js%00.html 400 bad_request $undecodable
EOT

# Malformed requests: each answered with libevent's page for its status, and closed
# (openssl s_client ends when the server closes; 60 s only stops a hang); the server stays up.
# The chunked upload brings a cookie: without one it would be refused 411 from its head.
while IFS='|' read -r raw want reason; do
  printf "$raw" | timeout 60 openssl s_client -quiet -connect "127.0.0.1:$port" -CAfile "$ca" > "$WORK/raw" 2>/dev/null
  st=$?
  tr -d '\r' < "$WORK/raw" | sed -n '1p' > "$WORK/out"
  tr -d '\r' < "$WORK/raw" | sed '1,/^$/d' > "$WORK/body"
  [ "$st" != 124 ] && ok || bad "malformed request $raw: the server did not close the connection"
  page "malformed request $raw" "$(awk '{ print $2 }' "$WORK/out")" "$want" "$reason"
done <<'EOT'
GARBAGE\r\n\r\n|400|Bad Request
GET / HTTP/9.9\r\n\r\n|400|Bad Request
GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n|400|Bad Request
POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nCookie: fm_session=x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n|413|Request Entity Too Large
EOT
# Plain HTTP on the TLS port gets nothing at all (curl: 52, empty reply), and harms nothing.
curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; st=$?
[ "$st" = 52 ] && ok || bad "plain HTTP on the TLS port: curl exit $st, wanted 52 (an empty reply)"
C "$base/healthz" | grep -q '"status":"ok"' && ok || bad "server down after malformed requests"

# Rate limiting: after 5 failures a minute from one address, 429 with Retry-After, even
# with the right password; the message gives the same seconds as the header.
for i in 1 2 3 4 5; do login nobody "wrong-$i" >/dev/null; done
code=$(C -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' -H 'X-Requested-With: fetch' -H 'Content-Type: application/json' \
  -d '{"login":"org","password":"organiser-pass-1"}' "$base/api/v1/login")
after=$(tr -d '\r' < "$WORK/headers" | awk 'tolower($1) == "retry-after:" { print $2 }')
if [ "$code" = 429 ] && [ "${after:-0}" -ge 1 ] && [ "$after" -le 60 ]; then
  refused "rate limited" "$code" 429 too_many_attempts "登录失败次数过多，请 $after 秒后再试 / too many failed sign-ins; try again in $after seconds"
else
  bad "no rate limit: $code, Retry-After ${after:-none}: $(head -c 200 "$WORK/body")"
fi

# Logout ends the session.
[ "$(status POST /api/v1/logout -b "$WORK/jar-clerk" -H 'X-Requested-With: x')" = 200 ] && ok || bad "logout"
[ "$(C -b "$WORK/jar-clerk" "$base/api/v1/me" | jq_ 'd["role"]')" = public ] && ok || bad "session still valid after logout"
"$fm" user passwd hlj --password-file "$(pw hlj2 heilongjiang-2)" >/dev/null
[ "$(C -b "$WORK/jar-hlj" "$base/api/v1/me" | jq_ 'd["role"]')" = public ] && ok || bad "password change keeps old sessions"

# Scheduling over the API: lay out, solve as a job, read the grid, lock, a refused move.
refused "a kiosk sets up a fair" "$(as kiosk1 POST /api/v1/fairs/YQH-2026/schedule/setup -d '{}')" 403 forbidden "$(nope kiosk1 kiosk)"
refused "tables must be a number" "$(as org POST /api/v1/fairs/YQH-2026/schedule/setup -d '{"tables":"many"}')" 400 bad_request \
  "tables 应为 0 到 100000 的整数 / tables must be a whole number from 0 to 100000"
[ "$(as org POST /api/v1/fairs/YQH-2026/schedule/setup -d '{"days":1,"slots_per_day":6,"tables":8,"start":"09:00","lunch":null}')" = 200 ] &&
  has "setup summary" "$WORK/body" '"slots":6' || bad "setup over the API: $(head -c 300 "$WORK/body")"
# time_limit=600 only stops a hang; the search ends by itself long before.
refused "publish must be 0 or 1" "$(as org POST '/api/v1/fairs/YQH-2026/schedule?publish=yes')" 400 bad_argument \
  "time_limit 应为 1 到 600 秒，seed 为非负整数，publish 为 0 或 1 / time_limit must be 1 to 600 seconds, seed a whole number and publish 0 or 1"
# A solve is a draft; publish=1 publishes it at once.
[ "$(as org POST '/api/v1/fairs/YQH-2026/schedule?wait=1&time_limit=600&publish=1')" = 200 ] &&
  has "schedule job" "$WORK/body" '"valid":true' && has "published at once" "$WORK/body" '"applied":true' ||
  bad "schedule over the API: $(head -c 300 "$WORK/body")"
[ "$(as public GET /api/v1/fairs/YQH-2026/schedule)" = 200 ] && ok || bad "schedule grid: $(head -c 300 "$WORK/body")"
cp "$WORK/body" "$WORK/grid.json"
read -r mid other_id other_slot other_table < <(jq_ '" ".join(map(str, [d["meetings"][0]["id"], d["meetings"][1]["id"], d["meetings"][1]["slot"], d["meetings"][1]["table"]]))' < "$WORK/grid.json")
other_names=$(jq_ 'd["meetings"][1]["buyer"]["name"] + " — " + d["meetings"][1]["supplier"]["name"]' < "$WORK/grid.json")
my_names=$(jq_ 'd["meetings"][0]["buyer"]["name"] + " — " + d["meetings"][0]["supplier"]["name"]' < "$WORK/grid.json")
# The other meeting's place as a person reads it: the slot's day and time, the table's name.
other_when=$(jq_ '[("第%d天 %s–%s" % (s["day"], s["start"], s["end"])) for s in d["slots"] if s["slot"] == d["meetings"][1]["slot"]][0]' < "$WORK/grid.json")
other_table_name=$(jq_ '[t["name"] for t in d["tables"] if t["table"] == d["meetings"][1]["table"]][0]' < "$WORK/grid.json")
[ "$(jq_ 'len(d["slots"]), len(d["tables"])' < "$WORK/grid.json" | tr '\n' ' ')" = "6 8 " ] && ok || bad "grid size"
[ "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$mid/lock" -d '{"locked":true}')" = 200 ] && ok || bad "lock"
refused "move onto a taken table" \
  "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$mid/move" -d "{\"slot\":$other_slot,\"table\":$other_table}")" 409 conflict \
  "不能把洽谈（$my_names）移到 $other_when，$other_table_name：该桌该时段已被洽谈（$other_names）占用 / cannot move the meeting $my_names to $other_when, $other_table_name: the table is taken then by the meeting $other_names"
refused "move to slot 99" "$(as org POST "/api/v1/fairs/YQH-2026/meetings/$mid/move" -d '{"slot":99,"table":1}')" 409 conflict \
  "不能把洽谈（$my_names）移到 时段 99，1号桌：没有时段 99 / cannot move the meeting $my_names to slot 99, 1号桌: there is no slot 99"
refused "a kiosk locks a meeting" "$(as kiosk1 POST "/api/v1/fairs/YQH-2026/meetings/$mid/lock" -d '{"locked":false}')" 403 forbidden "$(nope kiosk1 kiosk)"
badge=$(jq_ 'd["meetings"][0]["buyer"]["badge"]' < "$WORK/grid.json")
pcode=$(q "SELECT p.code FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE s.city = '舟山市' LIMIT 1")
pin=$("$fm" schedule pin YQH-2026 "$badge")
[ "$(as public POST /api/v1/fairs/YQH-2026/requests -d "{\"badge\":\"$badge\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" = 201 ] && ok ||
  bad "kiosk meeting request: $(head -c 300 "$WORK/body")"
# A badge typed in lower case is the same badge; an unknown one names no badge.
lower=$(printf '%s' "$badge" | tr '[:upper:]' '[:lower:]')
[ "$(as public POST /api/v1/fairs/YQH-2026/requests -d "{\"badge\":\"$lower\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" = 201 ] && ok ||
  bad "a badge in lower case ($lower) is refused: $(head -c 300 "$WORK/body")"
refused "a request with an unknown badge" "$(as public POST /api/v1/fairs/YQH-2026/requests -d "{\"badge\":\"NOBODY\",\"pin\":\"$pin\",\"product\":\"$pcode\",\"phone\":\"13812345678\"}")" \
  403 not_identified "胸牌号或 PIN 不对，或个人链接已失效；请核对日程表上的胸牌号和 PIN / the badge number or PIN is wrong, or the personal link is no longer valid; check the badge number and PIN printed on your agenda"

# An unknown fair is 404 before any job is queued (it was a failed job: 500).
for p in '/api/v1/fairs/NOPE/schedule?wait=1' /api/v1/fairs/NOPE/print/grid /api/v1/fairs/NOPE/export/candidates; do
  refused "$p" "$(as org POST "$p")" 404 not_found "没有展会 NOPE / no fair NOPE"
done

# A client that hangs up while its job runs: it sends the request and closes at once, long
# before the job (tens of milliseconds) is done; the reply finds no one but is logged, and
# the server carries on.
"$py" - "$port" "$ca" "$(awk '$6 == "fm_session" { print $7 }' "$WORK/jar-org")" <<'PY'
import socket, ssl, sys
port, ca, session = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = ssl.create_default_context(cafile=ca).wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                                      server_hostname="localhost")
t.sendall(b"POST /api/v1/fairs/YQH-2026/schedule?wait=1&time_limit=2&seed=4242 HTTP/1.1\r\n"
          b"Host: localhost\r\nCookie: fm_session=" + session.encode() +
          b"\r\nX-Requested-With: fetch\r\nContent-Length: 0\r\n\r\n")
t.close()
PY
hungup='"POST /api/v1/fairs/YQH-2026/schedule?wait=1&time_limit=2&seed=4242" 200 '
for _ in $(seq 600); do grep -qF "$hungup" "$WORK/access.log" && break; sleep 0.1; done
grep -qF "$hungup" "$WORK/access.log" && ok || bad "the job of a client that hung up was not run to its reply: $(tail -2 "$WORK/access.log")"
C "$base/healthz" | grep -q '"status":"ok"' && ! grep -q "AddressSanitizer" "$WORK/server.err" && ok ||
  bad "the server was hurt by a client that hung up on its job: $(tail -3 "$WORK/server.err")"

# Printing and exports as jobs: the grid as a PDF, the catalogue as XLSX, fetched as files.
refused "a kiosk prints" "$(as kiosk1 POST /api/v1/fairs/YQH-2026/print/grid)" 403 forbidden "$(nope kiosk1 kiosk)"
refused "unknown document" "$(as org POST /api/v1/fairs/YQH-2026/print/nonsense)" 404 not_found \
  "没有这种文档 / no such document: nonsense（agendas、tables、grid、signin、badges）"
[ "$(as org POST '/api/v1/fairs/YQH-2026/print/grid?wait=1')" = 200 ] && ok || bad "print grid: $(head -c 300 "$WORK/body")"
url=$(jq_ 'd["result"]["url"]' < "$WORK/body")
[ "$(as org GET "$url")" = 200 ] && head -c 5 "$WORK/body" | grep -q '%PDF-' && ok || bad "grid PDF not served: $url"
pdftotext "$WORK/body" - 2>/dev/null | grep -q "09:00" && ok || bad "the grid PDF lacks the first slot's time"
[ "$(as org POST '/api/v1/export/supply?format=xlsx&wait=1')" = 200 ] && ok || bad "export supply: $(head -c 300 "$WORK/body")"
url=$(jq_ 'd["result"]["url"]' < "$WORK/body")
[ "$(as org GET "$url")" = 200 ] && cp "$WORK/body" "$WORK/export.xlsx" && ok || bad "export not served"
"$fm" import supply "$WORK/export.xlsx" --json > "$WORK/out" 2>&1
jq_ 'd["ok"], d["inserted"], d["updated"]' < "$WORK/out" | tr '\n' ' ' | grep -q '^True 0 0 $' && ok ||
  bad "the exported catalogue does not re-import unchanged: $(head -c 300 "$WORK/out")"
refused "files: a path out of prints/" "$(as org GET '/api/v1/files/..%2Ffairmatch.db')" 404 not_found \
  "没有这个接口 / no such endpoint: /api/v1/files/../fairmatch.db"
refused "a kiosk fetches an export" "$(as kiosk1 GET "$url")" 403 forbidden "$(nope kiosk1 kiosk)"

# Metrics and the access log.
C "$base/metrics" > "$WORK/metrics"
has "metrics" "$WORK/metrics" 'fairmatch_requests_total{code="2xx"}'
has "access log" "$WORK/access.log" '"POST /api/v1/uploads?kind=supply&wait=1" 200'
has "access log user" "$WORK/access.log" ' clerk'

# SIGHUP reopens the log; SIGTERM drains and exits 0.
# An import from the command line while the server runs: the kiosk's serving layer follows
# the index log, so the next search (within a second) finds the product, with no rebuild.
printf '产品编号,产品名称,企业名称,所在城市,产品类别\nSV-0001,跟随日志测试壶,杭州跟随测试有限公司,杭州,日用品\n' > "$WORK/follow.csv"
"$fm" import supply "$WORK/follow.csv" >/dev/null 2>"$WORK/err" || bad "CLI import beside the server: $(cat "$WORK/err")"
sleep 1
C -D "$WORK/hdr" "$base/api/v1/search?q=%E8%B7%9F%E9%9A%8F%E6%97%A5%E5%BF%97" > "$WORK/out"
grep -q 'SV-0001' "$WORK/out" && grep -qi 'x-search-engine: serve' "$WORK/hdr" && ok ||
  bad "a CLI import is not found by the server's kiosk search: $(head -c 300 "$WORK/out")"

mv "$WORK/access.log" "$WORK/access.log.1"; kill -HUP "$srv"; sleep 0.3
C "$base/healthz" >/dev/null
[ -s "$WORK/access.log" ] && ok || bad "SIGHUP did not reopen the access log"
kill -TERM "$srv"; wait "$srv"; st=$?
[ "$st" = 0 ] && ok || bad "SIGTERM exit $st"
has "drained" "$WORK/server.err" "stopped"

# A spooled upload left by a crash is imported at the next start.
mkdir -p "$WORK/data/spool"
cp "$WORK/hz.csv" "$WORK/data/spool/crashtest.upload"
printf '{"kind":"supply","filename":"after-crash.csv","login":"clerk","user_id":2,"only_region":"杭州市","path":"%s"}' \
  "$WORK/data/spool/crashtest.upload" > "$WORK/data/spool/crashtest.json"
start
for _ in $(seq 50); do [ "$(q "SELECT count(*) FROM uploads WHERE filename = 'after-crash.csv'")" = 1 ] && break; sleep 0.1; done
[ "$(q "SELECT count(*) FROM uploads WHERE filename = 'after-crash.csv'")" = 1 ] && ok || bad "spooled upload not resumed"
kill -TERM "$srv"; wait "$srv"

finish
