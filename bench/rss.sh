#!/usr/bin/env bash
# Memory per connection, and whether it comes back: Fulcrum beside haproxy and nginx, in one run, on loopback.
# Each proxy's resident set (VmRSS of the process and its children, from /proc/PID/status) is read before a load
# (after a small warm-up of the same kind, so JIT and pools are not charged to the connections), during it (every
# connection open and idle, after a short settle) and after it (every connection closed, after AFTER_WAIT seconds).
# Fulcrum is started anew (fresh data dir, config through the API) for each scenario (FRESH=0: one process for all);
# haproxy and nginx run throughout, so their "before" is what the previous scenario left.
# Scenarios (SCENARIOS, default: all four):
#   idle-http  N_HTTP (10,000) keep-alive client connections, each made one request, then idles: KiB per connection.
#   idle-l4    N_L4 (10,000, or fewer if the fd limit cannot hold both sides) L4 pairs, client + server connection,
#              each carried one exchange, then idles: KiB per pair; then all closed.
#   slowloris  N_SLOW (2,000) connections sending a request head one byte a second until the proxy's header timeout
#              (10 s everywhere) ends them.
#   l4-close   N_L4B (5,000) idle L4 pairs (as idle-l4), then all closed.
# The backend is nginx (one worker, `return 200`, keep-alive 600 s), which also holds the L4 pairs' server side.
# nginx is not measured at L4 (this nginx build has no stream module). The load generator is bench/conns.py.
# Usage: bench/rss.sh                     (about 5-6 minutes; needs dotnet, python3, nginx, haproxy, curl)
#   SCENARIOS="idle-http slowloris" PROXIES="fulcrum haproxy" AFTER_WAIT=15 N_HTTP=10000 bench/rss.sh
#   FULCRUM_DLL=path/to/fulcrum.dll bench/rss.sh     (measure a build made elsewhere; default: builds appliance Release)
#   DURING_HOOK='...': a command run while the connections are open (see measure below)
#   BASE_PORT=9200: the loopback ports used are BASE_PORT+1..+6 and +80 (management API)
set -u
SCENARIOS=${SCENARIOS:-idle-http idle-l4 slowloris l4-close}
PROXIES=${PROXIES:-fulcrum haproxy nginx}
AFTER_WAIT=${AFTER_WAIT:-15}; SETTLE=${SETTLE:-3}; WARM=${WARM:-500}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
P=${BASE_PORT:-9200}; BE=$((P + 1)); NGX=$((P + 2)); HAP=$((P + 3)); FUL=$((P + 4)); HAP4=$((P + 5)); FUL4=$((P + 6)); MGMT=$((P + 80))

