#!/usr/bin/env bash
# WAN simulation for tcp profiles: client — proxy — server in three network namespaces.
#   client (tcpw-c) ==[TUN pair: tunlink.py delay/loss, tc tbf rate]== proxy (tcpw-p) --[veth, no shaping]-- server (tcpw-s)
# Namespaces tcpw-c, tcpw-p, tcpw-s (deleted and made again). Downloads SIZE through Fulcrum with each client-side tcp profile and prints transfer times (curl time_total).
# Needs root, python3, curl, dotnet and a built appliance (dotnet build Fulcrum.slnx).
# With haproxy installed (HAPROXY=1, the default), haproxy runs beside it in the same namespace, in the same run, as
# haproxy-default (kernel defaults, as Fulcrum's `tcp`: bbr here) and haproxy-wan (tune.sndbuf/rcvbuf.client 1 MiB,
# what haproxy 2.6 has of tcp-wan-optimized: it cannot pick a congestion algorithm per socket or turn Nagle on).
# Usage: bench/wan/run.sh            env: RATE=20mbit DELAY_MS=25 (one way) LOSS=0 RUNS=5 SIZE_MB=10 PROFILES="tcp tcp-wan-optimized" HAPROXY=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RATE=${RATE:-20mbit}; DELAY_MS=${DELAY_MS:-25}; LOSS=${LOSS:-0}; RUNS=${RUNS:-5}; SIZE_MB=${SIZE_MB:-10}
PROFILES=${PROFILES:-"tcp tcp-wan-optimized"}
HAPROXY=${HAPROXY:-1}
command -v haproxy > /dev/null || HAPROXY=0
DLL=${FULCRUM_DLL:-$root/appliance/bin/Debug/net10.0/fulcrum.dll}
PASS=Wan-Bench-Secret-1
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in tcpw-c tcpw-p tcpw-s; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for n in tcpw-c tcpw-p tcpw-s; do ip netns del "$n" 2>/dev/null || true; ip netns add "$n"; ip -n "$n" link set lo up; done

# proxy — server: a plain veth pair (a LAN).
ip link add tcpwvp type veth peer name tcpwvs
ip link set tcpwvp netns tcpw-p; ip link set tcpwvs netns tcpw-s
ip -n tcpw-p addr add 10.77.2.1/24 dev tcpwvp; ip -n tcpw-s addr add 10.77.2.2/24 dev tcpwvs
ip -n tcpw-p link set tcpwvp up; ip -n tcpw-s link set tcpwvs up

# client — proxy: the TUN link with delay and loss, tbf for the rate on both ends' egress.
python3 "$here/tunlink.py" --delay-ms "$DELAY_MS" --loss "$LOSS" > "$work/tunlink.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q READY "$work/tunlink.out" 2>/dev/null && break; sleep 0.1; done
ip link set tcpwA netns tcpw-c; ip link set tcpwB netns tcpw-p
ip -n tcpw-c addr add 10.77.1.2 peer 10.77.1.1 dev tcpwA; ip -n tcpw-p addr add 10.77.1.1 peer 10.77.1.2 dev tcpwB
ip -n tcpw-c link set tcpwA mtu 1500 up; ip -n tcpw-p link set tcpwB mtu 1500 up
tc -n tcpw-c qdisc add dev tcpwA root tbf rate "$RATE" burst 32kb latency 50ms
tc -n tcpw-p qdisc add dev tcpwB root tbf rate "$RATE" burst 32kb latency 50ms

# server: a SIZE_MB file over HTTP.
mkdir -p "$work/www"; head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom > "$work/www/file"
ip netns exec tcpw-s python3 -m http.server 8000 --bind 10.77.2.2 --directory "$work/www" > /dev/null 2>&1 &
pids+=($!)

# proxy: Fulcrum, one L4 virtual per profile under test (so each gets its own listener and status).
mkdir -p "$work/data"
ip netns exec tcpw-p env FULCRUM_ADMIN_PASSWORD=$PASS dotnet "$DLL" run --data "$work/data" --mgmt 127.0.0.1:9443 > "$work/fulcrum.log" 2>&1 &
pids+=($!)
api() { ip netns exec tcpw-p curl -s -u "admin:$PASS" -H 'Content-Type: application/json' "$@"; }
for _ in $(seq 100); do api -o /dev/null http://127.0.0.1:9443/api/v1/status && break; sleep 0.2; done
api -X POST http://127.0.0.1:9443/api/v1/pools -d '{"name":"origin","members":[{"address":"10.77.2.2","port":8000}]}' > /dev/null
port=8080
declare -A ports
for prof in $PROFILES; do
  api -X POST http://127.0.0.1:9443/api/v1/virtuals -d "{\"name\":\"v-$prof\",\"destination\":\"10.77.1.1:$port\",\"pool\":\"origin\",\"profiles\":[\"tcp\"],\"clientSideTcp\":\"$prof\",\"serverSideTcp\":\"tcp-lan-optimized\"}" -o "$work/v-$prof.json" -w "virtual v-$prof: %{http_code}\n"
  ports[$prof]=$port; port=$((port + 1))
done
sleep 1; cat "$work"/v-*.json; echo

targets="$PROFILES"
if [ "$HAPROXY" = 1 ]; then
  for variant in default wan; do
    tune=""
    [ "$variant" = wan ] && tune=$'  tune.sndbuf.client 1048576\n  tune.rcvbuf.client 1048576'
    cat > "$work/haproxy-$variant.cfg" <<CFG
global
  maxconn 1000
$tune
defaults
  mode tcp
  timeout connect 5s
  timeout client 300s
  timeout server 300s
frontend f
  bind 10.77.1.1:$port
  default_backend origin
backend origin
  server s1 10.77.2.2:8000
CFG
    ip netns exec tcpw-p haproxy -f "$work/haproxy-$variant.cfg" > "$work/haproxy-$variant.log" 2>&1 &
    pids+=($!)
    ports[haproxy-$variant]=$port; port=$((port + 1))
    targets="$targets haproxy-$variant"
  done
  sleep 1
fi

echo "# rate $RATE, RTT $((DELAY_MS * 2)) ms, loss $LOSS, ${SIZE_MB} MB, $RUNS runs, $(date -u +%FT%TZ)"
for prof in $targets; do
  times=()
  for _ in $(seq "$RUNS"); do
    t=$(ip netns exec tcpw-c curl -s -o /dev/null -w '%{time_total}' --max-time 300 "http://10.77.1.1:${ports[$prof]}/file" || echo 999)
    times+=("$t")
  done
  printf '%s' "${times[*]}" | python3 -c "
import statistics, sys
xs = [float(x) for x in sys.stdin.read().split()]
print(f'$prof: median {statistics.median(xs):.2f} s, min {min(xs):.2f}, max {max(xs):.2f}, runs {\" \".join(f\"{x:.2f}\" for x in xs)}')"
  case "$prof" in haproxy-*) continue ;; esac
  api http://127.0.0.1:9443/api/v1/status | python3 -c "
import json, sys
v = next(v for v in json.load(sys.stdin)['virtuals'] if v['name'] == 'v-$prof')['tcp']['clientSide']
o, c = v['options'] or {}, v['closed']
print(f\"  client side in force: cc {o.get('congestionControl')}, sndbuf {o.get('sendBufferSize')}, noDelay {o.get('noDelay')}; closed: {c['connections']} conns, retransmits {c['retransmits']}, rtt mean {c['rttMeanUs']/1000:.1f} ms\")"
done
