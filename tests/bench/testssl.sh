#!/usr/bin/env bash
# tests/bench/testssl.sh — testssl.sh (Debian's testssl 3.0) against the
# server's TLS: the release build (build-release/, or $FAIRMATCH) on a
# loopback port, with a data directory `init` made and its self-signed
# certificate trusted with --add-ca; no DNS, nothing off this machine.
# testssl's default run: protocols, cipher categories, forward secrecy, server
# preferences and defaults, HTTP headers, vulnerabilities, every cipher suite
# and client simulations (about 2.5 minutes).
#
# Prints the protocols and cipher suites offered, every finding of severity
# LOW or above and the INFO ones, and one JSON line. Exits non-zero on a
# MEDIUM, HIGH or CRITICAL finding, on a scan warning, on a protocol below
# TLS 1.2 or a cipher suite without ECDHE and AEAD offered. One finding is
# accepted, and shown as such: a self-signed certificate names no CRL or
# OCSP responder (HIGH in testssl), because there is no CA to revoke it.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3; [ -x "$py" ] || py=python3

command -v testssl >/dev/null || {
  echo "installing testssl.sh" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -qq testssl.sh >/dev/null
}
fm=${FAIRMATCH:-}
if [ -z "$fm" ]; then
  echo "building $here/build-release" >&2
  cmake -S "$here" -B "$here/build-release" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$here/build-release" -j"$(nproc)" --target fairmatch >/dev/null
  fm=$here/build-release/fairmatch
fi

work=$(mktemp -d)
srv=0
cleanup() { [ "$srv" = 0 ] || kill "$srv" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export FAIRMATCH_DATA="$work/data"
"$fm" init >/dev/null
"$fm" serve --listen 127.0.0.1:0 --redirect-listen= --port-file "$work/port" --access-log= \
  2> "$work/server.err" &
srv=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2>/dev/null) || { echo "fairmatch did not start:"; cat "$work/server.err"; exit 1; }

version=$(testssl --version 2>/dev/null | grep -o -m1 '[0-9]\.[0-9][0-9.]*' | head -1 || true)
echo "testssl ${version:-?} against https://localhost:$port/ (fairmatch, release build)" >&2
start=$(date +%s)
# Its exit status counts findings in its own way: the JSON is read below instead.
testssl --quiet --color 0 --warnings off --nodns none --ip 127.0.0.1 \
  --connect-timeout 10 --openssl-timeout 10 --add-ca "$FAIRMATCH_DATA/tls/cert.pem" \
  --jsonfile "$work/testssl.json" "https://localhost:$port/" > "$work/testssl.txt" 2>&1 || true
secs=$(($(date +%s) - start))
[ -s "$work/testssl.json" ] || { echo "testssl wrote no report:"; tail -20 "$work/testssl.txt"; exit 1; }

"$py" - "$work/testssl.json" "$secs" <<'PY'
import json, re, sys

findings = json.load(open(sys.argv[1]))
secs = int(sys.argv[2])
by_id = {f["id"]: f for f in findings}
rank = {s: i for i, s in enumerate(["DEBUG", "INFO", "OK", "LOW", "MEDIUM", "HIGH", "CRITICAL"])}
problems = []

# Protocols: TLS 1.2 (and 1.3) only.
protocols = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLS 1.0", "TLS1_1": "TLS 1.1",
             "TLS1_2": "TLS 1.2", "TLS1_3": "TLS 1.3"}
offered = [name for key, name in protocols.items()
           if key in by_id and by_id[key]["finding"].startswith("offered")]
for key in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
    if key not in by_id:
        problems.append("%s was not tested" % protocols[key])
    elif not by_id[key]["finding"].startswith("not offered"):
        problems.append("%s: %s" % (protocols[key], by_id[key]["finding"]))

# Cipher suites: every one offered has ECDHE and an AEAD; no weak category offered.
ciphers = []
for f in findings:
    if re.match(r"cipher_x[0-9a-f]+$", f["id"]):
        fields = f["finding"].split()
        name = fields[1] if len(fields) > 1 else f["finding"]
        ciphers.append(name)
        if not (name.startswith("ECDHE-") and re.search(r"GCM|CHACHA20|CCM", name)):
            problems.append("cipher suite without ECDHE and AEAD offered: " + f["finding"])
if not ciphers:
    problems.append("no cipher suite found (the per-cipher test did not run)")
for key in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
            "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"):
    if key in by_id and not by_id[key]["finding"].startswith("not offered"):
        problems.append("%s: %s" % (key, by_id[key]["finding"]))

# Findings: accepted ones, then LOW and above, scan warnings, INFO.
self_signed = by_id.get("cert_caIssuers", {}).get("finding") == by_id.get("cert_commonName", {}).get("finding")
accepted = {"cert_revocation": "a self-signed certificate has no CA to revoke it"} if self_signed else {}
ignored_warnings = {"engine_problem": "the local openssl lacks GOST, which only limits the scan of GOST suites"}
print("protocols offered: " + ", ".join(offered))
print("cipher suites offered (server's order): " +
      by_id.get("cipherorder_TLSv1_2", {}).get("finding", " ".join(ciphers)))
print("forward secrecy: %s; curves: %s" % (by_id.get("FS", by_id.get("PFS", {})).get("finding", "?"),
      by_id.get("FS_ECDHE_curves", by_id.get("PFS_ECDHE_curves", {})).get("finding", "?")))
print("findings of severity LOW or above:")
for f in sorted(findings, key=lambda f: -rank.get(f["severity"], 0)):
    sev = f["severity"]
    if sev == "WARN" or sev == "FATAL":
        note = ignored_warnings.get(f["id"])
        print("  %-8s %-28s %s%s" % (sev, f["id"], f["finding"], "  (ignored: %s)" % note if note else ""))
        if not note:
            problems.append("scan warning %s: %s" % (f["id"], f["finding"]))
        continue
    if rank.get(sev, 0) < rank["LOW"]:
        continue
    note = accepted.get(f["id"])
    print("  %-8s %-28s %s%s" % (sev, f["id"], f["finding"], "  (accepted: %s)" % note if note else ""))
    if rank[sev] >= rank["MEDIUM"] and not note:
        problems.append("%s %s: %s" % (sev, f["id"], f["finding"]))
print("INFO:")
clients = {f["id"][len("clientsimulation-"):]: f["finding"] for f in findings
           if f["id"].startswith("clientsimulation-")}
for f in findings:
    if f["severity"] == "INFO" and f["id"] != "cert" and f["id"] not in clients and \
            not f["id"].startswith("clientsimulation-"):
        print("  %-28s %s" % (f["id"], " ".join(f["finding"].split())[:110]))
refused = sorted(c for c, how in clients.items() if not how.startswith("TLS"))
print("  %-28s %d of %d connect; not: %s" % ("client simulations", len(clients) - len(refused),
      len(clients), ", ".join(refused) or "-"))
for p in problems:
    print("PROBLEM " + p)
print(json.dumps({"bench": "testssl", "seconds": secs, "protocols": offered, "ciphers": ciphers,
                  "findings": {s: sum(f["severity"] == s for f in findings)
                               for s in ("LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN")},
                  "accepted": sorted(k for k in accepted if k in by_id), "problems": len(problems)},
                 ensure_ascii=False, separators=(",", ":")))
sys.exit(1 if problems else 0)
PY
