#!/usr/bin/env bash
# Fulcrum beside haproxy and nginx, in one run, on this machine (grown from shared/bench/peers.sh's method).
# The backend (nginx, 1 worker) and the load generator share CPU 0; each proxy runs alone on CPU 1, so every
# proxy gets the same single core. Each proxy keeps server-side connections alive (nginx keepalive 64, haproxy
# http-reuse always, Fulcrum's OneConnect profile).
# Scenarios: keep-alive (tiny body), a new client connection per request, 1 MB responses, one large L4 transfer, and
# the cost of a rule: keep-alive through a second Fulcrum virtual carrying bench/rules/ten-line.js (the 10-line
# HTTP_REQUEST rule bench/Fulcrum.Bench.Rules measures) beside haproxy without and with a similar http-request set.
# TLS (scenario "tls"): each proxy terminates TLS with one ECDSA P-256 certificate (session cache and tickets on) in front
# of the same plain backend. Full handshakes (TLS 1.3 and TLS 1.2) and resumed ones are made by `openssl s_time`
# (one connection at a time, each fetching / over HTTP/1.0), keep-alive requests over TLS by wrk; the figure is the
# proxy's CPU per handshake (or per request).
# Reports requests/s, wrk p50/p99 and the proxy's CPU microseconds per request (user+sys ticks of the process).
# Usage: bench/run.sh [seconds] [connections]      (needs: dotnet, wrk, nginx, haproxy, curl, taskset)
#   SCENARIOS="keepalive new-conn 1MB l4 rule" (the default: all); e.g. SCENARIOS=rule bench/run.sh for the rule alone.
#   ROUNDS=3: how many times the rule scenario alternates Fulcrum without and with the rule (the difference is small).
#   UNPINNED=1: nothing pinned, every proxy on both cores (haproxy nbthread 2, nginx 2 workers, Fulcrum 2 loops), to see
#   how throughput scales from one core to two (the load generator and backend then compete with the proxies).
set -u
SECS=${1:-8}; CONNS=${2:-64}
SCENARIOS=${SCENARIOS:-keepalive new-conn 1MB l4 rule tls}; ROUNDS=${ROUNDS:-3}
UNPINNED=${UNPINNED:-0}
if [ "$UNPINNED" = 1 ]; then PIN0=(); PIN1=(); NBT=2; else PIN0=(taskset -c 0); PIN1=(taskset -c 1); NBT=1; fi
WRKT=$NBT
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/fulcrum-bench.XXXX)
BE=9101; NGX=9102; HAP=9103; FUL=9104; HAP4=9105; FUL4=9106; HAPR=9107; FULR=9108; NGXS=9109; HAPS=9110; FULS=9111; MGMT=9180
cleanup() { for p in $(cat "$W"/pids 2>/dev/null); do kill "$p" 2>/dev/null; done; sleep 1; rm -rf /dev/shm/fulcrum-bench-* "$W"; }
trap cleanup EXIT

head -c 1048576 /dev/urandom >/dev/shm/fulcrum-bench-1m
# One ECDSA P-256 certificate for every proxy's TLS listener.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.fulcrum.test \
  -addext subjectAltName=DNS:bench.fulcrum.test -keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1
cat "$W/cert.pem" "$W/key.pem" >"$W/both.pem"
head -c $((1024*1048576)) /dev/zero >/dev/shm/fulcrum-bench-1g

cat >"$W/backend.conf" <<CONF
worker_processes 1; daemon off; pid $W/backend.pid; error_log $W/backend.err;
events { worker_connections 8192; }
http { access_log off; sendfile on;
  server { listen 127.0.0.1:$BE backlog=4096; keepalive_requests 1000000;
    location = /1m { alias /dev/shm/fulcrum-bench-1m; }
    location = /1g { alias /dev/shm/fulcrum-bench-1g; }
    location / { return 200 "hello from backend\n"; } } }
