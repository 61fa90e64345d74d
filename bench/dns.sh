#!/usr/bin/env bash
# Fulcrum's dns virtual beside nsd answering the same static zone, in one run, each on one core (issue 19).
# The zone: example.com with www.example.com A (two addresses). Fulcrum answers it from a wide IP over a pool of two
# members (no monitor: unchecked counts as up), round robin, one address per answer, response rate limiting off;
# nsd from a zone file with the same name and one A record per answer (server-count 1). Each server is pinned to
# CPU 1 with taskset and measured alone (response rate limiting off in both: nsd has it on by default, 200/s per /24);
# dnsperf runs on CPU 0 over UDP with the same query file (www.example.com A).
# Reports dnsperf's queries per second and lost queries for each, and Fulcrum's ratio to nsd.
# Usage: bench/dns.sh [seconds] [clients] [outstanding]      (needs: dotnet, nsd, dnsperf, curl, taskset)
set -u
SECS=${1:-10}; CLIENTS=${2:-4}; OUTSTANDING=${3:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/fulcrum-dnsbench.XXXX)
NSD=9301; FUL=9302; MGMT=9380
cleanup() { for p in $(cat "$W"/pids 2>/dev/null); do kill "$p" 2>/dev/null; done; sleep 1; rm -rf "$W"; }
trap cleanup EXIT
for tool in nsd dnsperf taskset curl dotnet; do command -v $tool >/dev/null || { echo "missing: $tool" >&2; exit 1; }; done

cat >"$W/example.com.zone" <<ZONE
\$ORIGIN example.com.
\$TTL 30
@   IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 30
@   IN NS  ns.example.com.
ns  IN A   127.0.0.1
www IN A   10.0.0.1
ZONE
cat >"$W/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$NSD
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$W"
  database: ""
  zonelistfile: "$W/zone.list"
  xfrdfile: "$W/xfrd.state"
  pidfile: "$W/nsd.pid"
  logfile: "$W/nsd.log"
  verbosity: 0
  hide-version: yes
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: example.com
  zonefile: example.com.zone
CONF
for i in $(seq 1 1000); do echo "www.example.com A"; done >"$W/queries"

echo "building fulcrum (Release)..." >&2
dotnet build -c Release "$ROOT/appliance" -p:FulcrumSkipWebUi=true -v q -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log"; exit 1; }
FULCRUM_DLL="$ROOT/appliance/bin/Release/net10.0/fulcrum.dll"

# CPU ticks (user+sys, 1/100 s) of a process and all its descendants.
# nsd's tree is xfrd → main → server; names hold spaces ("nsd: main"), so fields are counted after the ")".
tree() { local c; echo "$1"; for c in $(pgrep -P "$1"); do tree "$c"; done; }
ticks() { local t=0 p; for p in $(tree "$1"); do t=$((t + $(sed 's/.*) //' /proc/$p/stat 2>/dev/null | awk '{print $12 + $13}'))); done; echo $t; }
# dnsperf's summary: "Queries per second: N" and "Queries lost: N (x%)"; CPU per query from the server's ticks, which
# is the fairer figure on a busy machine (a server with more threads gets more of a contended core).
measure() { # name port pid
  local t0 t1 completed
  t0=$(ticks "$3")
  taskset -c 0 dnsperf -s 127.0.0.1 -p "$2" -d "$W/queries" -l "$SECS" -c "$CLIENTS" -q "$OUTSTANDING" >"$W/$1.perf" 2>&1
  t1=$(ticks "$3")
  local qps lost
  completed=$(awk '/Queries completed:/ {print $3}' "$W/$1.perf")
  qps=$(awk '/Queries per second:/ {print $4}' "$W/$1.perf")
  lost=$(awk '/Queries lost:/ {print $3 " " $4}' "$W/$1.perf")
  local size
  size=$(dig @127.0.0.1 -p "$2" +tries=1 +timeout=1 www.example.com A | awk '/MSG SIZE/ {print $NF}')
  local us; us=$(awk -v t=$((t1 - t0)) -v n="${completed:-0}" 'BEGIN { if (n > 0) printf "%.1f", t * 10000 / n; else print "?" }')
  echo "$1 qps=${qps:-?} lost=${lost:-?} response=${size:-?} bytes cpu=${us} us/query"
  echo "$us" >"$W/$1.us"
  echo "${qps:-0}" >"$W/$1.qps"
}