for tool in nginx haproxy; do
  # nginx is also the backend: without it nothing can be measured.
  command -v $tool >/dev/null || { [[ $tool == nginx ]] && { echo "nginx is needed (the backend)" >&2; exit 1; }
    echo "$tool is not installed: not measured" >&2; PROXIES=${PROXIES//$tool/}; }
done
W=$(mktemp -d /tmp/fulcrum-rss.XXXX)
ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
# A pair is two descriptors in the proxy; keep ~500 for the process's own files, listeners and the API.
MAXPAIRS=$(( (NOFILE - 500) / 2 ))
N_HTTP=${N_HTTP:-10000}; N_SLOW=${N_SLOW:-2000}
N_L4=${N_L4:-10000}; (( N_L4 > MAXPAIRS )) && N_L4=$MAXPAIRS
N_L4B=${N_L4B:-5000}; (( N_L4B > MAXPAIRS )) && N_L4B=$MAXPAIRS

cleanup() {
  for p in $(cat "$W"/pids 2>/dev/null); do kill "$p" 2>/dev/null; done
  sleep 1
  for p in $(cat "$W"/pids 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$W/backend.conf" <<CONF
worker_processes 1; daemon off; pid $W/backend.pid; error_log $W/backend.err;
worker_rlimit_nofile $NOFILE;
events { worker_connections $((NOFILE - 100)); }
http { access_log off; keepalive_timeout 600s; keepalive_requests 1000000; client_header_timeout 600s;
  server { listen 127.0.0.1:$BE backlog=4096; location / { return 200 "hello from backend\n"; } } }
CONF
cat >"$W/nginxproxy.conf" <<CONF
worker_processes 1; daemon off; pid $W/np.pid; error_log $W/np.err;
worker_rlimit_nofile $NOFILE;
events { worker_connections $((NOFILE - 100)); }
http { access_log off; keepalive_timeout 600s; keepalive_requests 1000000; client_header_timeout 10s;
  upstream be { server 127.0.0.1:$BE; keepalive 64; }
  server { listen 127.0.0.1:$NGX backlog=4096;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
cat >"$W/haproxy.cfg" <<CONF
global
  nbthread 1
  # haproxy sizes its fd needs as two per connection and refuses a limit below that unless told not to; the idle
  # HTTP scenario holds one descriptor per client (the server side is pooled), so it needs maxconn close to the limit.
  maxconn $(( NOFILE - 200 ))
  no strict-limits
defaults
  timeout connect 5s
  timeout client 600s
  timeout server 600s
  timeout http-keep-alive 600s
  timeout http-request 10s
frontend fe
  mode http
  option http-keep-alive
  bind 127.0.0.1:$HAP
  default_backend be
backend be
  mode http
  http-reuse always
  server s1 127.0.0.1:$BE
listen l4
  mode tcp
  bind 127.0.0.1:$HAP4
  server s1 127.0.0.1:$BE
CONF

if [[ -z ${FULCRUM_DLL:-} ]]; then
  echo "building fulcrum (Release)..." >&2
  dotnet build -c Release "$ROOT/appliance" -v q -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log"; exit 1; }
  FULCRUM_DLL="$ROOT/appliance/bin/Release/net10.0/fulcrum.dll"
fi

start() { # name command...: starts it in the background, records its pid in PID_<name>
  local name=$1; shift
  "$@" >"$W/$name.log" 2>&1 &
  echo $! >>"$W/pids"; printf -v "PID_$name" %s $!
}
start backend nginx -c "$W/backend.conf"
start nginx nginx -c "$W/nginxproxy.conf"
start haproxy haproxy -f "$W/haproxy.cfg" -db
api() { curl -sf -u admin:bench-Secret-1 -H 'content-type: application/json' -X POST "http://127.0.0.1:$MGMT$1" -d "$2" >/dev/null || echo "api $1 failed" >&2; }
# A new Fulcrum process (fresh data dir, config made through the API) for each scenario, unless FRESH=0: every row
# then starts from a process that has only been started and warmed, as in issue 13's figures.
RUN=0
start_fulcrum() {
  if [[ -n ${PID_fulcrum:-} ]]; then
    kill "$PID_fulcrum" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$PID_fulcrum" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$PID_fulcrum" 2>/dev/null
    sed -i "/^$PID_fulcrum\$/d" "$W/pids"
  fi
  RUN=$((RUN + 1))
  FULCRUM_ADMIN_PASSWORD=bench-Secret-1 start fulcrum dotnet "$FULCRUM_DLL" run --data "$W/data$RUN" --mgmt 127.0.0.1:$MGMT
  for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$MGMT/healthz >/dev/null && break; sleep 0.2; done
  api /api/v1/profiles/http '{"name":"http-rss","headerTimeout":10,"keepAliveTimeout":600}'
  api /api/v1/profiles/tcp '{"name":"tcp-rss","idleTimeout":600}'
  api /api/v1/pools "{\"name\":\"be\",\"members\":[{\"address\":\"127.0.0.1\",\"port\":$BE}]}"
  api /api/v1/virtuals "{\"name\":\"http\",\"destination\":\"127.0.0.1:$FUL\",\"pool\":\"be\",\"profiles\":[\"tcp-rss\",\"http-rss\",\"oneconnect\"]}"
  api /api/v1/virtuals "{\"name\":\"l4\",\"destination\":\"127.0.0.1:$FUL4\",\"pool\":\"be\",\"profiles\":[\"tcp-rss\"]}"
  for port in $FUL $FUL4; do
    for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  done
}
[[ " $PROXIES " == *" fulcrum "* ]] && start_fulcrum
for port in $BE $NGX $HAP $HAP4; do
  for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

# Resident set of a process and its children (nginx: master and worker), in KiB.
rss() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1"); do
    total=$(( total + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
  done; echo $total
}
# Waits until a line starting with $2 appears in file $1 (at most $3 seconds); prints the line.
await_line() {
  local i
  for i in $(seq 1 $(( $3 * 5 ))); do
    grep -m1 "^$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done; return 1
}
gen() { python3 "$ROOT/bench/conns.py" "$@"; }
warm() { # mode port: a small load of the same kind, opened and closed, before the baseline
  [[ $WARM -gt 0 ]] || return 0
  touch "$W/release-warm"
  gen "$1" "127.0.0.1:$2" "$WARM" --release "$W/release-warm" >/dev/null 2>&1
  rm -f "$W/release-warm"; sleep 2
}
ROWS=(); MEASURED=0
measure() { # scenario proxy pid port mode count
  local scenario=$1 proxy=$2 pid=$3 port=$4 mode=$5 n=$6
  local out="$W/gen-$scenario-$proxy.log" release="$W/release-$scenario-$proxy"
  # The same kind of load, small; slowloris is warmed with whole requests (same parser, no 10 s wait).
  warm "$([[ $mode == slowloris ]] && echo http || echo "$mode")" "$port"
  local before during after ready opened failed extra=""
  before=$(rss "$pid")
  gen "$mode" "127.0.0.1:$port" "$n" --release "$release" --max-seconds 240 >"$out" 2>&1 &
  local gpid=$!; echo $gpid >>"$W/pids"
  ready=$(await_line "$out" READY 180) || { echo "$scenario/$proxy: the load generator did not get ready" >&2; cat "$out" >&2; }
  opened=$(awk '{print $2}' <<<"$ready"); failed=$(awk '{print $3}' <<<"$ready")
  sleep "$SETTLE"
  during=$(rss "$pid")
  # DURING_HOOK: a command run while every connection is open, with $pid, $proxy and $scenario set; e.g.
  # DURING_HOOK='[[ $proxy == fulcrum ]] && dotnet-gcdump collect -p $pid -o /tmp/$scenario.gcdump' (what holds the memory).
  [[ -n ${DURING_HOOK:-} ]] && (export pid proxy scenario; eval "$DURING_HOOK") >&2
  if [[ $mode == slowloris ]]; then
    # Every connection ends at the proxy's header timeout; "after" is measured from when the last one ended.
    extra=$(await_line "$out" CLOSED-BY-PEER 60 | awk '{printf "%s ended by the proxy after %s", $2, $4}')
    [[ -n $extra ]] || extra="still open at 60 s"
  fi
  touch "$release"; wait "$gpid" 2>/dev/null
  sleep "$AFTER_WAIT"
  after=$(rss "$pid")
  local row
  row=$(awk -v s="$scenario" -v p="$proxy" -v n="${opened:-0}" -v f="${failed:-?}" -v b="$before" -v d="$during" -v a="$after" -v x="$extra" 'BEGIN{
    per = n > 0 ? sprintf("%.2f", (d - b) / n) : "na"
    printf "| %s | %s | %d (%s failed) | %.1f | %.1f | %.1f | %s | %+.1f | %s |", s, p, n, f, b/1024, d/1024, a/1024, per, (a-b)/1024, x }')
  ROWS+=("$row"); echo "$row" >&2
}
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }
for_proxies() { # scenario mode count l4?: runs measure for every chosen proxy that applies
  local scenario=$1 mode=$2 n=$3 l4=$4 p
  for p in $PROXIES; do
    case $p in
      fulcrum) (( RUN > 0 && ${FRESH:-1} == 1 && MEASURED > 0 )) && start_fulcrum; MEASURED=1
        measure "$scenario" fulcrum "$PID_fulcrum" "$([[ $l4 == l4 ]] && echo $FUL4 || echo $FUL)" "$mode" "$n" ;;
      haproxy) measure "$scenario" haproxy "$PID_haproxy" "$([[ $l4 == l4 ]] && echo $HAP4 || echo $HAP)" "$mode" "$n" ;;
      nginx) [[ $l4 == l4 ]] || measure "$scenario" nginx "$PID_nginx" $NGX "$mode" "$n" ;;
    esac
  done
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cpu, $(free -g | awk '/Mem:/ {print $2}') GB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(nginx -v 2>&1 | cut -d/ -f2), haproxy $(haproxy -v | head -1 | awk '{print $3}'), dotnet $(dotnet --version), fulcrum $FULCRUM_DLL (tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null))"
echo "fd limit $NOFILE; warm-up $WARM connections; settle ${SETTLE}s; after = ${AFTER_WAIT}s after the last close"
has idle-http && for_proxies idle-http http "$N_HTTP" http
has idle-l4 && for_proxies idle-l4 tcp "$N_L4" l4
has slowloris && for_proxies slowloris slowloris "$N_SLOW" http
has l4-close && for_proxies l4-close tcp "$N_L4B" l4
echo
echo "| scenario | proxy | connections | RSS before MB | during MB | after MB | KiB per connection (pair) | after - before MB | note |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