CONF
cat >"$W/nginxproxy.conf" <<CONF
worker_processes $NBT; daemon off; pid $W/np.pid; error_log $W/np.err;
events { worker_connections 8192; }
http { access_log off;
  upstream be { server 127.0.0.1:$BE; keepalive 64; }
  server { listen 127.0.0.1:$NGX backlog=4096; keepalive_requests 1000000;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:$NGXS ssl backlog=4096; keepalive_requests 1000000;
    ssl_certificate $W/cert.pem; ssl_certificate_key $W/key.pem; ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bench:10m; ssl_session_tickets on;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
cat >"$W/haproxy.cfg" <<CONF
global
  nbthread $NBT
  maxconn 8192
defaults
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  mode http
  option http-keep-alive
  bind 127.0.0.1:$HAP
  default_backend be
backend be
  mode http
  http-reuse always
  server s1 127.0.0.1:$BE
frontend fe-tls
  mode http
  option http-keep-alive
  bind 127.0.0.1:$HAPS ssl crt $W/both.pem ssl-min-ver TLSv1.2
  default_backend be
listen l4
  mode tcp
  bind 127.0.0.1:$HAP4
  server s1 127.0.0.1:$BE
# What bench/rules/ten-line.js does, as haproxy says it: redirect /old/, pick a backend by path, add a header when
# User-Agent is present and the client is 127.0.0.1.
frontend fe-rules
  mode http
  option http-keep-alive
  bind 127.0.0.1:$HAPR
  acl old path_beg /old/
  acl api path_beg /api/
  http-request redirect code 302 location /new/%[path,regsub(^/old/,)] if old
  http-request set-header x-internal 1 if { req.hdr(user-agent) -m found } { src 127.0.0.1 }
  use_backend api if api
  default_backend web
backend web
  mode http
  http-reuse always
  server s1 127.0.0.1:$BE
backend api
  mode http
  http-reuse always
  server s1 127.0.0.1:$BE
CONF

echo "building fulcrum (Release)..." >&2
dotnet build -c Release "$ROOT/appliance" -v q -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log"; exit 1; }
FULCRUM_DLL="$ROOT/appliance/bin/Release/net10.0/fulcrum.dll"

"${PIN0[@]}" nginx -c "$W/backend.conf" & echo $! >>"$W/pids"
"${PIN1[@]}" nginx -c "$W/nginxproxy.conf" & echo $! >>"$W/pids"
"${PIN1[@]}" haproxy -f "$W/haproxy.cfg" -db >/dev/null 2>&1 & echo $! >>"$W/pids"
FULCRUM_ADMIN_PASSWORD=bench-Secret-1 "${PIN1[@]}" dotnet "$FULCRUM_DLL" run --data "$W/data" --mgmt 127.0.0.1:$MGMT >"$W/fulcrum.log" 2>&1 & echo $! >>"$W/pids"
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$MGMT/healthz >/dev/null && break; sleep 0.2; done
api() { curl -sf -u admin:bench-Secret-1 -H 'content-type: application/json' -X POST "http://127.0.0.1:$MGMT$1" -d "$2" >/dev/null || echo "api $1 failed" >&2; }
api /api/v1/pools "{\"name\":\"be\",\"members\":[{\"address\":\"127.0.0.1\",\"port\":$BE}]}"
api /api/v1/virtuals "{\"name\":\"http\",\"destination\":\"127.0.0.1:$FUL\",\"pool\":\"be\",\"profiles\":[\"tcp\",\"http\",\"oneconnect\"]}"
api /api/v1/virtuals "{\"name\":\"l4\",\"destination\":\"127.0.0.1:$FUL4\",\"pool\":\"be\",\"profiles\":[\"tcp\"]}"
# The rule's pools hold the same backend; its virtual is the keep-alive one plus the rule.
for p in web api; do api /api/v1/pools "{\"name\":\"$p\",\"members\":[{\"address\":\"127.0.0.1\",\"port\":$BE}]}"; done
RULE_JSON=$(awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); printf "%s\\n", $0 }' "$ROOT/bench/rules/ten-line.js")
api /api/v1/rules "{\"name\":\"ten-line\",\"source\":\"$RULE_JSON\"}"
# TLS: the certificate, a client-ssl profile presenting it, and the keep-alive virtual's twin over TLS.
PEM_JSON=$(awk '{ printf "%s\\n", $0 }' "$W/cert.pem"); KEY_JSON=$(awk '{ printf "%s\\n", $0 }' "$W/key.pem")
api /api/v1/certificates "{\"name\":\"bench\",\"pem\":\"$PEM_JSON\",\"key\":\"$KEY_JSON\"}"
api /api/v1/profiles/client-ssl "{\"name\":\"bench-ssl\",\"certificate\":\"bench\"}"
api /api/v1/virtuals "{\"name\":\"https\",\"destination\":\"127.0.0.1:$FULS\",\"pool\":\"be\",\"profiles\":[\"tcp\",\"http\",\"oneconnect\",\"bench-ssl\"]}"
api /api/v1/virtuals "{\"name\":\"http-rule\",\"destination\":\"127.0.0.1:$FULR\",\"pool\":\"web\",\"profiles\":[\"tcp\",\"http\",\"oneconnect\"],\"rules\":[\"ten-line\"]}"
sleep 1

# CPU ticks (user+sys) of every process listening on a port.
ticks() {
  local port=$1 total=0 pid
  for pid in $(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    total=$((total + $(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null || echo 0)))
  done; echo $total
}
# 10 s: Fulcrum's JIT keeps tiering (PGO, then optimized code) for several seconds under load; the peers need none.
WARMUP_DEFAULT=${WARMUP:-10}; WARMUP=$WARMUP_DEFAULT
run() { # scenario name url conns [wrk args...]; leaves the CPU figure in LAST_US
  local scenario=$1 name=$2 url=$3 conns=$4; shift 4
  local port=${url##*:}; port=${port%%/*}
  "${PIN0[@]}" wrk -t$WRKT -c"$conns" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1   # warm-up (JIT tiers, pools), not counted
  local t0; t0=$(ticks "$port")
  local out; out=$("${PIN0[@]}" wrk -t$WRKT -c"$conns" -d"${SECS}s" --latency "$@" "$url" 2>&1)
  local t1; t1=$(ticks "$port")
  local rps p50 p99 reqs us errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
  us=$(awk -v t=$((t1-t0)) -v r="${reqs:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN{ if (r>0) printf "%.1f", t*1e6/hz/r; else print "na" }')
  LAST_US=$us
  printf "%-14s %-8s rps=%-10s p50=%-9s p99=%-9s cpu_us_per_req=%s %s\n" "$scenario" "$name" "$rps" "$p50" "$p99" "$us" "$errs"
}
l4() { # name port: one 1 GiB transfer through the proxy's L4 path
  local name=$1 port=$2
  local t0; t0=$(ticks "$port")
  local out; out=$("${PIN0[@]}" curl -s -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$port/1g")
  local t1; t1=$(ticks "$port")
  awk -v n="${out% *}" -v s="${out#* }" -v t=$((t1-t0)) -v hz="$(getconf CLK_TCK)" -v name="$name" \
    'BEGIN{ printf "%-14s %-8s MB/s=%-10.0f cpu_ms_per_GB=%.0f (bytes=%s)\n", "l4-1GB", name, n/s/1048576, t*1000/hz/(n/1073741824), n }'
}

handshakes() { # scenario name port [s_time args...]: openssl s_time for SECS seconds; proxy CPU per connection
  local scenario=$1 name=$2 port=$3; shift 3
  "${PIN0[@]}" openssl s_time -connect "127.0.0.1:$port" -www / -time 2 "$@" >/dev/null 2>&1   # warm-up
  local t0; t0=$(ticks "$port")
  local out; out=$("${PIN0[@]}" openssl s_time -connect "127.0.0.1:$port" -www / -time "$SECS" "$@" 2>&1)
  local t1; t1=$(ticks "$port")
  local n; n=$(awk '/connections in .* real seconds/ {print $1; exit}' <<<"$out")
  # s_time prints one character per connection: 'r' when the session was resumed, '*' when it was new.
  local r; r=$(tr -cd 'r*' <<<"$(grep -v 'connections\|timing\|starting' <<<"$out")" | awk '{ n = length($0); r = gsub(/r/, ""); printf "%.0f", n ? 100 * r / n : 0 }')
  awk -v n="${n:-0}" -v t=$((t1-t0)) -v hz="$(getconf CLK_TCK)" -v s="$SECS" -v sc="$scenario" -v name="$name" -v r="$r" \
    'BEGIN{ if (n>0) printf "%-14s %-8s conns/s=%-8.0f cpu_us_per_conn=%-8.1f resumed=%s%%\n", sc, name, n/s, t*1e6/hz/n, r; else printf "%-14s %-8s failed (no connection completed)\n", sc, name }'
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cpu ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "versions: $(nginx -v 2>&1 | cut -d/ -f2), haproxy $(haproxy -v | head -1 | awk '{print $3}'), dotnet $(dotnet --version)"
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }
has keepalive && for t in "direct=$BE" "nginx=$NGX" "haproxy=$HAP" "fulcrum=$FUL"; do run keepalive "${t%%=*}" "http://127.0.0.1:${t#*=}/" "$CONNS"; done
has new-conn && for t in "direct=$BE" "nginx=$NGX" "haproxy=$HAP" "fulcrum=$FUL"; do run new-conn "${t%%=*}" "http://127.0.0.1:${t#*=}/" "$CONNS" -H "Connection: close"; done
has 1MB && for t in "direct=$BE" "nginx=$NGX" "haproxy=$HAP" "fulcrum=$FUL"; do run 1MB "${t%%=*}" "http://127.0.0.1:${t#*=}/1m" 16; done
if has tls; then
  for t in "nginx=$NGXS" "haproxy=$HAPS" "fulcrum=$FULS"; do handshakes tls13-full "${t%%=*}" "${t#*=}" -new -tls1_3; done
  for t in "nginx=$NGXS" "haproxy=$HAPS" "fulcrum=$FULS"; do handshakes tls12-full "${t%%=*}" "${t#*=}" -new -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256; done
  for t in "nginx=$NGXS" "haproxy=$HAPS" "fulcrum=$FULS"; do handshakes tls13-resumed "${t%%=*}" "${t#*=}" -reuse -tls1_3; done
  for t in "nginx=$NGXS" "haproxy=$HAPS" "fulcrum=$FULS"; do handshakes tls12-resumed "${t%%=*}" "${t#*=}" -reuse -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256; done
  for t in "nginx=$NGXS" "haproxy=$HAPS" "fulcrum=$FULS"; do run tls-keepalive "${t%%=*}" "https://127.0.0.1:${t#*=}/" "$CONNS"; done
fi
if has l4; then
  l4 direct $BE; l4 haproxy $HAP4; l4 fulcrum $FUL4
  echo "nginx L4: not measured (this nginx build has no stream module)"
fi

# The rule's cost: keep-alive with a User-Agent (the rule reads it), Fulcrum without and with the rule alternated
# ROUNDS times (the difference is a few percent of the total, smaller than the drift between runs on a busy machine),
# haproxy without and with its http-request rules before and after. Added CPU per request = with - without, per round;
# the median of the rounds is reported.
if has rule; then
  UA=(-H "User-Agent: wrk-bench")
  curl -sf -o /dev/null -A wrk-bench "http://127.0.0.1:$FULR/" || echo "the rule virtual does not answer" >&2
  run rule-keepalive haproxy "http://127.0.0.1:$HAP/" "$CONNS" "${UA[@]}"; hap=$LAST_US
  run rule-keepalive hap+rule "http://127.0.0.1:$HAPR/" "$CONNS" "${UA[@]}"; hapr=$LAST_US
  # Both virtuals warmed first, unmeasured: the JIT tiers Fulcrum's code for a while, and the first round would pay it.
  for port in $FUL $FULR; do "${PIN0[@]}" wrk -t$WRKT -c"$CONNS" -d10s "${UA[@]}" "http://127.0.0.1:$port/" >/dev/null 2>&1; done
  diffs=()
  for r in $(seq 1 "$ROUNDS"); do
    # Alternate the order (A B, B A, ...) so a drift during the run (tiering, the machine's load) does not favour one side.
    if (( r % 2 )); then
      run rule-keepalive fulcrum "http://127.0.0.1:$FUL/" "$CONNS" "${UA[@]}"; without=$LAST_US
      run rule-keepalive ful+rule "http://127.0.0.1:$FULR/" "$CONNS" "${UA[@]}"; with=$LAST_US
    else
      run rule-keepalive ful+rule "http://127.0.0.1:$FULR/" "$CONNS" "${UA[@]}"; with=$LAST_US
      run rule-keepalive fulcrum "http://127.0.0.1:$FUL/" "$CONNS" "${UA[@]}"; without=$LAST_US
    fi
    diffs+=("$(awk -v a="$with" -v b="$without" 'BEGIN{ printf "%.2f", a-b }')")
    WARMUP=2   # the later rounds need only refill the connection pools
  done
  run rule-keepalive haproxy "http://127.0.0.1:$HAP/" "$CONNS" "${UA[@]}"; hap2=$LAST_US
  run rule-keepalive hap+rule "http://127.0.0.1:$HAPR/" "$CONNS" "${UA[@]}"; hapr2=$LAST_US
  WARMUP=$WARMUP_DEFAULT
  printf '%s\n' "${diffs[@]}" | sort -g | awk -v all="${diffs[*]}" -v h1="$hap" -v h2="$hap2" -v r1="$hapr" -v r2="$hapr2" '
    { d[NR] = $1 }
    END {
      m = NR % 2 ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2; h = (h1 + h2) / 2
      printf "rule cost: fulcrum +%.2f us/req (median of the rounds: %s); haproxy %.1f us/req without rules, %+.2f with its http-request set\n", m, all, h, (r1 + r2) / 2 - h
      printf "rule cost as a share of haproxy CPU/request: %.1f%% (target <= 10%%)\n", 100 * m / h
    }'
fi