# nsd alone on CPU 1.
taskset -c 1 nsd -d -c "$W/nsd.conf" >"$W/nsd.out" 2>&1 & NSDPID=$!; echo $NSDPID >>"$W/pids"
for i in $(seq 1 50); do dig @127.0.0.1 -p $NSD +short +tries=1 +timeout=1 www.example.com A 2>/dev/null | grep -q 10.0.0.1 && break; sleep 0.2; done
dig @127.0.0.1 -p $NSD +short www.example.com A | grep -q 10.0.0.1 || { echo "nsd does not answer" >&2; cat "$W/nsd.out" "$W/nsd.log" >&2; exit 1; }
measure nsd $NSD $NSDPID
kill $NSDPID 2>/dev/null; sleep 1

# Fulcrum alone on CPU 1.
FULCRUM_ADMIN_PASSWORD=bench-Secret-1 taskset -c 1 dotnet "$FULCRUM_DLL" run --data "$W/data" --mgmt 127.0.0.1:$MGMT >"$W/fulcrum.log" 2>&1 & FULPID=$!; echo $FULPID >>"$W/pids"
API() { curl -s -u admin:bench-Secret-1 -H 'content-type: application/json' "$@"; }
for i in $(seq 1 100); do curl -s "http://127.0.0.1:$MGMT/healthz" >/dev/null && break; sleep 0.2; done
API -X POST "http://127.0.0.1:$MGMT/api/v1/pools" -d '{"name":"web","monitors":[],"members":[{"address":"10.0.0.1","port":80},{"address":"10.0.0.2","port":80}]}' >/dev/null
API -X POST "http://127.0.0.1:$MGMT/api/v1/wideips" -d '{"name":"www.example.com","type":"A","pools":["web"],"ttl":30,"method":"round-robin"}' >/dev/null
API -X POST "http://127.0.0.1:$MGMT/api/v1/virtuals" -d "{\"name\":\"gslb\",\"destination\":\"127.0.0.1:$FUL\",\"type\":\"dns\",\"profiles\":[],\"sourceAddressTranslation\":\"none\",\"wideIps\":[\"www.example.com\"],\"responseRateLimit\":0}" >/dev/null
for i in $(seq 1 50); do dig @127.0.0.1 -p $FUL +short +tries=1 +timeout=1 www.example.com A 2>/dev/null | grep -q '^10\.0\.0\.' && break; sleep 0.2; done
dig @127.0.0.1 -p $FUL +short www.example.com A | grep -q '^10\.0\.0\.' || { echo "fulcrum does not answer" >&2; tail -20 "$W/fulcrum.log" >&2; exit 1; }
# Warm-up (JIT tiering), then the measured run.
taskset -c 0 dnsperf -s 127.0.0.1 -p $FUL -d "$W/queries" -l 3 -c "$CLIENTS" -q "$OUTSTANDING" >/dev/null 2>&1
measure fulcrum $FUL $FULPID
MAL=$(API "http://127.0.0.1:$MGMT/api/v1/status" | grep -o '"malformed":[0-9]*' | head -1)

echo "date: $(date -u +%Y-%m-%dT%H:%MZ); nsd $(nsd -v 2>&1 | head -1 | awk '{print $NF}'), dnsperf $(dnsperf -h 2>&1 | grep -o 'Version [0-9.]*' | head -1), dotnet $(dotnet --version); ${SECS}s, $CLIENTS clients, $OUTSTANDING outstanding; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v f="$(cat "$W/fulcrum.qps")" -v n="$(cat "$W/nsd.qps")" -v fu="$(cat "$W/fulcrum.us")" -v nu="$(cat "$W/nsd.us")" \
  'BEGIN { if (n > 0) printf "fulcrum / nsd: qps %.2f; by CPU per query (nsd us / fulcrum us) %.2f\n", f / n, (fu > 0 ? nu / fu : 0) }'
echo "fulcrum status: $MAL"
