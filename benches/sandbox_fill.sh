#!/usr/bin/env bash
# Long-lived sandbox benchmark: ROUNDS rounds of N tenants (one vars file each, each with its
# own run_id) × one workflow (the simple-login tutorial) against ONE `steprun sandbox` that
# keeps everything the rounds leave behind (activities, tokens, flows, sessions). Prints, per
# round: wall time and the sandbox process's CPU time (user + system, from /proc), which is
# the figure to watch: when a request's cost grows with what the sandbox holds, the later
# rounds take more sandbox CPU than the first.
#
#   benches/sandbox_fill.sh                    # 5 rounds of 200 tenants at --jobs 8
#   ROUNDS=10 N=400 JOBS=32 benches/sandbox_fill.sh
#   STEPRUN=path/to/steprun benches/sandbox_fill.sh
#
# Linux only (reads /proc/PID/stat).
set -euo pipefail

cd "$(dirname "$0")/.."
STEPRUN=${STEPRUN:-target/debug/steprun}
ROUNDS=${ROUNDS:-5}
N=${N:-200}
JOBS=${JOBS:-8}
WORKFLOW=${WORKFLOW:-workflows/sso/simple-login.toml}

[ -x "$STEPRUN" ] || { echo "no steprun at $STEPRUN (cargo build first, or set STEPRUN)" >&2; exit 2; }
[ -r /proc/self/stat ] || { echo "needs /proc (Linux)" >&2; exit 2; }

tmp=$(mktemp -d)
# shellcheck source=benches/sandbox_process.sh
. benches/sandbox_process.sh
start_sandbox

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$sandbox_pid/stat"; }

printf '%-6s %-8s %-5s %10s %16s\n' round tenants jobs wall_s sandbox_cpu_s
for r in $(seq 1 "$ROUNDS"); do
  mkdir -p "$tmp/r$r"
  for i in $(seq 1 "$N"); do
    printf 'run_id = "fill%s-%s"\n' "$r" "$i" >"$tmp/r$r/tenant$i.toml"
  done
  c0=$(cpu_ticks)
  s0=$(date +%s.%N)
  if ! "$STEPRUN" run "$WORKFLOW" --vars "$tmp/sandbox.toml" --matrix "$tmp/r$r/*.toml" \
      --jobs "$JOBS" --color never >"$tmp/out" 2>&1; then
    echo "round $r failed:" >&2
    tail -20 "$tmp/out" >&2
    exit 1
  fi
  s1=$(date +%s.%N)
  c1=$(cpu_ticks)
  awk -v r="$r" -v n="$N" -v j="$JOBS" -v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" -v t="$ticks" 'BEGIN {
    printf "%-6d %-8d %-5d %10.2f %16.2f\n", r, n, j, s1 - s0, (c1 - c0) / t
  }'
done
