#!/bin/sh
# keepalived's track_script for a fulcrum box: exit 0 when the appliance on data directory $1 is healthy.
# Cheap on purpose (no .NET start-up; keepalived runs it every second): the appliance itself judges its health
# (running generation = the store's current one, every enabled standard virtual listening) and rewrites
# cluster-state.json every second; this script only checks that the verdict is fresh, from a live process, and healthy.
# `fulcrum cluster check --data DIR` makes the same judgement from outside, with the reason, for operators.
f="$1/cluster-state.json"
[ -f "$f" ] || exit 1
age=$(( $(date +%s) - $(stat -c %Y "$f") ))
[ "$age" -le 3 ] || exit 1
pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$f")
[ -n "$pid" ] || exit 1
state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
case "$state" in ''|Z|X) exit 1 ;; esac
grep -q '"healthy":true' "$f"
