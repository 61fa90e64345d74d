#!/bin/sh
# Health monitors at scale: 2,000 members (100 loopback addresses x 20 ports) at a 1 s interval in the real
# appliance; prints the appliance's CPU and thread count. Figures are recorded in docs/HEALTH.md.
set -e
cd "$(dirname "$0")/.."
dotnet build Fulcrum.slnx -v q --nologo
FULCRUM_SCALE=1 dotnet test Fulcrum.slnx --no-build --filter "Category=Scale" --logger "console;verbosity=detailed" | grep -E "HEALTH-SCALE|Passed|Failed"
